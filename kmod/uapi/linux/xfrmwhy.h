/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * xfrmwhy: why did the kernel drop this inbound IPsec packet?
 *
 * Generic netlink family "xfrmwhy", version 1, multicast group "events".
 * Documentation/netlink/specs/xfrmwhy.yaml is the source of truth; this
 * header follows it attribute for attribute (make check compares them).
 *
 * Every event describes one rejection by the kernel's inbound xfrm policy
 * check (__xfrm_policy_check returning 0), i.e. one increment of one of the
 * XfrmIn* counters in /proc/net/xfrm_stat that the check bumps.  Events are
 * copies: nothing in them points back into the kernel, so they stay true
 * after SAs and policies change.
 *
 * Numbers are in host byte order (SPIs too), addresses are binary (4 or 16
 * bytes) next to a family attribute, u64 values are padded with
 * XFRMWHY_A_PAD-style attributes.  There are no fixed structs on the wire.
 *
 * Visibility: a caller sees the events, counters and configuration of its
 * own network namespace; a caller in the initial namespace sees all of
 * them (XFRMWHY_A_NETNS narrows that).  Every operation needs
 * CAP_NET_ADMIN in the initial user namespace, or, where the host set the
 * module parameter userns_capture, over the caller's network namespace.
 *
 * Accounting: per namespace, over any interval with capture on,
 *   recorded + lost + filtered == rise of the XfrmIn* counters the check bumps
 * where lost counts ring-full, rate-limited and untraceable rejections.
 */
#ifndef _UAPI_LINUX_XFRMWHY_H
#define _UAPI_LINUX_XFRMWHY_H

#define XFRMWHY_GENL_NAME		"xfrmwhy"
#define XFRMWHY_GENL_VERSION		1
#define XFRMWHY_MCGRP_EVENTS		"events"

/* Ring size bounds, in events per CPU. */
#define XFRMWHY_RING_MIN		16
#define XFRMWHY_RING_MAX		65536
#define XFRMWHY_RING_DEFAULT		256

/* The most SAs in a secpath and templates in a check (XFRM_MAX_DEPTH). */
#define XFRMWHY_MAX_DEPTH		6

/**
 * enum xfrmwhy_reason - which XfrmIn* counter the rejection bumped
 * @XFRMWHY_REASON_UNKNOWN: none of the counters below moved (a counter was
 *	bumped in another namespace, e.g. through an xfrm interface)
 * @XFRMWHY_REASON_TMPL_MISMATCH: XfrmInTmplMismatch
 * @XFRMWHY_REASON_NO_POLICY: XfrmInNoPols
 * @XFRMWHY_REASON_POLICY_BLOCK: XfrmInPolBlock
 * @XFRMWHY_REASON_STATE_MISMATCH: XfrmInStateMismatch
 * @XFRMWHY_REASON_HDR_ERROR: XfrmInHdrError
 * @XFRMWHY_REASON_POLICY_ERROR: XfrmInPolError
 * @XFRMWHY_REASON_BUFFER_ERROR: XfrmInBufferError (too many templates)
 */
enum xfrmwhy_reason {
	XFRMWHY_REASON_UNKNOWN,
	XFRMWHY_REASON_TMPL_MISMATCH,
	XFRMWHY_REASON_NO_POLICY,
	XFRMWHY_REASON_POLICY_BLOCK,
	XFRMWHY_REASON_STATE_MISMATCH,
	XFRMWHY_REASON_HDR_ERROR,
	XFRMWHY_REASON_POLICY_ERROR,
	XFRMWHY_REASON_BUFFER_ERROR,

	__XFRMWHY_REASON_CNT
};

/**
 * enum xfrmwhy_mismatch - bits of XFRMWHY_TMPL_A_MISMATCH: the fields in
 * which a template and the SA it was compared with disagree, by the rules
 * of the kernel's xfrm_state_ok() and xfrm_policy_ok()
 * @XFRMWHY_MISMATCH_PROTO: ESP vs AH vs IPComp
 * @XFRMWHY_MISMATCH_SPI: the template names an SPI and it differs
 * @XFRMWHY_MISMATCH_REQID: the template names a reqid and it differs
 * @XFRMWHY_MISMATCH_MODE: transport vs tunnel vs beet
 * @XFRMWHY_MISMATCH_TUNNEL_SRC: tunnel-mode SA with another outer source
 * @XFRMWHY_MISMATCH_TUNNEL_DST: reported for information only; the kernel
 *	does not compare outer destinations on input
 * @XFRMWHY_MISMATCH_ALGOS: the SA's auth algorithm is not in the mask
 * @XFRMWHY_MISMATCH_IF_ID: the xfrm interface id differs
 * @XFRMWHY_MISMATCH_MISSING: no SA was left for a required template
 * @XFRMWHY_MISMATCH_EXTRA: a tunnel-mode SA that no template accounts for
 * @XFRMWHY_MISMATCH_KERN: the SA is a kernel-internal tunnel state that
 *	only an optional template may match
 */
enum xfrmwhy_mismatch {
	XFRMWHY_MISMATCH_PROTO,
	XFRMWHY_MISMATCH_SPI,
	XFRMWHY_MISMATCH_REQID,
	XFRMWHY_MISMATCH_MODE,
	XFRMWHY_MISMATCH_TUNNEL_SRC,
	XFRMWHY_MISMATCH_TUNNEL_DST,
	XFRMWHY_MISMATCH_ALGOS,
	XFRMWHY_MISMATCH_IF_ID,
	XFRMWHY_MISMATCH_MISSING,
	XFRMWHY_MISMATCH_EXTRA,
	XFRMWHY_MISMATCH_KERN,

	__XFRMWHY_MISMATCH_CNT
};

/* Values of XFRMWHY_EV_A_DIR, as the kernel's XFRM_POLICY_IN/FWD. */
enum xfrmwhy_dir {
	XFRMWHY_DIR_IN = 0,
	XFRMWHY_DIR_FWD = 2,
};

/* Bits of XFRMWHY_A_FEATURES: what the module found in this kernel. */
enum xfrmwhy_feature {
	XFRMWHY_FEATURE_LOOKUP_PROBE,	/* lookup probes in place now */
	XFRMWHY_FEATURE_SK_LOOKUP_PROBE,/* socket policies seen too */
	XFRMWHY_FEATURE_VERIFIED_CNT,	/* sec_path.verified_cnt rules */
	XFRMWHY_FEATURE_SUB_POLICY,	/* CONFIG_XFRM_SUB_POLICY */
	XFRMWHY_FEATURE_POLICY_DEFAULT,	/* per-netns default block */
	XFRMWHY_FEATURE_NOTIFY,		/* events multicast (admin-only group) */
};

/* Values of XFRMWHY_A_HOOK_MODE. */
enum xfrmwhy_hook_mode {
	XFRMWHY_HOOK_EXACT,		/* the policy the kernel looked up */
	XFRMWHY_HOOK_APPROXIMATE,	/* no lookup probe: no policy data */
	XFRMWHY_HOOK_ON_DEMAND,		/* lookup probes while rejections come */
};

enum xfrmwhy_cmd {
	XFRMWHY_CMD_UNSPEC,
	XFRMWHY_CMD_STATUS_GET,		/* do: state, counters, features */
	XFRMWHY_CMD_CONFIG_SET,		/* do: enable/disable, size, filters */
	XFRMWHY_CMD_EVENTS_GET,		/* dump: drain (or peek) events */
	XFRMWHY_CMD_CLEAR,		/* do: discard buffered events */
	XFRMWHY_CMD_EVENT,		/* notification on "events" */

	__XFRMWHY_CMD_MAX,
	XFRMWHY_CMD_MAX = __XFRMWHY_CMD_MAX - 1
};

/* Top-level attributes ("main" attribute set). */
enum xfrmwhy_attr {
	XFRMWHY_A_UNSPEC,
	XFRMWHY_A_PAD,
	XFRMWHY_A_VERSION,		/* string: module version */
	XFRMWHY_A_ENABLED,		/* u8: capture on (config: 0/1) */
	XFRMWHY_A_RING_SIZE,		/* u32: events per CPU */
	XFRMWHY_A_NETNS,		/* u32: netns inode; scope of the op */
	XFRMWHY_A_FILTER_FAMILY,	/* u8: 0 any, AF_INET or AF_INET6 */
	XFRMWHY_A_FILTER_REASONS,	/* u32: mask of 1 << xfrmwhy_reason */
	XFRMWHY_A_RATE_LIMIT,		/* u32: events/s per CPU, 0 = none */
	XFRMWHY_A_HOOK_MODE,		/* u8: enum xfrmwhy_hook_mode */
	XFRMWHY_A_FEATURES,		/* u32: mask of 1 << xfrmwhy_feature */
	XFRMWHY_A_RECORDED,		/* u64: events written to a ring */
	XFRMWHY_A_LOST,			/* u64: rejections not recorded */
	XFRMWHY_A_FILTERED,		/* u64: rejections filtered out */
	XFRMWHY_A_BUFFERED,		/* u32: events waiting in the rings */
	XFRMWHY_A_MISSED,		/* u64: probe hits the kernel missed */
	XFRMWHY_A_CPU_STATS,		/* nest, multi: xfrmwhy_cpu_attr */
	XFRMWHY_A_EVENT,		/* nest: xfrmwhy_ev_attr */
	XFRMWHY_A_PEEK,			/* flag: dump without consuming */
	XFRMWHY_A_NOTIFY_LOST,		/* u64: notifications not delivered */
	XFRMWHY_A_ALL_NETNS,		/* flag: act on every netns (init only) */

	__XFRMWHY_A_MAX,
	XFRMWHY_A_MAX = __XFRMWHY_A_MAX - 1
};

/* Per-CPU counters ("cpu-stats" attribute set). */
enum xfrmwhy_cpu_attr {
	XFRMWHY_CPU_A_UNSPEC,
	XFRMWHY_CPU_A_PAD,
	XFRMWHY_CPU_A_CPU,		/* u32 */
	XFRMWHY_CPU_A_RECORDED,		/* u64 */
	XFRMWHY_CPU_A_LOST,		/* u64 */
	XFRMWHY_CPU_A_FILTERED,		/* u64 */
	XFRMWHY_CPU_A_BUFFERED,		/* u32 */

	__XFRMWHY_CPU_A_MAX,
	XFRMWHY_CPU_A_MAX = __XFRMWHY_CPU_A_MAX - 1
};

/* One event ("event" attribute set). */
enum xfrmwhy_ev_attr {
	XFRMWHY_EV_A_UNSPEC,
	XFRMWHY_EV_A_PAD,
	XFRMWHY_EV_A_SEQ,		/* u64: global sequence number */
	XFRMWHY_EV_A_TIME_NS,		/* u64: CLOCK_REALTIME, ns */
	XFRMWHY_EV_A_CPU,		/* u32 */
	XFRMWHY_EV_A_NETNS,		/* u32: netns inode number */
	XFRMWHY_EV_A_IFINDEX,		/* u32: skb->dev at the check */
	XFRMWHY_EV_A_IFNAME,		/* string */
	XFRMWHY_EV_A_DIR,		/* u8: enum xfrmwhy_dir */
	XFRMWHY_EV_A_FAMILY,		/* u8: AF_INET or AF_INET6 */
	XFRMWHY_EV_A_REASON,		/* u8: enum xfrmwhy_reason */
	XFRMWHY_EV_A_EXACT,		/* u8: 1 = policy as the kernel saw it */
	XFRMWHY_EV_A_FLOW,		/* nest: xfrmwhy_flow_attr */
	XFRMWHY_EV_A_SA,		/* nest, multi, outermost first */
	XFRMWHY_EV_A_POLICY,		/* nest: xfrmwhy_pol_attr */
	XFRMWHY_EV_A_TMPL,		/* nest, multi, in policy order */
	XFRMWHY_EV_A_LOOKUP_IF_ID,	/* u32: if_id the lookup used */
	XFRMWHY_EV_A_MAIN_POLICY,	/* nest: main policy after a sub-policy */

	__XFRMWHY_EV_A_MAX,
	XFRMWHY_EV_A_MAX = __XFRMWHY_EV_A_MAX - 1
};

/* The decoded flow ("flow" attribute set), as the kernel decoded it. */
enum xfrmwhy_flow_attr {
	XFRMWHY_FLOW_A_UNSPEC,
	XFRMWHY_FLOW_A_SRC,		/* binary: 4 or 16 bytes */
	XFRMWHY_FLOW_A_DST,		/* binary: 4 or 16 bytes */
	XFRMWHY_FLOW_A_PROTO,		/* u8: IP protocol number */
	XFRMWHY_FLOW_A_SPORT,		/* u16 */
	XFRMWHY_FLOW_A_DPORT,		/* u16 */
	XFRMWHY_FLOW_A_ICMP_TYPE,	/* u8 */
	XFRMWHY_FLOW_A_ICMP_CODE,	/* u8 */
	XFRMWHY_FLOW_A_MARK,		/* u32 */

	__XFRMWHY_FLOW_A_MAX,
	XFRMWHY_FLOW_A_MAX = __XFRMWHY_FLOW_A_MAX - 1
};

/* A selector ("selector" attribute set). */
enum xfrmwhy_sel_attr {
	XFRMWHY_SEL_A_UNSPEC,
	XFRMWHY_SEL_A_FAMILY,		/* u8 */
	XFRMWHY_SEL_A_SRC,		/* binary */
	XFRMWHY_SEL_A_DST,		/* binary */
	XFRMWHY_SEL_A_SRC_LEN,		/* u8: prefix length */
	XFRMWHY_SEL_A_DST_LEN,		/* u8: prefix length */
	XFRMWHY_SEL_A_PROTO,		/* u8: 0 = any */
	XFRMWHY_SEL_A_SPORT,		/* u16 */
	XFRMWHY_SEL_A_SPORT_MASK,	/* u16 */
	XFRMWHY_SEL_A_DPORT,		/* u16 */
	XFRMWHY_SEL_A_DPORT_MASK,	/* u16 */
	XFRMWHY_SEL_A_IFINDEX,		/* u32 */

	__XFRMWHY_SEL_A_MAX,
	XFRMWHY_SEL_A_MAX = __XFRMWHY_SEL_A_MAX - 1
};

/* One SA of the secpath ("sa" attribute set). */
enum xfrmwhy_sa_attr {
	XFRMWHY_SA_A_UNSPEC,
	XFRMWHY_SA_A_SPI,		/* u32 */
	XFRMWHY_SA_A_PROTO,		/* u8: IPPROTO_ESP, _AH, _COMP */
	XFRMWHY_SA_A_REQID,		/* u32 */
	XFRMWHY_SA_A_MODE,		/* u8: XFRM_MODE_* */
	XFRMWHY_SA_A_FAMILY,		/* u8: outer family */
	XFRMWHY_SA_A_SRC,		/* binary: outer source */
	XFRMWHY_SA_A_DST,		/* binary: outer destination */
	XFRMWHY_SA_A_IF_ID,		/* u32 */
	XFRMWHY_SA_A_SEL,		/* nest: xfrmwhy_sel_attr */
	XFRMWHY_SA_A_AALGO,		/* u8: SADB auth algorithm number */
	XFRMWHY_SA_A_KERN,		/* flag: kernel-internal tunnel state */

	__XFRMWHY_SA_A_MAX,
	XFRMWHY_SA_A_MAX = __XFRMWHY_SA_A_MAX - 1
};

/* The policy the kernel checked ("policy" attribute set). */
enum xfrmwhy_pol_attr {
	XFRMWHY_POL_A_UNSPEC,
	XFRMWHY_POL_A_INDEX,		/* u32 */
	XFRMWHY_POL_A_PRIORITY,		/* u32 */
	XFRMWHY_POL_A_DIR,		/* u8: enum xfrmwhy_dir */
	XFRMWHY_POL_A_ACTION,		/* u8: XFRM_POLICY_ALLOW / _BLOCK */
	XFRMWHY_POL_A_TYPE,		/* u8: XFRM_POLICY_TYPE_MAIN / _SUB */
	XFRMWHY_POL_A_SEL,		/* nest: xfrmwhy_sel_attr */
	XFRMWHY_POL_A_MARK,		/* u32 */
	XFRMWHY_POL_A_MASK,		/* u32 */
	XFRMWHY_POL_A_IF_ID,		/* u32 */
	XFRMWHY_POL_A_SOCKET,		/* flag: a per-socket policy */
	XFRMWHY_POL_A_DEAD,		/* flag: deleted while checked */

	__XFRMWHY_POL_A_MAX,
	XFRMWHY_POL_A_MAX = __XFRMWHY_POL_A_MAX - 1
};

/* One template and how it fared ("tmpl" attribute set). */
enum xfrmwhy_tmpl_attr {
	XFRMWHY_TMPL_A_UNSPEC,
	XFRMWHY_TMPL_A_PROTO,		/* u8 */
	XFRMWHY_TMPL_A_SPI,		/* u32: 0 = any */
	XFRMWHY_TMPL_A_REQID,		/* u32: 0 = any */
	XFRMWHY_TMPL_A_MODE,		/* u8 */
	XFRMWHY_TMPL_A_FAMILY,		/* u8: encap family */
	XFRMWHY_TMPL_A_SRC,		/* binary */
	XFRMWHY_TMPL_A_DST,		/* binary */
	XFRMWHY_TMPL_A_OPTIONAL,	/* u8 */
	XFRMWHY_TMPL_A_AALGOS,		/* u32: auth algorithm mask */
	XFRMWHY_TMPL_A_ALLALGS,		/* u8 */
	XFRMWHY_TMPL_A_COMPARED,	/* u32: secpath index; absent = none */
	XFRMWHY_TMPL_A_MISMATCH,	/* u32: mask of 1 << xfrmwhy_mismatch */
	XFRMWHY_TMPL_A_EVALUATED,	/* u8: 1 if the kernel reached it */

	__XFRMWHY_TMPL_A_MAX,
	XFRMWHY_TMPL_A_MAX = __XFRMWHY_TMPL_A_MAX - 1
};

#endif /* _UAPI_LINUX_XFRMWHY_H */
