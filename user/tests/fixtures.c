// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/pfkeyv2.h>
#include <linux/xfrm.h>

#include "fixtures.h"

void fx_addr4(struct xw_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	inet_pton(AF_INET, s, a->a);
}

void fx_addr6(struct xw_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET6;
	inet_pton(AF_INET6, s, a->a);
}

static void sel4(struct xw_sel *s, const char *src, int sl, const char *dst,
		 int dl)
{
	memset(s, 0, sizeof(*s));
	s->present = true;
	s->family = AF_INET;
	fx_addr4(&s->src, src);
	fx_addr4(&s->dst, dst);
	s->src_len = (uint8_t)sl;
	s->dst_len = (uint8_t)dl;
}

void fx_seed_event(struct xw_event *ev)
{
	struct xw_sa *sa = &ev->sa[0];
	struct xw_tmpl *t = &ev->tmpl[0];

	memset(ev, 0, sizeof(*ev));
	ev->seq = 42;
	ev->time_ns = 1700000000123456789ull;
	ev->cpu = 1;
	ev->netns = 4026531833u;
	ev->ifindex = 2;
	ev->has_ifname = true;
	strcpy(ev->ifname, "eth0");
	ev->dir = XFRMWHY_DIR_IN;
	ev->family = AF_INET;
	ev->reason = XFRMWHY_REASON_TMPL_MISMATCH;
	ev->exact = true;

	ev->flow.present = true;
	fx_addr4(&ev->flow.src, "10.0.1.1");
	fx_addr4(&ev->flow.dst, "10.0.0.1");
	ev->flow.proto = IPPROTO_ICMP;
	ev->flow.has_icmp_type = ev->flow.has_icmp_code = true;
	ev->flow.icmp_type = 0;		/* echo reply */
	ev->flow.icmp_code = 0;
	ev->flow.has_mark = true;

	ev->nsa = 1;
	sa->spi = 0x9ce44e77;
	sa->proto = IPPROTO_ESP;
	sa->reqid = 16389;
	sa->mode = XFRM_MODE_TUNNEL;
	fx_addr4(&sa->src, "192.0.2.2");
	fx_addr4(&sa->dst, "192.0.2.1");
	sa->has_if_id = true;
	sel4(&sa->sel, "10.0.1.0", 24, "10.0.0.0", 24);
	sa->has_aalgo = true;

	ev->policy.present = true;
	ev->policy.index = 8;
	ev->policy.priority = 2080;
	ev->policy.dir = XFRMWHY_DIR_IN;
	ev->policy.action = XFRM_POLICY_ALLOW;
	sel4(&ev->policy.sel, "10.0.1.0", 24, "10.0.0.0", 24);
	ev->policy.has_mark = true;
	ev->policy.has_if_id = true;

	ev->ntmpl = 1;
	t->proto = IPPROTO_ESP;
	t->reqid = 16385;
	t->mode = XFRM_MODE_TUNNEL;
	fx_addr4(&t->src, "192.0.2.2");
	fx_addr4(&t->dst, "192.0.2.1");
	t->aalgos = ~0u;
	t->has_compared = true;
	t->compared = 0;
	t->mismatch = 1u << XFRMWHY_MISMATCH_REQID;
	t->evaluated = true;
	ev->has_failed_tmpl = true;
	ev->failed_tmpl = 0;
}

static void fx_lookup(struct xw_lookup *l, uint8_t type, uint8_t result,
		      uint32_t index)
{
	l->present = l->has_type = l->has_result = l->has_if_id = true;
	l->type = type;
	l->result = result;
	l->if_id = 7;
	l->has_index = result == XFRMWHY_LOOKUP_RESULT_POLICY;
	l->index = index;
}

/* XfrmInNoStates: ESP spi 0x9000 seq 3 from 192.0.2.2, no SA has it. */
void fx_nostate_event(struct xw_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->seq = 7;
	ev->time_ns = 1700000000123456789ull;
	ev->netns = 4026531840u;
	ev->ifindex = 2;
	ev->has_ifname = true;
	strcpy(ev->ifname, "veth0");
	ev->dir = XFRMWHY_DIR_IN;
	ev->family = AF_INET;
	ev->reason = XFRMWHY_REASON_NO_STATE;
	ev->exact = true;
	ev->outer.present = true;
	fx_addr4(&ev->outer.src, "192.0.2.2");
	fx_addr4(&ev->outer.dst, "192.0.2.1");
	ev->outer.has_proto = ev->outer.has_spi = ev->outer.has_seq = true;
	ev->outer.has_mark = true;
	ev->outer.proto = IPPROTO_ESP;
	ev->outer.spi = 0x9000;
	ev->outer.seq = 3;
}

void fx_full_event(struct xw_event *ev)
{
	struct xw_sa *sa = ev->sa;
	struct xw_policy *p = &ev->policy, *m = &ev->main_policy;
	struct xw_tmpl *t = ev->tmpl;

	fx_seed_event(ev);
	ev->ifindex = 5;
	strcpy(ev->ifname, "ipsec7");
	ev->flow.proto = IPPROTO_UDP;
	fx_addr4(&ev->flow.src, "10.2.0.1");
	fx_addr4(&ev->flow.dst, "10.1.0.1");
	ev->flow.has_icmp_type = ev->flow.has_icmp_code = false;
	ev->flow.has_sport = ev->flow.has_dport = true;
	ev->flow.sport = 4500;
	ev->flow.dport = 9000;
	ev->flow.mark = 0x10;
	ev->has_lookup_if_id = true;
	ev->lookup_if_id = 7;
	ev->has_netns_id = true;
	ev->netns_id = 12;
	ev->netns_gone = true;

	ev->nsa = 2;
	sa[0].spi = 0x2000;
	sa[0].reqid = 2;
	sa[0].if_id = 7;
	sa[0].aalgo = SADB_X_AALG_SHA2_256HMAC;
	sel4(&sa[0].sel, "10.2.0.0", 24, "10.1.0.0", 24);
	sa[0].sel.proto = IPPROTO_UDP;
	sa[0].sel.sport = 4500;
	sa[0].sel.sport_mask = 0xffff;
	sa[0].sel.dport = 9000;
	sa[0].sel.dport_mask = 0xffff;
	/* Attributes the printer does not word: by their spec names. */
	sa[0].has_output_mark = true;
	sa[0].output_mark = 0x10;
	sa[0].has_output_mask = true;
	sa[0].output_mask = 0xff;
	/* The IPComp tunnel's IPIP state: no name for its protocol. */
	memset(&sa[1], 0, sizeof(sa[1]));
	sa[1].spi = 0xc0000201;
	sa[1].proto = IPPROTO_IPIP;
	sa[1].mode = XFRM_MODE_TUNNEL;
	fx_addr4(&sa[1].src, "192.0.2.2");
	fx_addr4(&sa[1].dst, "192.0.2.1");
	sa[1].has_aalgo = true;
	sa[1].kern = true;

	p->index = 16;
	p->priority = 100;
	p->type = XFRM_POLICY_TYPE_SUB;
	sel4(&p->sel, "10.2.0.0", 24, "10.1.0.0", 24);
	p->sel.proto = IPPROTO_UDP;
	p->sel.dport = 9000;
	p->sel.dport_mask = 0xffff;
	p->mark = 0x10;
	p->mask = 0xff;
	p->if_id = 7;
	p->socket = true;
	p->dead = true;

	m->present = true;
	m->index = 24;
	m->priority = 200;
	m->dir = XFRMWHY_DIR_IN;
	m->action = XFRM_POLICY_BLOCK;
	m->type = XFRM_POLICY_TYPE_MAIN;
	sel4(&m->sel, "0.0.0.0", 0, "0.0.0.0", 0);

	/* Walked last to first: tmpl 1 fails, tmpl 0 is never reached. */
	ev->ntmpl = 3;
	memset(t, 0, 3 * sizeof(*t));
	t[0].proto = IPPROTO_ESP;
	t[0].spi = 0x300;
	t[0].reqid = 9;
	t[0].mode = XFRM_MODE_TRANSPORT;
	t[0].optional = true;
	t[0].aalgos = ~0u;
	t[0].allalgs = true;
	t[1].proto = IPPROTO_ESP;
	t[1].reqid = 3;
	t[1].mode = XFRM_MODE_TUNNEL;
	fx_addr4(&t[1].src, "192.0.2.2");
	fx_addr4(&t[1].dst, "192.0.2.1");
	t[1].aalgos = 1u << SADB_AALG_SHA1HMAC;
	t[1].has_compared = true;
	t[1].compared = 0;
	/* Bit 20: a field a newer module knows. */
	t[1].mismatch = (1u << XFRMWHY_MISMATCH_REQID) |
			(1u << XFRMWHY_MISMATCH_ALGOS) | (1u << 20);
	t[1].evaluated = true;
	t[2].is_extra = true;
	t[2].has_compared = true;
	t[2].compared = 1;
	t[2].mismatch = 1u << XFRMWHY_MISMATCH_EXTRA;
	t[2].evaluated = true;
	ev->has_failed_tmpl = true;
	ev->failed_tmpl = 1;
	ev->dropped_entries = 1;

	/* The socket's policy, then the sub one, then main again. */
	ev->nlookup = 3;
	memset(ev->lookup, 0, 3 * sizeof(ev->lookup[0]));
	fx_lookup(&ev->lookup[0], XFRMWHY_LOOKUP_TYPE_SOCKET,
		  XFRMWHY_LOOKUP_RESULT_NONE, 0);
	fx_lookup(&ev->lookup[1], XFRMWHY_LOOKUP_TYPE_SUB,
		  XFRMWHY_LOOKUP_RESULT_POLICY, 16);
	fx_lookup(&ev->lookup[2], XFRMWHY_LOOKUP_TYPE_MAIN,
		  XFRMWHY_LOOKUP_RESULT_POLICY, 24);
}
