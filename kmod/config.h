/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuration (config.c): the capture configs, the module parameters'
 * values, per-namespace state and the mutex that serialises them.  The
 * files below config.c read this data (the packet path locklessly); only
 * config.c and netlink.c, above it, call its functions.
 */
#ifndef _XFRMWHY_CONFIG_H
#define _XFRMWHY_CONFIG_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

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
	u64 id;				/* never reused while loaded */
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

int xw_config_init(void);
int xw_config_start(void);
void xw_config_stop(void);
void xw_config_exit(void);
int xw_capture_update(void);
int xw_config_ring_size(unsigned int n);

#endif /* _XFRMWHY_CONFIG_H */
