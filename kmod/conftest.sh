#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# conftest.sh SRCTREE: print -D flags for the features that the kernel
# headers in SRCTREE have (see compat.h).  Reads headers; compiles nothing.
h=$1/include
has() { grep -qE "$2" "$h/$1" 2>/dev/null && printf ' -D%s' "$3"; }
has net/xfrm.h 'verified_cnt' XFRMWHY_CT_VERIFIED_CNT
has net/xfrm.h '__xfrm_decode_session\(struct net' XFRMWHY_CT_DECODE_SESSION_NET
has net/genetlink.h 'genl_info_dump\(' XFRMWHY_CT_GENL_INFO_DUMP
echo
