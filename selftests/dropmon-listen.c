// SPDX-License-Identifier: GPL-2.0
/*
 * dropmon-listen: the kernel's drop_monitor in packet mode, as the
 * benchmark's in-kernel peer of xfrmwhy.  Plain generic netlink, no
 * library: resolve the NET_DM family and its "events" group, configure
 * packet alert mode (NET_DM_CMD_CONFIG), start (NET_DM_CMD_START), count
 * the packet alerts until SIGINT/SIGTERM or the timeout, then stop
 * (NET_DM_CMD_STOP) and ask the kernel how many alerts its queue dropped
 * (NET_DM_CMD_STATS_GET).
 *
 *   dropmon-listen [-t TRUNC_LEN] [-q QUEUE_LEN] [-s SECONDS]
 *   dropmon-listen -f FAMILY -g GROUP [-s SECONDS]
 *
 * Prints "ready" once monitoring runs, then at the end one line:
 *   alerts N xfrm_policy M kernel_dropped D overruns O
 * With -f/-g it only joins that generic netlink group (xfrmwhy's "events",
 * say) and counts its messages: a listener that costs the kernel the same
 * as any other but does no work of its own.  It then prints:
 *   messages N overruns O
 * xfrm_policy: alerts whose drop reason is XFRM_POLICY; kernel_dropped:
 * alerts the kernel's per-CPU queue had no room for; overruns: times our
 * socket buffer overflowed (ENOBUFS: alerts lost in between, uncounted).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/net_dropmon.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFSZ (1 << 16)

static volatile sig_atomic_t stop;
static uint32_t seq;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "dropmon-listen: %s: %s\n", what, strerror(errno));
	exit(1);
}

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[256];
};

static void put_attr(struct req *r, uint16_t type, const void *data,
		     uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void req_init(struct req *r, uint16_t family, uint8_t cmd,
		     uint16_t flags)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->n.nlmsg_type = family;
	r->n.nlmsg_flags = NLM_F_REQUEST | flags;
	r->n.nlmsg_seq = ++seq;
	r->g.cmd = cmd;
	r->g.version = 2;
}

/* Send a request and read until its ack (or error); replies go to cb. */
static int transact(int fd, struct req *r,
		    void (*cb)(struct nlmsghdr *n, void *arg), void *arg)
{
	static char buf[BUFSZ];

	r->n.nlmsg_flags |= NLM_F_ACK;
	if (send(fd, r, r->n.nlmsg_len, 0) < 0)
		die("send");
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *n;

		if (len < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			die("recv");
		}
		for (n = (struct nlmsghdr *)buf; NLMSG_OK(n, len);
		     n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_seq != r->n.nlmsg_seq)
				continue;
			if (n->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(n);

				return e->error;
			}
			if (cb)
				cb(n, arg);
		}
	}
}

#define for_each_attr(a, start, len)					\
	for (a = (struct nlattr *)(start); (len) >= (int)NLA_HDRLEN &&	\
	     a->nla_len >= NLA_HDRLEN && a->nla_len <= (len);		\
	     (len) -= NLA_ALIGN(a->nla_len),				\
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

#define attr_data(a) ((void *)((char *)(a) + NLA_HDRLEN))

struct family {
	uint16_t id;
	uint32_t group;
	const char *group_name;
};

static void family_cb(struct nlmsghdr *n, void *arg)
{
	struct family *f = arg;
	struct nlattr *a, *g, *ga;
	int len = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	for_each_attr(a, (char *)NLMSG_DATA(n) + GENL_HDRLEN, len) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			f->id = *(uint16_t *)attr_data(a);
		if (a->nla_type != CTRL_ATTR_MCAST_GROUPS)
			continue;
		int glen = a->nla_len - NLA_HDRLEN;

		for_each_attr(g, attr_data(a), glen) {
			int alen = g->nla_len - NLA_HDRLEN;
			uint32_t id = 0;
			const char *name = NULL;

			for_each_attr(ga, attr_data(g), alen) {
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_ID)
					id = *(uint32_t *)attr_data(ga);
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
					name = attr_data(ga);
			}
			if (name && !strcmp(name, f->group_name))
				f->group = id;
		}
	}
}

static void stats_cb(struct nlmsghdr *n, void *arg)
{
	uint64_t *dropped = arg;
	struct nlattr *a, *s;
	int len = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	for_each_attr(a, (char *)NLMSG_DATA(n) + GENL_HDRLEN, len) {
		if (a->nla_type != NET_DM_ATTR_STATS)
			continue;
		int slen = a->nla_len - NLA_HDRLEN;

		for_each_attr(s, attr_data(a), slen)
			if (s->nla_type == NET_DM_ATTR_STATS_DROPPED)
				memcpy(dropped, attr_data(s), sizeof(*dropped));
	}
}

/* Is this a packet alert, and was it dropped for the xfrm policy? */
static void count_alert(struct nlmsghdr *n, uint16_t family, long *alerts,
			long *xfrm)
{
	struct genlmsghdr *g = NLMSG_DATA(n);
	struct nlattr *a;
	int len = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	if (n->nlmsg_type != family || g->cmd != NET_DM_CMD_PACKET_ALERT)
		return;
	(*alerts)++;
	for_each_attr(a, (char *)g + GENL_HDRLEN, len)
		if (a->nla_type == NET_DM_ATTR_REASON &&
		    !strncmp(attr_data(a), "XFRM_POLICY", a->nla_len - NLA_HDRLEN))
			(*xfrm)++;
}

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("netlink socket");
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

/* Counts for one listening run; "messages" counts any of the family's. */
struct tally {
	uint16_t family;
	long messages, alerts, xfrm, overruns;
};

/* Receive until SIGINT/SIGALRM, counting what arrives. */
static void listen_until_stopped(int fd, struct tally *t)
{
	static char buf[BUFSZ];

	while (!stop) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *n;

		if (len < 0) {
			if (errno == ENOBUFS)
				t->overruns++;
			else if (errno != EINTR)
				die("recv");
			continue;
		}
		for (n = (struct nlmsghdr *)buf; NLMSG_OK(n, len); n = NLMSG_NEXT(n, len)) {
			t->messages += n->nlmsg_type == t->family;
			count_alert(n, t->family, &t->alerts, &t->xfrm);
		}
	}
}

int main(int argc, char **argv)
{
	const char *family = "NET_DM", *group = "events";
	bool raw = false;
	uint32_t trunc = 0, qlen = 1000;
	uint8_t mode = NET_DM_ALERT_MODE_PACKET;
	struct family fam = { 0 };
	struct tally t = { 0 };
	uint64_t kdropped = 0;
	unsigned int timeout = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	struct req r;
	int ctl, ev, opt, err, rcv = 32 << 20;

	while ((opt = getopt(argc, argv, "t:q:s:f:g:")) != -1) {
		switch (opt) {
		case 'f': family = optarg; raw = true; break;
		case 'g': group = optarg; raw = true; break;
		case 't': trunc = strtoul(optarg, NULL, 0); break;
		case 'q': qlen = strtoul(optarg, NULL, 0); break;
		case 's': timeout = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: dropmon-listen [-t TRUNC_LEN] [-q QUEUE_LEN] [-s SECONDS]\n"
					"       dropmon-listen -f FAMILY -g GROUP [-s SECONDS]\n");
			return 1;
		}
	}
	sigaction(SIGINT, &sa, NULL);	/* no SA_RESTART: recv() returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);

	ctl = nl_open();
	fam.group_name = group;
	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	r.g.version = 1;
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, family, strlen(family) + 1);
	err = transact(ctl, &r, family_cb, &fam);
	if (err || !fam.id || !fam.group) {
		fprintf(stderr, "dropmon-listen: no %s family with a group %s%s: %s\n",
			family, group, raw ? "" : " (modprobe drop_monitor)",
			err ? strerror(-err) : "not found");
		return 4;
	}
	t.family = fam.id;

	/* The alerts come on their own socket, so requests never wait behind them. */
	ev = nl_open();
	if (setsockopt(ev, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		setsockopt(ev, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(ev, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &fam.group,
		       sizeof(fam.group)) < 0)
		die("join the events group");

	if (raw) {
		printf("ready\n");
		fflush(stdout);
		if (timeout)
			alarm(timeout);
		listen_until_stopped(ev, &t);
		printf("messages %ld overruns %ld\n", t.messages, t.overruns);
		return 0;
	}

	req_init(&r, fam.id, NET_DM_CMD_CONFIG, 0);
	put_attr(&r, NET_DM_ATTR_ALERT_MODE, &mode, sizeof(mode));
	put_attr(&r, NET_DM_ATTR_TRUNC_LEN, &trunc, sizeof(trunc));
	put_attr(&r, NET_DM_ATTR_QUEUE_LEN, &qlen, sizeof(qlen));
	err = transact(ctl, &r, NULL, NULL);
	if (err) {
		fprintf(stderr, "dropmon-listen: NET_DM_CMD_CONFIG: %s\n", strerror(-err));
		return 1;
	}
	req_init(&r, fam.id, NET_DM_CMD_START, 0);
	put_attr(&r, NET_DM_ATTR_SW_DROPS, NULL, 0);
	err = transact(ctl, &r, NULL, NULL);
	if (err) {
		fprintf(stderr, "dropmon-listen: NET_DM_CMD_START: %s\n", strerror(-err));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	if (timeout)
		alarm(timeout);
	listen_until_stopped(ev, &t);

	req_init(&r, fam.id, NET_DM_CMD_STOP, 0);
	put_attr(&r, NET_DM_ATTR_SW_DROPS, NULL, 0);
	err = transact(ctl, &r, NULL, NULL);
	if (err)
		fprintf(stderr, "dropmon-listen: NET_DM_CMD_STOP: %s\n", strerror(-err));
	req_init(&r, fam.id, NET_DM_CMD_STATS_GET, 0);
	err = transact(ctl, &r, stats_cb, &kdropped);
	if (err)
		fprintf(stderr, "dropmon-listen: NET_DM_CMD_STATS_GET: %s\n", strerror(-err));
	printf("alerts %ld xfrm_policy %ld kernel_dropped %llu overruns %ld\n",
	       t.alerts, t.xfrm, (unsigned long long)kdropped, t.overruns);
	return 0;
}
