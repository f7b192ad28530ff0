// SPDX-License-Identifier: GPL-2.0
/*
 * One sentence of facts plus one hint per event, in the words of
 * "ip xfrm" (src, dst, proto esp, spi 0x..., reqid, mode tunnel) so that an
 * operator can paste it next to "ip xfrm state" / "ip xfrm policy" output.
 * Pure function of its inputs: the SAD lookup is done by the caller.
 */
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/xfrm.h>

#include "explain.h"

/* Hint table, keyed by mismatch pattern; written for 3 a.m. */
static const struct {
	const char *name;
	const char *text;
} hints[__XW_HINT_CNT] = {
	[XW_HINT_REQID] = { "reqid",
		"The peer sends this flow into a different tunnel than the one this side expects: look for overlapping or multiple child SAs for the same subnets (e.g. leftsubnets={...} in libreswan)." },
	[XW_HINT_SPI] = { "spi",
		"The policy pins one SPI and the peer used another, usually after a rekey or a restart of one side: reload the connection on this side so policy and SA agree again, or drop the fixed spi from the policy's tmpl." },
	[XW_HINT_PROTO] = { "proto",
		"The two ends protect this flow with different IPsec protocols (proto esp vs proto ah): make both sides agree (phase2=esp or ah in libreswan, esp= vs ah= in strongSwan) and compare ip xfrm policy on both peers." },
	[XW_HINT_MODE] = { "mode",
		"The two ends disagree on the encapsulation mode (mode tunnel vs mode transport): set the same type=tunnel or type=transport on both peers and compare ip xfrm state on both sides." },
	[XW_HINT_TUNNEL_SRC] = { "tunnel_src",
		"The packet came through a tunnel from another outer address than the policy names: the peer's address changed (NAT, MOBIKE, a second uplink) or another peer claims these subnets; compare the tmpl src of ip xfrm policy with the src of ip xfrm state." },
	[XW_HINT_IF_ID] = { "if_id",
		"The SA and the policy belong to different xfrm interfaces (if_id): give the SA and the policy the same if_id (if_id_in/if_id_out in strongSwan, ipsec-interface= in libreswan) and check which xipsec/xfrm device the packet arrived on." },
	[XW_HINT_ALGOS] = { "algos",
		"The SA's authentication algorithm is not one the policy's template allows: align the esp= proposals of both peers, or let the template accept any algorithm." },
	[XW_HINT_MISSING] = { "missing",
		"A required layer of IPsec was not applied: the peer sent this flow in clear or without the expected SA; check that the connection is up and that the peer has an outbound policy and SA for this flow (ip xfrm policy and ip xfrm state on the peer)." },
	[XW_HINT_EXTRA] = { "extra",
		"A leftover tunnel SA decrypted this packet but the policy for this flow has no template for it: an old connection or overlapping traffic selectors are still in place; find it with ip xfrm state and bring that connection down or re-establish it." },
	[XW_HINT_KERN] = { "kern",
		"The packet went through a kernel-internal IPIP tunnel state (created for IPComp), which only an optional template may match: the policy's comp template must be optional (level use), as IKE daemons install it with compress=yes; compare ip xfrm policy on both peers." },
	[XW_HINT_NO_POLICY_TUNNEL] = { "no_policy_tunnel",
		"A tunnel SA decrypted the packet but no dir in/fwd policy covers the inner flow: the peers disagree on the traffic selectors (leftsubnet/rightsubnet) or the policy was deleted; compare the sel of ip xfrm state with ip xfrm policy." },
	[XW_HINT_NO_POLICY_DEFAULT] = { "no_policy_default",
		"The default policy for this direction is block and no policy matches this flow: add a policy for it, or check the defaults with ip xfrm policy getdefault (ip xfrm policy setdefault in accept fwd accept restores them)." },
	[XW_HINT_POLICY_BLOCK] = { "policy_block",
		"A policy with action block matched this flow: find it with ip xfrm policy (action block); IKE daemons install such policies for %reject/%drop connections or while a connection is down; delete it or bring the connection up." },
	[XW_HINT_STATE_MISMATCH] = { "state_mismatch",
		"The SA was negotiated for other traffic than this flow: its sel in ip xfrm state does not cover the inner addresses; the peers disagree on the traffic selectors (leftsubnet/rightsubnet) or the peer routes other subnets into this SA." },
	[XW_HINT_HDR_ERROR] = { "hdr_error",
		"The flow could not be built for the policy lookup: the kernel's LSM hook (security_xfrm_decode_session, e.g. SELinux labeled IPsec) refused it or the family is unknown; malformed headers are dropped earlier, not here. Check the audit log and dmesg for denials." },
	[XW_HINT_POLICY_ERROR] = { "policy_error",
		"The policy lookup itself failed: a transient error (memory, a policy being replaced) or an LSM such as SELinux refusing the lookup; if it keeps rising check dmesg, the audit log and ip xfrm policy count." },
	[XW_HINT_BUFFER_ERROR] = { "buffer_error",
		"The policies for this flow carry 6 or more templates together, and the inbound check accepts at most 5 (XFRM_MAX_DEPTH - 1): shorten the policy's tmpl list, or the sub-policy's." },
	[XW_HINT_NO_STATE] = { "no_state",
		"The peer sends with an SPI this host has no SA for: the two sides' SAs are out of step (a rekey or delete that one side missed, a daemon restarted on one side, a flushed SAD), or the SA exists with another destination address or mark. Compare ip xfrm state on both peers: each outbound SA of one must be an inbound SA of the other; re-establish the IKE connection (ipsec auto --up NAME, swanctl --initiate --child NAME) and look for DPD or delete messages in the daemon's log." },
	[XW_HINT_UNKNOWN] = { "unknown",
		"xfrmwhy could not tell which field disagreed: compare ip xfrm policy and ip xfrm state for this flow and watch /proc/net/xfrm_stat in the namespace of the ingress device." },
};

const char *xw_hint_text(enum xw_hint h)
{
	return (unsigned int)h < __XW_HINT_CNT ? hints[h].text : "";
}

const char *xw_hint_name(enum xw_hint h)
{
	return (unsigned int)h < __XW_HINT_CNT ? hints[h].name : "";
}

/* A bounded string builder: appends are cut at the end, never overrun. */
struct sb {
	char *buf;
	size_t len, used;
};

__attribute__((format(printf, 2, 3)))
static void put(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->used + 1 >= s->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->used, s->len - s->used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	s->used += (size_t)n;
	if (s->used >= s->len)
		s->used = s->len - 1;
}

static const struct {
	uint8_t proto;
	const char *upper, *lower;
} l4_names[] = {
	{ IPPROTO_ICMP, "ICMP", "icmp" },
	{ IPPROTO_TCP, "TCP", "tcp" },
	{ IPPROTO_UDP, "UDP", "udp" },
	{ IPPROTO_ICMPV6, "ICMPv6", "ipv6-icmp" },
	{ IPPROTO_GRE, "GRE", "gre" },
	{ IPPROTO_SCTP, "SCTP", "sctp" },
	{ IPPROTO_UDPLITE, "UDPLite", "udplite" },
	{ IPPROTO_DCCP, "DCCP", "dccp" },
	{ IPPROTO_ESP, "ESP", "esp" },
	{ IPPROTO_AH, "AH", "ah" },
	{ IPPROTO_IPIP, "IPIP", "ipip" },
	{ IPPROTO_IPV6, "IPv6", "ipv6" },
};

static const char *l4_name(unsigned int proto, bool upper)
{
	size_t i;

	for (i = 0; i < sizeof(l4_names) / sizeof(l4_names[0]); i++)
		if (l4_names[i].proto == proto)
			return upper ? l4_names[i].upper : l4_names[i].lower;
	return NULL;
}

static void put_ipsec_proto(struct sb *s, unsigned int proto)
{
	const char *n = xw_proto_name(proto);

	if (n)
		put(s, "%s", n);
	else
		put(s, "%u", proto);
}

static void put_mode(struct sb *s, unsigned int mode)
{
	const char *n = xw_mode_name(mode);

	if (n)
		put(s, "%s", n);
	else
		put(s, "%u", mode);
}

/* "10.0.1.1:40000", "[2001:db8::1]:40000" or just the address. */
static void put_endpoint(struct sb *s, const struct xw_addr *a, bool port,
			 uint16_t p)
{
	char ab[INET6_ADDRSTRLEN];

	xw_addr_str(a, ab, sizeof(ab));
	if (!port)
		put(s, "%s", ab);
	else if (a->family == AF_INET6)
		put(s, "[%s]:%u", ab, p);
	else
		put(s, "%s:%u", ab, p);
}

/* "ICMP 10.0.1.1 -> 10.0.0.1" */
static void put_flow(struct sb *s, const struct xw_event *ev)
{
	const struct xw_flow *f = &ev->flow;
	const char *pn = l4_name(f->proto, true);
	bool ports = xw_l4_has_ports(f->proto);

	if (!xw_addr_is_set(&f->src) || !xw_addr_is_set(&f->dst)) {
		put(s, "A packet");
		return;
	}
	if (pn)
		put(s, "%s ", pn);
	else
		put(s, "IP proto %u ", f->proto);
	put_endpoint(s, &f->src, ports && f->has_sport, f->sport);
	put(s, " -> ");
	put_endpoint(s, &f->dst, ports && f->has_dport, f->dport);
}

/* "ESP spi 0x00009000 seq 3 192.0.2.2 -> 192.0.2.1 (mark 0x5)" */
static void put_outer(struct sb *s, const struct xw_outer *o)
{
	char sb_[INET6_ADDRSTRLEN], db[INET6_ADDRSTRLEN];
	const char *pn = xw_proto_name(o->proto);
	char up[8];
	size_t i;

	/* "esp" -> "ESP", as the flow's protocols are written. */
	for (i = 0; pn && pn[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)(pn[i] - 'a' + 'A');
	up[i] = '\0';
	if (pn)
		put(s, "%s", up);
	else
		put(s, "IP proto %u", o->proto);
	put(s, " spi 0x%08x", o->spi);
	if (o->has_seq)
		put(s, " seq %u", o->seq);
	put(s, " %s -> %s", xw_addr_str(&o->src, sb_, sizeof(sb_)),
	    xw_addr_str(&o->dst, db, sizeof(db)));
	if (o->has_mark && o->mark)
		put(s, " (mark 0x%x)", o->mark);
}

/*
 * "SA spi 0x9ce44e77 reqid 16389 (192.0.2.2 -> 192.0.2.1, tunnel)", with
 * the fields that the mismatch is about added so the sentence shows both
 * sides of the disagreement.
 */
static void put_sa(struct sb *s, const struct xw_sa *sa, uint32_t mism)
{
	char sb_[INET6_ADDRSTRLEN], db[INET6_ADDRSTRLEN];

	put(s, "SA ");
	if (sa->proto != IPPROTO_ESP || (mism & (1u << XFRMWHY_MISMATCH_PROTO))) {
		put(s, "proto ");
		put_ipsec_proto(s, sa->proto);
		put(s, " ");
	}
	put(s, "spi 0x%08x reqid %u (", sa->spi, sa->reqid);
	if (xw_addr_is_set(&sa->src) && xw_addr_is_set(&sa->dst))
		put(s, "%s -> %s, ", xw_addr_str(&sa->src, sb_, sizeof(sb_)),
		    xw_addr_str(&sa->dst, db, sizeof(db)));
	put_mode(s, sa->mode);
	if (mism & (1u << XFRMWHY_MISMATCH_IF_ID))
		put(s, ", if_id %u", sa->if_id);
	if ((mism & (1u << XFRMWHY_MISMATCH_ALGOS)) && sa->has_aalgo) {
		const char *an = xw_aalgo_name(sa->aalgo);

		if (an)
			put(s, ", auth %s", an);
		else
			put(s, ", auth algorithm %u", sa->aalgo);
	}
	put(s, ")");
}

static const char *dir_word(unsigned int dir)
{
	return dir == XFRMWHY_DIR_FWD ? "forward" : "inbound";
}

/* "inbound policy 10.0.1.0/24 -> 10.0.0.0/24 (index 8)" */
static void put_policy(struct sb *s, const struct xw_event *ev,
		       const struct xw_policy *p)
{
	char sb_[INET6_ADDRSTRLEN + 4], db[INET6_ADDRSTRLEN + 4];
	const char *pn;

	if (!p->present) {
		put(s, "the %s policy", dir_word(ev->dir));
		return;
	}
	put(s, "%s %spolicy ", dir_word(p->dir),
	    p->socket ? "socket " :
	    p->type == XFRM_POLICY_TYPE_SUB ? "sub-" : "");
	if (p->sel.present) {
		put(s, "%s -> %s ",
		    xw_prefix_str(&p->sel.src, p->sel.src_len, sb_, sizeof(sb_)),
		    xw_prefix_str(&p->sel.dst, p->sel.dst_len, db, sizeof(db)));
		if (p->sel.proto) {
			pn = l4_name(p->sel.proto, false);
			if (pn)
				put(s, "proto %s ", pn);
			else
				put(s, "proto %u ", p->sel.proto);
		}
	}
	put(s, "(index %u)", p->index);
}

/* "proto esp reqid 16385 mode tunnel": a template as ip xfrm prints it. */
static void put_tmpl(struct sb *s, const struct xw_tmpl *t)
{
	put(s, "proto ");
	put_ipsec_proto(s, t->proto);
	if (t->spi)
		put(s, " spi 0x%08x", t->spi);
	if (t->reqid)
		put(s, " reqid %u", t->reqid);
	put(s, " mode ");
	put_mode(s, t->mode);
}

/* What the template demands, for the fields that differ. */
static void put_requirements(struct sb *s, const struct xw_event *ev,
			     const struct xw_tmpl *t, uint32_t m)
{
	char ab[INET6_ADDRSTRLEN];
	const char *sep = "";

	if (m & (1u << XFRMWHY_MISMATCH_PROTO)) {
		put(s, "proto ");
		put_ipsec_proto(s, t->proto);
		sep = " ";
	}
	if (m & (1u << XFRMWHY_MISMATCH_SPI)) {
		put(s, "%sspi 0x%08x", sep, t->spi);
		sep = " ";
	}
	if (m & (1u << XFRMWHY_MISMATCH_REQID)) {
		put(s, "%sreqid %u", sep, t->reqid);
		sep = " ";
	}
	if (m & (1u << XFRMWHY_MISMATCH_MODE)) {
		put(s, "%smode ", sep);
		put_mode(s, t->mode);
		sep = " ";
	}
	if (m & (1u << XFRMWHY_MISMATCH_TUNNEL_SRC)) {
		put(s, "%stunnel src %s", sep, xw_addr_str(&t->src, ab, sizeof(ab)));
		sep = " ";
	}
	if (m & (1u << XFRMWHY_MISMATCH_IF_ID)) {
		/* The kernel compares the if_id its lookup used. */
		uint32_t id = ev->has_lookup_if_id ? ev->lookup_if_id :
			      ev->policy.if_id;

		put(s, "%sif_id %u", sep, id);
		sep = " ";
	}
	if (m & (1u << XFRMWHY_MISMATCH_ALGOS))
		put(s, "%san auth algorithm in mask 0x%x", sep, t->aalgos);
}

/* Pattern of a template's mismatch bits: the most telling field wins. */
static enum xw_hint tmpl_pattern(const struct xw_tmpl *t)
{
	static const struct {
		unsigned int bit;
		enum xw_hint hint;
	} order[] = {
		{ XFRMWHY_MISMATCH_MISSING, XW_HINT_MISSING },
		{ XFRMWHY_MISMATCH_EXTRA, XW_HINT_EXTRA },
		{ XFRMWHY_MISMATCH_KERN, XW_HINT_KERN },
		{ XFRMWHY_MISMATCH_PROTO, XW_HINT_PROTO },
		{ XFRMWHY_MISMATCH_MODE, XW_HINT_MODE },
		{ XFRMWHY_MISMATCH_TUNNEL_SRC, XW_HINT_TUNNEL_SRC },
		{ XFRMWHY_MISMATCH_IF_ID, XW_HINT_IF_ID },
		{ XFRMWHY_MISMATCH_SPI, XW_HINT_SPI },
		{ XFRMWHY_MISMATCH_REQID, XW_HINT_REQID },
		{ XFRMWHY_MISMATCH_ALGOS, XW_HINT_ALGOS },
	};
	size_t i;

	if (t->is_extra)
		return XW_HINT_EXTRA;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (t->mismatch & (1u << order[i].bit))
			return order[i].hint;
	/* Only tunnel_dst, which the kernel does not compare on input. */
	return XW_HINT_UNKNOWN;
}

/* The SA to talk about when the template names none: the innermost. */
static const struct xw_sa *sa_for(const struct xw_event *ev,
				  const struct xw_tmpl *t)
{
	const struct xw_sa *sa = xw_event_compared_sa(ev, t);

	if (!sa && ev->nsa > 0)
		sa = &ev->sa[ev->nsa - 1];
	return sa;
}

static enum xw_hint explain_tmpl(struct sb *s, const struct xw_event *ev)
{
	int ti = xw_event_failing_tmpl(ev);
	const struct xw_tmpl *t;
	const struct xw_sa *sa;
	enum xw_hint h;

	if (ti < 0) {
		if (ev->policy.present) {
			put_policy(s, ev, &ev->policy);
			put(s, " did not accept the SAs that decrypted it, but no template details were captured.");
		} else {
			put(s, "the SAs that decrypted it did not match the policy's templates (no policy details captured: hook mode approximate).");
		}
		return XW_HINT_UNKNOWN;
	}
	t = &ev->tmpl[ti];
	sa = sa_for(ev, t);
	h = tmpl_pattern(t);

	switch (h) {
	case XW_HINT_MISSING:
		if (!ev->nsa) {
			put(s, "arrived without IPsec, but ");
			put_policy(s, ev, &ev->policy);
			put(s, " requires ");
			put_tmpl(s, t);
			put(s, ".");
		} else {
			put(s, "decrypted by ");
			put_sa(s, &ev->sa[ev->nsa - 1], 0);
			put(s, ", but ");
			put_policy(s, ev, &ev->policy);
			put(s, " also requires ");
			put_tmpl(s, t);
			put(s, " and no SA is left to match it.");
		}
		return h;
	case XW_HINT_EXTRA:
		if (!xw_event_compared_sa(ev, t)) {
			int i;

			for (i = ev->nsa - 1; i >= 0; i--)
				if (ev->sa[i].mode != XFRM_MODE_TRANSPORT)
					break;
			sa = i >= 0 ? &ev->sa[i] : sa;
		}
		put(s, "decrypted by ");
		if (sa)
			put_sa(s, sa, 0);
		else
			put(s, "a tunnel SA");
		put(s, ", which no template of ");
		put_policy(s, ev, &ev->policy);
		put(s, " accounts for.");
		return h;
	case XW_HINT_KERN:
		put(s, "decrypted by kernel-internal tunnel state ");
		if (sa)
			put_sa(s, sa, 0);
		put(s, ", which only an optional template may match, but ");
		put_policy(s, ev, &ev->policy);
		put(s, " requires ");
		put_tmpl(s, t);
		put(s, ".");
		return h;
	default:
		break;
	}

	if (sa) {
		put(s, "decrypted by ");
		put_sa(s, sa, t->mismatch);
		put(s, ", but ");
	} else {
		put(s, "arrived without IPsec, but ");
	}
	put_policy(s, ev, &ev->policy);
	if (h == XW_HINT_UNKNOWN) {
		put(s, " rejected it with template ");
		put_tmpl(s, t);
		put(s, ".");
		return h;
	}
	put(s, " requires ");
	put_requirements(s, ev, t, t->mismatch);
	put(s, ".");
	return h;
}

static const char *const lookup_what[] = {
	[XFRMWHY_LOOKUP_TYPE_MAIN] = "the main policies",
	[XFRMWHY_LOOKUP_TYPE_SUB] = "the sub policies",
	[XFRMWHY_LOOKUP_TYPE_SOCKET] = "the socket's policy",
};

static const char *lookup_str(const struct xw_lookup *l)
{
	return l->type < XW_ARRAY_SIZE(lookup_what) && lookup_what[l->type] ?
	       lookup_what[l->type] : "the policies";
}

/*
 * The lookups the kernel made (exact events only): which policies it
 * searched, with which if_id, when none matched.
 */
static void put_lookups_none(struct sb *s, const struct xw_event *ev)
{
	int i;

	if (!ev->nlookup)
		return;
	put(s, " The kernel searched");
	for (i = 0; i < ev->nlookup; i++)
		put(s, "%s%s", i == 0 ? " " :
		    i == ev->nlookup - 1 ? " and " : ", ",
		    lookup_str(&ev->lookup[i]));
	if (ev->lookup[ev->nlookup - 1].if_id)
		put(s, " for if_id %u", ev->lookup[ev->nlookup - 1].if_id);
	put(s, ": none matched.");
}

static void explain_policy_error(struct sb *s, const struct xw_event *ev)
{
	int i;

	for (i = 0; i < ev->nlookup; i++) {
		const struct xw_lookup *l = &ev->lookup[i];

		if (l->result != XFRMWHY_LOOKUP_RESULT_ERROR)
			continue;
		put(s, "the kernel's lookup of %s for this flow failed with error %u (%s).",
		    lookup_str(l), l->error, strerror((int)l->error));
		return;
	}
	put(s, "the kernel's policy lookup for this flow returned an error.");
}

static enum xw_hint explain_no_policy(struct sb *s, const struct xw_event *ev)
{
	const char *dw = dir_word(ev->dir);
	int i;

	/* The kernel rejects policy-less packets only after a tunnel SA... */
	for (i = ev->nsa - 1; i >= 0; i--) {
		if (ev->sa[i].mode == XFRM_MODE_TRANSPORT)
			continue;
		put(s, "decrypted by ");
		put_sa(s, &ev->sa[i], 0);
		put(s, ", but no %s policy matches this flow.", dw);
		put_lookups_none(s, ev);
		return XW_HINT_NO_POLICY_TUNNEL;
	}
	/* ...or when the namespace's default policy blocks. */
	put(s, "no %s policy matches this flow and the %s default policy is block.",
	    dw, dw);
	put_lookups_none(s, ev);
	return XW_HINT_NO_POLICY_DEFAULT;
}

static enum xw_hint explain_block(struct sb *s, const struct xw_event *ev)
{
	const struct xw_policy *p = &ev->policy;

	/* After an allowing sub-policy, the main policy may be the blocker. */
	if (ev->main_policy.present &&
	    ev->main_policy.action == XFRM_POLICY_BLOCK &&
	    !(p->present && p->action == XFRM_POLICY_BLOCK))
		p = &ev->main_policy;
	if (p->present) {
		put_policy(s, ev, p);
		put(s, " has action block.");
	} else {
		put(s, "an %s policy with action block matched this flow.",
		    dir_word(ev->dir));
	}
	return XW_HINT_POLICY_BLOCK;
}

static bool prefix_match(const struct xw_addr *net, unsigned int plen,
			 const struct xw_addr *a)
{
	unsigned int max = a->family == AF_INET ? 32 : 128, i;

	if (plen > max)
		plen = max;
	for (i = 0; i < plen; i++) {
		unsigned int byte = i / 8, bit = 0x80u >> (i % 8);

		if ((net->a[byte] & bit) != (a->a[byte] & bit))
			return false;
	}
	return true;
}

/* xfrm_selector_match() on what the event holds (host byte order). */
static bool sel_covers(const struct xw_sel *sel, const struct xw_flow *f)
{
	if (sel->family && sel->family != f->src.family)
		return false;
	if (!prefix_match(&sel->src, sel->src_len, &f->src) ||
	    !prefix_match(&sel->dst, sel->dst_len, &f->dst))
		return false;
	if (sel->proto && sel->proto != f->proto)
		return false;
	if ((f->sport ^ sel->sport) & sel->sport_mask)
		return false;
	if ((f->dport ^ sel->dport) & sel->dport_mask)
		return false;
	return true;
}

static enum xw_hint explain_state(struct sb *s, const struct xw_event *ev)
{
	char sb_[INET6_ADDRSTRLEN + 4], db[INET6_ADDRSTRLEN + 4];
	const struct xw_sa *sa = NULL;
	int i;

	/* The kernel checks the secpath from the innermost SA outwards. */
	for (i = ev->nsa - 1; i >= 0 && !sa; i--)
		if (ev->sa[i].sel.present &&
		    xw_addr_is_set(&ev->flow.src) &&
		    !sel_covers(&ev->sa[i].sel, &ev->flow))
			sa = &ev->sa[i];
	if (!sa && ev->nsa > 0)
		sa = &ev->sa[ev->nsa - 1];
	if (!sa) {
		put(s, "an SA's selector does not cover this flow.");
		return XW_HINT_STATE_MISMATCH;
	}
	put(s, "decrypted by ");
	put_sa(s, sa, 0);
	if (sa->sel.present)
		put(s, ", whose selector %s -> %s does not cover this flow.",
		    xw_prefix_str(&sa->sel.src, sa->sel.src_len, sb_, sizeof(sb_)),
		    xw_prefix_str(&sa->sel.dst, sa->sel.dst_len, db, sizeof(db)));
	else
		put(s, ", whose selector does not cover this flow.");
	return XW_HINT_STATE_MISMATCH;
}

/* What the SAD says now about an SPI no SA had at the drop. */
static void put_sad_nostate(struct sb *s, const struct xw_sad_match *m)
{
	char ab[INET6_ADDRSTRLEN];
	int i, n = m->npeer < XW_SAD_PEER_MAX ? m->npeer : XW_SAD_PEER_MAX;

	if (m->spi_now) {
		put(s, " An SA with spi 0x%08x (reqid %u) exists now: it was added after the drop.",
		    m->sa.spi, m->sa.reqid);
		return;
	}
	xw_addr_str(&m->peer, ab, sizeof(ab));
	if (!m->npeer) {
		put(s, " This host has no SA from %s at all: the IKE and child SAs with that peer are down on this side, or were never established.",
		    ab);
		return;
	}
	put(s, " This host has");
	for (i = 0; i < n; i++)
		put(s, "%s spi 0x%08x (reqid %u, %" PRIu64 " packets)",
		    i == 0 ? "" : i == n - 1 && m->npeer == n ? " and" : ",",
		    m->peer_sa[i].spi, m->peer_sa[i].reqid,
		    m->peer_sa[i].packets);
	if (m->npeer > n)
		put(s, " and %d more", m->npeer - n);
	put(s, " from %s: the peer still sends on an SA that this side replaced or never installed (a one-sided rekey, or a restart of one side).",
	    ab);
}

static void put_sad(struct sb *s, const struct xw_sad_match *m)
{
	char ab[INET6_ADDRSTRLEN];

	if (!m || !m->looked_up)
		return;
	if (m->netns_gone) {
		put(s, " Its network namespace has been deleted since, and its SAs with it: the expected SA cannot be looked up.");
		return;
	}
	if (m->nostate) {
		put_sad_nostate(s, m);
		return;
	}
	if (m->found) {
		put(s, " Expected SA spi 0x%08x reqid %u exists (", m->sa.spi,
		    m->sa.reqid);
		if (m->sa.packets)
			put(s, "%" PRIu64 " packets, %" PRIu64 " bytes)",
			    m->sa.packets, m->sa.bytes);
		else
			put(s, "idle: 0 packets)");
		if (m->has_using_spi)
			put(s, "; the peer is using 0x%08x instead.", m->using_spi);
		else
			put(s, ".");
		return;
	}
	put(s, " No SA with");
	if (m->want_spi)
		put(s, " spi 0x%08x", m->want_spi);
	if (m->want_reqid)
		put(s, " reqid %u", m->want_reqid);
	if (xw_addr_is_set(&m->peer))
		put(s, " from %s", xw_addr_str(&m->peer, ab, sizeof(ab)));
	put(s, " exists in the SAD now.");
}

/*
 * An SA with an output mark rewrote the packet's mark before the lookup
 * chose (or failed to choose) a policy by it: say so, as the flow's mark
 * otherwise seems to come from nowhere.
 */
static void put_output_mark(struct sb *s, const struct xw_event *ev)
{
	int i;

	for (i = ev->nsa - 1; i >= 0; i--) {
		const struct xw_sa *sa = &ev->sa[i];

		if (!sa->has_output_mask || !sa->output_mask)
			continue;
		put(s, " SA spi 0x%08x sets output-mark 0x%x/0x%x on what it decrypts: the kernel looked up the policy with mark 0x%x, and policies whose mark does not match it do not apply.",
		    sa->spi, sa->output_mark, sa->output_mask, ev->flow.mark);
		return;
	}
}

enum xw_hint xw_explain(const struct xw_event *ev,
			const struct xw_sad_match *sad, char *buf, size_t len)
{
	struct sb s = { .buf = buf, .len = len, .used = 0 };
	const char *counter = xw_reason_counter(ev->reason);
	enum xw_hint h;

	if (!len)
		return XW_HINT_UNKNOWN;
	buf[0] = '\0';
	if (ev->outer.present)
		put_outer(&s, &ev->outer);
	else
		put_flow(&s, ev);
	if (counter)
		put(&s, " dropped (%s): ", counter);
	else
		put(&s, " dropped at the inbound policy check: ");

	switch (ev->reason) {
	case XFRMWHY_REASON_TMPL_MISMATCH:
		h = explain_tmpl(&s, ev);
		break;
	case XFRMWHY_REASON_NO_POLICY:
		h = explain_no_policy(&s, ev);
		break;
	case XFRMWHY_REASON_POLICY_BLOCK:
		h = explain_block(&s, ev);
		break;
	case XFRMWHY_REASON_STATE_MISMATCH:
		h = explain_state(&s, ev);
		break;
	case XFRMWHY_REASON_HDR_ERROR:
		put(&s, "the kernel could not build the flow for the policy lookup.");
		h = XW_HINT_HDR_ERROR;
		break;
	case XFRMWHY_REASON_POLICY_ERROR:
		explain_policy_error(&s, ev);
		h = XW_HINT_POLICY_ERROR;
		break;
	case XFRMWHY_REASON_BUFFER_ERROR:
		put(&s, "the policies for this flow hold 6 or more templates, more than the inbound check accepts.");
		h = XW_HINT_BUFFER_ERROR;
		break;
	case XFRMWHY_REASON_NO_STATE:
		put(&s, "no SA of this host has that SPI%s.",
		    ev->outer.has_mark && ev->outer.mark ?
		    " for the packet's destination and mark" :
		    " for the packet's destination");
		h = XW_HINT_NO_STATE;
		break;
	default:
		put(&s, "none of the XfrmIn* counters of its namespace moved (it was counted elsewhere, e.g. through an xfrm interface of another namespace).");
		h = XW_HINT_UNKNOWN;
		break;
	}
	if (ev->reason == XFRMWHY_REASON_NO_POLICY ||
	    ev->reason == XFRMWHY_REASON_POLICY_BLOCK ||
	    ev->reason == XFRMWHY_REASON_TMPL_MISMATCH)
		put_output_mark(&s, ev);
	put_sad(&s, sad);
	put(&s, " %s", hints[h].text);
	return h;
}
