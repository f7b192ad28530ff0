// SPDX-License-Identifier: GPL-2.0
/*
 * SAD snapshot over NETLINK_XFRM and its correlation with an event.  Raw
 * libnl-3 is enough: we only read struct xfrm_usersa_info of each SA.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>

#include "sad.h"

int xw_sad_add(struct xw_sad *sad, const struct xw_sad_entry *e)
{
	if (sad->n == sad->cap) {
		size_t cap = sad->cap ? 2 * sad->cap : 64;
		struct xw_sad_entry *ne = realloc(sad->e, cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		sad->e = ne;
		sad->cap = cap;
	}
	sad->e[sad->n++] = *e;
	return 0;
}

void xw_sad_free(struct xw_sad *sad)
{
	free(sad->e);
	memset(sad, 0, sizeof(*sad));
}

static void addr_from_xfrm(struct xw_addr *out, unsigned int family,
			   const xfrm_address_t *a)
{
	memset(out, 0, sizeof(*out));
	if (family == AF_INET) {
		out->family = AF_INET;
		memcpy(out->a, &a->a4, 4);
	} else if (family == AF_INET6) {
		out->family = AF_INET6;
		memcpy(out->a, a->a6, 16);
	}
}

static int sa_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct xfrm_usersa_info *p;
	struct xw_sad_entry e;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    nlmsg_datalen(nlh) < (int)sizeof(*p))
		return NL_SKIP;
	p = nlmsg_data(nlh);
	memset(&e, 0, sizeof(e));
	e.spi = ntohl(p->id.spi);
	e.proto = p->id.proto;
	e.reqid = p->reqid;
	e.mode = p->mode;
	addr_from_xfrm(&e.src, p->family, &p->saddr);
	addr_from_xfrm(&e.dst, p->family, &p->id.daddr);
	e.bytes = p->curlft.bytes;
	e.packets = p->curlft.packets;
	return xw_sad_add(arg, &e) < 0 ? NL_STOP : NL_OK;
}

int xw_sad_load(struct xw_sad *sad)
{
	struct nl_sock *sk;
	int err;

	sad->n = 0;
	sad->ok = false;
	sad->taken = time(NULL);
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_XFRM);
	if (!err)
		err = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM,
					  sa_cb, sad);
	if (!err)
		err = nl_send_simple(sk, XFRM_MSG_GETSA, NLM_F_DUMP, NULL, 0);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	nl_socket_free(sk);
	if (err < 0)
		return err;
	sad->ok = true;
	return 0;
}

static bool entry_fits(const struct xw_sad_entry *e, const struct xw_tmpl *t,
		       const struct xw_addr *peer, const struct xw_addr *local)
{
	if (t->proto && e->proto != t->proto)
		return false;
	if (t->reqid && e->reqid != t->reqid)
		return false;
	if (t->spi && e->spi != t->spi)
		return false;
	if (xw_addr_is_set(peer) && !xw_addr_equal(&e->src, peer))
		return false;
	if (xw_addr_is_set(local) && !xw_addr_equal(&e->dst, local))
		return false;
	return true;
}

void xw_sad_correlate(const struct xw_sad *sad, const struct xw_event *ev,
		      struct xw_sad_match *m)
{
	const uint32_t ask = (1u << XFRMWHY_MISMATCH_REQID) |
			     (1u << XFRMWHY_MISMATCH_SPI) |
			     (1u << XFRMWHY_MISMATCH_MISSING);
	const struct xw_tmpl *t;
	const struct xw_sa *used;
	struct xw_addr peer, local;
	size_t i;
	int ti;

	memset(m, 0, sizeof(*m));
	if (!sad || !sad->ok)
		return;
	ti = xw_event_failing_tmpl(ev);
	if (ti < 0)
		return;
	t = &ev->tmpl[ti];
	if (t->is_extra || !(t->mismatch & ask) || (!t->reqid && !t->spi))
		return;

	/* Inbound: the peer is the outer source, we are the destination. */
	used = xw_event_compared_sa(ev, t);
	memset(&peer, 0, sizeof(peer));
	memset(&local, 0, sizeof(local));
	if (used) {
		peer = used->src;
		local = used->dst;
	} else if (t->mode != XFRM_MODE_TRANSPORT) {
		peer = t->src;
		local = t->dst;
	}

	m->looked_up = true;
	m->want_reqid = t->reqid;
	m->want_spi = t->spi;
	m->peer = peer;
	if (used) {
		m->has_using_spi = true;
		m->using_spi = used->spi;
	}
	for (i = 0; i < sad->n; i++) {
		if (used && sad->e[i].spi == used->spi)
			continue;	/* the SA that failed is not the answer */
		if (entry_fits(&sad->e[i], t, &peer, &local)) {
			m->found = true;
			m->sa = sad->e[i];
			return;
		}
	}
}
