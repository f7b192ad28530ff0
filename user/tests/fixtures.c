// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
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
}
