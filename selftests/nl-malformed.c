// SPDX-License-Identifier: GPL-2.0
/*
 * nl-malformed: send the xfrmwhy family thousands of invalid generic
 * netlink requests and check that every one is answered with an error:
 * wrong attribute types and sizes, out-of-range values, unknown and
 * reply-only attributes, truncated attributes and nests, unknown commands,
 * bad genetlink headers, and dumps carrying any of these.  Prints KTAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/xfrmwhy.h>
#include "genl-family.h"

static int fd;
static uint32_t seq = 1;
static uint16_t family;
static char buf[65536];

struct req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[1024];
};

static void *put_attr(char *p, uint16_t type, uint16_t len, const void *data,
		      uint16_t datalen)
{
	struct nlattr *a = (struct nlattr *)p;

	a->nla_type = type;
	a->nla_len = len;
	memcpy(p + NLA_HDRLEN, data, datalen);
	return p + NLA_ALIGN(NLA_HDRLEN + datalen);
}

/* Send one request; returns the error the kernel answered, 1 if it
 * answered with success or data, -1000 if it did not answer at all.
 */
static int transact(uint16_t type, uint8_t cmd, uint8_t version, uint16_t flags,
		    const char *attrs, int attrlen, int hdrlen)
{
	struct req r;
	int len, got_data = 0;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_type = type;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r.nh.nlmsg_seq = ++seq;
	r.gh.cmd = cmd;
	r.gh.version = version;
	memcpy(r.attrs, attrs, attrlen);
	r.nh.nlmsg_len = NLMSG_HDRLEN + hdrlen + attrlen;
	if (send(fd, &r, r.nh.nlmsg_len, 0) < 0) {
		perror("nl-malformed: send");
		exit(1);
	}
	for (;;) {
		struct nlmsghdr *nh;

		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			return -1000;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				return e->error ? e->error : 1;
			}
			if (nh->nlmsg_type == NLMSG_DONE)
				return got_data || 1;
			got_data = 1;
		}
	}
}

static int n_sent, n_bad;

static void expect_error(const char *what, uint8_t cmd, uint16_t flags,
			 const char *attrs, int attrlen)
{
	int err = transact(family, cmd, XFRMWHY_GENL_VERSION, flags, attrs,
			   attrlen, GENL_HDRLEN);

	n_sent++;
	if (err >= 0 || err == -1000) {
		if (n_bad++ < 20)
			printf("# %s (cmd %u, flags 0x%x, %d bytes): %s\n", what, cmd,
			       flags, attrlen, err == -1000 ? "no answer" : "accepted");
	}
}

int main(void)
{
	static const uint8_t cmds[] = { XFRMWHY_CMD_STATUS_GET, XFRMWHY_CMD_CONFIG_SET,
					XFRMWHY_CMD_EVENTS_GET, XFRMWHY_CMD_CLEAR };
	/* Request attributes and the payload sizes the policy expects. */
	static const struct { uint16_t type; int size; } good[] = {
		{ XFRMWHY_A_ENABLED, 1 }, { XFRMWHY_A_RING_SIZE, 4 },
		{ XFRMWHY_A_NETNS, 4 }, { XFRMWHY_A_FILTER_FAMILY, 1 },
		{ XFRMWHY_A_FILTER_REASONS, 4 }, { XFRMWHY_A_RATE_LIMIT, 4 },
	};
	/* Values outside each attribute's range. */
	static const struct { uint16_t type; uint32_t v; int size; } range[] = {
		{ XFRMWHY_A_ENABLED, 2, 1 }, { XFRMWHY_A_ENABLED, 255, 1 },
		{ XFRMWHY_A_RING_SIZE, 0, 4 }, { XFRMWHY_A_RING_SIZE, 15, 4 },
		{ XFRMWHY_A_RING_SIZE, 65537, 4 }, { XFRMWHY_A_RING_SIZE, 0xffffffff, 4 },
		{ XFRMWHY_A_NETNS, 0, 4 }, { XFRMWHY_A_FILTER_FAMILY, 11, 1 },
		{ XFRMWHY_A_FILTER_FAMILY, 200, 1 }, { XFRMWHY_A_RATE_LIMIT, 1000001, 4 },
		{ XFRMWHY_A_RATE_LIMIT, 0x80000000, 4 },
	};
	struct timeval tv = { .tv_sec = 5 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char attrs[1024], *p;
	int one = 1, i, c, t, sz, cases = 0;
	unsigned int rnd = 12345;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("nl-malformed: socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (xw_genl_family_id(fd, &family)) {
		printf("Bail out! family %s not found\n", XFRMWHY_GENL_NAME);
		return 4;
	}
	printf("TAP version 13\n1..1\n");

	for (c = 0; c < 4; c++) {
		uint16_t fl = cmds[c] == XFRMWHY_CMD_EVENTS_GET ? NLM_F_DUMP : 0;

		/* Every attribute type, every wrong size (0..12 bytes). */
		for (t = 0; t <= XFRMWHY_A_MAX + 4; t++) {
			for (sz = 0; sz <= 12; sz++) {
				uint32_t zero[4] = { 0, 0, 0, 0 };
				int ok_size = 0;

				for (i = 0; i < (int)(sizeof(good) / sizeof(good[0])); i++)
					if (good[i].type == t && good[i].size == sz)
						ok_size = 1;
				if (ok_size || (t == XFRMWHY_A_PEEK && sz == 0) ||
				    (t == XFRMWHY_A_ALL_NETNS && sz == 0))
					continue;
				p = put_attr(attrs, t, NLA_HDRLEN + sz, zero, sz);
				expect_error("wrong type/size", cmds[c], fl, attrs, p - attrs);
				cases++;
			}
		}
		/* Out-of-range values. */
		for (i = 0; i < (int)(sizeof(range) / sizeof(range[0])); i++) {
			p = put_attr(attrs, range[i].type, NLA_HDRLEN + range[i].size,
				     &range[i].v, range[i].size);
			expect_error("out of range", cmds[c], fl, attrs, p - attrs);
		}
		/* Truncated: nla_len beyond the message, or below the header. */
		for (sz = 1; sz <= 64; sz++) {
			uint32_t v = 256;
			struct nlattr *a = (struct nlattr *)attrs;

			put_attr(attrs, XFRMWHY_A_RING_SIZE, NLA_HDRLEN + 4, &v, 4);
			a->nla_len = NLA_HDRLEN + 4 + sz * 4;
			expect_error("truncated attribute", cmds[c], fl, attrs, 8);
			a->nla_len = sz % 4;
			expect_error("attribute shorter than its header", cmds[c], fl, attrs, 8);
		}
		/* Nested garbage in reply-only nest attributes. */
		for (t = 0; t < 16; t++) {
			char inner[16];

			p = put_attr(inner, t, NLA_HDRLEN + 4, "abcd", 4);
			p = put_attr(attrs, t % 2 ? XFRMWHY_A_EVENT : XFRMWHY_A_CPU_STATS,
				     NLA_HDRLEN + (p - inner), inner, p - inner);
			((struct nlattr *)(attrs + NLA_HDRLEN))->nla_len = 200;
			expect_error("truncated nest", cmds[c], fl, attrs, p - attrs);
		}
		/* Random bytes after a valid-looking attribute header. */
		for (i = 0; i < 40; i++) {
			uint32_t v = 16 + i;

			p = put_attr(attrs, XFRMWHY_A_RING_SIZE, NLA_HDRLEN + 4, &v, 4);
			rnd = rnd * 1103515245 + 12345;
			p = put_attr(p, XFRMWHY_A_MAX + 1 + (rnd >> 16) % 200, NLA_HDRLEN + 4, &rnd, 4);
			expect_error("unknown attribute after a valid one", cmds[c], fl,
				     attrs, p - attrs);
		}
	}
	/* Unknown commands, with and without attributes, do and dump. */
	for (c = 0; c < 256; c++) {
		if (c >= XFRMWHY_CMD_STATUS_GET && c <= XFRMWHY_CMD_CLEAR)
			continue;
		expect_error("unknown command", c, c % 2 ? NLM_F_DUMP : 0, attrs, 0);
	}
	/* Dumps of do-only commands and dos of the dump-only command. */
	for (i = 0; i < 20; i++) {
		expect_error("dump of a do-only command", XFRMWHY_CMD_STATUS_GET + (i % 2 ? 1 : 3),
			     NLM_F_DUMP, attrs, 0);
		expect_error("do of the dump-only command", XFRMWHY_CMD_EVENTS_GET, 0, attrs, 0);
	}
	/* A request cut inside the genetlink header. */
	for (i = 0; i < 10; i++) {
		int err = transact(family, XFRMWHY_CMD_STATUS_GET, 1, 0, attrs, 0, i % 4);

		n_sent++;
		if (err >= 0 || err == -1000) {
			if (n_bad++ < 20)
				printf("# short genetlink header (%d bytes): %s\n", i % 4,
				       err == -1000 ? "no answer" : "accepted");
		}
	}
	(void)cases;
	printf("# %d invalid requests, %d not answered with an error\n", n_sent, n_bad);
	printf("%sok 1 malformed_requests_all_rejected\n", n_bad || n_sent < 1000 ? "not " : "");
	return n_bad || n_sent < 1000 ? 1 : 0;
}
