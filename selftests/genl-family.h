/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xfrmwhy family's id, asked of nlctrl on a raw generic netlink
 * socket: shared by the selftests that build their requests by hand.
 */
#ifndef XFRMWHY_SELFTEST_GENL_FAMILY_H
#define XFRMWHY_SELFTEST_GENL_FAMILY_H

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/xfrmwhy.h>

/* Returns 0 and sets *id, or -1. */
static inline int xw_genl_family_id(int fd, uint16_t *id)
{
	static unsigned char buf[1 << 16];
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		unsigned char attrs[64];
	} r;
	struct nlattr *a = (struct nlattr *)r.attrs;
	struct nlmsghdr *nh;
	int len;

	memset(&r, 0, sizeof(r));
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(XFRMWHY_GENL_NAME);
	memcpy(r.attrs + NLA_HDRLEN, XFRMWHY_GENL_NAME, sizeof(XFRMWHY_GENL_NAME));
	r.nh.nlmsg_type = GENL_ID_CTRL;
	r.nh.nlmsg_flags = NLM_F_REQUEST;
	r.nh.nlmsg_seq = 1;
	r.gh.cmd = CTRL_CMD_GETFAMILY;
	r.gh.version = 1;
	r.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(a->nla_len);
	if (send(fd, &r, r.nh.nlmsg_len, 0) < 0)
		return -1;
	len = recv(fd, buf, sizeof(buf), 0);
	for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		int alen;

		if (nh->nlmsg_type != GENL_ID_CTRL)
			return -1;
		a = (struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);
		alen = nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
		while (alen >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
		       a->nla_len <= alen) {
			if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
				memcpy(id, (char *)a + NLA_HDRLEN, sizeof(*id));
				return 0;
			}
			alen -= NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
		}
	}
	return -1;
}

#endif
