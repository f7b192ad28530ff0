/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrmwhy internals shared between the module's files: the event as it
 * sits in a ring, per-netns state and the interfaces between hook, ring,
 * netlink and explain.
 */
#ifndef _XFRMWHY_H
#define _XFRMWHY_H

#include <linux/types.h>
#include <linux/if.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "uapi/linux/xfrmwhy.h"
#include "tmpl_diff.h"

#define XFRMWHY_VERSION "0.1"

struct xw_sel {
	struct xw_addr src, dst;
	u32 ifindex;
	u16 sport, sport_mask, dport, dport_mask;
	u8 family, src_len, dst_len, proto;
};

/*
 * An SA's attributes from output-mark on are facts no rule reads, each a
 * u32 copied at the drop (copy_facts() in explain.c) and sent as it is,
 * in attribute order: one line there and the spec carry a new one to the
 * CLI, which prints the attributes it does not word by their spec names.
 */
#define XW_SA_FACT0		XFRMWHY_SA_A_OUTPUT_MARK
#define XW_SA_NFACTS		(XFRMWHY_SA_A_MAX - XW_SA_FACT0 + 1)
#define XW_SA_FACT(attr)	((attr) - XW_SA_FACT0)

struct xw_sa {
	struct xw_sa_info i;
	struct xw_sel sel;
	u32 fact[XW_SA_NFACTS];	/* by XW_SA_FACT(attribute) */
};

struct xw_pol {
	u32 index, priority, mark, mask, if_id;
	struct xw_sel sel;
	u8 dir, action, type, ntmpl;
	bool socket, dead, packet_offload;
};

struct xw_flow {
	struct xw_addr src, dst;
	u32 mark;
	u32 oif;		/* as decoded: selectors may name an ifindex */
	u16 sport, dport;
	u8 proto, icmp_type, icmp_code;
	bool decoded, ports, icmp;
};

/* One rejection, copied out of the kernel's objects at the moment of it. */
struct xw_event {
	u64 seq, time_ns;
	u32 cpu, netns, ifindex, lookup_if_id;
	char ifname[IFNAMSIZ];
	u8 dir, family, reason, nsa, npols, ntmpl;
	bool exact;
	s8 extra;		/* secpath index of a leftover tunnel SA, -1 */
	s8 failed;		/* the template the check failed on, -1 */
	struct xw_flow flow;
	struct xw_sa sa[XW_MAX_DEPTH];
	struct xw_pol pol[2];
	struct xw_tmpl_info tmpl[XW_MAX_DEPTH];
	struct xw_tmpl_result res[XW_MAX_DEPTH];
};

/* Which rejections to keep. */
struct xw_cfg {
	bool enabled;
	u8 family;		/* 0 = any */
	u32 reasons;		/* mask of 1 << enum xfrmwhy_reason */
};

struct xw_stats {
	u64 recorded, lost, filtered;
};

/* Per network namespace state (net_generic). */
struct xw_net {
	struct xw_cfg cfg;		/* written under xw_cfg_mutex */
	struct xw_stats __percpu *stats;
	u32 __percpu *held;		/* ring slots; under that CPU's ring lock */
};

extern unsigned int xw_net_id;
extern struct mutex xw_cfg_mutex;
extern struct xw_cfg xw_global_cfg;	/* init-netns "all namespaces" */
extern u32 xw_rate_limit;		/* events/s per CPU, 0 = none */
extern unsigned int xw_ring_size;
/* Values of the lookup_probes parameter. */
enum { XW_LOOKUP_NEVER, XW_LOOKUP_ALWAYS, XW_LOOKUP_ON_DEMAND };
extern unsigned int xw_lookup_probes;	/* module parameter */
extern unsigned int xw_lookup_idle;	/* seconds, on demand */
extern atomic64_t xw_notify_lost;
extern struct xw_stats __percpu *xw_stats_all;	/* every namespace */
extern int xw_netns_enabled;	/* namespaces with cfg.enabled; cfg mutex */
extern bool xw_userns_capture;	/* module parameter: guests may capture */

static inline struct xw_net *xw_net(const struct net *net)
{
	return net_generic(net, xw_net_id);
}

/* A namespace that an unprivileged user may have made: a guest. */
static inline bool xw_net_guest(const struct net *net)
{
	return net->user_ns != &init_user_ns;
}

/* config.c */
int xw_config_init(void);
int xw_config_start(void);
void xw_config_stop(void);
void xw_config_exit(void);
int xw_capture_update(void);
int xw_config_ring_size(unsigned int n);

/* hook.c */
int xw_hooks_enable(void);
void xw_hooks_disable(void);
bool xw_hooks_active(void);
u8 xw_hooks_mode(void);
void xw_hooks_exit(void);
void xw_hooks_idle_changed(void);
u64 xw_hooks_missed(void);
u32 xw_features(void);

/* ring.c */
struct xw_ring_scan {
	u64 pos;		/* next ring position to look at */
	u64 stop;		/* newest sequence number to return */
	u32 netns;		/* 0 = every namespace */
};

int xw_rings_alloc(unsigned int size);
void xw_rings_free(void);
struct xw_event *xw_ring_reserve(int cpu, struct xw_net *owner, bool guest,
				 u64 *pos);
void xw_ring_commit(int cpu, u64 pos, struct net *net);
void xw_ring_set_consumer(void (*committed)(struct net *net));
u64 xw_ring_seq_now(void);
bool xw_ring_next(int cpu, struct xw_ring_scan *s, struct xw_event *out,
		  u64 *slot_pos);
bool xw_ring_peek(int cpu, struct xw_ring_scan *s, u64 *seq);
void xw_ring_consume(int cpu, u64 pos, u64 seq);
u32 xw_ring_discard(u32 netns);
u32 xw_ring_buffered(int cpu, const struct xw_net *owner);
bool xw_ring_next_notify(int cpu, struct xw_event *out, u64 *slot_pos);
bool xw_ratelimit_ok(int cpu);

/* netlink.c */
int xw_genl_init(void);
void xw_genl_exit(void);

/* explain.c */
struct sk_buff;
struct sec_path;
struct xfrm_policy;
void xw_fill_flow(struct xw_event *ev, struct net *net, struct sk_buff *skb,
		  u16 family, int reverse);
void xw_fill_secpath(struct xw_event *ev, const struct sec_path *sp);
void xw_fill_policies(struct xw_event *ev, struct xfrm_policy *const *pols,
		      int npols, u8 dir, bool socket);
void xw_explain(struct xw_event *ev, const struct sec_path *sp, u32 if_id);

/* approx.c */
void xw_approximate(struct xw_event *ev, struct net *net);

#endif /* _XFRMWHY_H */
