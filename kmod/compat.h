/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place in xfrmwhy that knows kernel versions.  Everything else
 * asks for features.  Where a feature cannot be told from the version
 * (distribution backports), Kbuild's conftests define XFRMWHY_CT_* after
 * looking at the headers actually being built against.
 */
#ifndef _XFRMWHY_COMPAT_H
#define _XFRMWHY_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>
#include <net/xfrm.h>

/* sec_path.verified_cnt and the matching xfrm_policy_ok() rule (6.4,
 * backported to several stable lines, Debian's 5.10 among them).
 */
#ifdef XFRMWHY_CT_VERIFIED_CNT
#define XFRMWHY_HAVE_VERIFIED_CNT 1
#endif

/*
 * Packet-offload policies (6.2): whether a policy is offloaded that way,
 * shown with it.  Whether the check then compared its templates is read
 * off the counter that moved, not modelled.
 */
#ifdef XFRMWHY_CT_POLICY_PACKET_OFFLOAD
#define XFRMWHY_HAVE_POLICY_PACKET_OFFLOAD 1
#endif

static inline bool xw_pol_packet_offload(const struct xfrm_policy *pol)
{
#ifdef XFRMWHY_HAVE_POLICY_PACKET_OFFLOAD
	return pol->xdo.type == XFRM_DEV_OFFLOAD_PACKET;
#else
	return false;
#endif
}

/* __xfrm_decode_session() gained a struct net * first argument (6.8). */
static inline int xw_decode_session(struct net *net, struct sk_buff *skb,
				    struct flowi *fl, unsigned int family,
				    int reverse)
{
#ifdef XFRMWHY_CT_DECODE_SESSION_NET
	return __xfrm_decode_session(net, skb, fl, family, reverse);
#else
	return __xfrm_decode_session(skb, fl, family, reverse);
#endif
}

/* The parsed attributes of a dump request moved to genl_info_dump() (6.2). */
#ifdef XFRMWHY_CT_GENL_INFO_DUMP
#define xw_dump_attrs(cb) (genl_info_dump(cb)->attrs)
#else
#define xw_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

/*
 * struct nla_policy points to const ranges (6.2); the generated policy
 * (netlink-gen.c) hands NLA_POLICY_FULL_RANGE() const ones.  Before, the
 * same macro with the cast: the kernel only reads them.
 */
#ifndef XFRMWHY_CT_NLA_RANGE_CONST
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}
#endif

/*
 * Multicast groups that require CAP_NET_ADMIN over the listener's netns
 * (6.7, backported to 6.1.y and others).  Without it genl_bind() checks
 * nothing, so events are not multicast at all (see netlink.c).
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define XFRMWHY_MCGRP_PERM GENL_MCAST_CAP_NET_ADMIN
#define XFRMWHY_HAVE_MCGRP_PERM 1
#else
#define XFRMWHY_MCGRP_PERM 0
#endif

/*
 * The per-CPU system workqueue, by its current name: 7.x logs "enqueued on
 * deprecated workqueue" for work queued on system_wq.
 */
#ifdef XFRMWHY_CT_SYSTEM_PERCPU_WQ
#define xw_system_wq system_percpu_wq
#else
#define xw_system_wq system_wq
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "xfrmwhy needs Linux 5.10 or later"
#endif

#endif /* _XFRMWHY_COMPAT_H */
