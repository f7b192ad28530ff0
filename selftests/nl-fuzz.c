// SPDX-License-Identifier: GPL-2.0
/*
 * nl-fuzz: a structure-aware fuzzer for the xfrmwhy generic netlink family.
 *
 *   nl-fuzz [-s SEED] [-n COUNT] [-N NETNS_PATH]... [-k] [-d INDEX]
 *
 * Starts from a valid request of every operation of the family (and of
 * the notification and unknown command numbers), built from the uapi
 * enums, and mutates it: attribute types, payload lengths, values at the
 * bounds of every policy range, nests (several levels deep, garbage
 * inside), duplicates, oversized messages, genetlink header fields,
 * netlink flags, nlmsg_len and nla_len, several messages per send().
 * Every request carries NLM_F_ACK or is a dump and has its own sequence
 * number; every answer is read and each request must get exactly one
 * final answer (an error or ack, or NLMSG_DONE for a dump).  Messages too
 * short for the kernel to see as a message are silently dropped by
 * netlink: they are counted apart and must get no answer.  Unmutated
 * requests also get their answer predicted (test 2).
 *
 * -N opens another socket in the network namespace at NETNS_PATH (as a
 * caller outside the initial namespace); the namespaces' inode numbers
 * are among the NETNS values sent.  -k writes progress marks to /dev/kmsg
 * so that a kernel report can be placed; -d dumps every message from
 * INDEX on.  Prints KTAP; the seed goes first so that a failure can be
 * replayed with -s and -n.  Exit 0 pass, 1 fail, 4 skip.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/xfrmwhy.h>
#include "genl-family.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define MAX_SOCKS	6
#define MAX_BATCH	8
#define MAX_ITEMS	160
#define ITEM_DATA	640
#define ATTRS_MAX	6144		/* attribute bytes of one message */
#define MSG_MAX		(NLMSG_HDRLEN + GENL_HDRLEN + ATTRS_MAX + 128)
#define ANSWER_MS	20000		/* the longest wait for one answer */
#define MAX_REPORTS	20		/* failures printed in full */
#define MAX_FAILS	200		/* stop fuzzing after this many */
#define BIG_RINGS	4		/* ring sizes above 4096 per run */
#define BIG_RING_EVERY	20000
#define SMALL_RING	4096

/* --- the random stream: splitmix64 seeds xorshift64* --- */

static uint64_t rng;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd64(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* Uniform-enough in [0, n); 0 when n is 0. */
static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)((rnd64() >> 32) % n) : 0;
}

static bool chance(uint32_t percent)
{
	return rnd(100) < percent;
}

static void rnd_bytes(unsigned char *p, int n)
{
	while (n-- > 0)
		*p++ = rnd64() >> 56;
}

/* --- sockets --- */

struct nlsock {
	int fd;
	const char *name;	/* "init" or the namespace's path */
	uint32_t inum;		/* its network namespace's inode number */
	bool init;		/* in the initial network namespace */
	bool ext_ack, cap_ack;
	/*
	 * Read with a small buffer: the kernel sizes dump skbs by the
	 * largest read, so this socket's dumps take several skbs and stay
	 * open while other sockets act.  NETLINK_CAP_ACK keeps its acks
	 * small.
	 */
	bool slow;
};

#define SLOW_READ	8192

static struct nlsock socks[MAX_SOCKS];
static int nsocks;
static uint16_t family;
static uint32_t seq_next = 1000;

/* Inode numbers of the namespaces we know (init's first), for NETNS. */
static uint32_t known_inum[MAX_SOCKS];
static int nknown;

static int sock_open(struct nlsock *s)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int big = 16 << 20, one = 1;

	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	/* Room for every answer of a batch, dumps included. */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	s->ext_ack = true;
	if (s->slow) {
		setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
		s->cap_ack = true;
	}
	return 0;
}

static void sock_opt(struct nlsock *s, int opt, bool on)
{
	int v = on;

	setsockopt(s->fd, SOL_NETLINK, opt, &v, sizeof(v));
}

static uint32_t inode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint32_t)st.st_ino;
}

/* A socket in the network namespace at @path (e.g. /run/netns/a). */
static int sock_open_in(struct nlsock *s, const char *path)
{
	int self, ns, err;

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || ns < 0 || setns(ns, CLONE_NEWNET)) {
		fprintf(stderr, "nl-fuzz: cannot enter %s: %s\n", path, strerror(errno));
		exit(1);
	}
	err = sock_open(s);
	if (setns(self, CLONE_NEWNET)) {
		perror("nl-fuzz: setns back");
		exit(1);
	}
	close(self);
	close(ns);
	s->name = path;
	s->inum = inode_of(path);
	return err;
}

static unsigned char rbuf[1 << 17];

/* --- statistics --- */

enum {
	OP_UNSPEC, OP_STATUS, OP_CONFIG, OP_EVENTS, OP_CLEAR, OP_EVENT,
	OP_UNKNOWN, OP_CNT
};

static const char * const op_name[OP_CNT] = {
	"UNSPEC", "STATUS_GET", "CONFIG_SET", "EVENTS_GET", "CLEAR", "EVENT",
	"unknown",
};

static int op_of(uint8_t cmd)
{
	switch (cmd) {
	case XFRMWHY_CMD_UNSPEC:
		return OP_UNSPEC;
	case XFRMWHY_CMD_STATUS_GET:
		return OP_STATUS;
	case XFRMWHY_CMD_CONFIG_SET:
		return OP_CONFIG;
	case XFRMWHY_CMD_EVENTS_GET:
		return OP_EVENTS;
	case XFRMWHY_CMD_CLEAR:
		return OP_CLEAR;
	case XFRMWHY_CMD_EVENT:
		return OP_EVENT;
	default:
		return OP_UNKNOWN;
	}
}

/* Outcomes: 0..ERRNO_MAX an error number (0 = ack), then these. */
#define ERRNO_MAX	199
enum { OUT_DONE = ERRNO_MAX + 1, OUT_DONE_ERR, OUT_DROPPED, OUT_MISSING, OUT_CNT };

static long outcome[OP_CNT][OUT_CNT];
static long sent_op[OP_CNT];

static const char *errno_name(int e)
{
	static char other[16];

	switch (e) {
	case 0:
		return "ok";
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case ESRCH:
		return "ESRCH";
	case EINTR:
		return "EINTR";
	case ENOMEM:
		return "ENOMEM";
	case EACCES:
		return "EACCES";
	case EFAULT:
		return "EFAULT";
	case EBUSY:
		return "EBUSY";
	case EEXIST:
		return "EEXIST";
	case ENODEV:
		return "ENODEV";
	case EINVAL:
		return "EINVAL";
	case E2BIG:
		return "E2BIG";
	case ERANGE:
		return "ERANGE";
	case EAGAIN:
		return "EAGAIN";
	case EMSGSIZE:
		return "EMSGSIZE";
	case EPROTONOSUPPORT:
		return "EPROTONOSUPPORT";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case ENOBUFS:
		return "ENOBUFS";
	}
	snprintf(other, sizeof(other), "E%d", e);
	return other;
}

enum mut {
	M_TYPE, M_PLEN, M_VALUE, M_NEST, M_DUP, M_MANY, M_RAW, M_NLA_LEN,
	M_TRAIL, M_FLAGS, M_GENL, M_CMD, M_NLMSG_LEN, M_CNT
};

static const char * const mut_name[M_CNT] = {
	"type", "payload-len", "value", "nest", "dup", "many", "garbage",
	"nla_len", "trailing", "flags", "genl-hdr", "cmd", "nlmsg_len",
};

/* Weights of the mutations: values and types reach the handlers most. */
static const int mut_weight[M_CNT] = {
	[M_TYPE] = 14, [M_PLEN] = 10, [M_VALUE] = 30, [M_NEST] = 8,
	[M_DUP] = 8, [M_MANY] = 3, [M_RAW] = 3, [M_NLA_LEN] = 6,
	[M_TRAIL] = 2, [M_FLAGS] = 6, [M_GENL] = 3, [M_CMD] = 4,
	[M_NLMSG_LEN] = 4,
};

static long mut_count[M_CNT];
static long n_msgs, n_batches, n_dropped, n_golden, n_golden_bad, n_answers;
static long n_fail;
/* What the answers showed: how deep the requests went. */
static long n_status, n_status_on, n_ring_changes, n_events, n_dumps_events;
static long n_dumps_multi, n_parked, n_reads, max_dump_events;
static uint32_t ring_min = 0xffffffff, ring_max, ring_last;
static int big_rings_left = BIG_RINGS;

/* --- one message --- */

#define WANT_ANY	1	/* golden, but the answer is not predicted */

struct msg {
	long idx;		/* number of the message in the run, from 0 */
	uint32_t seq;
	uint8_t cmd;
	bool dump;		/* NLM_F_DUMP: a dump, or an error */
	bool parseable;		/* netlink sees a message: expect an answer */
	bool golden;		/* not mutated: answer predicted */
	bool busy_ok;		/* golden dump after another dump: EBUSY ok */
	int want;		/* golden: predicted error (0 = ack/DONE) */
	uint32_t scope;		/* the only netns its answers may show, or 0 */
	int len;		/* bytes on the wire (a multiple of 4 but last) */
	/* The answers. */
	bool done;
	bool is_done;		/* the final answer was NLMSG_DONE */
	int err;
	int nreplies;
	long first_read, last_read;	/* reads that brought its answers */
	unsigned char buf[MSG_MAX];	/* last: not cleared per message */
};

/* Each socket's batch: answered at once, or left unread for a while. */
static struct msg batches[MAX_SOCKS][MAX_BATCH];
static int parked[MAX_SOCKS];

/*
 * Attributes of the message being built, before serialisation: mutations
 * work on these, then on the bytes.
 */
struct item {
	uint16_t type;		/* nla_type, NLA_F_* bits included */
	int nla_len;		/* -1: NLA_HDRLEN + len */
	int len;		/* payload bytes */
	bool raw;		/* no header: the payload goes out as is */
	unsigned char data[ITEM_DATA];
};

static struct item items[MAX_ITEMS];
static int nitems;

static struct item *item_add(uint16_t type)
{
	struct item *it;

	if (nitems >= MAX_ITEMS)
		return NULL;
	it = &items[nitems++];
	it->type = type;
	it->nla_len = -1;
	it->len = 0;
	it->raw = false;
	return it;
}

static void set_u8(struct item *it, uint8_t v)
{
	it->len = 1;
	it->data[0] = v;
}

static void set_u32(struct item *it, uint32_t v)
{
	it->len = 4;
	memcpy(it->data, &v, 4);
}

enum kind { K_U32, K_FLAG, K_U8, K_U64, K_STRING, K_NEST, K_PAD };

/* What each top-level attribute is (anything unknown: a u32). */
static enum kind main_kind(uint16_t type)
{
	switch (type & NLA_TYPE_MASK) {
	case XFRMWHY_A_PAD:
		return K_PAD;
	case XFRMWHY_A_VERSION:
		return K_STRING;
	case XFRMWHY_A_ENABLED:
	case XFRMWHY_A_FILTER_FAMILY:
	case XFRMWHY_A_HOOK_MODE:
		return K_U8;
	case XFRMWHY_A_RECORDED:
	case XFRMWHY_A_LOST:
	case XFRMWHY_A_FILTERED:
	case XFRMWHY_A_MISSED:
	case XFRMWHY_A_NOTIFY_LOST:
		return K_U64;
	case XFRMWHY_A_CPU_STATS:
	case XFRMWHY_A_EVENT:
		return K_NEST;
	case XFRMWHY_A_PEEK:
	case XFRMWHY_A_ALL_NETNS:
		return K_FLAG;
	default:
		return K_U32;
	}
}

static const int kind_size[] = {
	[K_U32] = 4, [K_FLAG] = 0, [K_U8] = 1, [K_U64] = 8, [K_STRING] = 4,
	[K_NEST] = 0, [K_PAD] = 0,
};

/* The request attributes of each operation (the spec's "request"). */
static const uint16_t req_scope[] = { XFRMWHY_A_NETNS, XFRMWHY_A_ALL_NETNS };
static const uint16_t req_config[] = {
	XFRMWHY_A_NETNS, XFRMWHY_A_ALL_NETNS, XFRMWHY_A_ENABLED,
	XFRMWHY_A_RING_SIZE, XFRMWHY_A_FILTER_FAMILY,
	XFRMWHY_A_FILTER_REASONS, XFRMWHY_A_RATE_LIMIT,
};
static const uint16_t req_events[] = {
	XFRMWHY_A_NETNS, XFRMWHY_A_ALL_NETNS, XFRMWHY_A_PEEK,
};
/* Reply-only attributes (the policy rejects them in requests). */
static const uint16_t reply_only[] = {
	XFRMWHY_A_PAD, XFRMWHY_A_VERSION, XFRMWHY_A_HOOK_MODE,
	XFRMWHY_A_FEATURES, XFRMWHY_A_RECORDED, XFRMWHY_A_LOST,
	XFRMWHY_A_FILTERED, XFRMWHY_A_BUFFERED, XFRMWHY_A_MISSED,
	XFRMWHY_A_CPU_STATS, XFRMWHY_A_EVENT, XFRMWHY_A_NOTIFY_LOST,
};

#define PICK(a)	((a)[rnd(ARRAY_SIZE(a))])

static uint32_t ring_small(void)
{
	static const uint32_t v[] = { 16, 17, 32, 64, 128, 255, 256, 256, 512,
				      1024, 4096 };

	return chance(80) ? PICK(v) : XFRMWHY_RING_MIN + rnd(SMALL_RING - XFRMWHY_RING_MIN + 1);
}

/*
 * A ring size past 4096 while the run's budget of big rings lasts, one per
 * BIG_RING_EVERY messages at most (each allocates up to 80 MiB per CPU;
 * not tied to -n, so that a shorter replay sends the same bytes).
 */
static uint32_t ring_big(uint32_t v)
{
	if (big_rings_left <= 0 ||
	    n_msgs < (BIG_RINGS - big_rings_left) * BIG_RING_EVERY)
		return SMALL_RING;
	big_rings_left--;
	return v;
}

static uint32_t reasons_valid(void)
{
	return chance(30) ? 0 : rnd(1u << __XFRMWHY_REASON_MAX);
}

/* A valid value of request attribute @t (NETNS: a namespace we know). */
static void put_good(struct item *it, uint16_t t)
{
	static const uint8_t fam[] = { 0, 2, 10 };
	static const uint32_t rate[] = { 0, 0, 0, 1000000, 100000 };

	switch (t) {
	case XFRMWHY_A_ENABLED:
		set_u8(it, chance(70));
		break;
	case XFRMWHY_A_RING_SIZE:
		set_u32(it, ring_small());
		break;
	case XFRMWHY_A_NETNS:
		set_u32(it, known_inum[rnd(nknown)]);
		break;
	case XFRMWHY_A_FILTER_FAMILY:
		set_u8(it, PICK(fam));
		break;
	case XFRMWHY_A_FILTER_REASONS:
		set_u32(it, reasons_valid());
		break;
	case XFRMWHY_A_RATE_LIMIT:
		set_u32(it, chance(80) ? PICK(rate) : 1 + rnd(1000000));
		break;
	case XFRMWHY_A_PEEK:
	case XFRMWHY_A_ALL_NETNS:
		it->len = 0;
		break;
	}
}

/* A value at, just inside or just outside a bound of @t's policy. */
static void put_bound(struct item *it, uint16_t t)
{
	uint32_t inum = known_inum[rnd(nknown)];
	uint32_t v;

	switch (t & NLA_TYPE_MASK) {
	case XFRMWHY_A_ENABLED:
		{
		static const uint8_t e[] = { 0, 1, 2, 127, 128, 255 };

		set_u8(it, chance(85) ? PICK(e) : rnd(256));
		return;
	}
	case XFRMWHY_A_RING_SIZE:
		{
		static const uint32_t r[] = {
			0, 1, XFRMWHY_RING_MIN - 1, XFRMWHY_RING_MIN,
			XFRMWHY_RING_MIN + 1, XFRMWHY_RING_DEFAULT, SMALL_RING,
			XFRMWHY_RING_MAX + 1, 0x7fffffff, 0x80000000, 0xffffffff,
		};

		if (chance(4))		/* the top of the range: big rings */
			v = ring_big(chance(50) ? XFRMWHY_RING_MAX : XFRMWHY_RING_MAX - 1);
		else if (chance(10))	/* past the range, any size */
			v = XFRMWHY_RING_MAX + 1 + rnd(0xffffffffu - XFRMWHY_RING_MAX);
		else
			v = PICK(r);
		set_u32(it, v);
		return;
	}
	case XFRMWHY_A_NETNS:
		{
		uint32_t n[] = { 0, 1, 0xffffffff, inum, inum + 1, inum - 1,
				 known_inum[0], (uint32_t)rnd64() };

		set_u32(it, PICK(n));
		return;
	}
	case XFRMWHY_A_FILTER_FAMILY:
		{
		static const uint8_t f[] = { 0, 1, 2, 3, 9, 10, 11, 128, 255 };

		set_u8(it, chance(85) ? PICK(f) : rnd(256));
		return;
	}
	case XFRMWHY_A_FILTER_REASONS:
		{
		uint32_t all = (1u << __XFRMWHY_REASON_MAX) - 1;
		uint32_t m[] = {
			0, all, all + 1, 1u << __XFRMWHY_REASON_MAX, 0x80000000,
			0xffffffff, reasons_valid() |
				1u << (__XFRMWHY_REASON_MAX + rnd(32 - __XFRMWHY_REASON_MAX)),
			(uint32_t)rnd64(),
		};

		set_u32(it, PICK(m));
		return;
	}
	case XFRMWHY_A_RATE_LIMIT:
		{
		static const uint32_t r[] = { 0, 1, 999999, 1000000, 1000001,
					      0x7fffffff, 0xffffffff };

		set_u32(it, chance(85) ? PICK(r) : (uint32_t)rnd64());
		return;
	}
	case XFRMWHY_A_PEEK:
	case XFRMWHY_A_ALL_NETNS:
		/* A flag with a payload. */
		it->len = PICK(((const int[]){ 0, 1, 4, 8 }));
		rnd_bytes(it->data, it->len);
		return;
	}
	/* Anything else: its natural width, random contents. */
	switch (main_kind(t)) {
	case K_STRING:
		it->len = 1 + rnd(16);
		rnd_bytes(it->data, it->len);
		if (chance(50))
			it->data[it->len - 1] = 0;
		break;
	case K_NEST:
	case K_PAD:
		it->len = rnd(2) * 4;
		rnd_bytes(it->data, it->len);
		break;
	default:
		it->len = kind_size[main_kind(t)];
		rnd_bytes(it->data, it->len);
		if (chance(30))
			memset(it->data, chance(50) ? 0 : 0xff, it->len);
	}
}

/* An attribute header at @p, which garbage before it may misalign. */
static void put_hdr(unsigned char *p, int len, uint16_t type)
{
	struct nlattr a = { .nla_len = len, .nla_type = type };

	memcpy(p, &a, sizeof(a));
}

/*
 * Random attributes for the inside of a nest, up to @depth more levels:
 * types around those of the nested sets, now and then a nest inside,
 * and garbage (a header whose nla_len lies, stray bytes).  Returns the
 * bytes written, at most @cap.
 */
static int rand_nest(unsigned char *p, int cap, int depth)
{
	int n = 1 + rnd(6), len = 0;

	while (n-- > 0 && cap - len >= NLA_HDRLEN + 16) {
		int r = rnd(20), plen;

		if (depth > 0 && r < 6) {
			plen = rand_nest(p + len + NLA_HDRLEN, cap - len - NLA_HDRLEN,
					 depth - 1);
			put_hdr(p + len, NLA_HDRLEN + plen,
				(1 + rnd(XFRMWHY_EV_A_MAX + 2)) |
				(chance(80) ? NLA_F_NESTED : 0));
		} else if (r < 18) {
			plen = PICK(((const int[]){ 0, 1, 2, 4, 4, 8, 16 }));
			put_hdr(p + len, NLA_HDRLEN + plen,
				rnd(XFRMWHY_EV_A_MAX + 3) |
				(chance(5) ? NLA_F_NET_BYTEORDER : 0));
			rnd_bytes(p + len + NLA_HDRLEN, plen);
		} else if (r < 19) {
			/* nla_len past the nest's end, or inside the header */
			plen = 4;
			put_hdr(p + len, chance(50) ? rnd(NLA_HDRLEN) : NLA_HDRLEN + 4 + rnd(400),
				rnd(XFRMWHY_EV_A_MAX + 3));
			rnd_bytes(p + len + NLA_HDRLEN, plen);
		} else {
			plen = 1 + rnd(11);
			rnd_bytes(p + len, NLA_HDRLEN + plen);
		}
		len += NLA_ALIGN(NLA_HDRLEN + plen);
	}
	return len > cap ? cap : len;
}

/* A nest: reply-only nests, the request types, anything; maybe deep. */
static void add_nest(void)
{
	struct item *it = item_add(0);
	uint16_t t;

	if (!it)
		return;
	switch (rnd(4)) {
	case 0:
		t = XFRMWHY_A_EVENT;
		break;
	case 1:
		t = XFRMWHY_A_CPU_STATS;
		break;
	case 2:
		t = PICK(req_config);
		break;
	default:
		t = rnd(XFRMWHY_A_MAX + 3);
		break;
	}
	it->type = t | (chance(85) ? NLA_F_NESTED : 0);
	it->len = rand_nest(it->data, ITEM_DATA, rnd(6));
}

/* Many attributes: duplicates of request ones, some big; a few KiB. */
static void add_many(void)
{
	int n = 16 + rnd(MAX_ITEMS), i;

	for (i = 0; i < n; i++) {
		uint16_t t = PICK(req_config);
		struct item *it = item_add(t);

		if (!it)
			return;
		if (chance(5)) {
			it->type = chance(50) ? XFRMWHY_A_VERSION : XFRMWHY_A_MAX + 1 + rnd(100);
			it->len = 64 + rnd(ITEM_DATA - 64);
			rnd_bytes(it->data, it->len);
		} else if (chance(80)) {
			put_good(it, t);
		} else {
			put_bound(it, t);
		}
	}
}

static uint16_t rnd_type(void)
{
	uint16_t t;

	switch (rnd(8)) {
	case 0:
		t = PICK(req_config);
		break;
	case 1:
		t = PICK(req_events);
		break;
	case 2:
		t = PICK(reply_only);
		break;
	case 3:
		t = 0;
		break;
	case 4:
		t = XFRMWHY_A_MAX + 1;
		break;
	case 5:
		t = XFRMWHY_A_MAX + 1 + rnd(64);
		break;
	case 6:
		t = rnd(NLA_TYPE_MASK + 1);
		break;
	default:
		t = rnd(XFRMWHY_A_MAX + 1);
		break;
	}
	switch (rnd(6)) {
	case 0:
		t |= NLA_F_NESTED;
		break;
	case 1:
		t |= NLA_F_NET_BYTEORDER;
		break;
	case 2:
		t |= NLA_F_NESTED | NLA_F_NET_BYTEORDER;
		break;
	}
	return t;
}

/* The attribute-level mutations. */
static void mutate_items(enum mut m)
{
	struct item *it = nitems ? &items[rnd(nitems)] : NULL;

	switch (m) {
	case M_TYPE:
		if (!it || it->raw)
			break;
		it->type = rnd_type();
		if (chance(50))		/* a payload that fits the new type */
			put_bound(it, it->type);
		break;
	case M_PLEN:
		{
		int nat, len;

		if (!it || it->raw)
			break;
		nat = it->len;
		switch (rnd(4)) {
		case 0:
			len = 0;
			break;
		case 1:
			len = nat > 1 ? 1 + (int)rnd(nat - 1) : 1 + (int)rnd(3);
			break;
		case 2:
			len = nat + 1 + rnd(8);
			break;
		default:
			len = rnd(48);
			break;
		}
		if (len > ITEM_DATA)
			len = ITEM_DATA;
		if (len > nat)
			rnd_bytes(it->data + nat, len - nat);
		it->len = len;
		break;
	}
	case M_VALUE:
		if (it && !it->raw && chance(60)) {
			put_bound(it, it->type);
		} else {
			it = item_add(PICK(req_config));
			if (it)
				put_bound(it, it->type);
		}
		break;
	case M_NEST:
		add_nest();
		break;
	case M_DUP:
		if (!it)
			break;
		{
			struct item *d = item_add(0);

			if (!d)
				break;
			*d = *it;
			if (!d->raw && chance(50)) {
				if (chance(50))
					put_good(d, d->type);
				else
					put_bound(d, d->type);
			}
		}
		break;
	case M_MANY:
		add_many();
		break;
	case M_RAW:
	case M_TRAIL:
		it = item_add(0);
		if (!it)
			break;
		it->raw = true;
		it->len = m == M_TRAIL ? 1 + rnd(3) : 1 + rnd(32);
		rnd_bytes(it->data, it->len);
		if (m == M_TRAIL && chance(50))
			memset(it->data, 0, it->len);
		break;
	case M_NLA_LEN:
		{
		int nat;

		if (!it || it->raw)
			break;
		nat = NLA_HDRLEN + it->len;
		switch (rnd(8)) {
		case 0:
			it->nla_len = rnd(NLA_HDRLEN);
			break;
		case 1:
			it->nla_len = NLA_HDRLEN;
			break;
		case 2:
			it->nla_len = nat > NLA_HDRLEN ? nat - 1 : nat + 1;
			break;
		case 3:
			it->nla_len = nat + 1 + rnd(3);
			break;
		case 4:
			it->nla_len = nat + 4 * (1 + rnd(64));
			break;
		case 5:
			it->nla_len = 0xffff;
			break;
		default:
			it->nla_len = rnd(0x10000);
			break;
		}
		break;
	}
	default:
		break;
	}
}

/* Write the items after the genetlink header; returns the bytes. */
static int serialise(unsigned char *p, size_t cap)
{
	size_t len = 0;
	int i;

	for (i = 0; i < nitems; i++) {
		struct item *it = &items[i];
		size_t need = it->raw ? (size_t)it->len : NLA_ALIGN(NLA_HDRLEN + (size_t)it->len);

		if (it->len < 0 || it->len > ITEM_DATA || need > cap - len)
			break;
		if (it->raw) {
			memcpy(p + len, it->data, it->len);
		} else {
			put_hdr(p + len, it->nla_len >= 0 ? it->nla_len : NLA_HDRLEN + it->len,
				it->type);
			memcpy(p + len + NLA_HDRLEN, it->data, it->len);
			memset(p + len + NLA_HDRLEN + it->len, 0,
			       need - NLA_HDRLEN - it->len);
		}
		len += need;
	}
	return len;
}

/* Picked from the weights above. */
static enum mut pick_mut(void)
{
	int total = 0, r, m;

	for (m = 0; m < M_CNT; m++)
		total += mut_weight[m];
	r = rnd(total);
	for (m = 0; m < M_CNT; m++) {
		r -= mut_weight[m];
		if (r < 0)
			break;
	}
	return m < M_CNT ? (enum mut)m : M_VALUE;
}

/* Attributes of a golden (unmutated) request, for its predicted answer. */
struct golden {
	bool netns, all, other, ring, rate;
	uint32_t inum;		/* the NETNS value */
};

/*
 * What the module answers to an unmutated request from @s (see xw_scope()
 * and xfrmwhy_nl_config_set_doit() in kmod/netlink.c): 0 (ack or DONE), an
 * error, or WANT_ANY when it depends on state the fuzzer does not follow.
 */
static int predict(uint8_t cmd, const struct nlsock *s, const struct golden *g)
{
	int op = op_of(cmd);

	if (op < OP_STATUS || op > OP_CLEAR)
		return -EOPNOTSUPP;
	if (g->all && g->netns)
		return -EINVAL;
	if (g->all && !s->init)
		return -EPERM;
	if (g->netns && g->other && !s->init)
		return -EPERM;
	if (op != OP_CONFIG)
		return 0;
	if ((g->ring || g->rate) && !s->init)
		return -EPERM;
	/* A new ring size needs capture off everywhere. */
	return g->ring ? WANT_ANY : 0;
}

static uint8_t pick_cmd(void)
{
	int r = rnd(100);

	if (r < 24)
		return XFRMWHY_CMD_STATUS_GET;
	if (r < 50)
		return XFRMWHY_CMD_CONFIG_SET;
	if (r < 76)
		return XFRMWHY_CMD_EVENTS_GET;
	if (r < 88)
		return XFRMWHY_CMD_CLEAR;
	if (r < 92)
		return XFRMWHY_CMD_EVENT;
	if (r < 94)
		return XFRMWHY_CMD_UNSPEC;
	return XFRMWHY_CMD_MAX + 1 + rnd(255 - XFRMWHY_CMD_MAX);
}

/*
 * Build message @m for socket @s: a valid request, then (unless golden)
 * mutations.  @last: it ends the batch, so it may be one the kernel cannot
 * parse at all (which would also swallow what follows it).  The random
 * draws do not depend on @last or on answers: a run cut short by -n sends
 * the same bytes as the longer one, up to where it stops.
 */
static void gen_msg(struct msg *m, const struct nlsock *s, bool last)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *gh = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	const uint16_t *req;
	struct golden g = { 0 };
	uint8_t cmd = pick_cmd(), base;
	int nreq, i, nmut, alen, len, natural;
	bool cut = false, drop;
	uint16_t flags;

	memset(m, 0, offsetof(struct msg, buf));
	m->golden = chance(10);
	m->seq = seq_next++;
	nitems = 0;

	/* The valid request: the op's attributes, each maybe, any order. */
	base = op_of(cmd) >= OP_STATUS && op_of(cmd) <= OP_CLEAR ? cmd :
	       XFRMWHY_CMD_STATUS_GET + rnd(4);
	switch (base) {
	case XFRMWHY_CMD_CONFIG_SET:
		req = req_config;
		nreq = ARRAY_SIZE(req_config);
		break;
	case XFRMWHY_CMD_EVENTS_GET:
		req = req_events;
		nreq = ARRAY_SIZE(req_events);
		break;
	default:
		req = req_scope;
		nreq = ARRAY_SIZE(req_scope);
		break;
	}
	for (i = 0; i < nreq; i++) {
		struct item *it;

		/* Mostly one scope at most: both at once is an error. */
		if (req[i] == XFRMWHY_A_ALL_NETNS && g.netns && chance(80))
			continue;
		if (!chance(req[i] == XFRMWHY_A_NETNS ? 35 : 45))
			continue;
		it = item_add(req[i]);
		put_good(it, req[i]);
		if (req[i] == XFRMWHY_A_RING_SIZE && m->golden && chance(50))
			set_u32(it, XFRMWHY_RING_DEFAULT);
		if (req[i] == XFRMWHY_A_NETNS)
			memcpy(&g.inum, it->data, 4);
		g.netns |= req[i] == XFRMWHY_A_NETNS;
		g.other |= req[i] == XFRMWHY_A_NETNS &&
			   memcmp(it->data, &s->inum, 4) != 0;
		g.all |= req[i] == XFRMWHY_A_ALL_NETNS;
		g.ring |= req[i] == XFRMWHY_A_RING_SIZE;
		g.rate |= req[i] == XFRMWHY_A_RATE_LIMIT;
	}
	for (i = nitems - 1; i > 0; i--) {
		int j = rnd(i + 1);
		struct item t = items[i];

		items[i] = items[j];
		items[j] = t;
	}

	flags = NLM_F_REQUEST | NLM_F_ACK;
	if (cmd == XFRMWHY_CMD_EVENTS_GET) {
		flags |= NLM_F_DUMP;
		if (chance(50))		/* a dump needs no ACK: DONE ends it */
			flags &= ~NLM_F_ACK;
	}
	gh->cmd = cmd;
	gh->version = XFRMWHY_GENL_VERSION;
	gh->reserved = 0;
	nh->nlmsg_type = family;
	nh->nlmsg_seq = m->seq;
	nh->nlmsg_pid = 0;

	nmut = m->golden ? 0 : 1 + (chance(60) ? 0 : rnd(4));
	for (i = 0; i < nmut; i++) {
		enum mut mu = pick_mut();

		mut_count[mu]++;
		switch (mu) {
		case M_FLAGS:
			switch (rnd(7)) {
			case 0:
				flags ^= NLM_F_DUMP;
				break;
			case 1:
				flags = (flags & ~NLM_F_DUMP) | NLM_F_ROOT;
				break;
			case 2:
				flags = (flags & ~NLM_F_DUMP) | NLM_F_MATCH;
				break;
			case 3:
				flags |= NLM_F_DUMP | NLM_F_ATOMIC;
				break;
			case 4:
				flags |= NLM_F_ECHO;
				break;
			case 5:
				flags |= (rnd(32) << 11) | NLM_F_MULTI;
				break;
			default:
				flags |= NLM_F_DUMP;
				flags ^= NLM_F_ACK;
				break;
			}
			break;
		case M_GENL:
			gh->version = PICK(((const uint8_t[]){ 0, 2, 255, 1 }));
			gh->reserved = rnd(0x10000);
			if (chance(30))
				nh->nlmsg_pid = rnd64();
			break;
		case M_CMD:
			gh->cmd = chance(50) ? rnd(XFRMWHY_CMD_MAX + 3) : rnd(256);
			break;
		case M_NLMSG_LEN:
			cut = true;	/* below, on the bytes */
			break;
		default:
			mutate_items(mu);
			break;
		}
	}
	/* Requests carry ACK, or are dumps (answered by DONE or an error). */
	if ((flags & NLM_F_DUMP) != NLM_F_DUMP)
		flags |= NLM_F_ACK;
	if (chance(50) && nmut)		/* order of the mutated attributes */
		for (i = nitems - 1; i > 0; i--) {
			int j = rnd(i + 1);
			struct item t = items[i];

			items[i] = items[j];
			items[j] = t;
		}

	cmd = gh->cmd;
	m->cmd = cmd;
	m->dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
	nh->nlmsg_flags = flags;
	alen = serialise(m->buf + NLMSG_HDRLEN + GENL_HDRLEN, ATTRS_MAX);
	natural = NLMSG_HDRLEN + GENL_HDRLEN + alen;
	nh->nlmsg_len = natural;
	len = natural;
	m->parseable = true;

	if (cut) {
		if (chance(50) && natural > NLMSG_HDRLEN) {
			/* Shorter: cut anywhere past the netlink header. */
			nh->nlmsg_len = NLMSG_HDRLEN + rnd(natural - NLMSG_HDRLEN);
			len = nh->nlmsg_len;
		} else {
			/* Longer: garbage that belongs to the message. */
			int extra = 1 + rnd(64);

			rnd_bytes(m->buf + natural, extra);
			nh->nlmsg_len = natural + extra;
			len = nh->nlmsg_len;
		}
	}
	/* Pad to the next message's alignment (padding is nobody's data). */
	m->len = NLMSG_ALIGN(len);
	memset(m->buf + len, 0, m->len - len);
	drop = chance(2);
	if (last && !m->golden && drop) {
		/* Too short for netlink to see a message: dropped unanswered. */
		switch (rnd(3)) {
		case 0:		/* nlmsg_len below the header's size */
			nh->nlmsg_len = rnd(NLMSG_HDRLEN);
			break;
		case 1:		/* nlmsg_len past the end of what is sent */
			nh->nlmsg_len = m->len + 1 + rnd(4096);
			break;
		default:	/* not even a whole header (last: no padding) */
			m->len = 1 + rnd(NLMSG_HDRLEN - 1);
			break;
		}
		m->parseable = false;
	}

	if (m->golden)
		m->want = predict(cmd, s, &g);
	/*
	 * Visibility: outside the initial namespace a caller sees its own
	 * namespace only, however mangled its request; a valid request with
	 * NETNS sees that namespace only.
	 */
	if (!s->init)
		m->scope = s->inum;
	else if (m->golden && g.netns && !g.all)
		m->scope = g.inum;
}

/* --- answers --- */

static long dump_from = -1;
static const char *argv0_line;

static void hexdump(const struct msg *m)
{
	char line[3 * 32 + 1];
	int i, n = m->len > 1024 ? 1024 : m->len;

	for (i = 0; i < n; i++) {
		sprintf(line + 3 * (i % 32), "%02x ", m->buf[i]);
		if (i % 32 == 31 || i == n - 1)
			printf("#   %04x: %s\n", i - i % 32, line);
	}
	if (n < m->len)
		printf("#   ... %d bytes in all\n", m->len);
}

static void fail_msg(const struct msg *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail_msg(const struct msg *m, const char *fmt, ...)
{
	va_list ap;

	if (n_fail++ >= MAX_REPORTS)
		return;
	printf("# FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (m) {
		printf(" (message %ld, seq %u, cmd %u, %s, %d bytes)\n", m->idx,
		       m->seq, m->cmd, m->dump ? "dump" : "do", m->len);
		printf("# replay: %s -n %ld\n", argv0_line, m->idx + 1);
		hexdump(m);
	} else {
		printf("\n");
	}
	fflush(stdout);
}

/* Attributes from @p, @len bytes: each within bounds, nests walked too. */
static bool attrs_ok(const unsigned char *p, int len, int depth)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return false;
		if ((a->nla_type & NLA_F_NESTED) &&
		    (depth > 8 || !attrs_ok(p + NLA_HDRLEN, a->nla_len - NLA_HDRLEN,
					    depth + 1)))
			return false;
		if (NLA_ALIGN(a->nla_len) >= len)
			return true;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return len == 0;
}

/* The EV_A_NETNS of the event nest @ev (0 if absent or malformed). */
static uint32_t event_netns(const struct nlattr *ev)
{
	const unsigned char *p = (const unsigned char *)ev + NLA_HDRLEN;
	int len = ev->nla_len - NLA_HDRLEN;
	uint32_t v = 0;

	while (len >= NLA_HDRLEN) {
		struct nlattr a;

		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len)
			break;
		if (a.nla_type == XFRMWHY_EV_A_NETNS && a.nla_len == NLA_HDRLEN + 4) {
			memcpy(&v, p + NLA_HDRLEN, 4);
			break;
		}
		len -= NLA_ALIGN(a.nla_len);
		p += NLA_ALIGN(a.nla_len);
	}
	return v;
}

/* Check one data message (a status reply or a dumped event). */
static void check_reply(struct msg *m, const struct nlmsghdr *nh)
{
	const struct genlmsghdr *gh = NLMSG_DATA(nh);
	const unsigned char *p = (const unsigned char *)gh + GENL_HDRLEN;
	int len = nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	bool status = false, cpu = false, version = false, ring = false, all = false;
	uint32_t netns = 0;

	if (nh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		fail_msg(m, "a reply of %u bytes", nh->nlmsg_len);
		return;
	}
	if (!attrs_ok(p, len, 0)) {
		fail_msg(m, "a reply with malformed attributes");
		return;
	}
	if (m->dump && op_of(m->cmd) == OP_EVENTS) {
		if (gh->cmd != XFRMWHY_CMD_EVENTS_GET || !(nh->nlmsg_flags & NLM_F_MULTI))
			fail_msg(m, "dumped message with cmd %u, flags 0x%x", gh->cmd,
				 nh->nlmsg_flags);
		while (len >= NLA_HDRLEN) {
			const struct nlattr *a = (const struct nlattr *)p;

			if (a->nla_type != (NLA_F_NESTED | XFRMWHY_A_EVENT)) {
				fail_msg(m, "dumped attribute type 0x%x", a->nla_type);
				return;
			}
			if (m->scope && event_netns(a) != m->scope)
				fail_msg(m, "an event of netns %u in a dump of netns %u",
					 event_netns(a), m->scope);
			n_events++;
			len -= NLA_ALIGN(a->nla_len);
			p += NLA_ALIGN(a->nla_len);
		}
		return;
	}
	status = !m->dump && op_of(m->cmd) == OP_STATUS;
	if (!status || gh->cmd != XFRMWHY_CMD_STATUS_GET) {
		fail_msg(m, "a reply (cmd %u) to a request that has none", gh->cmd);
		return;
	}
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		const unsigned char *v = p + NLA_HDRLEN;
		uint32_t u;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case XFRMWHY_A_VERSION:
			version = a->nla_len > NLA_HDRLEN && !v[a->nla_len - NLA_HDRLEN - 1];
			break;
		case XFRMWHY_A_ENABLED:
			if (a->nla_len != NLA_HDRLEN + 1 || v[0] > 1)
				fail_msg(m, "status: enabled of %u bytes, %u",
					 a->nla_len - NLA_HDRLEN, v[0]);
			n_status_on += v[0] == 1;
			break;
		case XFRMWHY_A_RING_SIZE:
			memcpy(&u, v, 4);
			ring = a->nla_len == NLA_HDRLEN + 4 && u >= XFRMWHY_RING_MIN &&
			       u <= XFRMWHY_RING_MAX;
			if (!ring) {
				fail_msg(m, "status: ring size %u", u);
				break;
			}
			n_ring_changes += ring_last && u != ring_last;
			ring_last = u;
			ring_min = u < ring_min ? u : ring_min;
			ring_max = u > ring_max ? u : ring_max;
			break;
		case XFRMWHY_A_CPU_STATS:
			cpu = true;
			break;
		case XFRMWHY_A_NETNS:
			memcpy(&u, v, 4);
			netns = u;
			break;
		case XFRMWHY_A_ALL_NETNS:
			all = true;
			break;
		}
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	if (!version || !cpu || !ring)
		fail_msg(m, "status without version, ring size or CPU stats");
	if (m->scope && (all || netns != m->scope))
		fail_msg(m, "status of netns %u%s, asked for netns %u", netns,
			 all ? " and all" : "", m->scope);
	n_status++;
}

/* Sort the messages of @len bytes at rbuf to their requests. */
static int take_answers(struct msg *b, int n, int len)
{
	struct nlmsghdr *nh;
	int finals = 0, i;

	for (nh = (struct nlmsghdr *)rbuf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		struct msg *m = NULL;

		n_answers++;
		for (i = 0; i < n; i++)
			if (b[i].seq == nh->nlmsg_seq)
				m = &b[i];
		if (!m) {
			fail_msg(NULL, "an answer (type %u) with seq %u, not of this batch",
				 nh->nlmsg_type, nh->nlmsg_seq);
			continue;
		}
		if (!m->parseable) {
			fail_msg(m, "an answer (type %u) to a message netlink cannot parse",
				 nh->nlmsg_type);
			continue;
		}
		if (m->done) {
			fail_msg(m, "an answer (type %u) after the final one", nh->nlmsg_type);
			continue;
		}
		if (!m->first_read)
			m->first_read = n_reads;
		m->last_read = n_reads;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e)) {
				fail_msg(m, "an error message of %u bytes", nh->nlmsg_len);
				continue;
			}
			if (e->error > 0 || e->error < -4095 || e->msg.nlmsg_seq != m->seq)
				fail_msg(m, "error %d for seq %u", e->error, e->msg.nlmsg_seq);
			m->err = e->error;
			m->done = true;
			finals++;
		} else if (nh->nlmsg_type == NLMSG_DONE) {
			if (!m->dump)
				fail_msg(m, "NLMSG_DONE answering a do request");
			if (nh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
				memcpy(&m->err, NLMSG_DATA(nh), sizeof(int));
			else
				fail_msg(m, "NLMSG_DONE of %u bytes", nh->nlmsg_len);
			m->is_done = true;
			m->done = true;
			finals++;
		} else if (nh->nlmsg_type == family) {
			m->nreplies++;
			check_reply(m, nh);
		} else {
			fail_msg(m, "an answer of type %u", nh->nlmsg_type);
		}
	}
	if (len)
		fail_msg(NULL, "%d bytes of a partial netlink message read", len);
	return finals;
}

static int sock_recv(const struct nlsock *s)
{
	struct iovec iov = { rbuf, s->slow ? SLOW_READ : sizeof(rbuf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int len = recvmsg(s->fd, &mh, MSG_DONTWAIT);

	n_reads++;
	if (len < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		fail_msg(NULL, "recv on the %s socket: %s (answers lost)", s->name,
			 strerror(errno));
	if (len >= 0 && (mh.msg_flags & MSG_TRUNC)) {
		fail_msg(NULL, "an answer longer than %zu bytes", iov.iov_len);
		return -1;
	}
	return len;
}

/* Read until every parseable message of the batch has its final answer. */
static void collect(const struct nlsock *s, struct msg *b, int n)
{
	int pending = 0, i, len;

	for (i = 0; i < n; i++)
		pending += b[i].parseable;
	while (pending > 0) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		int r = poll(&p, 1, ANSWER_MS);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			for (i = 0; i < n; i++)
				if (b[i].parseable && !b[i].done)
					fail_msg(&b[i], "no final answer within %d s",
						 ANSWER_MS / 1000);
			break;
		}
		len = sock_recv(s);
		if (len > 0)
			pending -= take_answers(b, n, len);
	}
	/* The kernel answered every do request in send(): more is too much. */
	while ((len = sock_recv(s)) > 0)
		take_answers(b, n, len);
}

/* Count outcomes; check the replies' number and the golden answers. */
static void account(struct msg *b, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct msg *m = &b[i];
		int op = op_of(m->cmd), out;

		sent_op[op]++;
		if (!m->parseable) {
			outcome[op][OUT_DROPPED]++;
			continue;
		}
		if (!m->done) {
			outcome[op][OUT_MISSING]++;
			continue;
		}
		if (m->is_done)
			out = m->err ? OUT_DONE_ERR : OUT_DONE;
		else
			out = -m->err > ERRNO_MAX ? ERRNO_MAX : -m->err;
		outcome[op][out]++;

		if (m->dump && !m->is_done && !m->err)
			fail_msg(m, "a dump acknowledged without NLMSG_DONE");
		if (m->is_done && m->nreplies) {
			n_dumps_events++;
			n_dumps_multi += m->last_read != m->first_read;
			if (m->nreplies > max_dump_events)
				max_dump_events = m->nreplies;
		}
		if (!m->dump && (m->err || op != OP_STATUS) && m->nreplies)
			fail_msg(m, "%d replies with answer %d", m->nreplies, m->err);
		if (!m->dump && !m->err && op == OP_STATUS && m->nreplies != 1)
			fail_msg(m, "status acknowledged with %d replies", m->nreplies);

		if (!m->golden)
			continue;
		n_golden++;
		if (m->want == WANT_ANY)
			continue;
		if (m->dump && m->is_done && !m->want && !m->err)
			continue;
		if (!m->is_done && m->err == m->want && (!m->dump || m->want))
			continue;
		if (m->busy_ok && !m->is_done && m->err == -EBUSY)
			continue;
		n_golden_bad++;
		fail_msg(m, "valid request answered %s%s, predicted %s",
			 m->is_done ? "DONE " : "", errno_name(-m->err),
			 errno_name(-m->want));
	}
}

/* Read and account the batch socket @si has outstanding, if any. */
static void finish(int si)
{
	int j, n = parked[si];

	if (!n)
		return;
	parked[si] = 0;
	collect(&socks[si], batches[si], n);
	account(batches[si], n);
	for (j = 0; j < n; j++)
		n_dropped += !batches[si][j].parseable;
}

/* --- main --- */

static int kmsg = -1;

static void mark(const char *fmt, long a, unsigned long long b)
{
	char s[128];
	int n;

	if (kmsg < 0)
		return;
	n = snprintf(s, sizeof(s), fmt, a, b);
	if (write(kmsg, s, n) < 0)
		kmsg = -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: nl-fuzz [-s SEED] [-n COUNT] [-N NETNS_PATH]... [-k] [-d INDEX]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	unsigned long long seed = 0;
	static char line[1024];
	long count = 100000, i;
	double t0, secs;
	bool seeded = false, ok1, ok2;
	int opt, op, o, pos;

	socks[0].name = "init";
	socks[0].init = true;
	socks[1].name = "init-slow";
	socks[1].init = true;
	socks[1].slow = true;
	nsocks = 2;
	while ((opt = getopt(argc, argv, "s:n:N:kd:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			seeded = true;
			break;
		case 'n':
			count = strtol(optarg, NULL, 0);
			break;
		case 'N':
			if (nsocks == MAX_SOCKS)
				usage();
			if (sock_open_in(&socks[nsocks], optarg) || !socks[nsocks].inum) {
				fprintf(stderr, "nl-fuzz: no socket in %s\n", optarg);
				return 1;
			}
			nsocks++;
			break;
		case 'k':
			kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
			break;
		case 'd':
			dump_from = strtol(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || count < 1)
		usage();
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (unsigned long long)ts.tv_sec * 1000000007ULL ^ ts.tv_nsec ^
		       (unsigned long long)getpid() << 32;
	}
	{
		uint64_t x = seed;

		rng = splitmix64(&x) | 1;
	}
	pos = snprintf(line, sizeof(line), "nl-fuzz -s %#llx", seed);
	for (i = 2; i < nsocks; i++)
		pos += snprintf(line + pos, sizeof(line) - pos, " -N %s", socks[i].name);
	argv0_line = line;

	for (i = 0; i < 2; i++) {
		if (sock_open(&socks[i])) {
			perror("nl-fuzz: socket");
			return 1;
		}
		socks[i].inum = inode_of("/proc/self/ns/net");
	}
	for (i = 0; i < nsocks; i++)
		known_inum[nknown++] = socks[i].inum;
	printf("TAP version 13\n");
	if (xw_genl_family_id(socks[0].fd, &family)) {
		printf("1..0 # SKIP family %s not found\n", XFRMWHY_GENL_NAME);
		return 4;
	}
	printf("1..2\n");
	printf("# seed %#llx: replay with %s -n %ld\n", seed, line, count);
	printf("# family id %u; namespaces:", family);
	for (i = 0; i < nsocks; i++)
		printf(" %s=%u", socks[i].name, socks[i].inum);
	printf("\n");
	fflush(stdout);
	mark("nl-fuzz: start, %ld messages, seed %#llx\n", count, seed);

	t0 = now();
	for (n_msgs = 0; n_msgs < count && n_fail < MAX_FAILS; ) {
		int si = chance(50) ? 0 : rnd(nsocks);
		struct nlsock *s = &socks[si];
		struct msg *b = batches[si];
		int drawn = chance(70) ? 1 : 2 + rnd(MAX_BATCH - 1), n = drawn;
		int j, total = 0;
		static unsigned char wire[MAX_BATCH * MSG_MAX];
		bool dump_before = false;

		/* The answers to this socket's previous batch first. */
		finish(si);
		if (n > count - n_msgs)
			n = count - n_msgs;
		/* Now and then other answer options on this socket. */
		if (chance(1) && !s->slow) {
			s->ext_ack = chance(70);
			s->cap_ack = chance(30);
			sock_opt(s, NETLINK_EXT_ACK, s->ext_ack);
			sock_opt(s, NETLINK_CAP_ACK, s->cap_ack);
		}
		for (j = 0; j < n; j++) {
			struct msg *m = &b[j];

			/* Last as drawn, so that a replay cut short agrees. */
			gen_msg(m, s, j == drawn - 1);
			m->idx = n_msgs + j;
			m->busy_ok = dump_before;
			dump_before |= m->dump && m->parseable;
			memcpy(wire + total, m->buf, m->len);
			total += m->len;
			if (m->idx >= dump_from && dump_from >= 0) {
				printf("# message %ld (socket %s, seq %u):\n", m->idx,
				       s->name, m->seq);
				hexdump(m);
			}
		}
		if (n_msgs / 10000 != (n_msgs + n) / 10000)
			mark("nl-fuzz: message %ld, seed %#llx\n", n_msgs + n, seed);
		if (send(s->fd, wire, total, 0) < 0) {
			fail_msg(&b[0], "send of %d bytes (%d messages): %s", total, n,
				 strerror(errno));
			break;
		}
		parked[si] = n;
		n_msgs += n;
		n_batches++;
		/*
		 * A dump may stay unread (open, when it takes several skbs)
		 * while the other sockets configure, clear and drain.
		 */
		if (dump_before && chance(s->slow ? 60 : 20))
			n_parked++;
		else
			finish(si);
	}
	for (i = 0; i < nsocks; i++)
		finish(i);
	secs = now() - t0;
	mark("nl-fuzz: done, %ld messages, seed %#llx\n", n_msgs, seed);

	printf("# %ld messages in %ld batches in %.1f s (%.0f/s); %ld too short to parse (no answer expected); %ld answers read\n",
	       n_msgs, n_batches, secs, n_msgs / (secs > 0 ? secs : 1), n_dropped,
	       n_answers);
	for (op = 0; op < OP_CNT; op++) {
		char out[1024];
		int p = 0;

		if (!sent_op[op])
			continue;
		for (o = 0; o < OUT_CNT; o++) {
			const char *name;

			if (!outcome[op][o])
				continue;
			switch (o) {
			case OUT_DONE:
				name = "DONE";
				break;
			case OUT_DONE_ERR:
				name = "DONE-with-error";
				break;
			case OUT_DROPPED:
				name = "dropped-unparseable";
				break;
			case OUT_MISSING:
				name = "MISSING";
				break;
			default:
				name = errno_name(o);
				break;
			}
			p += snprintf(out + p, sizeof(out) - p, " %s %ld", name,
				      outcome[op][o]);
			if (p >= (int)sizeof(out))
				break;
		}
		printf("# %-10s %6ld:%s\n", op_name[op], sent_op[op], out);
	}
	printf("# answers: %ld status replies (capture on in %ld), ring sizes %u..%u seen (%ld changes); %ld events dumped by %ld dumps (%ld over several reads, at most %ld in one); %ld batches left unread a while\n",
	       n_status, n_status_on, ring_min, ring_max, n_ring_changes, n_events,
	       n_dumps_events, n_dumps_multi, max_dump_events, n_parked);
	printf("# mutations:");
	for (o = 0; o < M_CNT; o++)
		printf(" %s %ld", mut_name[o], mut_count[o]);
	printf("; big rings sent %d\n", BIG_RINGS - big_rings_left);

	ok1 = n_fail == n_golden_bad && n_msgs == count;
	ok2 = !n_golden_bad && n_golden > 0;
	if (n_msgs < count)
		printf("# stopped after %ld of %ld messages: %ld failures\n", n_msgs, count,
		       n_fail);
	printf("%sok 1 fuzz_every_request_answered\n", ok1 ? "" : "not ");
	printf("# %ld valid requests, %ld answered other than predicted\n", n_golden,
	       n_golden_bad);
	printf("%sok 2 fuzz_valid_requests_answered_as_predicted\n", ok2 ? "" : "not ");
	if (!ok1 || !ok2)
		printf("# replay: %s -n %ld\n", line, count);
	return ok1 && ok2 ? 0 : 1;
}
