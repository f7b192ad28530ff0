// SPDX-License-Identifier: GPL-2.0
/*
 * The xfrmwhy generic netlink family, op by op, on the kernel's own
 * kselftest harness: replies carry what the spec says, and every rejection
 * carries the extack message and the offset of the bad attribute.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/xfrmwhy.h>
#include "kselftest_harness.h"

#define BUFSZ 65536

struct reply {
	int error;			/* 0, or the negative errno */
	char msg[256];			/* NLMSGERR_ATTR_MSG */
	int offs;			/* NLMSGERR_ATTR_OFFS, -1 if none */
	int nmsgs;			/* data messages before DONE/ACK */
	char data[BUFSZ];		/* attributes of the first data message */
	int datalen;
};

static char *put(char *p, uint16_t type, const void *v, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)p;

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(p + NLA_HDRLEN, v, len);
	return p + NLA_ALIGN(a->nla_len);
}

static struct nlattr *find(char *attrs, int len, uint16_t type)
{
	struct nlattr *a = (struct nlattr *)attrs;

	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return NULL;
}

static int count(char *attrs, int len, uint16_t type)
{
	struct nlattr *a = (struct nlattr *)attrs;
	int n = 0;

	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
		n += (a->nla_type & NLA_TYPE_MASK) == type;
		len -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return n;
}

static void ask(int fd, uint16_t fam, uint8_t cmd, uint16_t flags,
		const char *attrs, int len, struct reply *r)
{
	static uint32_t seq;
	static char buf[BUFSZ];
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		char a[512];
	} req = { 0 };
	int n;

	memset(r, 0, sizeof(*r));
	r->offs = -1;
	req.nh.nlmsg_type = fam;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	req.nh.nlmsg_seq = ++seq;
	req.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + len;
	req.gh.cmd = cmd;
	req.gh.version = XFRMWHY_GENL_VERSION;
	memcpy(req.a, attrs, len);
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		r->error = -errno;
		return;
	}
	for (;;) {
		struct nlmsghdr *nh;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			r->error = -ETIMEDOUT;
			return;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_ERROR) {
				/* NETLINK_CAP_ACK: no request payload before the TLVs. */
				struct nlmsgerr *e = NLMSG_DATA(nh);
				char *tlv = (char *)e + sizeof(*e);
				int tl = nh->nlmsg_len - NLMSG_HDRLEN - sizeof(*e);
				struct nlattr *a;

				r->error = e->error;
				a = find(tlv, tl, NLMSGERR_ATTR_MSG);
				if (a)
					snprintf(r->msg, sizeof(r->msg), "%s", (char *)a + NLA_HDRLEN);
				a = find(tlv, tl, NLMSGERR_ATTR_OFFS);
				if (a)
					memcpy(&r->offs, (char *)a + NLA_HDRLEN, 4);
				return;
			}
			/* A dump ends with DONE, carrying its error. */
			if (nh->nlmsg_type == NLMSG_DONE) {
				memcpy(&r->error, NLMSG_DATA(nh), sizeof(int));
				return;
			}
			if (!r->nmsgs++) {
				r->datalen = nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
				memcpy(r->data, (char *)NLMSG_DATA(nh) + GENL_HDRLEN, r->datalen);
			}
		}
	}
}

FIXTURE(genl) {
	int fd;
	uint16_t fam;
};

FIXTURE_SETUP(genl)
{
	struct timeval tv = { .tv_sec = 10 };
	char attrs[64], *p;
	struct reply *r = calloc(1, sizeof(*r));
	struct nlattr *id;
	int one = 1;

	ASSERT_NE(NULL, r);
	self->fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	ASSERT_LE(0, self->fd);
	setsockopt(self->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(self->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(self->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	p = put(attrs, CTRL_ATTR_FAMILY_NAME, XFRMWHY_GENL_NAME, sizeof(XFRMWHY_GENL_NAME));
	ask(self->fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, attrs, p - attrs, r);
	id = find(r->data, r->datalen, CTRL_ATTR_FAMILY_ID);
	if (!id) {
		free(r);
		SKIP(return, "the xfrmwhy family is not registered (module not loaded)");
	}
	memcpy(&self->fam, (char *)id + NLA_HDRLEN, 2);
	free(r);
}

FIXTURE_TEARDOWN(genl)
{
	close(self->fd);
}

static struct reply R;

TEST_F(genl, status_reply_fields)
{
	struct nlattr *a;
	uint32_t v;

	ask(self->fd, self->fam, XFRMWHY_CMD_STATUS_GET, 0, NULL, 0, &R);
	ASSERT_EQ(0, R.error);
	ASSERT_EQ(1, R.nmsgs);
	a = find(R.data, R.datalen, XFRMWHY_A_VERSION);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ("0.1", (char *)a + NLA_HDRLEN);
	a = find(R.data, R.datalen, XFRMWHY_A_RING_SIZE);
	ASSERT_NE(NULL, a);
	memcpy(&v, (char *)a + NLA_HDRLEN, 4);
	EXPECT_EQ(XFRMWHY_RING_DEFAULT, (int)v);
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_CONF),
		  count(R.data, R.datalen, XFRMWHY_A_CPU_STATS));
	EXPECT_NE(NULL, find(R.data, R.datalen, XFRMWHY_A_ALL_NETNS));
	EXPECT_NE(NULL, find(R.data, R.datalen, XFRMWHY_A_RECORDED));
}

TEST_F(genl, ring_size_below_range)
{
	char attrs[16], *p;
	uint32_t v = XFRMWHY_RING_MIN - 1;

	p = put(attrs, XFRMWHY_A_RING_SIZE, &v, 4);
	ask(self->fd, self->fam, XFRMWHY_CMD_CONFIG_SET, 0, attrs, p - attrs, &R);
	EXPECT_EQ(-ERANGE, R.error);
	/* The offset of the bad attribute: nlmsghdr + genlmsghdr. */
	EXPECT_EQ(NLMSG_HDRLEN + GENL_HDRLEN, R.offs);
}

TEST_F(genl, unknown_reason_bit)
{
	char attrs[16], *p;
	uint32_t v = 1u << 20;

	/* The generated policy's mask check (NLA_POLICY_MASK), in its words. */
	p = put(attrs, XFRMWHY_A_FILTER_REASONS, &v, 4);
	ask(self->fd, self->fam, XFRMWHY_CMD_CONFIG_SET, 0, attrs, p - attrs, &R);
	EXPECT_EQ(-EINVAL, R.error);
	EXPECT_STREQ("reserved bit set", R.msg);
	EXPECT_EQ(NLMSG_HDRLEN + GENL_HDRLEN, R.offs);
}

TEST_F(genl, family_filter_value)
{
	char attrs[16], *p;
	uint8_t v = 7;

	p = put(attrs, XFRMWHY_A_FILTER_FAMILY, &v, 1);
	ask(self->fd, self->fam, XFRMWHY_CMD_CONFIG_SET, 0, attrs, p - attrs, &R);
	EXPECT_EQ(-EINVAL, R.error);
	EXPECT_STREQ("family filter must be 0, AF_INET or AF_INET6", R.msg);
}

TEST_F(genl, unknown_netns_inode)
{
	char attrs[16], *p;
	uint32_t v = 1;

	p = put(attrs, XFRMWHY_A_NETNS, &v, 4);
	ask(self->fd, self->fam, XFRMWHY_CMD_STATUS_GET, 0, attrs, p - attrs, &R);
	EXPECT_EQ(-ENOENT, R.error);
	EXPECT_STREQ("no network namespace with this inode number", R.msg);
	EXPECT_EQ(NLMSG_HDRLEN + GENL_HDRLEN, R.offs);
}

TEST_F(genl, resize_while_capturing)
{
	char attrs[16], *p;
	uint8_t on = 1, off = 0;
	uint32_t v = 32;

	p = put(attrs, XFRMWHY_A_ENABLED, &on, 1);
	ask(self->fd, self->fam, XFRMWHY_CMD_CONFIG_SET, 0, attrs, p - attrs, &R);
	ASSERT_EQ(0, R.error);
	p = put(attrs, XFRMWHY_A_RING_SIZE, &v, 4);
	ask(self->fd, self->fam, XFRMWHY_CMD_CONFIG_SET, 0, attrs, p - attrs, &R);
	EXPECT_EQ(-EBUSY, R.error);
	EXPECT_STREQ("disable capture before resizing the rings", R.msg);
	p = put(attrs, XFRMWHY_A_ENABLED, &off, 1);
	ask(self->fd, self->fam, XFRMWHY_CMD_CONFIG_SET, 0, attrs, p - attrs, &R);
	EXPECT_EQ(0, R.error);
}

TEST_F(genl, reply_only_attribute)
{
	char attrs[16], *p;
	uint64_t v = 1;

	/* Not in the generated policy: strict validation refuses it. */
	p = put(attrs, XFRMWHY_A_RECORDED, &v, 8);
	ask(self->fd, self->fam, XFRMWHY_CMD_STATUS_GET, 0, attrs, p - attrs, &R);
	EXPECT_EQ(-EINVAL, R.error);
	EXPECT_STREQ("Unsupported attribute", R.msg);
	EXPECT_EQ(NLMSG_HDRLEN + GENL_HDRLEN, R.offs);
}

TEST_F(genl, unknown_command)
{
	ask(self->fd, self->fam, 99, 0, NULL, 0, &R);
	EXPECT_EQ(-EOPNOTSUPP, R.error);
}

TEST_F(genl, empty_drain)
{
	ask(self->fd, self->fam, XFRMWHY_CMD_CLEAR, 0, NULL, 0, &R);
	ASSERT_EQ(0, R.error);
	ask(self->fd, self->fam, XFRMWHY_CMD_EVENTS_GET, NLM_F_DUMP, NULL, 0, &R);
	EXPECT_EQ(0, R.error);
	EXPECT_EQ(0, R.nmsgs);
}

TEST_HARNESS_MAIN
