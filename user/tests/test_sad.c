// SPDX-License-Identifier: GPL-2.0
/* SAD correlation on a hand-made snapshot (no NETLINK_XFRM needed). */
#include <netinet/in.h>
#include <linux/xfrm.h>

#include "../explain.h"
#include "../sad.h"
#include "fixtures.h"
#include "tap.h"

static void add(struct xw_sad *sad, uint32_t spi, uint32_t reqid,
		const char *src, const char *dst, uint64_t packets)
{
	struct xw_sad_entry e = {
		.spi = spi, .proto = IPPROTO_ESP, .reqid = reqid,
		.mode = XFRM_MODE_TUNNEL, .packets = packets,
		.bytes = packets * 84,
	};

	fx_addr4(&e.src, src);
	fx_addr4(&e.dst, dst);
	EXPECT_EQ(xw_sad_add(sad, &e), 0);
}

/* The seed: the expected SA 0x11111111 (reqid 16385) exists, idle. */
TEST(sad_seed_expected_sa_idle)
{
	struct xw_sad sad = { .ok = true };
	struct xw_sad_match m;
	struct xw_event ev;
	char buf[XW_EXPLAIN_MAX];

	add(&sad, 0x198e7538, 16385, "192.0.2.1", "192.0.2.2", 40);	/* outbound */
	add(&sad, 0x22222222, 16385, "198.51.100.9", "192.0.2.1", 0);	/* other peer */
	add(&sad, 0x9ce44e77, 16389, "192.0.2.2", "192.0.2.1", 9);	/* the used one */
	add(&sad, 0x11111111, 16385, "192.0.2.2", "192.0.2.1", 0);	/* expected */
	fx_seed_event(&ev);
	xw_sad_correlate(&sad, &ev, &m);
	EXPECT(m.looked_up);
	EXPECT(m.found);
	EXPECT_EQ(m.sa.spi, 0x11111111);
	EXPECT_EQ(m.sa.reqid, 16385);
	EXPECT_EQ(m.sa.packets, 0);
	EXPECT(m.has_using_spi);
	EXPECT_EQ(m.using_spi, 0x9ce44e77);
	xw_explain(&ev, &m, buf, sizeof(buf));
	EXPECT_CONTAINS(buf, "requires reqid 16385. Expected SA spi 0x11111111 reqid 16385 exists (idle: 0 packets); the peer is using 0x9ce44e77 instead. The peer sends");
	xw_sad_free(&sad);
}

TEST(sad_no_expected_sa)
{
	struct xw_sad sad = { .ok = true };
	struct xw_sad_match m;
	struct xw_event ev;
	char buf[XW_EXPLAIN_MAX];

	add(&sad, 0x9ce44e77, 16389, "192.0.2.2", "192.0.2.1", 9);
	add(&sad, 0x22222222, 16385, "198.51.100.9", "192.0.2.1", 0);
	fx_seed_event(&ev);
	xw_sad_correlate(&sad, &ev, &m);
	EXPECT(m.looked_up);
	EXPECT(!m.found);
	xw_explain(&ev, &m, buf, sizeof(buf));
	EXPECT_CONTAINS(buf, "requires reqid 16385. No SA with reqid 16385 from 192.0.2.2 exists in the SAD now. The peer sends");
	xw_sad_free(&sad);
}

/* Nothing to say: unreadable SAD, or a pattern without reqid/spi. */
TEST(sad_degrades_to_silence)
{
	struct xw_sad sad = { .ok = false };
	struct xw_sad_match m;
	struct xw_event ev;

	fx_seed_event(&ev);
	xw_sad_correlate(&sad, &ev, &m);
	EXPECT(!m.looked_up);
	xw_sad_correlate(NULL, &ev, &m);
	EXPECT(!m.looked_up);

	sad.ok = true;
	ev.tmpl[0].mismatch = 1u << XFRMWHY_MISMATCH_MODE;
	xw_sad_correlate(&sad, &ev, &m);
	EXPECT(!m.looked_up);

	fx_seed_event(&ev);
	ev.tmpl[0].reqid = 0;	/* wildcard: nothing to look for */
	xw_sad_correlate(&sad, &ev, &m);
	EXPECT(!m.looked_up);
}

/* The SAD dump itself: works as root, fails cleanly otherwise. */
TEST(sad_load_live)
{
	struct xw_sad sad = { 0 };
	int err = xw_sad_load(&sad);

	if (err < 0) {
		EXPECT(!sad.ok);
		tap_skip("NETLINK_XFRM not readable here (needs CAP_NET_ADMIN)");
	} else {
		EXPECT(sad.ok);
	}
	xw_sad_free(&sad);
}
