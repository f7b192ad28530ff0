// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration, the one owner of it for module parameters and netlink
 * alike: the parameters and their setters, the global and per-namespace
 * capture configs, the ring size, per-namespace state, and registering or
 * removing the probes to match the configs.  Its steps of load and unload
 * are here; main.c says in which order they run.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <net/net_namespace.h>
#include "uapi/linux/xfrmwhy.h"
#include "config.h"
#include "hook.h"
#include "ring.h"

/*
 * Serialises configuration (capture state, configs, ring size) and keeps
 * the rings in place for process-context readers (dumps, notifier, clear,
 * status); the packet path never takes it: rings are only replaced with
 * the probes unregistered.
 */
DEFINE_MUTEX(xw_cfg_mutex);
struct xw_cfg xw_global_cfg;
u32 xw_rate_limit;
unsigned int xw_ring_size = XFRMWHY_RING_DEFAULT;
unsigned int xw_net_id __read_mostly;
struct xw_stats __percpu *xw_stats_all;
int xw_netns_enabled;
/*
 * Under xw_cfg_mutex.  Parameter writes can come before init and after
 * exit (their sysfs files outlive both), so they act only while loaded;
 * unloading keeps every path from registering probes again.
 */
static bool xw_loaded;		/* rings exist: parameters resize them */
static bool xw_unloading;

/**
 * xw_config_ring_size() - resize every CPU's ring, the one way to do it
 * @n: events per CPU, within XFRMWHY_RING_MIN..XFRMWHY_RING_MAX
 *
 * Called with xw_cfg_mutex held, by the module parameter and by netlink.
 * Before load (and after unload) only the size to use is stored.
 *
 * Return: 0, -EBUSY while capturing (the packet path writes into the
 * rings), or -ENOMEM (the old rings then stay).
 */
int xw_config_ring_size(unsigned int n)
{
	int err;

	lockdep_assert_held(&xw_cfg_mutex);
	if (xw_loaded && n != xw_ring_size) {
		if (xw_hooks_active())
			return -EBUSY;
		err = xw_rings_alloc(n);
		if (err)
			return err;
	}
	xw_ring_size = n;
	return 0;
}

static int ring_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int err;

	err = kstrtouint(val, 0, &n);
	if (err)
		return err;
	if (n < XFRMWHY_RING_MIN || n > XFRMWHY_RING_MAX) {
		pr_err("xfrmwhy: ring_size must be within %u..%u events per CPU\n",
		       XFRMWHY_RING_MIN, XFRMWHY_RING_MAX);
		return -ERANGE;
	}
	mutex_lock(&xw_cfg_mutex);
	err = xw_config_ring_size(n);
	mutex_unlock(&xw_cfg_mutex);
	if (err == -EBUSY)
		pr_err("xfrmwhy: disable capture before resizing the rings\n");
	return err;
}

static const struct kernel_param_ops ring_size_ops = {
	.set = ring_size_set,
	.get = param_get_uint,
};
module_param_cb(ring_size, &ring_size_ops, &xw_ring_size, 0644);
MODULE_PARM_DESC(ring_size, "events buffered per CPU (16..65536, default 256)");

static int uint_range_set(const char *val, const struct kernel_param *kp,
			  unsigned int min, unsigned int max)
{
	unsigned int n;
	int err;

	err = kstrtouint(val, 0, &n);
	if (err)
		return err;
	if (n < min || n > max) {
		pr_err("xfrmwhy: %s must be within %u..%u\n", kp->name, min, max);
		return -ERANGE;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static int lookup_probes_set(const char *val, const struct kernel_param *kp)
{
	return uint_range_set(val, kp, XW_LOOKUP_NEVER, XW_LOOKUP_ON_DEMAND);
}

static const struct kernel_param_ops lookup_probes_ops = {
	.set = lookup_probes_set,
	.get = param_get_uint,
};

unsigned int xw_lookup_probes = XW_LOOKUP_ON_DEMAND;
module_param_cb(lookup_probes, &lookup_probes_ops, &xw_lookup_probes, 0644);
MODULE_PARM_DESC(lookup_probes,
		 "probe the policy lookups for exact events: 0 never (policy found again when read), 1 always, 2 from the first rejection until lookup_idle seconds without one (default); applies at the next enable");

static int lookup_idle_set(const char *val, const struct kernel_param *kp)
{
	int err = uint_range_set(val, kp, 1, 86400);

	if (!err)
		xw_hooks_idle_changed();
	return err;
}

static const struct kernel_param_ops lookup_idle_ops = {
	.set = lookup_idle_set,
	.get = param_get_uint,
};

unsigned int xw_lookup_idle = 60;
module_param_cb(lookup_idle, &lookup_idle_ops, &xw_lookup_idle, 0644);
MODULE_PARM_DESC(lookup_idle,
		 "seconds without a rejection after which on-demand lookup probes go (1..86400, default 60)");

static bool enable;
module_param(enable, bool, 0444);
MODULE_PARM_DESC(enable, "start capturing in every network namespace at load");

/*
 * Probes are host-wide: by default only CAP_NET_ADMIN in the initial user
 * namespace may arm them or read events.  Set, the admin of a namespace
 * owned by another user namespace (a container's root) may capture and
 * read that namespace's own events, within its share of the rings.
 */
bool xw_userns_capture;
module_param_named(userns_capture, xw_userns_capture, bool, 0644);
MODULE_PARM_DESC(userns_capture,
		 "let the admin of a network namespace owned by a non-initial user namespace capture and read its own events (default N: initial-namespace CAP_NET_ADMIN only)");

/**
 * xw_capture_update() - register or remove the probes to match the configs
 *
 * Called with xw_cfg_mutex held.
 *
 * Return: 0 or the error registering the probes.
 */
int xw_capture_update(void)
{
	lockdep_assert_held(&xw_cfg_mutex);
	if (!xw_unloading && (xw_global_cfg.enabled || xw_netns_enabled > 0))
		return xw_hooks_enable();
	xw_hooks_disable();
	return 0;
}

static int __net_init xw_net_init(struct net *net)
{
	static atomic64_t ids = ATOMIC64_INIT(0);
	struct xw_net *xn = xw_net(net);

	xn->id = atomic64_inc_return(&ids);
	xn->stats = alloc_percpu(struct xw_stats);
	xn->held = alloc_percpu(u32);
	if (xn->stats && xn->held)
		return 0;
	free_percpu(xn->stats);
	free_percpu(xn->held);
	return -ENOMEM;
}

static void __net_exit xw_net_exit(struct net *net)
{
	struct xw_net *xn = xw_net(net);

	mutex_lock(&xw_cfg_mutex);
	if (xn->cfg.enabled) {
		xn->cfg.enabled = false;
		xw_netns_enabled--;
		xw_capture_update();
	}
	/*
	 * Its events outlive it, for the host's readers (a test or a pod
	 * that deleted its namespace is when they are wanted): the ring
	 * marks them gone, so that a later namespace with the same inode
	 * never sees them, and charges them to no namespace (xn is freed
	 * below).  At unload (xw_loaded false) the rings are freed whole
	 * right after.
	 */
	if (xw_loaded)
		xw_ring_orphan(xn);
	mutex_unlock(&xw_cfg_mutex);
	free_percpu(xn->stats);
	free_percpu(xn->held);
}

static struct pernet_operations xw_net_ops = {
	.init	= xw_net_init,
	.exit	= xw_net_exit,
	.id	= &xw_net_id,
	.size	= sizeof(struct xw_net),
};

/**
 * xw_config_init() - allocate the counters and the rings, set up namespaces
 *
 * From here on the parameters act on the rings.  Undoes what it did when
 * a step fails.
 *
 * Return: 0, -ENOMEM, or the error registering the pernet operations.
 */
int __init xw_config_init(void)
{
	int err;

	xw_stats_all = alloc_percpu(struct xw_stats);
	if (!xw_stats_all)
		return -ENOMEM;
	mutex_lock(&xw_cfg_mutex);
	err = xw_rings_alloc(xw_ring_size);
	xw_loaded = !err;
	mutex_unlock(&xw_cfg_mutex);
	if (err)
		goto free_rings;	/* what xw_rings_alloc() kept */
	err = register_pernet_subsys(&xw_net_ops);
	if (err)
		goto unload_rings;
	return 0;

unload_rings:
	mutex_lock(&xw_cfg_mutex);
	xw_loaded = false;
	mutex_unlock(&xw_cfg_mutex);
free_rings:
	xw_rings_free();
	free_percpu(xw_stats_all);
	return err;
}

/**
 * xw_config_start() - apply the enable parameter, once the family is there
 *
 * Return: 0, or the error registering the probes (capture then stays off).
 */
int __init xw_config_start(void)
{
	int err;

	if (!enable)
		return 0;
	mutex_lock(&xw_cfg_mutex);
	xw_global_cfg.enabled = true;
	err = xw_capture_update();
	if (err)
		xw_global_cfg.enabled = false;
	mutex_unlock(&xw_cfg_mutex);
	return err;
}

/**
 * xw_config_stop() - remove every probe for good: the first step of unload
 *
 * No later path (a namespace's exit, a request in flight, the arming
 * work) can register one again.  The work items the probes queued may
 * still be pending: xw_hooks_exit() waits for them.
 */
void xw_config_stop(void)
{
	mutex_lock(&xw_cfg_mutex);
	xw_unloading = true;
	xw_hooks_disable();
	mutex_unlock(&xw_cfg_mutex);
}

/**
 * xw_config_exit() - undo xw_config_init(): the last step of unload
 *
 * After xw_config_stop(), xw_hooks_exit() and the family's exit, so the
 * namespaces' exits find capture off and nothing reads the rings.  From
 * here on parameter writes only store their value.
 */
void xw_config_exit(void)
{
	mutex_lock(&xw_cfg_mutex);
	xw_loaded = false;
	mutex_unlock(&xw_cfg_mutex);
	unregister_pernet_subsys(&xw_net_ops);
	xw_rings_free();
	free_percpu(xw_stats_all);
}
