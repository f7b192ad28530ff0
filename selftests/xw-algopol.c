// SPDX-License-Identifier: GPL-2.0
/*
 * xw-algopol: add an inbound policy whose one ESP tunnel template allows
 * only the auth algorithms of a mask.  iproute2 cannot set a template's
 * algorithm masks (it always allows all), so the algos test needs this.
 *
 *   xw-algopol SRC/LEN DST/LEN TUNNEL_SRC TUNNEL_DST REQID AALGOS
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void prefix(const char *s, xfrm_address_t *a, __u8 *len)
{
	char buf[64], *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash) {
		fprintf(stderr, "xw-algopol: '%s' is not ADDR/LEN\n", s);
		exit(1);
	}
	*slash = '\0';
	*len = atoi(slash + 1);
	if (inet_pton(AF_INET, buf, &a->a4) != 1) {
		fprintf(stderr, "xw-algopol: '%s' is not an IPv4 address\n", buf);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct {
		struct nlmsghdr nh;
		struct xfrm_userpolicy_info pol;
		struct nlattr tmpl_hdr;
		struct xfrm_user_tmpl tmpl;
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[4096];
	struct nlmsgerr *e;
	int fd, n;

	if (argc != 7) {
		fprintf(stderr, "usage: xw-algopol SRC/LEN DST/LEN TUNNEL_SRC TUNNEL_DST REQID AALGOS\n");
		return 1;
	}
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = XFRM_MSG_NEWPOLICY;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	req.nh.nlmsg_seq = 1;
	req.pol.sel.family = AF_INET;
	prefix(argv[1], &req.pol.sel.saddr, &req.pol.sel.prefixlen_s);
	prefix(argv[2], &req.pol.sel.daddr, &req.pol.sel.prefixlen_d);
	req.pol.lft.soft_byte_limit = XFRM_INF;
	req.pol.lft.hard_byte_limit = XFRM_INF;
	req.pol.lft.soft_packet_limit = XFRM_INF;
	req.pol.lft.hard_packet_limit = XFRM_INF;
	req.pol.dir = XFRM_POLICY_IN;
	req.pol.action = XFRM_POLICY_ALLOW;
	req.tmpl_hdr.nla_type = XFRMA_TMPL;
	req.tmpl_hdr.nla_len = sizeof(req.tmpl_hdr) + sizeof(req.tmpl);
	req.tmpl.family = AF_INET;
	req.tmpl.id.proto = IPPROTO_ESP;
	if (inet_pton(AF_INET, argv[3], &req.tmpl.saddr.a4) != 1 ||
	    inet_pton(AF_INET, argv[4], &req.tmpl.id.daddr.a4) != 1) {
		fprintf(stderr, "xw-algopol: bad tunnel address\n");
		return 1;
	}
	req.tmpl.reqid = strtoul(argv[5], NULL, 0);
	req.tmpl.mode = XFRM_MODE_TUNNEL;
	req.tmpl.aalgos = strtoul(argv[6], NULL, 0);
	req.tmpl.ealgos = ~0u;
	req.tmpl.calgos = ~0u;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_XFRM);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, &req, sizeof(req), 0) < 0) {
		perror("xw-algopol");
		return 1;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < (int)(NLMSG_HDRLEN + sizeof(*e))) {
		perror("xw-algopol: recv");
		return 1;
	}
	e = NLMSG_DATA((struct nlmsghdr *)buf);
	if (e->error) {
		fprintf(stderr, "xw-algopol: the kernel refused the policy: %s\n",
			strerror(-e->error));
		return 1;
	}
	return 0;
}
