// SPDX-License-Identifier: GPL-2.0
/*
 * explain(): every hint branch, with exact expected sentences.  Each case
 * starts from the seed event and changes what its pattern needs.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <linux/xfrm.h>

#include "../explain.h"
#include "fixtures.h"
#include "tap.h"

#define M(bit) (1u << XFRMWHY_MISMATCH_##bit)
#define SA_SEED "SA spi 0x9ce44e77 reqid 16389 (192.0.2.2 -> 192.0.2.1, tunnel)"
#define POL_SEED "inbound policy 10.0.1.0/24 -> 10.0.0.0/24 (index 8)"
#define FLOW_SEED "ICMP 10.0.1.1 -> 10.0.0.1"

static void check(const struct xw_event *ev, const struct xw_sad_match *sad,
		  enum xw_hint want_hint, const char *want_facts)
{
	char buf[XW_EXPLAIN_MAX], want[XW_EXPLAIN_MAX];
	enum xw_hint h = xw_explain(ev, sad, buf, sizeof(buf));

	snprintf(want, sizeof(want), "%s %s", want_facts, xw_hint_text(want_hint));
	EXPECT_STR(xw_hint_name(h), xw_hint_name(want_hint));
	EXPECT_STR(buf, want);
}

/* Builders: each turns the seed into one pattern. */
static void b_reqid(struct xw_event *ev) { (void)ev; }

static void b_reqid_fwd(struct xw_event *ev)
{
	ev->dir = ev->policy.dir = XFRMWHY_DIR_FWD;
}

static void b_spi(struct xw_event *ev)
{
	ev->tmpl[0].spi = 0x11111111;
	ev->tmpl[0].reqid = 0;
	ev->tmpl[0].mismatch = M(SPI);
}

static void b_spi_reqid(struct xw_event *ev)
{
	ev->tmpl[0].spi = 0x11111111;
	ev->tmpl[0].mismatch = M(SPI) | M(REQID);
}

static void b_proto(struct xw_event *ev)
{
	ev->tmpl[0].proto = IPPROTO_AH;
	ev->tmpl[0].reqid = 16389;
	ev->tmpl[0].mismatch = M(PROTO);
}

static void b_mode(struct xw_event *ev)
{
	ev->tmpl[0].mode = XFRM_MODE_TRANSPORT;
	ev->tmpl[0].mismatch = M(MODE) | M(REQID);
}

static void b_tunnel_src(struct xw_event *ev)
{
	fx_addr4(&ev->tmpl[0].src, "198.51.100.7");
	ev->tmpl[0].reqid = 16389;
	ev->tmpl[0].mismatch = M(TUNNEL_SRC);
}

static void b_if_id(struct xw_event *ev)
{
	ev->has_lookup_if_id = true;
	ev->lookup_if_id = 7;
	ev->sa[0].if_id = 3;
	ev->tmpl[0].reqid = 16389;
	ev->tmpl[0].mismatch = M(IF_ID);
}

static void b_algos(struct xw_event *ev)
{
	ev->sa[0].aalgo = 3;	/* SADB_AALG_SHA1HMAC */
	ev->tmpl[0].aalgos = 1u << 5;
	ev->tmpl[0].reqid = 16389;
	ev->tmpl[0].mismatch = M(ALGOS);
}

static void b_missing_clear(struct xw_event *ev)
{
	ev->nsa = 0;
	ev->tmpl[0].has_compared = false;
	ev->tmpl[0].mismatch = M(MISSING);
}

static void b_missing_after(struct xw_event *ev)
{
	ev->sa[0].mode = XFRM_MODE_TRANSPORT;
	ev->sa[0].reqid = 16385;
	ev->tmpl[0].has_compared = false;
	ev->tmpl[0].mismatch = M(MISSING);
}

static void b_extra(struct xw_event *ev)
{
	/* The policy's only template is optional; the tunnel SA is left. */
	ev->tmpl[0].optional = true;
	ev->tmpl[0].mode = XFRM_MODE_TRANSPORT;
	ev->tmpl[0].has_compared = false;
	ev->has_failed_tmpl = false;
	ev->tmpl[0].mismatch = 0;
	ev->ntmpl = 2;
	memset(&ev->tmpl[1], 0, sizeof(ev->tmpl[1]));
	ev->tmpl[1].is_extra = true;
	ev->tmpl[1].has_compared = true;
	ev->tmpl[1].compared = 0;
	ev->tmpl[1].mismatch = M(EXTRA);
}

static void b_kern(struct xw_event *ev)
{
	ev->sa[0].kern = true;
	ev->sa[0].proto = IPPROTO_IPIP;
	ev->sa[0].spi = 0xc0000202;
	ev->sa[0].reqid = 0;
	ev->tmpl[0].proto = IPPROTO_COMP;
	ev->tmpl[0].mismatch = M(KERN);
}

static void b_tunnel_dst_only(struct xw_event *ev)
{
	ev->tmpl[0].mismatch = M(TUNNEL_DST);
}

static void b_no_details(struct xw_event *ev)
{
	ev->policy.present = false;
	ev->ntmpl = 0;
	ev->exact = false;
}

static void b_no_policy_tunnel(struct xw_event *ev)
{
	ev->reason = XFRMWHY_REASON_NO_POLICY;
	ev->policy.present = false;
	ev->ntmpl = 0;
}

static void b_no_policy_default(struct xw_event *ev)
{
	ev->reason = XFRMWHY_REASON_NO_POLICY;
	ev->dir = XFRMWHY_DIR_FWD;
	ev->nsa = 0;
	ev->policy.present = false;
	ev->ntmpl = 0;
}

static void b_block(struct xw_event *ev)
{
	ev->reason = XFRMWHY_REASON_POLICY_BLOCK;
	ev->policy.action = XFRM_POLICY_BLOCK;
	ev->ntmpl = 0;
}

static void b_block_main(struct xw_event *ev)
{
	/* An allowing sub-policy, then a blocking main policy. */
	ev->reason = XFRMWHY_REASON_POLICY_BLOCK;
	ev->policy.type = XFRM_POLICY_TYPE_SUB;
	ev->main_policy = ev->policy;
	ev->main_policy.type = XFRM_POLICY_TYPE_MAIN;
	ev->main_policy.index = 9;
	ev->main_policy.action = XFRM_POLICY_BLOCK;
	ev->ntmpl = 0;
}

static void b_state(struct xw_event *ev)
{
	ev->reason = XFRMWHY_REASON_STATE_MISMATCH;
	fx_addr4(&ev->flow.src, "10.0.2.5");
	ev->policy.present = false;
	ev->ntmpl = 0;
}

static void b_state_inner(struct xw_event *ev)
{
	/* Outer SA covers the flow, the inner one (checked first) not. */
	ev->reason = XFRMWHY_REASON_STATE_MISMATCH;
	ev->policy.present = false;
	ev->ntmpl = 0;
	ev->nsa = 2;
	ev->sa[1] = ev->sa[0];
	ev->sa[1].spi = 0x0badcafe;
	ev->sa[1].reqid = 7;
	ev->sa[1].mode = XFRM_MODE_TRANSPORT;
	fx_addr4(&ev->sa[1].sel.src, "10.9.9.0");
}

static void b_hdr(struct xw_event *ev)
{
	ev->reason = XFRMWHY_REASON_HDR_ERROR;
	memset(&ev->flow, 0, sizeof(ev->flow));
}

static void b_polerr(struct xw_event *ev)
{
	ev->reason = XFRMWHY_REASON_POLICY_ERROR;
}

static void lookup(struct xw_event *ev, uint8_t type, uint8_t result,
		   uint32_t if_id)
{
	struct xw_lookup *l = &ev->lookup[ev->nlookup++];

	memset(l, 0, sizeof(*l));
	l->present = l->has_type = l->has_result = l->has_if_id = true;
	l->type = type;
	l->result = result;
	l->if_id = if_id;
}

/* The sub and the main policies searched with the interface's if_id. */
static void b_no_policy_lookups(struct xw_event *ev)
{
	b_no_policy_tunnel(ev);
	lookup(ev, XFRMWHY_LOOKUP_TYPE_SUB, XFRMWHY_LOOKUP_RESULT_NONE, 3);
	lookup(ev, XFRMWHY_LOOKUP_TYPE_MAIN, XFRMWHY_LOOKUP_RESULT_NONE, 3);
}

/* The socket's lookup found nothing, the main one failed. */
static void b_polerr_lookup(struct xw_event *ev)
{
	ev->reason = XFRMWHY_REASON_POLICY_ERROR;
	lookup(ev, XFRMWHY_LOOKUP_TYPE_SOCKET, XFRMWHY_LOOKUP_RESULT_NONE, 0);
	lookup(ev, XFRMWHY_LOOKUP_TYPE_MAIN, XFRMWHY_LOOKUP_RESULT_ERROR, 0);
	ev->lookup[1].has_error = true;
	ev->lookup[1].error = ENOMEM;
}

/* Before decryption, with the packet's mark: no flow, no SA, no policy. */
static void b_no_state(struct xw_event *ev)
{
	fx_nostate_event(ev);
	ev->outer.mark = 0x5;
}

static void b_buferr(struct xw_event *ev)
{
	ev->reason = XFRMWHY_REASON_BUFFER_ERROR;
}

static void b_unknown(struct xw_event *ev)
{
	ev->reason = XFRMWHY_REASON_UNKNOWN;
}

static void b_unknown_newer(struct xw_event *ev)
{
	ev->reason = 99;	/* a reason code from a newer module */
}

static void b_tcp6(struct xw_event *ev)
{
	ev->family = AF_INET6;
	fx_addr6(&ev->flow.src, "2001:db8:b::1");
	fx_addr6(&ev->flow.dst, "2001:db8:a::1");
	ev->flow.proto = IPPROTO_TCP;
	ev->flow.has_sport = ev->flow.has_dport = true;
	ev->flow.sport = 40000;
	ev->flow.dport = 22;
	fx_addr6(&ev->sa[0].src, "2001:db8::2");
	fx_addr6(&ev->sa[0].dst, "2001:db8::1");
	ev->policy.sel.family = AF_INET6;
	fx_addr6(&ev->policy.sel.src, "2001:db8:b::");
	fx_addr6(&ev->policy.sel.dst, "2001:db8:a::");
	ev->policy.sel.src_len = ev->policy.sel.dst_len = 64;
	ev->policy.sel.proto = IPPROTO_TCP;
}

#define ECASES(X)							\
X(reqid, XW_HINT_REQID, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", but " POL_SEED " requires reqid 16385.") \
X(reqid_fwd, XW_HINT_REQID, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", but forward policy 10.0.1.0/24 -> 10.0.0.0/24 (index 8) requires reqid 16385.") \
X(spi, XW_HINT_SPI, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", but " POL_SEED " requires spi 0x11111111.") \
X(spi_reqid, XW_HINT_SPI, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", but " POL_SEED " requires spi 0x11111111 reqid 16385.") \
X(proto, XW_HINT_PROTO, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by SA proto esp spi 0x9ce44e77 reqid 16389 (192.0.2.2 -> 192.0.2.1, tunnel), but " POL_SEED " requires proto ah.") \
X(mode, XW_HINT_MODE, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", but " POL_SEED " requires reqid 16385 mode transport.") \
X(tunnel_src, XW_HINT_TUNNEL_SRC, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", but " POL_SEED " requires tunnel src 198.51.100.7.") \
X(if_id, XW_HINT_IF_ID, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by SA spi 0x9ce44e77 reqid 16389 (192.0.2.2 -> 192.0.2.1, tunnel, if_id 3), but " POL_SEED " requires if_id 7.") \
X(algos, XW_HINT_ALGOS, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by SA spi 0x9ce44e77 reqid 16389 (192.0.2.2 -> 192.0.2.1, tunnel, auth hmac(sha1)), but " POL_SEED " requires an auth algorithm in mask 0x20.") \
X(missing_clear, XW_HINT_MISSING, FLOW_SEED " dropped (XfrmInTmplMismatch): arrived without IPsec, but " POL_SEED " requires proto esp reqid 16385 mode tunnel.") \
X(missing_after, XW_HINT_MISSING, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by SA spi 0x9ce44e77 reqid 16385 (192.0.2.2 -> 192.0.2.1, transport), but " POL_SEED " also requires proto esp reqid 16385 mode tunnel and no SA is left to match it.") \
X(extra, XW_HINT_EXTRA, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", which no template of " POL_SEED " accounts for.") \
X(kern, XW_HINT_KERN, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by kernel-internal tunnel state SA proto 4 spi 0xc0000202 reqid 0 (192.0.2.2 -> 192.0.2.1, tunnel), which only an optional template may match, but " POL_SEED " requires proto comp reqid 16385 mode tunnel.") \
X(tunnel_dst_only, XW_HINT_UNKNOWN, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", but " POL_SEED " rejected it with template proto esp reqid 16385 mode tunnel.") \
X(no_details, XW_HINT_UNKNOWN, FLOW_SEED " dropped (XfrmInTmplMismatch): the SAs that decrypted it did not match the policy's templates (no policy details captured: hook mode approximate).") \
X(no_policy_tunnel, XW_HINT_NO_POLICY_TUNNEL, FLOW_SEED " dropped (XfrmInNoPols): decrypted by " SA_SEED ", but no inbound policy matches this flow.") \
X(no_policy_default, XW_HINT_NO_POLICY_DEFAULT, FLOW_SEED " dropped (XfrmInNoPols): no forward policy matches this flow and the forward default policy is block.") \
X(block, XW_HINT_POLICY_BLOCK, FLOW_SEED " dropped (XfrmInPolBlock): " POL_SEED " has action block.") \
X(block_main, XW_HINT_POLICY_BLOCK, FLOW_SEED " dropped (XfrmInPolBlock): inbound policy 10.0.1.0/24 -> 10.0.0.0/24 (index 9) has action block.") \
X(state, XW_HINT_STATE_MISMATCH, "ICMP 10.0.2.5 -> 10.0.0.1 dropped (XfrmInStateMismatch): decrypted by " SA_SEED ", whose selector 10.0.1.0/24 -> 10.0.0.0/24 does not cover this flow.") \
X(state_inner, XW_HINT_STATE_MISMATCH, FLOW_SEED " dropped (XfrmInStateMismatch): decrypted by SA spi 0x0badcafe reqid 7 (192.0.2.2 -> 192.0.2.1, transport), whose selector 10.9.9.0/24 -> 10.0.0.0/24 does not cover this flow.") \
X(hdr, XW_HINT_HDR_ERROR, "A packet dropped (XfrmInHdrError): the kernel could not build the flow for the policy lookup.") \
X(polerr, XW_HINT_POLICY_ERROR, FLOW_SEED " dropped (XfrmInPolError): the kernel's policy lookup for this flow returned an error.") \
X(polerr_lookup, XW_HINT_POLICY_ERROR, FLOW_SEED " dropped (XfrmInPolError): the kernel's lookup of the main policies for this flow failed with error 12 (Cannot allocate memory).") \
X(no_policy_lookups, XW_HINT_NO_POLICY_TUNNEL, FLOW_SEED " dropped (XfrmInNoPols): decrypted by " SA_SEED ", but no inbound policy matches this flow. The kernel searched the sub policies and the main policies for if_id 3: none matched.") \
X(no_state, XW_HINT_NO_STATE, "ESP spi 0x00009000 seq 3 192.0.2.2 -> 192.0.2.1 (mark 0x5) dropped (XfrmInNoStates): no SA of this host has that SPI for the packet's destination and mark.") \
X(buferr, XW_HINT_BUFFER_ERROR, FLOW_SEED " dropped (XfrmInBufferError): the policies for this flow hold 6 or more templates, more than the inbound check accepts.") \
X(unknown, XW_HINT_UNKNOWN, FLOW_SEED " dropped at the inbound policy check: none of the XfrmIn* counters of its namespace moved (it was counted elsewhere, e.g. through an xfrm interface of another namespace).") \
X(unknown_newer, XW_HINT_UNKNOWN, FLOW_SEED " dropped at the inbound policy check: none of the XfrmIn* counters of its namespace moved (it was counted elsewhere, e.g. through an xfrm interface of another namespace).") \
X(tcp6, XW_HINT_REQID, "TCP [2001:db8:b::1]:40000 -> [2001:db8:a::1]:22 dropped (XfrmInTmplMismatch): decrypted by SA spi 0x9ce44e77 reqid 16389 (2001:db8::2 -> 2001:db8::1, tunnel), but inbound policy 2001:db8:b::/64 -> 2001:db8:a::/64 proto tcp (index 8) requires reqid 16385.")

#define DEFINE_CASE(name, hint, facts)					\
	TEST(explain_##name)						\
	{								\
		struct xw_event ev;					\
									\
		fx_seed_event(&ev);					\
		b_##name(&ev);						\
		check(&ev, NULL, hint, facts);				\
	}
ECASES(DEFINE_CASE)

/* The seed story, word for word as the operator should read it. */
TEST(explain_seed_exact)
{
	struct xw_event ev;
	char buf[XW_EXPLAIN_MAX];

	fx_seed_event(&ev);
	EXPECT_EQ(xw_explain(&ev, NULL, buf, sizeof(buf)), XW_HINT_REQID);
	EXPECT_STR(buf, SEED_EXPLANATION);
}

/* Every hint of the table is reached by some pattern, and only by it. */
TEST(explain_every_hint_reached)
{
	static const struct {
		void (*build)(struct xw_event *);
		enum xw_hint hint;
	} all[] = {
#define ROW(name, hint, facts) { b_##name, hint },
		ECASES(ROW)
#undef ROW
	};
	unsigned int seen = 0;
	size_t i;
	int h, k;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct xw_event ev;
		char buf[XW_EXPLAIN_MAX];

		fx_seed_event(&ev);
		all[i].build(&ev);
		seen |= 1u << xw_explain(&ev, NULL, buf, sizeof(buf));
	}
	EXPECT_EQ(seen, (1u << __XW_HINT_CNT) - 1);
	for (h = 0; h < __XW_HINT_CNT; h++) {
		EXPECT(strlen(xw_hint_text(h)) > 40);
		for (k = h + 1; k < __XW_HINT_CNT; k++) {
			EXPECT(strcmp(xw_hint_text(h), xw_hint_text(k)) != 0);
			EXPECT(strcmp(xw_hint_name(h), xw_hint_name(k)) != 0);
		}
	}
}

TEST(explain_sad_found_idle)
{
	struct xw_sad_match m = {
		.looked_up = true, .found = true, .want_reqid = 16385,
		.sa = { .spi = 0x11111111, .reqid = 16385, .packets = 0 },
		.has_using_spi = true, .using_spi = 0x9ce44e77,
	};
	struct xw_event ev;

	fx_seed_event(&ev);
	check(&ev, &m, XW_HINT_REQID, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", but " POL_SEED " requires reqid 16385. Expected SA spi 0x11111111 reqid 16385 exists (idle: 0 packets); the peer is using 0x9ce44e77 instead.");
}

TEST(explain_sad_found_busy)
{
	struct xw_sad_match m = {
		.looked_up = true, .found = true, .want_reqid = 16385,
		.sa = { .spi = 0x11111111, .reqid = 16385, .packets = 12,
			.bytes = 1008 },
	};
	struct xw_event ev;

	fx_seed_event(&ev);
	check(&ev, &m, XW_HINT_REQID, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", but " POL_SEED " requires reqid 16385. Expected SA spi 0x11111111 reqid 16385 exists (12 packets, 1008 bytes).");
}

TEST(explain_sad_not_found)
{
	struct xw_sad_match m = { .looked_up = true, .want_reqid = 16385 };
	struct xw_event ev;

	fx_addr4(&m.peer, "192.0.2.2");
	fx_seed_event(&ev);
	check(&ev, &m, XW_HINT_REQID, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", but " POL_SEED " requires reqid 16385. No SA with reqid 16385 from 192.0.2.2 exists in the SAD now.");
}

/* The namespace is gone: no SAD to look in, and the event says so. */
TEST(explain_sad_netns_gone)
{
	struct xw_sad_match m = { .looked_up = true, .want_reqid = 16385,
				  .netns_gone = true };
	struct xw_event ev;

	fx_seed_event(&ev);
	check(&ev, &m, XW_HINT_REQID, FLOW_SEED " dropped (XfrmInTmplMismatch): decrypted by " SA_SEED ", but " POL_SEED " requires reqid 16385. Its network namespace has been deleted since, and its SAs with it: the expected SA cannot be looked up.");
}

/* A short buffer is cut, terminated, and never overrun. */
TEST(explain_short_buffer)
{
	struct xw_event ev;
	char buf[40];

	memset(buf, 'Z', sizeof(buf));
	fx_seed_event(&ev);
	EXPECT_EQ(xw_explain(&ev, NULL, buf, 20), XW_HINT_REQID);
	EXPECT_STR(buf, "ICMP 10.0.1.1 -> 10");
	EXPECT_EQ(buf[20], 'Z');
}
