// SPDX-License-Identifier: GPL-2.0
/*
 * The approximation used when the policy lookups cannot be probed (the
 * symbol is missing, or lookup_probes=0): the policy is looked up again,
 * from process context when the event is read, by walking the SPD with the
 * kernel's matching rules (direction, selector, mark, if_id, lowest
 * priority value, oldest first among equals).  The SPD may have changed
 * since the drop, so such events keep exact = false.
 */
#include <net/ip.h>
#include <net/xfrm.h>
#include "uapi/linux/xfrmwhy.h"
#include "approx.h"
#include "event.h"
#include "explain.h"

struct xw_walk {
	struct xw_event *ev;
	struct flowi fl;
	bool found;
	u32 priority;
};

/* xfrm_selector_match() is not exported: the same rules, restated. */
static bool sel_match(const struct xfrm_selector *sel, const struct flowi *fl,
		      u16 family)
{
	const union flowi_uli *uli;
	__be16 sport, dport;
	u8 proto;
	int oif;

	if (family == AF_INET) {
		const struct flowi4 *fl4 = &fl->u.ip4;

		if (!addr4_match(fl4->daddr, sel->daddr.a4, sel->prefixlen_d) ||
		    !addr4_match(fl4->saddr, sel->saddr.a4, sel->prefixlen_s))
			return false;
		uli = &fl4->uli;
		proto = fl4->flowi4_proto;
		oif = fl4->flowi4_oif;
	} else {
		const struct flowi6 *fl6 = &fl->u.ip6;

		if (!addr_match(&fl6->daddr, &sel->daddr, sel->prefixlen_d) ||
		    !addr_match(&fl6->saddr, &sel->saddr, sel->prefixlen_s))
			return false;
		uli = &fl6->uli;
		proto = fl6->flowi6_proto;
		oif = fl6->flowi6_oif;
	}
	sport = xfrm_flowi_sport(fl, uli);
	dport = xfrm_flowi_dport(fl, uli);
	return !((dport ^ sel->dport) & sel->dport_mask) &&
	       !((sport ^ sel->sport) & sel->sport_mask) &&
	       (proto == sel->proto || !sel->proto) &&
	       (oif == sel->ifindex || !sel->ifindex);
}

static int walk_one(struct xfrm_policy *pol, int dir, int count, void *data)
{
	struct xw_walk *w = data;
	struct xw_event *ev = w->ev;
	struct xfrm_policy *pols[1] = { pol };

	if (dir != ev->dir || pol->type != XFRM_POLICY_TYPE_MAIN ||
	    pol->family != ev->family || pol->if_id != ev->lookup_if_id ||
	    (ev->flow.mark & pol->mark.m) != pol->mark.v ||
	    !sel_match(&pol->selector, &w->fl, ev->family))
		return 0;
	/* policy_all lists the newest first: on equal priority the kernel
	 * keeps the oldest, which is the last one seen here.
	 */
	if (w->found && pol->priority > w->priority)
		return 0;
	w->found = true;
	w->priority = pol->priority;
	ev->npols = 0;
	ev->ntmpl = 0;
	xw_fill_policies(ev, pols, 1, ev->dir, false);
	return 0;
}

static void flow_to_flowi(const struct xw_event *ev, struct flowi *fl)
{
	const struct xw_flow *f = &ev->flow;

	memset(fl, 0, sizeof(*fl));
	if (ev->family == AF_INET) {
		struct flowi4 *fl4 = &fl->u.ip4;

		memcpy(&fl4->saddr, f->src.b, 4);
		memcpy(&fl4->daddr, f->dst.b, 4);
		fl4->flowi4_proto = f->proto;
		fl4->flowi4_mark = f->mark;
		fl4->flowi4_oif = f->oif;
		if (f->icmp) {
			fl4->fl4_icmp_type = f->icmp_type;
			fl4->fl4_icmp_code = f->icmp_code;
		} else {
			fl4->fl4_sport = htons(f->sport);
			fl4->fl4_dport = htons(f->dport);
		}
	} else {
		struct flowi6 *fl6 = &fl->u.ip6;

		memcpy(&fl6->saddr, f->src.b, 16);
		memcpy(&fl6->daddr, f->dst.b, 16);
		fl6->flowi6_proto = f->proto;
		fl6->flowi6_mark = f->mark;
		fl6->flowi6_oif = f->oif;
		if (f->icmp) {
			fl6->fl6_icmp_type = f->icmp_type;
			fl6->fl6_icmp_code = f->icmp_code;
		} else {
			fl6->fl6_sport = htons(f->sport);
			fl6->fl6_dport = htons(f->dport);
		}
	}
}

/**
 * xw_approximate() - look the policy of an inexact event up in the SPD
 * @ev: an event recorded without the lookup probes
 * @net: the event's namespace
 *
 * Process context only (takes the SPD lock).  Only reasons reached after
 * a policy was found get one; the templates are then evaluated as in
 * xw_explain(), without the secpath's verified count.
 */
void xw_approximate(struct xw_event *ev, struct net *net)
{
	struct xfrm_policy_walk walk;
	struct xw_walk w = { .ev = ev };

	if (ev->exact || ev->npols)
		return;
	if (ev->reason != XFRMWHY_REASON_TMPL_MISMATCH &&
	    ev->reason != XFRMWHY_REASON_POLICY_BLOCK &&
	    ev->reason != XFRMWHY_REASON_BUFFER_ERROR)
		return;
	flow_to_flowi(ev, &w.fl);
	xfrm_policy_walk_init(&walk, XFRM_POLICY_TYPE_MAIN);
	xfrm_policy_walk(net, &walk, walk_one, &w);
	xfrm_policy_walk_done(&walk, net);
	if (w.found)
		xw_explain(ev, NULL, ev->lookup_if_id);
}
