/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's inbound template rules (xfrm_state_ok(), xfrm_policy_ok(),
 * secpath_has_nontransport() and xfrm_tmpl_sort()) restated over plain
 * copies, so that they can say *which* fields disagreed.  This file and
 * tmpl_diff.c build both in the module and on the host, where the unit
 * tests run the very same code.
 */
#ifndef _XFRMWHY_TMPL_DIFF_H
#define _XFRMWHY_TMPL_DIFF_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef int8_t s8;
#endif

#include "uapi/linux/xfrmwhy.h"

/* XFRM_MAX_DEPTH: the module checks that they agree (explain.c). */
#define XW_MAX_DEPTH	XFRMWHY_MAX_DEPTH

/* Values as in <linux/xfrm.h> and <linux/in.h>; repeated for the host. */
#define XW_MODE_TRANSPORT		0
#define XW_MODE_TUNNEL			1
#define XW_MODE_ROUTEOPTIMIZATION	2
#define XW_MODE_IN_TRIGGER		3
#define XW_MODE_BEET			4
#define XW_MODE_IPTFS			5	/* 6.14 */
#define XW_PROTO_ESP			50
#define XW_PROTO_AH			51
#define XW_PROTO_COMP			108
#define XW_AF_INET			2
#define XW_AF_INET6			10

struct xw_addr {
	u8 b[16];
};

/* What the rules read of one SA of the secpath. */
struct xw_sa_info {
	u32 spi;		/* host order */
	u32 reqid;
	u32 if_id;
	u8 proto;
	u8 mode;
	u8 family;		/* outer family */
	u8 aalgo;
	bool kern;		/* xfrm_state_kern(): tunnel_users != 0 */
	struct xw_addr src;	/* props.saddr */
	struct xw_addr dst;	/* id.daddr */
};

/* What the rules read of one template. */
struct xw_tmpl_info {
	u32 spi;
	u32 reqid;
	u32 aalgos;
	u8 proto;
	u8 mode;
	u8 family;		/* encap_family */
	bool optional;
	bool allalgs;
	struct xw_addr src;	/* saddr */
	struct xw_addr dst;	/* id.daddr */
};

/* Which rule variants this kernel has (set from compat.h feature macros). */
struct xw_rules {
	bool verified_cnt;	/* xfrm_policy_ok() skips verified SAs */
	bool ipv6_mip6;		/* xfrm6 sort knows route optimization */
};

/* The outcome for one template, in the policy's order. */
struct xw_tmpl_result {
	s8 compared;		/* secpath index, -1 for none */
	bool evaluated;		/* the kernel reached this template */
	u32 mismatch;		/* mask of 1 << enum xfrmwhy_mismatch */
};

struct xw_diff {
	/* inputs */
	const struct xw_sa_info *sa;	/* secpath, xvec order */
	int nsa;
	int verified_cnt;
	const struct xw_tmpl_info *tmpl;	/* all policies, in order */
	int ntmpl;
	int npols;			/* > 1: templates get sorted */
	u16 family;			/* family of the check */
	u32 if_id;			/* if_id of the lookup */
	struct xw_rules rules;
	/* outputs */
	struct xw_tmpl_result res[XW_MAX_DEPTH];
	int extra;			/* leftover tunnel SA index or -1 */
	int failed;			/* the template the check failed on, or -1 */
	bool accept;			/* the kernel's verdict on templates */
};

u32 xw_state_mismatch(const struct xw_tmpl_info *t, const struct xw_sa_info *x,
		      u16 family, u32 if_id);
void xw_tmpl_diff(struct xw_diff *d);

#endif /* _XFRMWHY_TMPL_DIFF_H */
