// SPDX-License-Identifier: GPL-2.0
/* SAD correlation on a hand-made snapshot (no NETLINK_XFRM needed). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/stat.h>
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

/*
 * XfrmInNoStates for spi 0x9000 from 192.0.2.2: the SAs this host has from
 * that peer (not those to it, nor from others), or none, or the SPI itself
 * added since.
 */
TEST(sad_nostate)
{
	struct xw_sad sad = { .ok = true };
	struct xw_sad_match m;
	struct xw_event ev;
	char buf[XW_EXPLAIN_MAX];

	fx_nostate_event(&ev);
	add(&sad, 0x9001, 100, "192.0.2.1", "192.0.2.2", 5);	/* outbound */
	add(&sad, 0x9002, 100, "198.51.100.9", "192.0.2.1", 0);	/* other peer */
	xw_sad_correlate(&sad, &ev, &m);
	EXPECT(m.looked_up && m.nostate && !m.spi_now);
	EXPECT_EQ(m.npeer, 0);
	xw_explain(&ev, &m, buf, sizeof(buf));
	EXPECT_STR(buf, "ESP spi 0x00009000 seq 3 192.0.2.2 -> 192.0.2.1 dropped (XfrmInNoStates): no SA of this host has that SPI for the packet's destination. This host has no SA from 192.0.2.2 at all: the IKE and child SAs with that peer are down on this side, or were never established. The peer sends with an SPI this host has no SA for: the two sides' SAs are out of step (a rekey or delete that one side missed, a daemon restarted on one side, a flushed SAD), or the SA exists with another destination address or mark. Compare ip xfrm state on both peers: each outbound SA of one must be an inbound SA of the other; re-establish the IKE connection (ipsec auto --up NAME, swanctl --initiate --child NAME) and look for DPD or delete messages in the daemon's log.");

	add(&sad, 0x9003, 100, "192.0.2.2", "192.0.2.1", 12);
	add(&sad, 0x9004, 104, "192.0.2.2", "192.0.2.1", 0);
	xw_sad_correlate(&sad, &ev, &m);
	EXPECT_EQ(m.npeer, 2);
	xw_explain(&ev, &m, buf, sizeof(buf));
	EXPECT_CONTAINS(buf, "that SPI for the packet's destination. This host has spi 0x00009003 (reqid 100, 12 packets) and spi 0x00009004 (reqid 104, 0 packets) from 192.0.2.2: the peer still sends on an SA that this side replaced or never installed (a one-sided rekey, or a restart of one side). The peer sends");

	add(&sad, 0x9000, 100, "192.0.2.2", "192.0.2.1", 0);
	xw_sad_correlate(&sad, &ev, &m);
	EXPECT(m.spi_now);
	xw_explain(&ev, &m, buf, sizeof(buf));
	EXPECT_CONTAINS(buf, "destination. An SA with spi 0x00009000 (reqid 100) exists now: it was added after the drop. The peer");
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

/*
 * Finding a netns by inode, on a fake tree: DIR/run/NAME stand for
 * /run/netns entries and DIR/proc/PID/ns/net for /proc's; hard links give
 * two names to one inode as a bind mount does.
 */
struct fake_tree {
	char dir[64], run[96], proc[96];
};

static uint32_t inode_of(const char *path)
{
	struct stat st;

	EXPECT_EQ(stat(path, &st), 0);
	return (uint32_t)st.st_ino;
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	EXPECT(fd >= 0);
	if (fd >= 0)
		close(fd);
}

static void mkpath(const char *fmt, const char *base, const char *name)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), fmt, base, name);
	EXPECT_EQ(mkdir(p, 0700), 0);
}

/* proc/PID/ns/net for each PID, run/NAME for each name. */
static bool fake_tree(struct fake_tree *t)
{
	static const char *const pids[] = { "1", "42", "self" };
	char p[PATH_MAX];
	size_t i;

	snprintf(t->dir, sizeof(t->dir), "/tmp/xfrmwhy-test-XXXXXX");
	if (!mkdtemp(t->dir)) {
		tap_fail(__FILE__, __LINE__, "mkdtemp: %s", strerror(errno));
		return false;
	}
	snprintf(t->run, sizeof(t->run), "%s/run", t->dir);
	snprintf(t->proc, sizeof(t->proc), "%s/proc", t->dir);
	EXPECT_EQ(mkdir(t->run, 0700), 0);
	EXPECT_EQ(mkdir(t->proc, 0700), 0);
	for (i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		mkpath("%s/%s", t->proc, pids[i]);
		snprintf(p, sizeof(p), "%s/%s/ns", t->proc, pids[i]);
		EXPECT_EQ(mkdir(p, 0700), 0);
		snprintf(p, sizeof(p), "%s/%s/ns/net", t->proc, pids[i]);
		touch(p);
	}
	snprintf(p, sizeof(p), "%s/gwa", t->run);
	touch(p);
	snprintf(p, sizeof(p), "%s/.hidden", t->run);
	touch(p);
	return true;
}

static void fake_tree_rm(struct fake_tree *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	EXPECT_EQ(system(cmd), 0);
}

static uint32_t fake_ino(const struct fake_tree *t, const char *fmt,
			 const char *name)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), fmt, t->dir, name);
	return inode_of(p);
}

TEST(netns_find_by_inode)
{
	struct fake_tree t;
	char path[PATH_MAX], want[PATH_MAX + 16], a[PATH_MAX], b[PATH_MAX];
	uint32_t gwa, p42, self, hidden;

	if (!fake_tree(&t))
		return;
	gwa = fake_ino(&t, "%s/run/%s", "gwa");
	p42 = fake_ino(&t, "%s/proc/%s/ns/net", "42");
	self = fake_ino(&t, "%s/proc/%s/ns/net", "self");
	hidden = fake_ino(&t, "%s/run/%s", ".hidden");

	EXPECT_EQ(xw_netns_find(gwa, 0, t.run, t.proc, path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/gwa", t.run);
	EXPECT_STR(path, want);

	/* Only in /proc: found there. */
	EXPECT_EQ(xw_netns_find(p42, 0, t.run, t.proc, path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/42/ns/net", t.proc);
	EXPECT_STR(path, want);

	/* /proc/self and dot files are not namespaces of processes. */
	EXPECT_EQ(xw_netns_find(self, 0, t.run, t.proc, path, sizeof(path)), -ENOENT);
	EXPECT_STR(path, "");
	EXPECT_EQ(xw_netns_find(hidden, 0, t.run, t.proc, path, sizeof(path)), -ENOENT);
	EXPECT_EQ(xw_netns_find(0, 0, t.run, t.proc, path, sizeof(path)), -ENOENT);

	/* A name in /run/netns wins over a process in the same netns. */
	snprintf(a, sizeof(a), "%s/42/ns/net", t.proc);
	snprintf(b, sizeof(b), "%s/gwb", t.run);
	EXPECT_EQ(link(a, b), 0);
	EXPECT_EQ(xw_netns_find(p42, 0, t.run, t.proc, path, sizeof(path)), 0);
	EXPECT_STR(path, b);

	/* Wrong device (not nsfs): nothing matches. */
	{
		struct stat st;

		EXPECT_EQ(stat(b, &st), 0);
		EXPECT_EQ(xw_netns_find(p42, (uint64_t)st.st_dev + 1, t.run,
					t.proc, path, sizeof(path)), -ENOENT);
		EXPECT_EQ(xw_netns_find(p42, (uint64_t)st.st_dev, t.run,
					t.proc, path, sizeof(path)), 0);
	}
	/* Missing directories are no error, just nothing found. */
	EXPECT_EQ(xw_netns_find(gwa, 0, "/nonexistent", NULL, path, sizeof(path)), -ENOENT);
	EXPECT_EQ(xw_netns_find(p42, 0, NULL, t.proc, path, sizeof(path)), 0);
	fake_tree_rm(&t);
}

/* A loader that records its calls and serves the seed's SAD. */
static struct {
	int calls;
	char path[PATH_MAX];
	bool null_path;
	uint32_t ino;
	int ret;
} fl;

static int fake_load(struct xw_sad *sad, const char *nspath, uint32_t ino)
{
	fl.calls++;
	fl.null_path = !nspath;
	snprintf(fl.path, sizeof(fl.path), "%s", nspath ? nspath : "");
	fl.ino = ino;
	sad->n = 0;
	sad->ok = false;
	if (fl.ret)
		return fl.ret;
	add(sad, 0x9ce44e77, 16389, "192.0.2.2", "192.0.2.1", 9);
	add(sad, 0x11111111, 16385, "192.0.2.2", "192.0.2.1", 0);
	sad->ok = true;
	return 0;
}

static void cache_init(struct xw_sad_cache *c, const struct fake_tree *t,
		       uint32_t self, uint32_t hint, const char *hint_path)
{
	xw_sad_cache_init(c, self, hint, hint_path);
	c->run_dir = t->run;
	c->proc_dir = t->proc;
	c->nsfs_dev = 0;
	c->load = fake_load;
	memset(&fl, 0, sizeof(fl));
}

/* The seed from the init netns: gwa's events get gwa's SAD. */
TEST(sad_cache_other_netns)
{
	struct xw_sad_cache c;
	const struct xw_sad *sad;
	struct fake_tree t;
	struct xw_sad_match m;
	struct xw_event ev;
	char buf[XW_EXPLAIN_MAX], want[PATH_MAX + 16];
	uint32_t gwa, p1;

	if (!fake_tree(&t))
		return;
	gwa = fake_ino(&t, "%s/run/%s", "gwa");
	p1 = fake_ino(&t, "%s/proc/%s/ns/net", "1");
	cache_init(&c, &t, p1, 0, NULL);

	fx_seed_event(&ev);
	ev.netns = gwa;
	sad = xw_sad_cache_get(&c, ev.netns, -1);
	EXPECT_EQ(fl.calls, 1);
	snprintf(want, sizeof(want), "%s/gwa", t.run);
	EXPECT_STR(fl.path, want);
	EXPECT_EQ(fl.ino, gwa);
	EXPECT(sad->ok);
	xw_sad_correlate(sad, &ev, &m);
	EXPECT(m.found);
	EXPECT_EQ(m.sa.spi, 0x11111111);
	xw_explain(&ev, &m, buf, sizeof(buf));
	EXPECT_CONTAINS(buf, "Expected SA spi 0x11111111 reqid 16385 exists (idle: 0 packets); the peer is using 0x9ce44e77 instead.");

	/* Cached for the run: no second dump, no second search. */
	EXPECT(xw_sad_cache_get(&c, gwa, -1) == sad);
	EXPECT_EQ(fl.calls, 1);

	/* Our own netns: dumped in place (no path, no setns). */
	sad = xw_sad_cache_get(&c, p1, -1);
	EXPECT_EQ(fl.calls, 2);
	EXPECT(fl.null_path);
	EXPECT(sad->ok);
	EXPECT_EQ(c.n, 2);
	xw_sad_cache_free(&c);
	fake_tree_rm(&t);
}

/* A netns nobody can name: no dump, no correlation, asked once only. */
TEST(sad_cache_unknown_netns)
{
	struct xw_sad_cache c;
	const struct xw_sad *sad;
	struct fake_tree t;
	struct xw_sad_match m;
	struct xw_event ev;

	if (!fake_tree(&t))
		return;
	cache_init(&c, &t, 1, 0, NULL);
	fx_seed_event(&ev);
	ev.netns = 4026530000u;
	sad = xw_sad_cache_get(&c, ev.netns, -1);
	EXPECT(!sad->ok);
	EXPECT_EQ(fl.calls, 0);
	xw_sad_correlate(sad, &ev, &m);
	EXPECT(!m.looked_up);
	sad = xw_sad_cache_get(&c, ev.netns, -1);
	EXPECT(!sad->ok);
	EXPECT_EQ(fl.calls, 0);
	EXPECT_EQ(c.n, 1);

	/* No netns at all (old module): nothing either. */
	EXPECT(!xw_sad_cache_get(&c, 0, -1)->ok);
	EXPECT_EQ(c.n, 1);

	/* The loader fails (no privilege for setns): silently no correlation. */
	fl.ret = -EPERM;
	sad = xw_sad_cache_get(&c, fake_ino(&t, "%s/run/%s", "gwa"), -1);
	EXPECT_EQ(fl.calls, 1);
	EXPECT(!sad->ok);
	xw_sad_correlate(sad, &ev, &m);
	EXPECT(!m.looked_up);
	xw_sad_cache_free(&c);
	fake_tree_rm(&t);
}

/* --netns's own path is used first, without searching. */
TEST(sad_cache_netns_option_first)
{
	struct xw_sad_cache c;
	struct fake_tree t;
	char hint[PATH_MAX], p42[PATH_MAX];
	uint32_t ino;

	if (!fake_tree(&t))
		return;
	snprintf(p42, sizeof(p42), "%s/42/ns/net", t.proc);
	snprintf(hint, sizeof(hint), "%s/given", t.dir);
	EXPECT_EQ(link(p42, hint), 0);
	ino = inode_of(p42);
	cache_init(&c, &t, 1, ino, hint);
	EXPECT(xw_sad_cache_get(&c, ino, -1)->ok);
	EXPECT_STR(fl.path, hint);

	/* A hint that no longer names that netns is not trusted. */
	xw_sad_cache_free(&c);
	EXPECT_EQ(unlink(hint), 0);
	touch(hint);
	cache_init(&c, &t, 1, ino, hint);
	EXPECT(xw_sad_cache_get(&c, ino, -1)->ok);
	EXPECT_STR(fl.path, p42);
	xw_sad_cache_free(&c);
	fake_tree_rm(&t);
}

/* watch refreshes; a path gone stale is searched for again. */
TEST(sad_cache_refresh)
{
	struct xw_sad_cache c;
	struct fake_tree t;
	uint32_t gwa;

	if (!fake_tree(&t))
		return;
	gwa = fake_ino(&t, "%s/run/%s", "gwa");
	cache_init(&c, &t, 1, 0, NULL);
	xw_sad_cache_get(&c, gwa, 0);
	xw_sad_cache_get(&c, gwa, 0);
	EXPECT_EQ(fl.calls, 2);
	xw_sad_cache_get(&c, gwa, 3600);
	EXPECT_EQ(fl.calls, 2);

	fl.ret = -ESTALE;
	EXPECT(!xw_sad_cache_get(&c, gwa, 0)->ok);
	EXPECT_EQ(fl.calls, 3);
	fl.ret = 0;
	EXPECT(xw_sad_cache_get(&c, gwa, 0)->ok);
	EXPECT_EQ(fl.calls, 4);
	EXPECT(strstr(fl.path, "/run/gwa") != NULL);
	xw_sad_cache_free(&c);
	fake_tree_rm(&t);
}

/* The real setns path: a namespace that is not one fails cleanly. */
TEST(sad_load_in_not_a_netns)
{
	struct xw_sad sad = { 0 };
	struct fake_tree t;
	char p[PATH_MAX];

	if (!fake_tree(&t))
		return;
	snprintf(p, sizeof(p), "%s/gwa", t.run);
	EXPECT_EQ(xw_sad_load_in(&sad, p, inode_of(p) + 1), -ESTALE);
	EXPECT(!sad.ok);
	EXPECT(xw_sad_load_in(&sad, p, inode_of(p)) < 0);
	EXPECT(!sad.ok);
	snprintf(p, sizeof(p), "%s/nothing", t.dir);
	EXPECT_EQ(xw_sad_load_in(&sad, p, 1), -ENOENT);
	xw_sad_free(&sad);
	fake_tree_rm(&t);
}
