// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "xfrmwhy" (Documentation/netlink/specs/
 * xfrmwhy.yaml): status, configuration, draining events, and the "events"
 * multicast group fed from process context by a delayed work item.
 *
 * The attribute policy (xfrmwhy_main_nl_policy), the ops (xfrmwhy_nl_ops:
 * commands, handlers' names, flags) and the group's index come from
 * netlink-gen.[ch], generated from the spec (make spec-gen).  Written here
 * because the 6.12 generator cannot (see Documentation/design.md): the
 * dump's start and done, the group with its permission flag, the family.
 */
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <net/xfrm.h>
#include "uapi/linux/xfrmwhy.h"
#include "approx.h"
#include "config.h"
#include "event.h"
#include "hook.h"
#include "limits.h"
#include "netlink.h"
#include "ring.h"
#include "netlink-gen.h"

static struct genl_family xw_family;
/* Notifications lost on the way to a listener; status shows the count. */
static atomic64_t xw_notify_lost = ATOMIC64_INIT(0);

/* Find a live namespace by inode number; the caller puts it. */
static struct net *net_by_inum(u32 inum)
{
	struct net *net, *found = NULL;

	rcu_read_lock();
	for_each_net_rcu(net) {
		if (net->ns.inum == inum) {
			found = maybe_get_net(net);
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/*
 * Who may use the family at all.  The ops ask for CAP_NET_ADMIN over the
 * caller's network namespace (GENL_UNS_ADMIN_PERM); that is enough only
 * for the host's own admins, unless the host allowed more: capture arms
 * host-wide probes, and a user-namespace root holds that capability over
 * a namespace it made itself.
 */
static int xw_may(const struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (netlink_capable(skb, CAP_NET_ADMIN) || READ_ONCE(xw_userns_capture))
		return 0;
	NL_SET_ERR_MSG_MOD(extack,
			   "needs CAP_NET_ADMIN in the initial user namespace; the host admin may allow namespace admins with the module parameter userns_capture=1");
	return -EPERM;
}

/* May listeners in @net receive its events?  See xw_may(). */
static bool xw_net_may_listen(const struct net *net)
{
	return !xw_net_guest(net) || READ_ONCE(xw_userns_capture);
}

/*
 * The namespace an operation acts on: the caller's own, or with
 * XFRMWHY_A_NETNS any namespace for a caller in the initial one, which
 * without it (or with XFRMWHY_A_ALL_NETNS) acts on all of them (*net = NULL).
 */
static int xw_scope(struct net *caller, struct nlattr **attrs,
		    struct netlink_ext_ack *extack, struct net **net)
{
	struct nlattr *a = attrs[XFRMWHY_A_NETNS];
	u32 inum;

	*net = NULL;
	if (attrs[XFRMWHY_A_ALL_NETNS]) {
		if (a) {
			NL_SET_ERR_MSG_ATTR(extack, a, "a namespace and all namespaces at once");
			return -EINVAL;
		}
		if (!net_eq(caller, &init_net)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[XFRMWHY_A_ALL_NETNS],
					    "only the initial network namespace may act on all namespaces");
			return -EPERM;
		}
		return 0;
	}
	if (!a) {
		if (net_eq(caller, &init_net))
			return 0;
		*net = get_net(caller);
		return 0;
	}
	inum = nla_get_u32(a);
	if (!net_eq(caller, &init_net) && inum != caller->ns.inum) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "only the initial network namespace may act on another namespace");
		return -EPERM;
	}
	*net = net_by_inum(inum);
	if (!*net) {
		NL_SET_ERR_MSG_ATTR(extack, a, "no network namespace with this inode number");
		return -ENOENT;
	}
	return 0;
}

static int put_stats(struct sk_buff *skb, int pad, int a_rec, int a_lost,
		     int a_filt, const struct xw_stats *s)
{
	if (nla_put_u64_64bit(skb, a_rec, s->recorded, pad) ||
	    nla_put_u64_64bit(skb, a_lost, s->lost, pad) ||
	    nla_put_u64_64bit(skb, a_filt, s->filtered, pad))
		return -EMSGSIZE;
	return 0;
}

static void stats_add(struct xw_stats *sum, const struct xw_stats *s)
{
	sum->recorded += READ_ONCE(s->recorded);
	sum->lost += READ_ONCE(s->lost);
	sum->filtered += READ_ONCE(s->filtered);
}

static int xw_status_fill(struct sk_buff *skb, struct net *net)
{
	const struct xw_net *xn = net ? xw_net(net) : NULL;
	const struct xw_cfg *cfg = xn ? &xn->cfg : &xw_global_cfg;
	struct xw_stats __percpu *pcpu = xn ? xn->stats : xw_stats_all;
	struct xw_stats total = { };
	u32 netns = net ? net->ns.inum : 0;
	u32 buffered = 0;
	int cpu;

	if (nla_put_string(skb, XFRMWHY_A_VERSION, XFRMWHY_VERSION) ||
	    nla_put_u8(skb, XFRMWHY_A_ENABLED, cfg->enabled) ||
	    nla_put_u32(skb, XFRMWHY_A_RING_SIZE, xw_ring_size) ||
	    nla_put_u8(skb, XFRMWHY_A_FILTER_FAMILY, cfg->family) ||
	    nla_put_u32(skb, XFRMWHY_A_FILTER_REASONS, cfg->reasons) ||
	    nla_put_u32(skb, XFRMWHY_A_RATE_LIMIT, xw_rate_limit) ||
	    nla_put_u8(skb, XFRMWHY_A_HOOK_MODE, xw_hooks_mode()) ||
	    nla_put_u32(skb, XFRMWHY_A_FEATURES, xw_features()) ||
	    nla_put_u64_64bit(skb, XFRMWHY_A_MISSED, xw_hooks_missed(),
			      XFRMWHY_A_PAD) ||
	    nla_put_u64_64bit(skb, XFRMWHY_A_NOTIFY_LOST,
			      atomic64_read(&xw_notify_lost), XFRMWHY_A_PAD))
		return -EMSGSIZE;
	if (net ? nla_put_u32(skb, XFRMWHY_A_NETNS, netns) :
		  nla_put_flag(skb, XFRMWHY_A_ALL_NETNS))
		return -EMSGSIZE;

	for_each_possible_cpu(cpu) {
		struct xw_stats s = { };
		struct nlattr *nest;
		u32 b = xw_ring_buffered(cpu, xn);

		stats_add(&s, per_cpu_ptr(pcpu, cpu));
		stats_add(&total, &s);
		buffered += b;
		nest = nla_nest_start(skb, XFRMWHY_A_CPU_STATS);
		if (!nest || nla_put_u32(skb, XFRMWHY_CPU_A_CPU, cpu) ||
		    put_stats(skb, XFRMWHY_CPU_A_PAD, XFRMWHY_CPU_A_RECORDED,
			      XFRMWHY_CPU_A_LOST, XFRMWHY_CPU_A_FILTERED, &s) ||
		    nla_put_u32(skb, XFRMWHY_CPU_A_BUFFERED, b))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	if (put_stats(skb, XFRMWHY_A_PAD, XFRMWHY_A_RECORDED, XFRMWHY_A_LOST,
		      XFRMWHY_A_FILTERED, &total) ||
	    nla_put_u32(skb, XFRMWHY_A_BUFFERED, buffered))
		return -EMSGSIZE;
	return 0;
}

int xfrmwhy_nl_status_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct net *net;
	void *hdr;
	int err;

	err = xw_may(skb, info->extack) ?:
	      xw_scope(genl_info_net(info), info->attrs, info->extack, &net);
	if (err)
		return err;
	/* One nest per possible CPU: size the reply for this machine. */
	msg = genlmsg_new(512 + nr_cpu_ids * 96, GFP_KERNEL);
	err = -ENOMEM;
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &xw_family, 0, XFRMWHY_CMD_STATUS_GET);
	if (!hdr)
		goto free;
	mutex_lock(&xw_cfg_mutex);
	err = xw_status_fill(msg, net);
	mutex_unlock(&xw_cfg_mutex);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "status does not fit in one message");
		goto free;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
	goto out;
free:
	nlmsg_free(msg);
out:
	if (net)
		put_net(net);
	return err;
}

int xfrmwhy_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **attrs = info->attrs;
	struct net *caller = genl_info_net(info);
	struct xw_cfg *cfg, old;
	struct nlattr *a;
	struct net *net;
	bool was;
	int err;

	err = xw_may(skb, extack) ?: xw_scope(caller, attrs, extack, &net);
	if (err)
		return err;
	a = attrs[XFRMWHY_A_RING_SIZE] ?: attrs[XFRMWHY_A_RATE_LIMIT];
	if (a && !net_eq(caller, &init_net)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "ring size and rate limit are global: set them from the initial network namespace");
		err = -EPERM;
		goto out;
	}
	/* The policy bounds it by AF_INET6; a sparse set it cannot say. */
	a = attrs[XFRMWHY_A_FILTER_FAMILY];
	if (a && nla_get_u8(a) != 0 && nla_get_u8(a) != AF_INET &&
	    nla_get_u8(a) != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, a, "family filter must be 0, AF_INET or AF_INET6");
		err = -EINVAL;
		goto out;
	}

	mutex_lock(&xw_cfg_mutex);
	a = attrs[XFRMWHY_A_RING_SIZE];
	if (a) {
		err = xw_config_ring_size(nla_get_u32(a));
		if (err == -EBUSY)
			NL_SET_ERR_MSG_ATTR(extack, a, "disable capture before resizing the rings");
		else if (err)
			NL_SET_ERR_MSG_ATTR(extack, a, "cannot allocate rings of this size");
		if (err)
			goto unlock;
	}
	if (attrs[XFRMWHY_A_RATE_LIMIT])
		WRITE_ONCE(xw_rate_limit, nla_get_u32(attrs[XFRMWHY_A_RATE_LIMIT]));

	cfg = net ? &xw_net(net)->cfg : &xw_global_cfg;
	old = *cfg;
	was = cfg->enabled;
	if (attrs[XFRMWHY_A_FILTER_FAMILY])
		WRITE_ONCE(cfg->family, nla_get_u8(attrs[XFRMWHY_A_FILTER_FAMILY]));
	if (attrs[XFRMWHY_A_FILTER_REASONS])
		WRITE_ONCE(cfg->reasons, nla_get_u32(attrs[XFRMWHY_A_FILTER_REASONS]));
	if (attrs[XFRMWHY_A_ENABLED])
		WRITE_ONCE(cfg->enabled, nla_get_u8(attrs[XFRMWHY_A_ENABLED]));
	if (net && was != cfg->enabled)
		xw_netns_enabled += cfg->enabled ? 1 : -1;
	err = xw_capture_update();
	if (err) {
		if (net && was != cfg->enabled)
			xw_netns_enabled -= cfg->enabled ? 1 : -1;
		*cfg = old;
		NL_SET_ERR_MSG(extack, "cannot register the kprobes (is CONFIG_KRETPROBES on?)");
	}
unlock:
	mutex_unlock(&xw_cfg_mutex);
out:
	if (net)
		put_net(net);
	return err;
}

int xfrmwhy_nl_clear_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net;
	int err;

	err = xw_may(skb, info->extack) ?:
	      xw_scope(genl_info_net(info), info->attrs, info->extack, &net);
	if (err)
		return err;
	mutex_lock(&xw_cfg_mutex);
	xw_ring_discard(net ? net->ns.inum : 0);
	mutex_unlock(&xw_cfg_mutex);
	if (net)
		put_net(net);
	return 0;
}

/* Approximate events get their policy from the SPD as they are read. */
static void xw_approximate_in(struct xw_event *ev)
{
	struct net *net;

	/* A gone namespace's inode may name another one by now. */
	if (ev->exact || ev->npols || ev->netns_gone)
		return;
	net = net_by_inum(ev->netns);
	if (net) {
		xw_approximate(ev, net);
		put_net(net);
	}
}

static int put_addr(struct sk_buff *skb, int attr, const struct xw_addr *a,
		    u8 family)
{
	return nla_put(skb, attr, family == AF_INET6 ? 16 : 4, a->b);
}

static int put_sel(struct sk_buff *skb, int attr, const struct xw_sel *s)
{
	struct nlattr *nest = nla_nest_start(skb, attr);

	if (!nest || nla_put_u8(skb, XFRMWHY_SEL_A_FAMILY, s->family) ||
	    put_addr(skb, XFRMWHY_SEL_A_SRC, &s->src, s->family) ||
	    put_addr(skb, XFRMWHY_SEL_A_DST, &s->dst, s->family) ||
	    nla_put_u8(skb, XFRMWHY_SEL_A_SRC_LEN, s->src_len) ||
	    nla_put_u8(skb, XFRMWHY_SEL_A_DST_LEN, s->dst_len) ||
	    nla_put_u8(skb, XFRMWHY_SEL_A_PROTO, s->proto) ||
	    nla_put_u16(skb, XFRMWHY_SEL_A_SPORT, s->sport) ||
	    nla_put_u16(skb, XFRMWHY_SEL_A_SPORT_MASK, s->sport_mask) ||
	    nla_put_u16(skb, XFRMWHY_SEL_A_DPORT, s->dport) ||
	    nla_put_u16(skb, XFRMWHY_SEL_A_DPORT_MASK, s->dport_mask) ||
	    nla_put_u32(skb, XFRMWHY_SEL_A_IFINDEX, s->ifindex))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_flow(struct sk_buff *skb, const struct xw_event *ev)
{
	const struct xw_flow *f = &ev->flow;
	struct nlattr *nest = nla_nest_start(skb, XFRMWHY_EV_A_FLOW);

	if (!nest || put_addr(skb, XFRMWHY_FLOW_A_SRC, &f->src, ev->family) ||
	    put_addr(skb, XFRMWHY_FLOW_A_DST, &f->dst, ev->family) ||
	    nla_put_u8(skb, XFRMWHY_FLOW_A_PROTO, f->proto) ||
	    nla_put_u32(skb, XFRMWHY_FLOW_A_MARK, f->mark))
		return -EMSGSIZE;
	if (f->ports && (nla_put_u16(skb, XFRMWHY_FLOW_A_SPORT, f->sport) ||
			 nla_put_u16(skb, XFRMWHY_FLOW_A_DPORT, f->dport)))
		return -EMSGSIZE;
	if (f->icmp && (nla_put_u8(skb, XFRMWHY_FLOW_A_ICMP_TYPE, f->icmp_type) ||
			nla_put_u8(skb, XFRMWHY_FLOW_A_ICMP_CODE, f->icmp_code)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_outer(struct sk_buff *skb, const struct xw_event *ev)
{
	const struct xw_outer *o = &ev->outer;
	struct nlattr *nest = nla_nest_start(skb, XFRMWHY_EV_A_OUTER);

	if (!nest || put_addr(skb, XFRMWHY_OUTER_A_SRC, &o->src, ev->family) ||
	    put_addr(skb, XFRMWHY_OUTER_A_DST, &o->dst, ev->family) ||
	    nla_put_u8(skb, XFRMWHY_OUTER_A_PROTO, o->proto) ||
	    nla_put_u32(skb, XFRMWHY_OUTER_A_SPI, o->spi) ||
	    (o->has_seq && nla_put_u32(skb, XFRMWHY_OUTER_A_SEQ, o->seq)) ||
	    nla_put_u32(skb, XFRMWHY_OUTER_A_MARK, o->mark))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_sa(struct sk_buff *skb, const struct xw_sa *s)
{
	struct nlattr *nest = nla_nest_start(skb, XFRMWHY_EV_A_SA);
	int i;

	if (!nest || nla_put_u32(skb, XFRMWHY_SA_A_SPI, s->i.spi) ||
	    nla_put_u8(skb, XFRMWHY_SA_A_PROTO, s->i.proto) ||
	    nla_put_u32(skb, XFRMWHY_SA_A_REQID, s->i.reqid) ||
	    nla_put_u8(skb, XFRMWHY_SA_A_MODE, s->i.mode) ||
	    nla_put_u8(skb, XFRMWHY_SA_A_FAMILY, s->i.family) ||
	    put_addr(skb, XFRMWHY_SA_A_SRC, &s->i.src, s->i.family) ||
	    put_addr(skb, XFRMWHY_SA_A_DST, &s->i.dst, s->i.family) ||
	    nla_put_u32(skb, XFRMWHY_SA_A_IF_ID, s->i.if_id) ||
	    put_sel(skb, XFRMWHY_SA_A_SEL, &s->sel) ||
	    nla_put_u8(skb, XFRMWHY_SA_A_AALGO, s->i.aalgo) ||
	    (s->i.kern && nla_put_flag(skb, XFRMWHY_SA_A_KERN)))
		return -EMSGSIZE;
	for (i = 0; i < XW_SA_NFACTS; i++)
		if (nla_put_u32(skb, XW_SA_FACT0 + i, s->fact[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_pol(struct sk_buff *skb, int attr, const struct xw_pol *p)
{
	struct nlattr *nest = nla_nest_start(skb, attr);

	if (!nest || nla_put_u32(skb, XFRMWHY_POL_A_INDEX, p->index) ||
	    nla_put_u32(skb, XFRMWHY_POL_A_PRIORITY, p->priority) ||
	    nla_put_u8(skb, XFRMWHY_POL_A_DIR, p->dir) ||
	    nla_put_u8(skb, XFRMWHY_POL_A_ACTION, p->action) ||
	    nla_put_u8(skb, XFRMWHY_POL_A_TYPE, p->type) ||
	    put_sel(skb, XFRMWHY_POL_A_SEL, &p->sel) ||
	    nla_put_u32(skb, XFRMWHY_POL_A_MARK, p->mark) ||
	    nla_put_u32(skb, XFRMWHY_POL_A_MASK, p->mask) ||
	    nla_put_u32(skb, XFRMWHY_POL_A_IF_ID, p->if_id) ||
	    (p->socket && nla_put_flag(skb, XFRMWHY_POL_A_SOCKET)) ||
	    (p->dead && nla_put_flag(skb, XFRMWHY_POL_A_DEAD)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_tmpl(struct sk_buff *skb, const struct xw_tmpl_info *t,
		    const struct xw_tmpl_result *r)
{
	struct nlattr *nest = nla_nest_start(skb, XFRMWHY_EV_A_TMPL);

	if (!nest || nla_put_u8(skb, XFRMWHY_TMPL_A_PROTO, t->proto) ||
	    nla_put_u32(skb, XFRMWHY_TMPL_A_SPI, t->spi) ||
	    nla_put_u32(skb, XFRMWHY_TMPL_A_REQID, t->reqid) ||
	    nla_put_u8(skb, XFRMWHY_TMPL_A_MODE, t->mode) ||
	    nla_put_u8(skb, XFRMWHY_TMPL_A_FAMILY, t->family) ||
	    put_addr(skb, XFRMWHY_TMPL_A_SRC, &t->src, t->family) ||
	    put_addr(skb, XFRMWHY_TMPL_A_DST, &t->dst, t->family) ||
	    nla_put_u8(skb, XFRMWHY_TMPL_A_OPTIONAL, t->optional) ||
	    nla_put_u32(skb, XFRMWHY_TMPL_A_AALGOS, t->aalgos) ||
	    nla_put_u8(skb, XFRMWHY_TMPL_A_ALLALGS, t->allalgs) ||
	    (r->compared >= 0 &&
	     nla_put_u32(skb, XFRMWHY_TMPL_A_COMPARED, r->compared)) ||
	    nla_put_u32(skb, XFRMWHY_TMPL_A_MISMATCH, r->mismatch) ||
	    nla_put_u8(skb, XFRMWHY_TMPL_A_EVALUATED, r->evaluated))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_lookup(struct sk_buff *skb, const struct xw_lookup_info *l)
{
	struct nlattr *nest = nla_nest_start(skb, XFRMWHY_EV_A_LOOKUP);

	if (!nest || nla_put_u8(skb, XFRMWHY_LK_A_TYPE, l->type) ||
	    nla_put_u8(skb, XFRMWHY_LK_A_RESULT, l->result) ||
	    nla_put_u32(skb, XFRMWHY_LK_A_IF_ID, l->if_id) ||
	    (l->result == XFRMWHY_LOOKUP_RESULT_POLICY &&
	     nla_put_u32(skb, XFRMWHY_LK_A_INDEX, l->index)) ||
	    (l->result == XFRMWHY_LOOKUP_RESULT_ERROR &&
	     nla_put_u32(skb, XFRMWHY_LK_A_ERROR, l->error)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_event(struct sk_buff *skb, const struct xw_event *ev)
{
	struct nlattr *nest = nla_nest_start(skb, XFRMWHY_A_EVENT);
	int i;

	if (!nest ||
	    nla_put_u64_64bit(skb, XFRMWHY_EV_A_SEQ, ev->seq, XFRMWHY_EV_A_PAD) ||
	    nla_put_u64_64bit(skb, XFRMWHY_EV_A_TIME_NS, ev->time_ns,
			      XFRMWHY_EV_A_PAD) ||
	    nla_put_u32(skb, XFRMWHY_EV_A_CPU, ev->cpu) ||
	    nla_put_u32(skb, XFRMWHY_EV_A_NETNS, ev->netns) ||
	    nla_put_u64_64bit(skb, XFRMWHY_EV_A_NETNS_ID, ev->netns_id,
			      XFRMWHY_EV_A_PAD) ||
	    (ev->netns_gone && nla_put_flag(skb, XFRMWHY_EV_A_NETNS_GONE)) ||
	    nla_put_u32(skb, XFRMWHY_EV_A_IFINDEX, ev->ifindex) ||
	    nla_put_string(skb, XFRMWHY_EV_A_IFNAME, ev->ifname) ||
	    nla_put_u8(skb, XFRMWHY_EV_A_DIR, ev->dir) ||
	    nla_put_u8(skb, XFRMWHY_EV_A_FAMILY, ev->family) ||
	    nla_put_u8(skb, XFRMWHY_EV_A_REASON, ev->reason) ||
	    nla_put_u8(skb, XFRMWHY_EV_A_EXACT, ev->exact) ||
	    nla_put_u32(skb, XFRMWHY_EV_A_LOOKUP_IF_ID, ev->lookup_if_id))
		return -EMSGSIZE;
	/* Before decryption there is no flow, only the packet. */
	if (ev->outer.present ? put_outer(skb, ev) : put_flow(skb, ev))
		return -EMSGSIZE;
	for (i = 0; i < ev->nsa; i++)
		if (put_sa(skb, &ev->sa[i]))
			return -EMSGSIZE;
	if (ev->npols > 0 && put_pol(skb, XFRMWHY_EV_A_POLICY, &ev->pol[0]))
		return -EMSGSIZE;
	if (ev->npols > 1 && put_pol(skb, XFRMWHY_EV_A_MAIN_POLICY, &ev->pol[1]))
		return -EMSGSIZE;
	for (i = 0; i < ev->ntmpl; i++)
		if (put_tmpl(skb, &ev->tmpl[i], &ev->res[i]))
			return -EMSGSIZE;
	if (ev->failed >= 0 &&
	    nla_put_u32(skb, XFRMWHY_EV_A_FAILED_TMPL, ev->failed))
		return -EMSGSIZE;
	if (ev->extra >= 0 && nla_put_u32(skb, XFRMWHY_EV_A_EXTRA_SA, ev->extra))
		return -EMSGSIZE;
	for (i = 0; i < ev->nlookup; i++)
		if (put_lookup(skb, &ev->lookup[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* State of one EVENTS_GET dump, across its callbacks. */
struct xw_dump {
	bool peek;
	struct xw_event ev;
	struct xw_ring_scan scan[];	/* per possible CPU */
};

int xw_events_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = xw_dump_attrs(cb);
	struct xw_dump *st;
	struct net *net;
	int err, cpu;
	u64 stop;

	err = xw_may(cb->skb, cb->extack) ?:
	      xw_scope(sock_net(cb->skb->sk), attrs, cb->extack, &net);
	if (err)
		return err;
	st = kzalloc(struct_size(st, scan, nr_cpu_ids), GFP_KERNEL);
	if (!st) {
		if (net)
			put_net(net);
		return -ENOMEM;
	}
	/*
	 * What was recorded until now: under a steady flood a drain that
	 * also took what arrives meanwhile would never end.
	 */
	stop = xw_ring_seq_now();
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		st->scan[cpu].netns = net ? net->ns.inum : 0;
		st->scan[cpu].stop = stop;
	}
	st->peek = nla_get_flag(attrs[XFRMWHY_A_PEEK]);
	if (net)
		put_net(net);
	cb->args[0] = (long)st;
	return 0;
}

int xw_events_done(struct netlink_callback *cb)
{
	kfree((void *)cb->args[0]);
	return 0;
}

static int xw_events_fill(struct sk_buff *skb, struct netlink_callback *cb,
			  struct xw_dump *st);

int xfrmwhy_nl_events_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct xw_dump *st = (struct xw_dump *)cb->args[0];
	int ret;

	/* The rings may only be replaced (resized) while nobody reads them. */
	mutex_lock(&xw_cfg_mutex);
	ret = xw_events_fill(skb, cb, st);
	mutex_unlock(&xw_cfg_mutex);
	return ret;
}

/* The CPU whose ring holds the oldest unread event of the dump's scope. */
static int oldest_cpu(struct xw_dump *st)
{
	u64 seq, best_seq = U64_MAX;
	int cpu, best = -1;

	for_each_possible_cpu(cpu)
		if (xw_ring_peek(cpu, &st->scan[cpu], &seq) && seq < best_seq) {
			best = cpu;
			best_seq = seq;
		}
	return best;
}

/*
 * Events go out oldest first across the CPUs' rings (a merge by sequence
 * number), so a drain reads as the drops happened.
 */
static int xw_events_fill(struct sk_buff *skb, struct netlink_callback *cb,
			  struct xw_dump *st)
{
	int cpu;
	u64 pos;

	while ((cpu = oldest_cpu(st)) >= 0) {
		void *hdr;

		/* Another reader may have taken it: look again. */
		if (!xw_ring_next(cpu, &st->scan[cpu], &st->ev, &pos))
			continue;
		xw_approximate_in(&st->ev);
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &xw_family,
				  NLM_F_MULTI, XFRMWHY_CMD_EVENTS_GET);
		if (!hdr || put_event(skb, &st->ev)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			/* Not consumed: the next callback starts here. */
			st->scan[cpu].pos = pos;
			return skb->len ?: -EMSGSIZE;
		}
		genlmsg_end(skb, hdr);
		if (!st->peek)
			xw_ring_consume(cpu, pos, st->ev.seq);
	}
	return skb->len;
}

/*
 * Notifications.  The packet path only kicks the work; the work copies
 * events out of the rings and multicasts them, with GFP_KERNEL, to the
 * listeners of the event's namespace and of the initial one.  Events go
 * out in batches, each event its own genetlink message, several messages
 * to an skb, so that a listener wakes once per batch, not per event.  An
 * event a listener received is consumed; one nobody listened to stays for
 * drain.
 */
static void xw_notify_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(xw_notify_work, xw_notify_fn);

#define XW_NOTIFY_BYTES	32768	/* one notification skb, head included */
#define XW_NOTIFY_MAX	64	/* events per batch */

/* One batch: events of one namespace, to init_net's and to its listeners. */
struct xw_notify {
	struct net *net;		/* the events' namespace, held, or NULL */
	u32 netns;
	bool want[2];			/* init_net, net have listeners */
	struct sk_buff *skb[2];
	int n;
	struct {
		int cpu;
		u64 pos, seq;
	} ev[XW_NOTIFY_MAX];
};

/* Is anyone subscribed to events of this namespace (or to all)? */
static bool xw_has_listeners(struct net *net)
{
#ifdef XFRMWHY_HAVE_MCGRP_PERM
	return genl_has_listeners(&xw_family, net, XFRMWHY_NLGRP_EVENTS) ||
	       genl_has_listeners(&xw_family, &init_net, XFRMWHY_NLGRP_EVENTS);
#else
	/* Where the group cannot be restricted to admins, nobody may listen. */
	return false;
#endif
}

/*
 * The ring's consumer, called from the packet path for every event it
 * records: have the notifier run soon when someone listens.  Batches: one
 * run every few milliseconds at most.
 */
static void xw_notify_committed(struct net *net)
{
	if (xw_has_listeners(net) && !delayed_work_pending(&xw_notify_work))
		schedule_delayed_work(&xw_notify_work,
				      msecs_to_jiffies(XW_NOTIFY_DELAY_MS));
}

/* Multicast @msg (@n events) in @net; true if some listener got it. */
static bool notify_one(struct sk_buff *msg, struct net *net, int n)
{
	int err;

	err = genlmsg_multicast_netns(&xw_family, net, msg, 0,
				      XFRMWHY_NLGRP_EVENTS, GFP_KERNEL);
	if (err == -ESRCH)
		return false;
	if (err)
		atomic64_add(n, &xw_notify_lost);
	return true;
}

static void batch_flush(struct xw_notify *b)
{
	bool sent = false;
	int i;

	for (i = 0; i < 2; i++) {
		if (!b->skb[i])
			continue;
		if (b->skb[i]->len)
			sent |= notify_one(b->skb[i], i ? b->net : &init_net,
					   b->n);
		else
			nlmsg_free(b->skb[i]);
		b->skb[i] = NULL;
	}
	for (i = 0; sent && i < b->n; i++)
		xw_ring_consume(b->ev[i].cpu, b->ev[i].pos, b->ev[i].seq);
	b->n = 0;
}

/* Start a batch for the namespace of inode @netns. */
static void batch_start(struct xw_notify *b, u32 netns)
{
	if (b->netns != netns || !b->net) {
		if (b->net)
			put_net(b->net);
		b->net = net_by_inum(netns);
		b->netns = netns;
	}
	/* Listeners come and go: asked once per batch. */
	b->want[0] = genl_has_listeners(&xw_family, &init_net,
					XFRMWHY_NLGRP_EVENTS);
	b->want[1] = b->net && !net_eq(b->net, &init_net) &&
		     xw_net_may_listen(b->net) &&
		     genl_has_listeners(&xw_family, b->net, XFRMWHY_NLGRP_EVENTS);
}

/* Append @ev to every wanted skb of the batch; false if it did not fit. */
static bool batch_put(struct xw_notify *b, const struct xw_event *ev)
{
	unsigned char *mark[2] = { };
	int i, j;

	for (i = 0; i < 2; i++) {
		void *hdr;

		if (!b->want[i])
			continue;
		if (!b->skb[i])
			b->skb[i] = alloc_skb(SKB_WITH_OVERHEAD(XW_NOTIFY_BYTES),
					      GFP_KERNEL);
		if (!b->skb[i])
			continue;	/* counted lost by the caller */
		mark[i] = skb_tail_pointer(b->skb[i]);
		hdr = genlmsg_put(b->skb[i], 0, 0, &xw_family, 0,
				  XFRMWHY_CMD_EVENT);
		if (!hdr || put_event(b->skb[i], ev)) {
			for (j = 0; j <= i; j++)
				if (mark[j])
					nlmsg_trim(b->skb[j], mark[j]);
			return false;
		}
		genlmsg_end(b->skb[i], hdr);
	}
	return true;
}

static void batch_add(struct xw_notify *b, struct xw_event *ev, int cpu,
		      u64 pos)
{
	if (b->n && (b->netns != ev->netns || b->n == XW_NOTIFY_MAX))
		batch_flush(b);
	if (!b->n)
		batch_start(b, ev->netns);
	if (!b->want[0] && !b->want[1])
		return;		/* nobody listens: it stays for drain */
	if (!ev->exact && !ev->npols && b->net)
		xw_approximate(ev, b->net);
	if (!batch_put(b, ev)) {
		batch_flush(b);
		batch_start(b, ev->netns);
		if (!batch_put(b, ev)) {
			atomic64_inc(&xw_notify_lost);
			return;
		}
	}
	if ((b->want[0] && !b->skb[0]) || (b->want[1] && !b->skb[1])) {
		/* No memory for a copy: that listener misses it. */
		atomic64_inc(&xw_notify_lost);
		if (!b->skb[0] && !b->skb[1])
			return;	/* nobody got it: it stays for drain */
	}
	b->ev[b->n].cpu = cpu;
	b->ev[b->n].pos = pos;
	b->ev[b->n].seq = ev->seq;
	b->n++;
}

static void xw_notify_fn(struct work_struct *work)
{
	struct xw_notify *b;
	struct xw_event *ev;
	int cpu, budget = XW_NOTIFY_BUDGET;
	u64 pos;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	ev = kmalloc(sizeof(*ev), GFP_KERNEL);
	if (!b || !ev) {
		kfree(b);
		kfree(ev);
		schedule_delayed_work(&xw_notify_work, HZ / 10);
		return;
	}
	mutex_lock(&xw_cfg_mutex);
	for_each_possible_cpu(cpu) {
		while (budget > 0 && xw_ring_next_notify(cpu, ev, &pos)) {
			budget--;
			batch_add(b, ev, cpu, pos);
		}
	}
	batch_flush(b);
	mutex_unlock(&xw_cfg_mutex);
	if (b->net)
		put_net(b->net);
	kfree(b);
	kfree(ev);
	if (!budget)
		schedule_delayed_work(&xw_notify_work, 1);
}

/*
 * The ops: the generated xfrmwhy_nl_ops (command, handler and flags as
 * the spec says) plus what genl_small_ops cannot carry, the spec's pre and
 * post of the events-get dump as start and done.  genl_ops, which every
 * supported kernel has; the generator renders start and done only into
 * split ops (6.2).  Filled in before the family is registered.
 */
static struct genl_ops xw_ops[ARRAY_SIZE(xfrmwhy_nl_ops)] __ro_after_init;

static void xw_ops_fill(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xw_ops); i++) {
		const struct genl_small_ops *gen = &xfrmwhy_nl_ops[i];
		struct genl_ops *op = &xw_ops[i];

		op->cmd = gen->cmd;
		op->doit = gen->doit;
		op->dumpit = gen->dumpit;
		op->flags = gen->flags;
		op->validate = gen->validate;
		if (op->cmd == XFRMWHY_CMD_EVENTS_GET) {
			op->start = xw_events_start;
			op->done = xw_events_done;
		}
	}
}

/*
 * The group of the generated (static, unused) xfrmwhy_nl_mcgrps with the
 * spec's uns-admin-perm flag, which the 6.12 generator leaves out:
 * GENL_MCAST_CAP_NET_ADMIN where the kernel has it (compat.h).
 */
static const struct genl_multicast_group xw_mcgrps[] = {
	[XFRMWHY_NLGRP_EVENTS] = {
		.name = XFRMWHY_MCGRP_EVENTS,
		.flags = XFRMWHY_MCGRP_PERM,
	},
};

static struct genl_family xw_family __ro_after_init = {
	.name		= XFRMWHY_GENL_NAME,
	.version	= XFRMWHY_GENL_VERSION,
	.maxattr	= ARRAY_SIZE(xfrmwhy_main_nl_policy) - 1,
	.policy		= xfrmwhy_main_nl_policy,
	.netnsok	= true,
	/* Enable and disable wait for probes and grace periods: not under
	 * genl_mutex, which every other family without it shares.
	 */
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= xw_ops,
	.n_ops		= ARRAY_SIZE(xw_ops),
	.mcgrps		= xw_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(xw_mcgrps),
};

/**
 * xw_genl_init() - register the family
 *
 * Return: 0 or a negative error.
 */
int xw_genl_init(void)
{
	int err;

	xw_ops_fill();
	err = genl_register_family(&xw_family);
	if (!err)
		xw_ring_set_consumer(xw_notify_committed);
	return err;
}

/**
 * xw_genl_exit() - stop notifying and unregister the family
 *
 * Once the ring no longer calls xw_notify_committed(), nothing can queue
 * the work again.  genl_unregister_family() waits for dumps in flight.
 */
void xw_genl_exit(void)
{
	xw_ring_set_consumer(NULL);
	cancel_delayed_work_sync(&xw_notify_work);
	genl_unregister_family(&xw_family);
}
