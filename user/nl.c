// SPDX-License-Identifier: GPL-2.0
/*
 * libnl-genl-3 client of the "xfrmwhy" family.  Every request goes through
 * transact(), which collects replies, the ACK, and the kernel's error with
 * its extended ACK message (libnl 3.7 does not parse extack, so we do).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* libnl error codes -> errno, for errors that did not come as nlmsgerr. */
static int nlerr_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_BUSY:
		return -EBUSY;
	}
	return -EIO;
}

int xw_nl_open(struct xw_nl *nl)
{
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	err = genl_connect(nl->sk);
	if (err < 0)
		goto fail;
	/* Ask for extack messages; an old kernel without them is fine. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, XFRMWHY_GENL_NAME);
	if (nl->family < 0) {
		err = nl->family;
		if (err == -NLE_OBJ_NOTFOUND) {
			xw_nl_close(nl);
			return XW_ERR_NOFAMILY;
		}
		goto fail;
	}
	return 0;
fail:
	snprintf(nl->libnl_err, sizeof(nl->libnl_err), "%s", nl_geterror(err));
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return nlerr_to_errno(err);
}

void xw_nl_close(struct xw_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

/* State of one request/response exchange. */
struct txn {
	struct xw_nl *nl;
	int (*valid)(struct nl_msg *msg, void *arg);
	void *arg;
	int err;	/* -errno from the kernel */
	bool done;
};

/*
 * The TLVs after a nlmsgerr (NLMSG_ERROR) or after the int of NLMSG_DONE:
 * keep NLMSGERR_ATTR_MSG, the human-readable part of extack.
 */
static void read_extack(struct xw_nl *nl, const struct nlmsghdr *hdr,
			size_t fixed)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const unsigned char *p = (const unsigned char *)hdr + NLMSG_HDRLEN;
	size_t total = hdr->nlmsg_len;

	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    total < NLMSG_HDRLEN + NLMSG_ALIGN(fixed))
		return;
	p += NLMSG_ALIGN(fixed);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)p,
		      (int)(total - NLMSG_HDRLEN - NLMSG_ALIGN(fixed)),
		      NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0)
		snprintf(nl->extack, sizeof(nl->extack), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

/* How much of an NLMSG_ERROR precedes the TLVs: maybe the whole request. */
static size_t err_fixed_len(const struct nlmsghdr *hdr,
			    const struct nlmsgerr *e)
{
	size_t fixed = sizeof(*e);

	if (!(hdr->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len > NLMSG_HDRLEN)
		fixed += e->msg.nlmsg_len - NLMSG_HDRLEN;
	return fixed;
}

static int txn_err(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct txn *t = arg;
	const struct nlmsghdr *hdr =
		(const struct nlmsghdr *)((unsigned char *)e - NLMSG_HDRLEN);

	(void)who;
	t->err = e->error;
	t->done = true;
	read_extack(t->nl, hdr, err_fixed_len(hdr, e));
	return NL_STOP;
}

/* An ACK may carry a warning in extack: keep it for the caller. */
static int txn_ack(struct nl_msg *msg, void *arg)
{
	struct txn *t = arg;
	const struct nlmsghdr *hdr = nlmsg_hdr(msg);
	const struct nlmsgerr *e = nlmsg_data(hdr);

	if (hdr->nlmsg_len >= NLMSG_HDRLEN + sizeof(*e))
		read_extack(t->nl, hdr, err_fixed_len(hdr, e));
	t->done = true;
	return NL_STOP;
}

/* A dump that failed half-way ends with NLMSG_DONE carrying -errno. */
static int txn_finish(struct nl_msg *msg, void *arg)
{
	struct txn *t = arg;
	const struct nlmsghdr *hdr = nlmsg_hdr(msg);

	if (hdr->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		int e;

		memcpy(&e, nlmsg_data(hdr), sizeof(e));
		if (e < 0) {
			t->err = e;
			read_extack(t->nl, hdr, sizeof(int));
		}
	}
	t->done = true;
	return NL_STOP;
}

static int txn_valid(struct nl_msg *msg, void *arg)
{
	struct txn *t = arg;

	return t->valid ? t->valid(msg, t->arg) : NL_OK;
}

static int transact(struct xw_nl *nl, struct nl_msg *msg,
		    int (*valid)(struct nl_msg *, void *), void *arg)
{
	struct txn t = { .nl = nl, .valid = valid, .arg = arg };
	struct nl_cb *base = nl_socket_get_cb(nl->sk);
	struct nl_cb *cb = nl_cb_clone(base);
	int err;

	nl_cb_put(base);
	if (!cb)
		return -ENOMEM;
	nl->extack[0] = '\0';
	nl->libnl_err[0] = '\0';
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, txn_valid, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, txn_ack, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, txn_finish, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, txn_err, &t);

	err = nl_send_auto(nl->sk, msg);
	while (err >= 0 && !t.done)
		err = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (t.err)
		return t.err;
	if (err < 0) {
		snprintf(nl->libnl_err, sizeof(nl->libnl_err), "%s",
			 nl_geterror(err));
		return nlerr_to_errno(err);
	}
	return 0;
}

static struct nl_msg *new_req(struct xw_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, XFRMWHY_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* XFRMWHY_A_ALL_NETNS is reply-only: "all" is said by leaving NETNS out. */
static int put_scope(struct nl_msg *msg, const struct xw_scope *sc)
{
	if (sc && sc->has_netns &&
	    nla_put_u32(msg, XFRMWHY_A_NETNS, sc->netns) < 0)
		return -EMSGSIZE;
	return 0;
}

static uint64_t opt_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint32_t opt_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static int add_cpu(struct xw_status *st, struct nlattr *nest)
{
	struct nlattr *tb[XFRMWHY_CPU_A_MAX + 1];
	struct xw_cpu_stats *c;
	int err;

	err = nla_parse_nested(tb, XFRMWHY_CPU_A_MAX, nest, xw_cpu_stats_policy);
	if (err < 0)
		return err;
	c = realloc(st->cpus, (size_t)(st->ncpus + 1) * sizeof(*c));
	if (!c)
		return -NLE_NOMEM;
	st->cpus = c;
	c = &st->cpus[st->ncpus++];
	c->cpu = opt_u32(tb[XFRMWHY_CPU_A_CPU]);
	c->recorded = opt_u64(tb[XFRMWHY_CPU_A_RECORDED]);
	c->lost = opt_u64(tb[XFRMWHY_CPU_A_LOST]);
	c->filtered = opt_u64(tb[XFRMWHY_CPU_A_FILTERED]);
	c->buffered = opt_u32(tb[XFRMWHY_CPU_A_BUFFERED]);
	return 0;
}

static int status_cb(struct nl_msg *msg, void *arg)
{
	struct xw_status *st = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[XFRMWHY_A_MAX + 1], *a;
	int rem;

	if (genlmsg_parse(nlh, 0, tb, XFRMWHY_A_MAX, xw_main_policy) < 0) {
		fprintf(stderr, "xfrmwhy: the module's status reply is malformed; is the CLI older than the module?\n");
		return NL_SKIP;
	}
	if (tb[XFRMWHY_A_VERSION]) {
		st->has_version = true;
		snprintf(st->version, sizeof(st->version), "%s",
			 nla_get_string(tb[XFRMWHY_A_VERSION]));
	}
	st->enabled = tb[XFRMWHY_A_ENABLED] &&
		      nla_get_u8(tb[XFRMWHY_A_ENABLED]);
	st->ring_size = opt_u32(tb[XFRMWHY_A_RING_SIZE]);
	st->has_netns = tb[XFRMWHY_A_NETNS] != NULL;
	st->netns = opt_u32(tb[XFRMWHY_A_NETNS]);
	st->all_netns = tb[XFRMWHY_A_ALL_NETNS] != NULL;
	if (tb[XFRMWHY_A_FILTER_FAMILY])
		st->filter_family = nla_get_u8(tb[XFRMWHY_A_FILTER_FAMILY]);
	st->filter_reasons = opt_u32(tb[XFRMWHY_A_FILTER_REASONS]);
	st->rate_limit = opt_u32(tb[XFRMWHY_A_RATE_LIMIT]);
	st->has_hook_mode = tb[XFRMWHY_A_HOOK_MODE] != NULL;
	if (st->has_hook_mode)
		st->hook_mode = nla_get_u8(tb[XFRMWHY_A_HOOK_MODE]);
	st->features = opt_u32(tb[XFRMWHY_A_FEATURES]);
	st->recorded = opt_u64(tb[XFRMWHY_A_RECORDED]);
	st->lost = opt_u64(tb[XFRMWHY_A_LOST]);
	st->filtered = opt_u64(tb[XFRMWHY_A_FILTERED]);
	st->buffered = opt_u32(tb[XFRMWHY_A_BUFFERED]);
	st->missed = opt_u64(tb[XFRMWHY_A_MISSED]);
	st->notify_lost = opt_u64(tb[XFRMWHY_A_NOTIFY_LOST]);
	/* CPU_STATS repeats: walk the attributes in order. */
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(a) == XFRMWHY_A_CPU_STATS && add_cpu(st, a) < 0)
			return NL_STOP;
	}
	return NL_OK;
}

int xw_nl_status(struct xw_nl *nl, const struct xw_scope *sc,
		 struct xw_status *st)
{
	struct nl_msg *msg = new_req(nl, XFRMWHY_CMD_STATUS_GET, 0);
	int err;

	memset(st, 0, sizeof(*st));
	if (!msg)
		return -ENOMEM;
	err = put_scope(msg, sc);
	if (!err)
		err = transact(nl, msg, status_cb, st);
	nlmsg_free(msg);
	return err;
}

void xw_status_free(struct xw_status *st)
{
	free(st->cpus);
	st->cpus = NULL;
	st->ncpus = 0;
}

int xw_nl_config(struct xw_nl *nl, const struct xw_scope *sc,
		 const struct xw_config *c)
{
	struct nl_msg *msg = new_req(nl, XFRMWHY_CMD_CONFIG_SET, 0);
	int err = 0;

	if (!msg)
		return -ENOMEM;
	if ((c->set_enabled &&
	     nla_put_u8(msg, XFRMWHY_A_ENABLED, c->enabled) < 0) ||
	    (c->set_ring_size &&
	     nla_put_u32(msg, XFRMWHY_A_RING_SIZE, c->ring_size) < 0) ||
	    (c->set_family &&
	     nla_put_u8(msg, XFRMWHY_A_FILTER_FAMILY, c->family) < 0) ||
	    (c->set_reasons &&
	     nla_put_u32(msg, XFRMWHY_A_FILTER_REASONS, c->reasons) < 0) ||
	    (c->set_rate_limit &&
	     nla_put_u32(msg, XFRMWHY_A_RATE_LIMIT, c->rate_limit) < 0))
		err = -EMSGSIZE;
	if (!err)
		err = put_scope(msg, sc);
	if (!err)
		err = transact(nl, msg, NULL, NULL);
	nlmsg_free(msg);
	return err;
}

int xw_nl_parse_event_msg(struct nl_msg *msg, struct xw_event *ev)
{
	struct nlattr *tb[XFRMWHY_A_MAX + 1];
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, XFRMWHY_A_MAX, xw_main_policy);
	if (err < 0)
		return err;
	if (!tb[XFRMWHY_A_EVENT])
		return -NLE_MISSING_ATTR;
	return xw_event_decode(tb[XFRMWHY_A_EVENT], ev);
}

struct ev_ctx {
	const struct xw_scope *sc;
	xw_event_cb cb;
	void *arg;
	bool stopped;
};

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct ev_ctx *c = arg;
	struct xw_event ev;
	int err;

	if (c->stopped)
		return NL_SKIP;
	err = xw_nl_parse_event_msg(msg, &ev);
	if (err == -NLE_MISSING_ATTR)
		return NL_SKIP;		/* another message of the family */
	if (err < 0) {
		fprintf(stderr, "xfrmwhy: skipping an event that could not be decoded (%s); is the CLI older than the module?\n",
			nl_geterror(err));
		return NL_SKIP;
	}
	/* The kernel narrows dumps; notifications we narrow ourselves. */
	if (c->sc && c->sc->has_netns && ev.netns != c->sc->netns)
		return NL_SKIP;
	if (c->cb(&ev, c->arg))
		c->stopped = true;
	return NL_OK;
}

int xw_nl_events(struct xw_nl *nl, const struct xw_scope *sc, bool peek,
		 xw_event_cb cb, void *arg)
{
	struct nl_msg *msg = new_req(nl, XFRMWHY_CMD_EVENTS_GET, NLM_F_DUMP);
	struct ev_ctx c = { .sc = sc, .cb = cb, .arg = arg };
	int err = 0;

	if (!msg)
		return -ENOMEM;
	if (peek && nla_put_flag(msg, XFRMWHY_A_PEEK) < 0)
		err = -EMSGSIZE;
	if (!err)
		err = put_scope(msg, sc);
	if (!err)
		err = transact(nl, msg, event_cb, &c);
	nlmsg_free(msg);
	return err;
}

int xw_nl_clear(struct xw_nl *nl, const struct xw_scope *sc)
{
	struct nl_msg *msg = new_req(nl, XFRMWHY_CMD_CLEAR, 0);
	int err;

	if (!msg)
		return -ENOMEM;
	err = put_scope(msg, sc);
	if (!err)
		err = transact(nl, msg, NULL, NULL);
	nlmsg_free(msg);
	return err;
}

static int notify_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));

	if (g->cmd != XFRMWHY_CMD_EVENT)
		return NL_SKIP;
	return event_cb(msg, arg);
}

int xw_nl_watch(struct xw_nl *nl, const struct xw_scope *sc,
		volatile sig_atomic_t *stop, xw_event_cb cb, void *arg,
		unsigned long *overruns)
{
	struct ev_ctx c = { .sc = sc, .cb = cb, .arg = arg };
	struct pollfd pfd;
	int grp, err;

	nl->extack[0] = '\0';
	grp = genl_ctrl_resolve_grp(nl->sk, XFRMWHY_GENL_NAME,
				    XFRMWHY_MCGRP_EVENTS);
	if (grp < 0) {
		snprintf(nl->libnl_err, sizeof(nl->libnl_err),
			 "multicast group \"%s\": %s", XFRMWHY_MCGRP_EVENTS,
			 nl_geterror(grp));
		return nlerr_to_errno(grp);
	}
	err = nl_socket_add_membership(nl->sk, grp);
	if (err < 0) {
		snprintf(nl->libnl_err, sizeof(nl->libnl_err), "%s",
			 nl_geterror(err));
		return nlerr_to_errno(err);
	}
	/* Notifications are unsolicited: no sequence numbers to check. */
	nl_socket_disable_seq_check(nl->sk);
	/* A burst of drops should not overrun us: 4 MiB of socket buffer. */
	nl_socket_set_buffer_size(nl->sk, 4 << 20, 0);
	/*
	 * The kernel packs a batch of events into one datagram of up to
	 * 32 KiB: peek at each datagram's size so none is cut short.
	 */
	nl_socket_enable_msg_peek(nl->sk);
	nl_socket_set_msg_buf_size(nl->sk, 32 << 10);
	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, notify_cb, &c);

	pfd.fd = nl_socket_get_fd(nl->sk);
	pfd.events = POLLIN;
	while (!*stop && !c.stopped) {
		int n = poll(&pfd, 1, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		err = nl_recvmsgs_default(nl->sk);
		if (err == -NLE_NOMEM) {
			/* ENOBUFS: the kernel dropped notifications for us. */
			(*overruns)++;
			continue;
		}
		if (err < 0 && err != -NLE_AGAIN && err != -NLE_INTR) {
			snprintf(nl->libnl_err, sizeof(nl->libnl_err), "%s",
				 nl_geterror(err));
			return nlerr_to_errno(err);
		}
	}
	/*
	 * What the kernel already delivered is consumed from its rings: print
	 * it before leaving.  Leave the group first, so that a steady flood
	 * cannot keep filling the socket: what is queued is finite, and it is
	 * read until the socket stays quiet for 100 ms.
	 */
	nl_socket_drop_membership(nl->sk, grp);
	while (!c.stopped && poll(&pfd, 1, 100) > 0) {
		err = nl_recvmsgs_default(nl->sk);
		if (err == -NLE_NOMEM)
			(*overruns)++;
		else if (err < 0 && err != -NLE_AGAIN && err != -NLE_INTR)
			break;
	}
	return 0;
}
