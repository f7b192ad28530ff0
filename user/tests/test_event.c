// SPDX-License-Identifier: GPL-2.0
/*
 * The decoder on hand-built netlink messages laid out as the module sends
 * them: repeated SA/TMPL nests in order, the "extra" pseudo-template,
 * unknown attributes from a newer module, and malformed attributes.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/xfrm.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "../nl.h"
#include "fixtures.h"
#include "tap.h"

#define UNKNOWN_ATTR 200	/* beyond every _MAX of this header */

static void put4(struct nl_msg *m, int type, const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	nla_put(m, type, 4, &a);
}

static void put_sel(struct nl_msg *m, int type, const char *src, int sl,
		    const char *dst, int dl)
{
	struct nlattr *n = nla_nest_start(m, type);

	nla_put_u8(m, XFRMWHY_SEL_A_FAMILY, AF_INET);
	put4(m, XFRMWHY_SEL_A_SRC, src);
	put4(m, XFRMWHY_SEL_A_DST, dst);
	nla_put_u8(m, XFRMWHY_SEL_A_SRC_LEN, sl);
	nla_put_u8(m, XFRMWHY_SEL_A_DST_LEN, dl);
	nla_put_u8(m, XFRMWHY_SEL_A_PROTO, 0);
	nla_put_u16(m, XFRMWHY_SEL_A_SPORT, 0);
	nla_put_u16(m, XFRMWHY_SEL_A_SPORT_MASK, 0);
	nla_put_u16(m, XFRMWHY_SEL_A_DPORT, 0);
	nla_put_u16(m, XFRMWHY_SEL_A_DPORT_MASK, 0);
	nla_put_u32(m, XFRMWHY_SEL_A_IFINDEX, 0);
	nla_nest_end(m, n);
}

static void put_sa(struct nl_msg *m, uint32_t spi, uint32_t reqid,
		   const char *src, const char *dst)
{
	struct nlattr *n = nla_nest_start(m, XFRMWHY_EV_A_SA);

	nla_put_u32(m, XFRMWHY_SA_A_SPI, spi);
	nla_put_u8(m, XFRMWHY_SA_A_PROTO, IPPROTO_ESP);
	nla_put_u32(m, XFRMWHY_SA_A_REQID, reqid);
	nla_put_u8(m, XFRMWHY_SA_A_MODE, XFRM_MODE_TUNNEL);
	nla_put_u8(m, XFRMWHY_SA_A_FAMILY, AF_INET);
	put4(m, XFRMWHY_SA_A_SRC, src);
	put4(m, XFRMWHY_SA_A_DST, dst);
	nla_put_u32(m, XFRMWHY_SA_A_IF_ID, 0);
	put_sel(m, XFRMWHY_SA_A_SEL, "10.0.1.0", 24, "10.0.0.0", 24);
	nla_put_u8(m, XFRMWHY_SA_A_AALGO, 0);
	nla_put_u32(m, UNKNOWN_ATTR, 0xdead);	/* from a newer module */
	nla_nest_end(m, n);
}

/* The seed event as the module's put_event() lays it out. */
static struct nl_msg *seed_msg(int cmd)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *ev, *n;

	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0, cmd, 1);
	nla_put_u32(m, UNKNOWN_ATTR, 1);	/* unknown top-level attr */
	ev = nla_nest_start(m, XFRMWHY_A_EVENT);
	nla_put_u64(m, XFRMWHY_EV_A_SEQ, 42);
	nla_put_u64(m, XFRMWHY_EV_A_TIME_NS, 1700000000123456789ull);
	nla_put_u32(m, XFRMWHY_EV_A_CPU, 1);
	nla_put_u32(m, XFRMWHY_EV_A_NETNS, 4026531833u);
	nla_put_u32(m, XFRMWHY_EV_A_IFINDEX, 2);
	nla_put_string(m, XFRMWHY_EV_A_IFNAME, "eth0");
	nla_put_u8(m, XFRMWHY_EV_A_DIR, XFRMWHY_DIR_IN);
	nla_put_u8(m, XFRMWHY_EV_A_FAMILY, AF_INET);
	nla_put_u8(m, XFRMWHY_EV_A_REASON, XFRMWHY_REASON_TMPL_MISMATCH);
	nla_put_u8(m, XFRMWHY_EV_A_EXACT, 1);
	nla_put_u32(m, XFRMWHY_EV_A_LOOKUP_IF_ID, 0);
	n = nla_nest_start(m, XFRMWHY_EV_A_FLOW);
	put4(m, XFRMWHY_FLOW_A_SRC, "10.0.1.1");
	put4(m, XFRMWHY_FLOW_A_DST, "10.0.0.1");
	nla_put_u8(m, XFRMWHY_FLOW_A_PROTO, IPPROTO_ICMP);
	nla_put_u32(m, XFRMWHY_FLOW_A_MARK, 0);
	nla_put_u8(m, XFRMWHY_FLOW_A_ICMP_TYPE, 0);
	nla_put_u8(m, XFRMWHY_FLOW_A_ICMP_CODE, 0);
	nla_nest_end(m, n);
	put_sa(m, 0x9ce44e77, 16389, "192.0.2.2", "192.0.2.1");
	n = nla_nest_start(m, XFRMWHY_EV_A_POLICY);
	nla_put_u32(m, XFRMWHY_POL_A_INDEX, 8);
	nla_put_u32(m, XFRMWHY_POL_A_PRIORITY, 2080);
	nla_put_u8(m, XFRMWHY_POL_A_DIR, XFRMWHY_DIR_IN);
	nla_put_u8(m, XFRMWHY_POL_A_ACTION, XFRM_POLICY_ALLOW);
	nla_put_u8(m, XFRMWHY_POL_A_TYPE, XFRM_POLICY_TYPE_MAIN);
	put_sel(m, XFRMWHY_POL_A_SEL, "10.0.1.0", 24, "10.0.0.0", 24);
	nla_put_u32(m, XFRMWHY_POL_A_MARK, 0);
	nla_put_u32(m, XFRMWHY_POL_A_MASK, 0);
	nla_put_u32(m, XFRMWHY_POL_A_IF_ID, 0);
	nla_nest_end(m, n);
	n = nla_nest_start(m, XFRMWHY_EV_A_TMPL);
	nla_put_u8(m, XFRMWHY_TMPL_A_PROTO, IPPROTO_ESP);
	nla_put_u32(m, XFRMWHY_TMPL_A_SPI, 0);
	nla_put_u32(m, XFRMWHY_TMPL_A_REQID, 16385);
	nla_put_u8(m, XFRMWHY_TMPL_A_MODE, XFRM_MODE_TUNNEL);
	nla_put_u8(m, XFRMWHY_TMPL_A_FAMILY, AF_INET);
	put4(m, XFRMWHY_TMPL_A_SRC, "192.0.2.2");
	put4(m, XFRMWHY_TMPL_A_DST, "192.0.2.1");
	nla_put_u8(m, XFRMWHY_TMPL_A_OPTIONAL, 0);
	nla_put_u32(m, XFRMWHY_TMPL_A_AALGOS, ~0u);
	nla_put_u8(m, XFRMWHY_TMPL_A_ALLALGS, 0);
	nla_put_u32(m, XFRMWHY_TMPL_A_COMPARED, 0);
	nla_put_u32(m, XFRMWHY_TMPL_A_MISMATCH, 1u << XFRMWHY_MISMATCH_REQID);
	nla_put_u8(m, XFRMWHY_TMPL_A_EVALUATED, 1);
	nla_nest_end(m, n);
	nla_put_u32(m, UNKNOWN_ATTR, 7);	/* unknown event attr */
	nla_nest_end(m, ev);
	return m;
}

TEST(decode_seed_event)
{
	struct nl_msg *m = seed_msg(XFRMWHY_CMD_EVENTS_GET);
	struct xw_event ev, want;
	char a[INET6_ADDRSTRLEN];

	EXPECT_EQ(xw_nl_parse_event_msg(m, &ev), 0);
	fx_seed_event(&want);
	EXPECT_EQ(ev.seq, 42);
	EXPECT(ev.time_ns == 1700000000123456789ull);
	EXPECT_EQ(ev.cpu, 1);
	EXPECT_EQ(ev.netns, 4026531833u);
	EXPECT_EQ(ev.ifindex, 2);
	EXPECT(ev.has_ifname);
	EXPECT_STR(ev.ifname, "eth0");
	EXPECT_EQ(ev.dir, XFRMWHY_DIR_IN);
	EXPECT_EQ(ev.family, AF_INET);
	EXPECT_EQ(ev.reason, XFRMWHY_REASON_TMPL_MISMATCH);
	EXPECT(ev.exact);
	EXPECT(ev.has_lookup_if_id);
	EXPECT_STR(xw_addr_str(&ev.flow.src, a, sizeof(a)), "10.0.1.1");
	EXPECT_STR(xw_addr_str(&ev.flow.dst, a, sizeof(a)), "10.0.0.1");
	EXPECT_EQ(ev.flow.proto, IPPROTO_ICMP);
	EXPECT(!ev.flow.has_sport && !ev.flow.has_dport);
	EXPECT(ev.flow.has_icmp_type && ev.flow.has_icmp_code);
	EXPECT(ev.flow.has_mark);
	EXPECT_EQ(ev.nsa, 1);
	EXPECT_EQ(ev.sa[0].spi, 0x9ce44e77);
	EXPECT_EQ(ev.sa[0].proto, IPPROTO_ESP);
	EXPECT_EQ(ev.sa[0].reqid, 16389);
	EXPECT_EQ(ev.sa[0].mode, XFRM_MODE_TUNNEL);
	EXPECT_STR(xw_addr_str(&ev.sa[0].src, a, sizeof(a)), "192.0.2.2");
	EXPECT_STR(xw_addr_str(&ev.sa[0].dst, a, sizeof(a)), "192.0.2.1");
	EXPECT(ev.sa[0].sel.present);
	EXPECT_EQ(ev.sa[0].sel.src_len, 24);
	EXPECT(!ev.sa[0].kern);
	EXPECT(ev.policy.present);
	EXPECT_EQ(ev.policy.index, 8);
	EXPECT_EQ(ev.policy.priority, 2080);
	EXPECT_EQ(ev.policy.action, XFRM_POLICY_ALLOW);
	EXPECT_STR(xw_addr_str(&ev.policy.sel.src, a, sizeof(a)), "10.0.1.0");
	EXPECT_STR(xw_addr_str(&ev.policy.sel.dst, a, sizeof(a)), "10.0.0.0");
	EXPECT_EQ(ev.policy.sel.dst_len, 24);
	EXPECT(!ev.main_policy.present);
	EXPECT_EQ(ev.ntmpl, 1);
	EXPECT(!ev.tmpl[0].is_extra);
	EXPECT_EQ(ev.tmpl[0].proto, IPPROTO_ESP);
	EXPECT_EQ(ev.tmpl[0].reqid, 16385);
	EXPECT_EQ(ev.tmpl[0].spi, 0);
	EXPECT(ev.tmpl[0].has_compared);
	EXPECT_EQ(ev.tmpl[0].compared, 0);
	EXPECT_EQ(ev.tmpl[0].mismatch, 1u << XFRMWHY_MISMATCH_REQID);
	EXPECT(ev.tmpl[0].evaluated);
	EXPECT_EQ(ev.dropped_entries, 0);
	nlmsg_free(m);
}

/* The failing template is the one the kernel named, not a guess. */
TEST(decode_failed_tmpl)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *ev, *n;
	struct xw_event e;
	int i;

	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
		    XFRMWHY_CMD_EVENT, 1);
	ev = nla_nest_start(m, XFRMWHY_A_EVENT);
	nla_put_u8(m, XFRMWHY_EV_A_REASON, XFRMWHY_REASON_TMPL_MISMATCH);
	put_sa(m, 0x1, 1, "192.0.2.2", "192.0.2.1");
	/* Both templates carry mismatch bits; the kernel failed on the second. */
	for (i = 0; i < 2; i++) {
		n = nla_nest_start(m, XFRMWHY_EV_A_TMPL);
		nla_put_u8(m, XFRMWHY_TMPL_A_PROTO, IPPROTO_ESP);
		nla_put_u32(m, XFRMWHY_TMPL_A_REQID, 5 + i);
		nla_put_u32(m, XFRMWHY_TMPL_A_MISMATCH, 1u << XFRMWHY_MISMATCH_REQID);
		nla_nest_end(m, n);
	}
	nla_put_u32(m, XFRMWHY_EV_A_FAILED_TMPL, 1);
	nla_nest_end(m, ev);
	EXPECT_EQ(xw_nl_parse_event_msg(m, &e), 0);
	EXPECT(e.has_failed_tmpl);
	EXPECT_EQ(xw_event_failing_tmpl(&e), 1);
	nlmsg_free(m);

	/* Out of range: ignored, never an index past the templates. */
	m = nlmsg_alloc();
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
		    XFRMWHY_CMD_EVENT, 1);
	ev = nla_nest_start(m, XFRMWHY_A_EVENT);
	nla_put_u32(m, XFRMWHY_EV_A_FAILED_TMPL, 3);
	nla_nest_end(m, ev);
	EXPECT_EQ(xw_nl_parse_event_msg(m, &e), 0);
	EXPECT(!e.has_failed_tmpl);
	EXPECT_EQ(xw_event_failing_tmpl(&e), -1);
	nlmsg_free(m);
}

/*
 * Multi-attributes keep their order; the kernel's extra-sa becomes the
 * "extra" entry of the template list.
 */
TEST(decode_multi_and_extra)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *ev, *n;
	struct xw_event e;

	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
		    XFRMWHY_CMD_EVENT, 1);
	ev = nla_nest_start(m, XFRMWHY_A_EVENT);
	nla_put_u8(m, XFRMWHY_EV_A_REASON, XFRMWHY_REASON_TMPL_MISMATCH);
	put_sa(m, 0x1, 1, "192.0.2.2", "192.0.2.1");
	put_sa(m, 0x2, 2, "192.0.2.3", "192.0.2.1");
	n = nla_nest_start(m, XFRMWHY_EV_A_TMPL);
	nla_put_u8(m, XFRMWHY_TMPL_A_PROTO, IPPROTO_ESP);
	nla_put_u32(m, XFRMWHY_TMPL_A_REQID, 2);
	nla_put_u8(m, XFRMWHY_TMPL_A_OPTIONAL, 1);
	nla_put_u32(m, XFRMWHY_TMPL_A_MISMATCH, 0);
	nla_nest_end(m, n);
	nla_put_u32(m, XFRMWHY_EV_A_EXTRA_SA, 0);
	n = nla_nest_start(m, XFRMWHY_EV_A_MAIN_POLICY);
	nla_put_u32(m, XFRMWHY_POL_A_INDEX, 17);
	nla_put_u8(m, XFRMWHY_POL_A_ACTION, XFRM_POLICY_BLOCK);
	nla_put_flag(m, XFRMWHY_POL_A_SOCKET);
	nla_nest_end(m, n);
	nla_nest_end(m, ev);

	EXPECT_EQ(xw_nl_parse_event_msg(m, &e), 0);
	EXPECT_EQ(e.nsa, 2);
	EXPECT_EQ(e.sa[0].spi, 1);
	EXPECT_EQ(e.sa[1].spi, 2);
	EXPECT_EQ(e.sa[1].reqid, 2);
	EXPECT_EQ(e.ntmpl, 2);
	EXPECT(!e.tmpl[0].is_extra);
	EXPECT(e.tmpl[0].optional);
	EXPECT(!e.tmpl[0].has_compared);
	EXPECT(e.tmpl[1].is_extra);
	EXPECT(e.tmpl[1].has_compared);
	EXPECT_EQ(e.tmpl[1].compared, 0);
	EXPECT_EQ(xw_event_failing_tmpl(&e), 1);
	EXPECT(!e.has_failed_tmpl);
	EXPECT(!e.policy.present);
	EXPECT(e.main_policy.present);
	EXPECT_EQ(e.main_policy.index, 17);
	EXPECT_EQ(e.main_policy.action, XFRM_POLICY_BLOCK);
	EXPECT(e.main_policy.socket);
	EXPECT(!e.has_ifname);
	nlmsg_free(m);
}

TEST(decode_ipv6_addresses)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *ev, *n;
	struct in6_addr a6;
	struct xw_event e;
	char a[INET6_ADDRSTRLEN];

	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
		    XFRMWHY_CMD_EVENT, 1);
	ev = nla_nest_start(m, XFRMWHY_A_EVENT);
	nla_put_u8(m, XFRMWHY_EV_A_FAMILY, AF_INET6);
	n = nla_nest_start(m, XFRMWHY_EV_A_FLOW);
	inet_pton(AF_INET6, "2001:db8:b::1", &a6);
	nla_put(m, XFRMWHY_FLOW_A_SRC, 16, &a6);
	nla_put_u8(m, XFRMWHY_FLOW_A_PROTO, IPPROTO_TCP);
	nla_put_u16(m, XFRMWHY_FLOW_A_SPORT, 40000);
	nla_put_u16(m, XFRMWHY_FLOW_A_DPORT, 22);
	nla_nest_end(m, n);
	nla_nest_end(m, ev);

	EXPECT_EQ(xw_nl_parse_event_msg(m, &e), 0);
	EXPECT_EQ(e.flow.src.family, AF_INET6);
	EXPECT_STR(xw_addr_str(&e.flow.src, a, sizeof(a)), "2001:db8:b::1");
	EXPECT(!xw_addr_is_set(&e.flow.dst));
	EXPECT(e.flow.has_sport && e.flow.sport == 40000);
	EXPECT(e.flow.has_dport && e.flow.dport == 22);
	nlmsg_free(m);
}

/* A 5-byte address and a short u32 are rejected, not misread. */
TEST(decode_rejects_malformed)
{
	static const unsigned char five[5] = { 1, 2, 3, 4, 5 };
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *ev, *n;
	struct xw_event e;
	uint16_t two = 7;

	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
		    XFRMWHY_CMD_EVENT, 1);
	ev = nla_nest_start(m, XFRMWHY_A_EVENT);
	n = nla_nest_start(m, XFRMWHY_EV_A_FLOW);
	nla_put(m, XFRMWHY_FLOW_A_SRC, 5, five);
	nla_nest_end(m, n);
	nla_nest_end(m, ev);
	EXPECT(xw_nl_parse_event_msg(m, &e) < 0);
	nlmsg_free(m);

	m = nlmsg_alloc();
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
		    XFRMWHY_CMD_EVENT, 1);
	ev = nla_nest_start(m, XFRMWHY_A_EVENT);
	nla_put(m, XFRMWHY_EV_A_CPU, 2, &two);
	nla_nest_end(m, ev);
	EXPECT(xw_nl_parse_event_msg(m, &e) < 0);
	nlmsg_free(m);

	/* A message without an event nest is not an event. */
	m = nlmsg_alloc();
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
		    XFRMWHY_CMD_EVENT, 1);
	EXPECT(xw_nl_parse_event_msg(m, &e) < 0);
	nlmsg_free(m);
}

/* More SAs than XFRM_MAX_DEPTH: kept within bounds, and counted. */
TEST(decode_too_many_sas)
{
	struct nl_msg *m = nlmsg_alloc_size(16384);
	struct nlattr *ev;
	struct xw_event e;
	int i;

	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
		    XFRMWHY_CMD_EVENT, 1);
	ev = nla_nest_start(m, XFRMWHY_A_EVENT);
	for (i = 0; i < XFRMWHY_MAX_DEPTH + 2; i++)
		put_sa(m, (uint32_t)i + 1, 1, "192.0.2.2", "192.0.2.1");
	nla_nest_end(m, ev);
	EXPECT_EQ(xw_nl_parse_event_msg(m, &e), 0);
	EXPECT_EQ(e.nsa, XFRMWHY_MAX_DEPTH);
	EXPECT_EQ(e.sa[XFRMWHY_MAX_DEPTH - 1].spi, XFRMWHY_MAX_DEPTH);
	EXPECT_EQ(e.dropped_entries, 2);
	nlmsg_free(m);
}

TEST(vocabulary_names)
{
	EXPECT_STR(xw_reason_name(XFRMWHY_REASON_TMPL_MISMATCH), "tmpl_mismatch");
	EXPECT_STR(xw_reason_name(99), "unknown");
	EXPECT_STR(xw_reason_counter(XFRMWHY_REASON_NO_POLICY), "XfrmInNoPols");
	EXPECT_STR(xw_reason_counter(XFRMWHY_REASON_BUFFER_ERROR), "XfrmInBufferError");
	EXPECT(xw_reason_counter(XFRMWHY_REASON_UNKNOWN) == NULL);
	EXPECT_EQ(xw_reason_parse("state_mismatch"), XFRMWHY_REASON_STATE_MISMATCH);
	EXPECT_EQ(xw_reason_parse("bogus"), -1);
	EXPECT_STR(xw_mode_name(XFRM_MODE_BEET), "beet");
	EXPECT_STR(xw_mode_name(XFRM_MODE_ROUTEOPTIMIZATION), "route_optimization");
	EXPECT_STR(xw_mode_name(XFRM_MODE_IN_TRIGGER), "in_trigger");
	EXPECT_STR(xw_proto_name(IPPROTO_COMP), "comp");
	EXPECT(xw_proto_name(4) == NULL);
	EXPECT_STR(xw_mismatch_name(XFRMWHY_MISMATCH_TUNNEL_SRC), "tunnel_src");
	EXPECT_STR(xw_mismatch_name(XFRMWHY_MISMATCH_KERN), "kern");
	EXPECT_STR(xw_dir_name(XFRMWHY_DIR_FWD), "fwd");
	EXPECT_STR(xw_family_name(AF_INET6), "ipv6");
}
