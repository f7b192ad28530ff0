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
# The policy's range pointers are const (6.2); YNL's generated ranges are.
has net/netlink.h 'const struct netlink_range_validation \*range;' XFRMWHY_CT_NLA_RANGE_CONST
# Packet offload's receive path (6.2): xfrm_policy_check() consumes the
# secpath of packets the hardware handled, and __xfrm_policy_check() passes
# a packet-offload policy's packets that have none.  Some 6.1 stable trees
# have the enum value without that path, so look for the path itself.
has net/xfrm.h 'xso\.type == XFRM_DEV_OFFLOAD_PACKET' XFRMWHY_CT_POLICY_PACKET_OFFLOAD
# system_wq became system_percpu_wq (6.17; 7.x warns once when work is
# queued on the old name); some stable trees carry the new name too.
has linux/workqueue.h 'struct workqueue_struct \*system_percpu_wq;' XFRMWHY_CT_SYSTEM_PERCPU_WQ
echo
