// SPDX-License-Identifier: GPL-2.0
/*
 * Copying the kernel's objects into an event, and evaluating the policy's
 * templates against the secpath with the kernel's own rules (tmpl_diff.c).
 * Runs in the packet path on rejections only: copies, no allocation, no
 * locks; pointers are not kept past the call.
 */
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <net/xfrm.h>
#include "uapi/linux/xfrmwhy.h"
#include "event.h"
#include "explain.h"
#include "tmpl_diff.h"

static void copy_addr(struct xw_addr *dst, const xfrm_address_t *src,
		      u16 family)
{
	memset(dst, 0, sizeof(*dst));
	memcpy(dst->b, src, family == AF_INET ? 4 : 16);
}

static void copy_sel(struct xw_sel *d, const struct xfrm_selector *s)
{
	d->family = s->family;
	copy_addr(&d->src, &s->saddr, s->family);
	copy_addr(&d->dst, &s->daddr, s->family);
	d->src_len = s->prefixlen_s;
	d->dst_len = s->prefixlen_d;
	d->proto = s->proto;
	d->sport = ntohs(s->sport);
	d->sport_mask = ntohs(s->sport_mask);
	d->dport = ntohs(s->dport);
	d->dport_mask = ntohs(s->dport_mask);
	d->ifindex = s->ifindex;
}

/* From the IP header alone, when the kernel could not decode the session. */
static void flow_from_header(struct xw_flow *f, struct sk_buff *skb,
			     u16 family)
{
	if (family == AF_INET &&
	    skb_network_header(skb) + sizeof(struct iphdr) <= skb_tail_pointer(skb)) {
		const struct iphdr *iph = ip_hdr(skb);

		memcpy(f->src.b, &iph->saddr, 4);
		memcpy(f->dst.b, &iph->daddr, 4);
		f->proto = iph->protocol;
	} else if (family == AF_INET6 &&
		   skb_network_header(skb) + sizeof(struct ipv6hdr) <=
		   skb_tail_pointer(skb)) {
		const struct ipv6hdr *ip6 = ipv6_hdr(skb);

		memcpy(f->src.b, &ip6->saddr, 16);
		memcpy(f->dst.b, &ip6->daddr, 16);
		f->proto = ip6->nexthdr;
	}
}

static bool proto_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

/**
 * xw_fill_flow() - the flow as the kernel's check decoded it
 * @ev: the event
 * @net: namespace of the check
 * @skb: the packet
 * @family: AF_INET or AF_INET6
 * @reverse: the check's reverse flag
 */
void xw_fill_flow(struct xw_event *ev, struct net *net, struct sk_buff *skb,
		  u16 family, int reverse)
{
	struct xw_flow *f = &ev->flow;
	struct flowi fl;

	f->mark = skb->mark;
	if (xw_decode_session(net, skb, &fl, family, reverse) < 0) {
		flow_from_header(f, skb, family);
		return;
	}
	/*
	 * As the check does: a NATed packet is matched with the addresses
	 * and ports it had before NAT (its conntrack's original tuple).
	 */
	nf_nat_decode_session(skb, &fl, family);
	f->decoded = true;
	if (family == AF_INET) {
		memcpy(f->src.b, &fl.u.ip4.saddr, 4);
		memcpy(f->dst.b, &fl.u.ip4.daddr, 4);
		f->proto = fl.u.ip4.flowi4_proto;
		f->sport = ntohs(fl.u.ip4.fl4_sport);
		f->dport = ntohs(fl.u.ip4.fl4_dport);
		f->icmp_type = fl.u.ip4.fl4_icmp_type;
		f->icmp_code = fl.u.ip4.fl4_icmp_code;
		f->icmp = f->proto == IPPROTO_ICMP;
		f->oif = fl.u.ip4.flowi4_oif;
	} else {
		memcpy(f->src.b, &fl.u.ip6.saddr, 16);
		memcpy(f->dst.b, &fl.u.ip6.daddr, 16);
		f->proto = fl.u.ip6.flowi6_proto;
		f->sport = ntohs(fl.u.ip6.fl6_sport);
		f->dport = ntohs(fl.u.ip6.fl6_dport);
		f->icmp_type = fl.u.ip6.fl6_icmp_type;
		f->icmp_code = fl.u.ip6.fl6_icmp_code;
		f->icmp = f->proto == IPPROTO_ICMPV6;
		f->oif = fl.u.ip6.flowi6_oif;
	}
	f->ports = proto_has_ports(f->proto);
	if (f->icmp) {
		/* The flowi keeps ICMP type/code where ports would be. */
		f->sport = 0;
		f->dport = 0;
	}
}

/**
 * xw_fill_outer() - copy the IPsec packet as the state stage saw it
 * @ev: the event
 * @skb: the packet, its network header the outer IP header
 * @family: the outer family
 * @spi: the SPI the state lookup used (network order)
 * @seq: the header's sequence number (network order), if @has_seq
 * @has_seq: the header has one (ESP, AH)
 *
 * The protocol is the outer header's: after UDP decapsulation the kernel
 * has rewritten it to ESP there, and IPv6's is the byte at IP6CB's nhoff.
 */
void xw_fill_outer(struct xw_event *ev, struct sk_buff *skb, u16 family,
		   __be32 spi, __be32 seq, bool has_seq)
{
	struct xw_outer *o = &ev->outer;
	struct xw_flow f = { };

	flow_from_header(&f, skb, family);
	o->present = true;
	o->src = f.src;
	o->dst = f.dst;
	o->proto = f.proto;
	if (family == AF_INET6 &&
	    skb_network_header(skb) + IP6CB(skb)->nhoff < skb_tail_pointer(skb))
		o->proto = skb_network_header(skb)[IP6CB(skb)->nhoff];
	o->spi = ntohl(spi);
	o->seq = ntohl(seq);
	o->has_seq = has_seq;
	o->mark = skb->mark;
}

/* The SA's facts (event.h): one line per attribute, in any order. */
static void copy_facts(u32 *f, const struct xfrm_state *x)
{
	f[XW_SA_FACT(XFRMWHY_SA_A_OUTPUT_MARK)] = x->props.smark.v;
	f[XW_SA_FACT(XFRMWHY_SA_A_OUTPUT_MASK)] = x->props.smark.m;
}

/**
 * xw_fill_secpath() - copy every SA that decrypted the packet
 * @ev: the event
 * @sp: the skb's secpath, or NULL
 */
void xw_fill_secpath(struct xw_event *ev, const struct sec_path *sp)
{
	int i;

	/* tmpl_diff.h restates these for the host: they must not drift. */
	BUILD_BUG_ON(XW_MAX_DEPTH != XFRM_MAX_DEPTH);
	BUILD_BUG_ON(XW_MODE_TRANSPORT != XFRM_MODE_TRANSPORT);
	BUILD_BUG_ON(XW_MODE_TUNNEL != XFRM_MODE_TUNNEL);
	BUILD_BUG_ON(XW_MODE_ROUTEOPTIMIZATION != XFRM_MODE_ROUTEOPTIMIZATION);
	BUILD_BUG_ON(XW_MODE_IN_TRIGGER != XFRM_MODE_IN_TRIGGER);
	BUILD_BUG_ON(XW_MODE_BEET != XFRM_MODE_BEET);
	BUILD_BUG_ON(XW_PROTO_ESP != IPPROTO_ESP);
	BUILD_BUG_ON(XW_PROTO_AH != IPPROTO_AH);
	BUILD_BUG_ON(XW_PROTO_COMP != IPPROTO_COMP);
	BUILD_BUG_ON(XW_AF_INET != AF_INET);
	BUILD_BUG_ON(XW_AF_INET6 != AF_INET6);
	if (!sp)
		return;
	ev->nsa = min_t(int, sp->len, XW_MAX_DEPTH);
	for (i = 0; i < ev->nsa; i++) {
		const struct xfrm_state *x = sp->xvec[i];
		struct xw_sa *s = &ev->sa[i];

		s->i.spi = ntohl(x->id.spi);
		s->i.proto = x->id.proto;
		s->i.reqid = x->props.reqid;
		s->i.mode = x->props.mode;
		s->i.family = x->props.family;
		s->i.aalgo = x->props.aalgo;
		s->i.if_id = x->if_id;
		s->i.kern = xfrm_state_kern(x);
		copy_addr(&s->i.src, &x->props.saddr, x->props.family);
		copy_addr(&s->i.dst, &x->id.daddr, x->props.family);
		copy_sel(&s->sel, &x->sel);
		copy_facts(s->fact, x);
	}
}

static void copy_tmpl(struct xw_tmpl_info *t, const struct xfrm_tmpl *k)
{
	t->spi = ntohl(k->id.spi);
	t->reqid = k->reqid;
	t->aalgos = k->aalgos;
	t->proto = k->id.proto;
	t->mode = k->mode;
	t->family = k->encap_family;
	t->optional = k->optional;
	t->allalgs = k->allalgs;
	copy_addr(&t->src, &k->saddr, k->encap_family);
	copy_addr(&t->dst, &k->id.daddr, k->encap_family);
}

/**
 * xw_fill_policies() - copy the policies the check used, with templates
 * @ev: the event
 * @pols: the kernel's pols[] of the check
 * @npols: how many
 * @dir: direction of the check
 * @socket: pols[0] is a per-socket policy
 */
void xw_fill_policies(struct xw_event *ev, struct xfrm_policy *const *pols,
		      int npols, u8 dir, bool socket)
{
	int p, i;

	ev->npols = npols;
	for (p = 0; p < npols; p++) {
		const struct xfrm_policy *pol = pols[p];
		struct xw_pol *d = &ev->pol[p];

		d->index = pol->index;
		d->priority = pol->priority;
		d->mark = pol->mark.v;
		d->mask = pol->mark.m;
		d->if_id = pol->if_id;
		d->dir = p ? XFRM_POLICY_IN : dir;
		d->action = pol->action;
		d->type = pol->type;
		d->socket = p == 0 && socket;
		d->dead = READ_ONCE(pol->walk.dead);
		d->packet_offload = xw_pol_packet_offload(pol);
		copy_sel(&d->sel, &pol->selector);
		d->ntmpl = pol->xfrm_nr;
		for (i = 0; i < pol->xfrm_nr && ev->ntmpl < XW_MAX_DEPTH; i++)
			copy_tmpl(&ev->tmpl[ev->ntmpl++], &pol->xfrm_vec[i]);
	}
}

/**
 * xw_fill_lookup() - add one policy lookup of the check, as it returned
 * @ev: the event
 * @type: XFRMWHY_LOOKUP_TYPE_*
 * @if_id: the if_id it matched policies against
 * @pol: what it returned: a policy, NULL or an error pointer
 *
 * Called from the check's return handler: a policy the check released is
 * still there (see the top of hook.c).
 */
void xw_fill_lookup(struct xw_event *ev, u8 type, u32 if_id,
		    const struct xfrm_policy *pol)
{
	struct xw_lookup_info *l;

	BUILD_BUG_ON((int)XFRMWHY_LOOKUP_TYPE_MAIN != XFRM_POLICY_TYPE_MAIN);
	BUILD_BUG_ON((int)XFRMWHY_LOOKUP_TYPE_SUB != XFRM_POLICY_TYPE_SUB);
	if (ev->nlookup >= XFRMWHY_MAX_LOOKUPS)
		return;
	l = &ev->lookup[ev->nlookup++];
	*l = (struct xw_lookup_info){ .type = type, .if_id = if_id };
	if (IS_ERR(pol)) {
		l->result = XFRMWHY_LOOKUP_RESULT_ERROR;
		l->error = -PTR_ERR(pol);
	} else if (pol) {
		l->result = XFRMWHY_LOOKUP_RESULT_POLICY;
		l->index = pol->index;
	} else {
		l->result = XFRMWHY_LOOKUP_RESULT_NONE;
	}
}

/**
 * xw_explain() - evaluate the templates the way the kernel just did
 * @ev: the event, with secpath and policies filled in
 * @sp: the skb's secpath (for verified_cnt), or NULL
 * @if_id: the if_id the lookup used
 */
void xw_explain(struct xw_event *ev, const struct sec_path *sp, u32 if_id)
{
	struct xw_sa_info sa[XW_MAX_DEPTH];
	struct xw_diff d = { };
	int i;

	/*
	 * The kernel compares templates only on its way to
	 * XfrmInTmplMismatch (or to accepting): for every other reason it
	 * stopped before them (a blocking main policy, too many templates,
	 * a failed lookup ...).  The counter that moved says what it did, so
	 * rules that decide whether it compares at all (the packet-offload
	 * exit, say) need no modelling here.
	 */
	for (i = 0; i < XW_MAX_DEPTH; i++)
		ev->res[i] = (struct xw_tmpl_result){ .compared = -1 };
	ev->extra = -1;
	ev->failed = -1;
	if (ev->reason != XFRMWHY_REASON_TMPL_MISMATCH || !ev->npols ||
	    ev->pol[0].action != XFRM_POLICY_ALLOW)
		return;
	for (i = 0; i < ev->nsa; i++)
		sa[i] = ev->sa[i].i;
	d.sa = sa;
	d.nsa = ev->nsa;
#ifdef XFRMWHY_HAVE_VERIFIED_CNT
	d.verified_cnt = sp ? sp->verified_cnt : 0;
	d.rules.verified_cnt = true;
#endif
	d.rules.ipv6_mip6 = IS_ENABLED(CONFIG_IPV6_MIP6);
	d.tmpl = ev->tmpl;
	d.ntmpl = ev->ntmpl;
	d.npols = ev->npols;
	d.family = ev->family;
	d.if_id = if_id;
	xw_tmpl_diff(&d);
	memcpy(ev->res, d.res, sizeof(ev->res));
	ev->extra = d.extra;
	ev->failed = d.failed;
}
