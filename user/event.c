// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of XFRMWHY_A_EVENT nests into struct xw_event, and the names of
 * the values that the outputs print.  Every nest is parsed against a
 * policy table; attribute types newer than this header are ignored so an
 * older CLI keeps working against a newer module.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/pfkeyv2.h>
#include <linux/xfrm.h>
#include <netlink/errno.h>

#include "event.h"

/* Binary addresses: 4 or 16 bytes, checked again in get_addr(). */
#define ADDR_POLICY { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 }

static struct nla_policy ev_policy[XFRMWHY_EV_A_MAX + 1] = {
	[XFRMWHY_EV_A_PAD]		= { .type = NLA_UNSPEC },
	[XFRMWHY_EV_A_SEQ]		= { .type = NLA_U64 },
	[XFRMWHY_EV_A_TIME_NS]		= { .type = NLA_U64 },
	[XFRMWHY_EV_A_CPU]		= { .type = NLA_U32 },
	[XFRMWHY_EV_A_NETNS]		= { .type = NLA_U32 },
	[XFRMWHY_EV_A_IFINDEX]		= { .type = NLA_U32 },
	[XFRMWHY_EV_A_IFNAME]		= { .type = NLA_STRING,
					    .maxlen = IF_NAMESIZE },
	[XFRMWHY_EV_A_DIR]		= { .type = NLA_U8 },
	[XFRMWHY_EV_A_FAMILY]		= { .type = NLA_U8 },
	[XFRMWHY_EV_A_REASON]		= { .type = NLA_U8 },
	[XFRMWHY_EV_A_EXACT]		= { .type = NLA_U8 },
	[XFRMWHY_EV_A_FLOW]		= { .type = NLA_NESTED },
	[XFRMWHY_EV_A_SA]		= { .type = NLA_NESTED },
	[XFRMWHY_EV_A_POLICY]		= { .type = NLA_NESTED },
	[XFRMWHY_EV_A_TMPL]		= { .type = NLA_NESTED },
	[XFRMWHY_EV_A_LOOKUP_IF_ID]	= { .type = NLA_U32 },
	[XFRMWHY_EV_A_MAIN_POLICY]	= { .type = NLA_NESTED },
	[XFRMWHY_EV_A_FAILED_TMPL]	= { .type = NLA_U32 },
	[XFRMWHY_EV_A_EXTRA_SA]		= { .type = NLA_U32 },
};

static struct nla_policy flow_policy[XFRMWHY_FLOW_A_MAX + 1] = {
	[XFRMWHY_FLOW_A_SRC]		= ADDR_POLICY,
	[XFRMWHY_FLOW_A_DST]		= ADDR_POLICY,
	[XFRMWHY_FLOW_A_PROTO]		= { .type = NLA_U8 },
	[XFRMWHY_FLOW_A_SPORT]		= { .type = NLA_U16 },
	[XFRMWHY_FLOW_A_DPORT]		= { .type = NLA_U16 },
	[XFRMWHY_FLOW_A_ICMP_TYPE]	= { .type = NLA_U8 },
	[XFRMWHY_FLOW_A_ICMP_CODE]	= { .type = NLA_U8 },
	[XFRMWHY_FLOW_A_MARK]		= { .type = NLA_U32 },
};

static struct nla_policy sel_policy[XFRMWHY_SEL_A_MAX + 1] = {
	[XFRMWHY_SEL_A_FAMILY]		= { .type = NLA_U8 },
	[XFRMWHY_SEL_A_SRC]		= ADDR_POLICY,
	[XFRMWHY_SEL_A_DST]		= ADDR_POLICY,
	[XFRMWHY_SEL_A_SRC_LEN]		= { .type = NLA_U8 },
	[XFRMWHY_SEL_A_DST_LEN]		= { .type = NLA_U8 },
	[XFRMWHY_SEL_A_PROTO]		= { .type = NLA_U8 },
	[XFRMWHY_SEL_A_SPORT]		= { .type = NLA_U16 },
	[XFRMWHY_SEL_A_SPORT_MASK]	= { .type = NLA_U16 },
	[XFRMWHY_SEL_A_DPORT]		= { .type = NLA_U16 },
	[XFRMWHY_SEL_A_DPORT_MASK]	= { .type = NLA_U16 },
	[XFRMWHY_SEL_A_IFINDEX]		= { .type = NLA_U32 },
};

static struct nla_policy sa_policy[XFRMWHY_SA_A_MAX + 1] = {
	[XFRMWHY_SA_A_SPI]		= { .type = NLA_U32 },
	[XFRMWHY_SA_A_PROTO]		= { .type = NLA_U8 },
	[XFRMWHY_SA_A_REQID]		= { .type = NLA_U32 },
	[XFRMWHY_SA_A_MODE]		= { .type = NLA_U8 },
	[XFRMWHY_SA_A_FAMILY]		= { .type = NLA_U8 },
	[XFRMWHY_SA_A_SRC]		= ADDR_POLICY,
	[XFRMWHY_SA_A_DST]		= ADDR_POLICY,
	[XFRMWHY_SA_A_IF_ID]		= { .type = NLA_U32 },
	[XFRMWHY_SA_A_SEL]		= { .type = NLA_NESTED },
	[XFRMWHY_SA_A_AALGO]		= { .type = NLA_U8 },
	[XFRMWHY_SA_A_KERN]		= { .type = NLA_FLAG },
};

static struct nla_policy pol_policy[XFRMWHY_POL_A_MAX + 1] = {
	[XFRMWHY_POL_A_INDEX]		= { .type = NLA_U32 },
	[XFRMWHY_POL_A_PRIORITY]	= { .type = NLA_U32 },
	[XFRMWHY_POL_A_DIR]		= { .type = NLA_U8 },
	[XFRMWHY_POL_A_ACTION]		= { .type = NLA_U8 },
	[XFRMWHY_POL_A_TYPE]		= { .type = NLA_U8 },
	[XFRMWHY_POL_A_SEL]		= { .type = NLA_NESTED },
	[XFRMWHY_POL_A_MARK]		= { .type = NLA_U32 },
	[XFRMWHY_POL_A_MASK]		= { .type = NLA_U32 },
	[XFRMWHY_POL_A_IF_ID]		= { .type = NLA_U32 },
	[XFRMWHY_POL_A_SOCKET]		= { .type = NLA_FLAG },
	[XFRMWHY_POL_A_DEAD]		= { .type = NLA_FLAG },
};

static struct nla_policy tmpl_policy[XFRMWHY_TMPL_A_MAX + 1] = {
	[XFRMWHY_TMPL_A_PROTO]		= { .type = NLA_U8 },
	[XFRMWHY_TMPL_A_SPI]		= { .type = NLA_U32 },
	[XFRMWHY_TMPL_A_REQID]		= { .type = NLA_U32 },
	[XFRMWHY_TMPL_A_MODE]		= { .type = NLA_U8 },
	[XFRMWHY_TMPL_A_FAMILY]		= { .type = NLA_U8 },
	[XFRMWHY_TMPL_A_SRC]		= ADDR_POLICY,
	[XFRMWHY_TMPL_A_DST]		= ADDR_POLICY,
	[XFRMWHY_TMPL_A_OPTIONAL]	= { .type = NLA_U8 },
	[XFRMWHY_TMPL_A_AALGOS]		= { .type = NLA_U32 },
	[XFRMWHY_TMPL_A_ALLALGS]	= { .type = NLA_U8 },
	[XFRMWHY_TMPL_A_COMPARED]	= { .type = NLA_U32 },
	[XFRMWHY_TMPL_A_MISMATCH]	= { .type = NLA_U32 },
	[XFRMWHY_TMPL_A_EVALUATED]	= { .type = NLA_U8 },
};

/* The length says the family: the kernel sends 4 or 16 bytes. */
static int get_addr(const struct nlattr *a, struct xw_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (!a)
		return 0;
	if (nla_len(a) == 4)
		out->family = AF_INET;
	else if (nla_len(a) == 16)
		out->family = AF_INET6;
	else
		return -NLE_INVAL;
	memcpy(out->a, nla_data(a), (size_t)nla_len(a));
	return 0;
}

static uint8_t get_u8(const struct nlattr *a)
{
	return a ? nla_get_u8((struct nlattr *)a) : 0;
}

static uint16_t get_u16(const struct nlattr *a)
{
	return a ? nla_get_u16((struct nlattr *)a) : 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return a ? nla_get_u32((struct nlattr *)a) : 0;
}

static uint64_t get_u64(const struct nlattr *a)
{
	return a ? nla_get_u64((struct nlattr *)a) : 0;
}

static int decode_sel(struct nlattr *nest, struct xw_sel *s)
{
	struct nlattr *tb[XFRMWHY_SEL_A_MAX + 1];
	int err;

	memset(s, 0, sizeof(*s));
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, XFRMWHY_SEL_A_MAX, nest, sel_policy);
	if (err < 0)
		return err;
	s->present = true;
	s->family = get_u8(tb[XFRMWHY_SEL_A_FAMILY]);
	if ((err = get_addr(tb[XFRMWHY_SEL_A_SRC], &s->src)) < 0 ||
	    (err = get_addr(tb[XFRMWHY_SEL_A_DST], &s->dst)) < 0)
		return err;
	s->src_len = get_u8(tb[XFRMWHY_SEL_A_SRC_LEN]);
	s->dst_len = get_u8(tb[XFRMWHY_SEL_A_DST_LEN]);
	s->proto = get_u8(tb[XFRMWHY_SEL_A_PROTO]);
	s->sport = get_u16(tb[XFRMWHY_SEL_A_SPORT]);
	s->sport_mask = get_u16(tb[XFRMWHY_SEL_A_SPORT_MASK]);
	s->dport = get_u16(tb[XFRMWHY_SEL_A_DPORT]);
	s->dport_mask = get_u16(tb[XFRMWHY_SEL_A_DPORT_MASK]);
	s->ifindex = get_u32(tb[XFRMWHY_SEL_A_IFINDEX]);
	/* A selector of "any" may come without addresses: give them one. */
	if (!s->family)
		s->family = s->src.family ? s->src.family : s->dst.family;
	if (!s->src.family)
		s->src.family = s->family;
	if (!s->dst.family)
		s->dst.family = s->family;
	return 0;
}

static int decode_flow(struct nlattr *nest, struct xw_flow *f)
{
	struct nlattr *tb[XFRMWHY_FLOW_A_MAX + 1];
	int err;

	memset(f, 0, sizeof(*f));
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, XFRMWHY_FLOW_A_MAX, nest, flow_policy);
	if (err < 0)
		return err;
	if ((err = get_addr(tb[XFRMWHY_FLOW_A_SRC], &f->src)) < 0 ||
	    (err = get_addr(tb[XFRMWHY_FLOW_A_DST], &f->dst)) < 0)
		return err;
	f->proto = get_u8(tb[XFRMWHY_FLOW_A_PROTO]);
	f->has_sport = tb[XFRMWHY_FLOW_A_SPORT] != NULL;
	f->sport = get_u16(tb[XFRMWHY_FLOW_A_SPORT]);
	f->has_dport = tb[XFRMWHY_FLOW_A_DPORT] != NULL;
	f->dport = get_u16(tb[XFRMWHY_FLOW_A_DPORT]);
	f->has_icmp_type = tb[XFRMWHY_FLOW_A_ICMP_TYPE] != NULL;
	f->icmp_type = get_u8(tb[XFRMWHY_FLOW_A_ICMP_TYPE]);
	f->has_icmp_code = tb[XFRMWHY_FLOW_A_ICMP_CODE] != NULL;
	f->icmp_code = get_u8(tb[XFRMWHY_FLOW_A_ICMP_CODE]);
	f->has_mark = tb[XFRMWHY_FLOW_A_MARK] != NULL;
	f->mark = get_u32(tb[XFRMWHY_FLOW_A_MARK]);
	return 0;
}

static int decode_sa(struct nlattr *nest, struct xw_sa *sa)
{
	struct nlattr *tb[XFRMWHY_SA_A_MAX + 1];
	int err;

	memset(sa, 0, sizeof(*sa));
	err = nla_parse_nested(tb, XFRMWHY_SA_A_MAX, nest, sa_policy);
	if (err < 0)
		return err;
	sa->spi = get_u32(tb[XFRMWHY_SA_A_SPI]);
	sa->proto = get_u8(tb[XFRMWHY_SA_A_PROTO]);
	sa->reqid = get_u32(tb[XFRMWHY_SA_A_REQID]);
	sa->mode = get_u8(tb[XFRMWHY_SA_A_MODE]);
	if ((err = get_addr(tb[XFRMWHY_SA_A_SRC], &sa->src)) < 0 ||
	    (err = get_addr(tb[XFRMWHY_SA_A_DST], &sa->dst)) < 0)
		return err;
	sa->has_if_id = tb[XFRMWHY_SA_A_IF_ID] != NULL;
	sa->if_id = get_u32(tb[XFRMWHY_SA_A_IF_ID]);
	sa->has_aalgo = tb[XFRMWHY_SA_A_AALGO] != NULL;
	sa->aalgo = get_u8(tb[XFRMWHY_SA_A_AALGO]);
	sa->kern = tb[XFRMWHY_SA_A_KERN] != NULL;
	return decode_sel(tb[XFRMWHY_SA_A_SEL], &sa->sel);
}

static int decode_policy(struct nlattr *nest, struct xw_policy *p)
{
	struct nlattr *tb[XFRMWHY_POL_A_MAX + 1];
	int err;

	memset(p, 0, sizeof(*p));
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, XFRMWHY_POL_A_MAX, nest, pol_policy);
	if (err < 0)
		return err;
	p->present = true;
	p->index = get_u32(tb[XFRMWHY_POL_A_INDEX]);
	p->priority = get_u32(tb[XFRMWHY_POL_A_PRIORITY]);
	p->dir = get_u8(tb[XFRMWHY_POL_A_DIR]);
	p->action = get_u8(tb[XFRMWHY_POL_A_ACTION]);
	p->type = get_u8(tb[XFRMWHY_POL_A_TYPE]);
	p->has_mark = tb[XFRMWHY_POL_A_MARK] || tb[XFRMWHY_POL_A_MASK];
	p->mark = get_u32(tb[XFRMWHY_POL_A_MARK]);
	p->mask = get_u32(tb[XFRMWHY_POL_A_MASK]);
	p->has_if_id = tb[XFRMWHY_POL_A_IF_ID] != NULL;
	p->if_id = get_u32(tb[XFRMWHY_POL_A_IF_ID]);
	p->socket = tb[XFRMWHY_POL_A_SOCKET] != NULL;
	p->dead = tb[XFRMWHY_POL_A_DEAD] != NULL;
	return decode_sel(tb[XFRMWHY_POL_A_SEL], &p->sel);
}

static int decode_tmpl(struct nlattr *nest, struct xw_tmpl *t)
{
	struct nlattr *tb[XFRMWHY_TMPL_A_MAX + 1];
	int err;

	memset(t, 0, sizeof(*t));
	err = nla_parse_nested(tb, XFRMWHY_TMPL_A_MAX, nest, tmpl_policy);
	if (err < 0)
		return err;
	t->proto = get_u8(tb[XFRMWHY_TMPL_A_PROTO]);
	t->spi = get_u32(tb[XFRMWHY_TMPL_A_SPI]);
	t->reqid = get_u32(tb[XFRMWHY_TMPL_A_REQID]);
	t->mode = get_u8(tb[XFRMWHY_TMPL_A_MODE]);
	if ((err = get_addr(tb[XFRMWHY_TMPL_A_SRC], &t->src)) < 0 ||
	    (err = get_addr(tb[XFRMWHY_TMPL_A_DST], &t->dst)) < 0)
		return err;
	t->optional = get_u8(tb[XFRMWHY_TMPL_A_OPTIONAL]) != 0;
	t->aalgos = get_u32(tb[XFRMWHY_TMPL_A_AALGOS]);
	t->allalgs = get_u8(tb[XFRMWHY_TMPL_A_ALLALGS]) != 0;
	t->has_compared = tb[XFRMWHY_TMPL_A_COMPARED] != NULL;
	t->compared = get_u32(tb[XFRMWHY_TMPL_A_COMPARED]);
	t->mismatch = get_u32(tb[XFRMWHY_TMPL_A_MISMATCH]);
	t->evaluated = get_u8(tb[XFRMWHY_TMPL_A_EVALUATED]) != 0;
	return 0;
}

/* SA and TMPL repeat and their order matters, so walk the nest by hand. */
static int decode_multi(struct nlattr *nest, struct xw_event *ev)
{
	struct nlattr *a;
	int rem, err;

	nla_for_each_nested(a, nest, rem) {
		int type = nla_type(a);

		if (type == XFRMWHY_EV_A_SA) {
			if (ev->nsa >= XFRMWHY_MAX_DEPTH) {
				ev->dropped_entries++;
				continue;
			}
			err = decode_sa(a, &ev->sa[ev->nsa]);
			if (err < 0)
				return err;
			ev->nsa++;
		} else if (type == XFRMWHY_EV_A_TMPL) {
			if (ev->ntmpl >= XW_MAX_TMPL) {
				ev->dropped_entries++;
				continue;
			}
			err = decode_tmpl(a, &ev->tmpl[ev->ntmpl]);
			if (err < 0)
				return err;
			ev->ntmpl++;
		}
	}
	return 0;
}

int xw_event_decode(struct nlattr *nest, struct xw_event *ev)
{
	struct nlattr *tb[XFRMWHY_EV_A_MAX + 1];
	int err;

	memset(ev, 0, sizeof(*ev));
	err = nla_parse_nested(tb, XFRMWHY_EV_A_MAX, nest, ev_policy);
	if (err < 0)
		return err;
	ev->seq = get_u64(tb[XFRMWHY_EV_A_SEQ]);
	ev->time_ns = get_u64(tb[XFRMWHY_EV_A_TIME_NS]);
	ev->cpu = get_u32(tb[XFRMWHY_EV_A_CPU]);
	ev->netns = get_u32(tb[XFRMWHY_EV_A_NETNS]);
	ev->ifindex = get_u32(tb[XFRMWHY_EV_A_IFINDEX]);
	if (tb[XFRMWHY_EV_A_IFNAME]) {
		ev->has_ifname = true;
		snprintf(ev->ifname, sizeof(ev->ifname), "%s",
			 nla_get_string(tb[XFRMWHY_EV_A_IFNAME]));
	}
	ev->dir = get_u8(tb[XFRMWHY_EV_A_DIR]);
	ev->family = get_u8(tb[XFRMWHY_EV_A_FAMILY]);
	ev->reason = get_u8(tb[XFRMWHY_EV_A_REASON]);
	ev->exact = get_u8(tb[XFRMWHY_EV_A_EXACT]) != 0;
	ev->has_lookup_if_id = tb[XFRMWHY_EV_A_LOOKUP_IF_ID] != NULL;
	ev->lookup_if_id = get_u32(tb[XFRMWHY_EV_A_LOOKUP_IF_ID]);
	if ((err = decode_flow(tb[XFRMWHY_EV_A_FLOW], &ev->flow)) < 0 ||
	    (err = decode_policy(tb[XFRMWHY_EV_A_POLICY], &ev->policy)) < 0 ||
	    (err = decode_policy(tb[XFRMWHY_EV_A_MAIN_POLICY],
				 &ev->main_policy)) < 0 ||
	    (err = decode_multi(nest, ev)) < 0)
		return err;
	/* What the kernel computed, as it said it: no guessing here. */
	if (tb[XFRMWHY_EV_A_FAILED_TMPL] &&
	    nla_get_u32(tb[XFRMWHY_EV_A_FAILED_TMPL]) < (uint32_t)ev->ntmpl) {
		ev->has_failed_tmpl = true;
		ev->failed_tmpl = (int)nla_get_u32(tb[XFRMWHY_EV_A_FAILED_TMPL]);
	}
	if (tb[XFRMWHY_EV_A_EXTRA_SA]) {
		struct xw_tmpl *t;

		if (ev->ntmpl >= XW_MAX_TMPL) {
			ev->dropped_entries++;
			return 0;
		}
		/* Shown as the "extra" entry of the template list. */
		t = &ev->tmpl[ev->ntmpl++];
		t->is_extra = true;
		t->has_compared = true;
		t->compared = nla_get_u32(tb[XFRMWHY_EV_A_EXTRA_SA]);
		t->mismatch = 1u << XFRMWHY_MISMATCH_EXTRA;
		t->evaluated = true;
	}
	return 0;
}

int xw_event_failing_tmpl(const struct xw_event *ev)
{
	int i;

	if (ev->has_failed_tmpl && ev->failed_tmpl < ev->ntmpl)
		return ev->failed_tmpl;
	for (i = 0; i < ev->ntmpl; i++)
		if (ev->tmpl[i].is_extra)
			return i;
	return -1;
}

const struct xw_sa *xw_event_compared_sa(const struct xw_event *ev,
					 const struct xw_tmpl *t)
{
	if (!t || !t->has_compared || t->compared >= (uint32_t)ev->nsa)
		return NULL;
	return &ev->sa[t->compared];
}

static const char *const reason_names[__XFRMWHY_REASON_MAX] = {
	[XFRMWHY_REASON_UNKNOWN]	= "unknown",
	[XFRMWHY_REASON_TMPL_MISMATCH]	= "tmpl_mismatch",
	[XFRMWHY_REASON_NO_POLICY]	= "no_policy",
	[XFRMWHY_REASON_POLICY_BLOCK]	= "policy_block",
	[XFRMWHY_REASON_STATE_MISMATCH]	= "state_mismatch",
	[XFRMWHY_REASON_HDR_ERROR]	= "hdr_error",
	[XFRMWHY_REASON_POLICY_ERROR]	= "policy_error",
	[XFRMWHY_REASON_BUFFER_ERROR]	= "buffer_error",
};

static const char *const reason_counters[__XFRMWHY_REASON_MAX] = {
	[XFRMWHY_REASON_TMPL_MISMATCH]	= "XfrmInTmplMismatch",
	[XFRMWHY_REASON_NO_POLICY]	= "XfrmInNoPols",
	[XFRMWHY_REASON_POLICY_BLOCK]	= "XfrmInPolBlock",
	[XFRMWHY_REASON_STATE_MISMATCH]	= "XfrmInStateMismatch",
	[XFRMWHY_REASON_HDR_ERROR]	= "XfrmInHdrError",
	[XFRMWHY_REASON_POLICY_ERROR]	= "XfrmInPolError",
	[XFRMWHY_REASON_BUFFER_ERROR]	= "XfrmInBufferError",
};

/* A reason code from a newer module is "unknown" to us. */
const char *xw_reason_name(unsigned int reason)
{
	return reason < __XFRMWHY_REASON_MAX ? reason_names[reason] : "unknown";
}

const char *xw_reason_counter(unsigned int reason)
{
	return reason < __XFRMWHY_REASON_MAX ? reason_counters[reason] : NULL;
}

int xw_reason_parse(const char *name)
{
	int i;

	for (i = 0; i < __XFRMWHY_REASON_MAX; i++)
		if (!strcmp(name, reason_names[i]))
			return i;
	return -1;
}

const char *xw_dir_name(unsigned int dir)
{
	switch (dir) {
	case XFRMWHY_DIR_IN:
		return "in";
	case XFRMWHY_DIR_FWD:
		return "fwd";
	}
	return NULL;
}

const char *xw_family_name(unsigned int family)
{
	switch (family) {
	case AF_INET:
		return "ipv4";
	case AF_INET6:
		return "ipv6";
	}
	return NULL;
}

const char *xw_proto_name(unsigned int proto)
{
	switch (proto) {
	case IPPROTO_ESP:
		return "esp";
	case IPPROTO_AH:
		return "ah";
	case IPPROTO_COMP:
		return "comp";
	}
	return NULL;
}

const char *xw_mode_name(unsigned int mode)
{
	switch (mode) {
	case XFRM_MODE_TRANSPORT:
		return "transport";
	case XFRM_MODE_TUNNEL:
		return "tunnel";
	case XFRM_MODE_ROUTEOPTIMIZATION:
		return "route_optimization";
	case XFRM_MODE_IN_TRIGGER:
		return "in_trigger";
	case XFRM_MODE_BEET:
		return "beet";
	}
	return NULL;
}

const char *xw_aalgo_name(unsigned int a)
{
	switch (a) {
	case SADB_AALG_NONE:
		return "none";
	case SADB_AALG_MD5HMAC:
		return "hmac(md5)";
	case SADB_AALG_SHA1HMAC:
		return "hmac(sha1)";
	case SADB_X_AALG_SHA2_256HMAC:
		return "hmac(sha256)";
	case SADB_X_AALG_SHA2_384HMAC:
		return "hmac(sha384)";
	case SADB_X_AALG_SHA2_512HMAC:
		return "hmac(sha512)";
	case SADB_X_AALG_RIPEMD160HMAC:
		return "hmac(rmd160)";
	case SADB_X_AALG_AES_XCBC_MAC:
		return "xcbc(aes)";
	case SADB_X_AALG_NULL:
		return "digest_null";
	}
	return NULL;
}

const char *xw_action_name(unsigned int action)
{
	switch (action) {
	case XFRM_POLICY_ALLOW:
		return "allow";
	case XFRM_POLICY_BLOCK:
		return "block";
	}
	return NULL;
}

const char *xw_policy_type_name(unsigned int type)
{
	switch (type) {
	case XFRM_POLICY_TYPE_MAIN:
		return "main";
	case XFRM_POLICY_TYPE_SUB:
		return "sub";
	}
	return NULL;
}

static const char *const mismatch_names[__XFRMWHY_MISMATCH_MAX] = {
	[XFRMWHY_MISMATCH_PROTO]	= "proto",
	[XFRMWHY_MISMATCH_SPI]		= "spi",
	[XFRMWHY_MISMATCH_REQID]	= "reqid",
	[XFRMWHY_MISMATCH_MODE]		= "mode",
	[XFRMWHY_MISMATCH_TUNNEL_SRC]	= "tunnel_src",
	[XFRMWHY_MISMATCH_TUNNEL_DST]	= "tunnel_dst",
	[XFRMWHY_MISMATCH_ALGOS]	= "algos",
	[XFRMWHY_MISMATCH_IF_ID]	= "if_id",
	[XFRMWHY_MISMATCH_MISSING]	= "missing",
	[XFRMWHY_MISMATCH_EXTRA]	= "extra",
	[XFRMWHY_MISMATCH_KERN]		= "kern",
};

const char *xw_mismatch_name(unsigned int bit)
{
	return bit < __XFRMWHY_MISMATCH_MAX ? mismatch_names[bit] : NULL;
}

const char *xw_hook_mode_name(unsigned int mode)
{
	switch (mode) {
	case XFRMWHY_HOOK_EXACT:
		return "exact";
	case XFRMWHY_HOOK_APPROXIMATE:
		return "approximate";
	case XFRMWHY_HOOK_ON_DEMAND:
		return "on_demand";
	}
	return NULL;
}

const char *xw_feature_name(unsigned int bit)
{
	switch (bit) {
	case XFRMWHY_FEATURE_LOOKUP_PROBE:
		return "lookup_probe";
	case XFRMWHY_FEATURE_SK_LOOKUP_PROBE:
		return "sk_lookup_probe";
	case XFRMWHY_FEATURE_VERIFIED_CNT:
		return "verified_cnt";
	case XFRMWHY_FEATURE_SUB_POLICY:
		return "sub_policy";
	case XFRMWHY_FEATURE_POLICY_DEFAULT:
		return "policy_default";
	case XFRMWHY_FEATURE_NOTIFY:
		return "notify";
	}
	return NULL;
}

bool xw_l4_has_ports(unsigned int p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_UDPLITE ||
	       p == IPPROTO_SCTP || p == IPPROTO_DCCP;
}

bool xw_l4_is_icmp(unsigned int p)
{
	return p == IPPROTO_ICMP || p == IPPROTO_ICMPV6;
}

bool xw_addr_is_set(const struct xw_addr *a)
{
	return a->family == AF_INET || a->family == AF_INET6;
}

bool xw_addr_equal(const struct xw_addr *a, const struct xw_addr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && !memcmp(a->a, b->a, n);
}

const char *xw_addr_str(const struct xw_addr *a, char *buf, size_t len)
{
	if (!len)
		return buf;
	buf[0] = '\0';
	if (xw_addr_is_set(a) &&
	    !inet_ntop(a->family, a->a, buf, (socklen_t)len))
		buf[0] = '\0';
	return buf;
}

const char *xw_prefix_str(const struct xw_addr *a, unsigned int plen,
			  char *buf, size_t len)
{
	char ab[INET6_ADDRSTRLEN];
	struct xw_addr any = { .family = a->family };

	/* An "any" selector may carry no address at all: print 0.0.0.0/0. */
	if (!xw_addr_is_set(a))
		any.family = AF_INET;
	xw_addr_str(xw_addr_is_set(a) ? a : &any, ab, sizeof(ab));
	snprintf(buf, len, "%s/%u", ab, plen);
	return buf;
}
