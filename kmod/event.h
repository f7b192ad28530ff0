/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event as it sits in a ring: one rejection, copied out of the
 * kernel's objects by explain.c, kept by ring.c and sent by netlink.c.
 * Types only, the bottom layer: every other file may include it.
 */
#ifndef _XFRMWHY_EVENT_H
#define _XFRMWHY_EVENT_H

#include <linux/types.h>
#include <linux/if.h>
#include "uapi/linux/xfrmwhy.h"
#include "tmpl_diff.h"

struct xw_sel {
	struct xw_addr src, dst;
	u32 ifindex;
	u16 sport, sport_mask, dport, dport_mask;
	u8 family, src_len, dst_len, proto;
};

/*
 * An SA's attributes from output-mark on are facts no rule reads, each a
 * u32 copied at the drop (copy_facts() in explain.c) and sent as it is,
 * in attribute order: one line there and the spec carry a new one to the
 * CLI, which prints the attributes it does not word by their spec names.
 */
#define XW_SA_FACT0		XFRMWHY_SA_A_OUTPUT_MARK
#define XW_SA_NFACTS		(XFRMWHY_SA_A_MAX - XW_SA_FACT0 + 1)
#define XW_SA_FACT(attr)	((attr) - XW_SA_FACT0)

struct xw_sa {
	struct xw_sa_info i;
	struct xw_sel sel;
	u32 fact[XW_SA_NFACTS];	/* by XW_SA_FACT(attribute) */
};

struct xw_pol {
	u32 index, priority, mark, mask, if_id;
	struct xw_sel sel;
	u8 dir, action, type, ntmpl;
	bool socket, dead, packet_offload;
};

/* The IPsec packet as it arrived, for drops before decryption. */
struct xw_outer {
	struct xw_addr src, dst;
	u32 spi, seq, mark;
	u8 proto;
	bool present, has_seq;
};

/* One policy lookup of the check, as it returned. */
struct xw_lookup_info {
	u32 index;		/* of the policy found */
	u32 if_id;
	u32 error;		/* positive errno */
	u8 type;		/* XFRMWHY_LOOKUP_TYPE_* */
	u8 result;		/* XFRMWHY_LOOKUP_RESULT_* */
};

struct xw_flow {
	struct xw_addr src, dst;
	u32 mark;
	u32 oif;		/* as decoded: selectors may name an ifindex */
	u16 sport, dport;
	u8 proto, icmp_type, icmp_code;
	bool decoded, ports, icmp;
};

/* One rejection, copied out of the kernel's objects at the moment of it. */
struct xw_event {
	u64 seq, time_ns;
	u64 netns_id;		/* xw_net.id: never reused, unlike the inode */
	u32 cpu, netns, ifindex, lookup_if_id;
	char ifname[IFNAMSIZ];
	u8 dir, family, reason, nsa, npols, ntmpl, nlookup;
	bool exact;
	bool netns_gone;	/* set as it is read (ring.c: slot_gone()) */
	s8 extra;		/* secpath index of a leftover tunnel SA, -1 */
	s8 failed;		/* the template the check failed on, -1 */
	struct xw_flow flow;
	struct xw_outer outer;
	struct xw_sa sa[XW_MAX_DEPTH];
	struct xw_pol pol[2];
	struct xw_tmpl_info tmpl[XW_MAX_DEPTH];
	struct xw_tmpl_result res[XW_MAX_DEPTH];
	struct xw_lookup_info lookup[XFRMWHY_MAX_LOOKUPS];
};

#endif /* _XFRMWHY_EVENT_H */
