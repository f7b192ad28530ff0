// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks: kretprobes on __xfrm_policy_check() and on the policy lookups
 * it makes, registered only while some namespace captures.
 *
 * The check's entry snapshots this CPU's XfrmIn* counters; the lookups
 * stash the policies the kernel found; the check's return, when it
 * rejected the packet, compares the counters to learn the reason and
 * copies skb, secpath and policies into a ring slot.
 *
 * The lookup probes cost more than the check's (they also fire on every
 * outbound lookup), so by default they are only in place while rejections
 * happen: the first rejection arms them from a work item, and they go
 * after lookup_idle seconds without one.  A check that did not run wholly
 * with them in place records no policy and says it is not exact; the
 * policy is then found again in the SPD when the event is read.
 *
 * Why the stashed policy pointers are safe to read at the check's return:
 * only checks running with BHs (or IRQs) off are followed, and such a
 * region is an RCU read-side critical section; a policy the check released
 * is freed through call_rcu(), so it outlives our return handler.  Checks
 * in preemptible context (none known in the receive path) are counted as
 * lost, never guessed at.
 *
 * Lifecycle: all probes go together, in one unregister_kretprobes() with
 * its grace period, and only then is the per-CPU state reset.  A check in
 * flight when its probe goes never runs its return handler (rethook drops
 * it), so xw_cur would otherwise keep pointing at its freed instance and
 * the next armed lookup probe would write through it.
 */
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/inet_sock.h>
#include <net/rtnetlink.h>
#include <net/xfrm.h>
#include "uapi/linux/xfrmwhy.h"
#include "config.h"
#include "event.h"
#include "explain.h"
#include "hook.h"
#include "ring.h"
#include "limits.h"

/*
 * The counters __xfrm_policy_check() bumps, by reason: those up to
 * buffer-error; the later reasons are other stages' (state_drop()).
 */
#define XW_CHECK_REASONS (XFRMWHY_REASON_BUFFER_ERROR + 1)

static const u8 xw_mib[XW_CHECK_REASONS] = {
	[XFRMWHY_REASON_TMPL_MISMATCH]	= LINUX_MIB_XFRMINTMPLMISMATCH,
	[XFRMWHY_REASON_NO_POLICY]	= LINUX_MIB_XFRMINNOPOLS,
	[XFRMWHY_REASON_POLICY_BLOCK]	= LINUX_MIB_XFRMINPOLBLOCK,
	[XFRMWHY_REASON_STATE_MISMATCH]	= LINUX_MIB_XFRMINSTATEMISMATCH,
	[XFRMWHY_REASON_HDR_ERROR]	= LINUX_MIB_XFRMINHDRERROR,
	[XFRMWHY_REASON_POLICY_ERROR]	= LINUX_MIB_XFRMINPOLERROR,
	[XFRMWHY_REASON_BUFFER_ERROR]	= LINUX_MIB_XFRMINBUFFERERROR,
};

/*
 * Sub, main and main-after-sub.  A check that makes more (with sub
 * policies, the forward ICMP-error lookup of 6.9+ adds a round) is not
 * followed past them and says it is not exact.  With the socket's, the
 * lookups an event lists.
 */
#define XW_MAX_LOOKUPS (XFRMWHY_MAX_LOOKUPS - 1)

struct xw_mib_snap {
	struct net *net;
	unsigned long v[XW_CHECK_REASONS];
};

/* Per-invocation state of one policy check (kretprobe instance data). */
struct xw_check {
	u64 lk_missed;			/* lookup probe misses at entry */
	struct xw_check *prev;		/* the check this one interrupted */
	struct sk_buff *skb;
	struct net *net;
	int dir;			/* with the reverse bit */
	u16 family;
	bool tracked;
	bool sk_pol;			/* the socket has a policy to look up */
	bool sk_ok;			/* ... and its lookup is probed */
	int gen;			/* xw_lookup_gen at entry */
	struct xw_mib_snap snap[2];	/* entry netns, lookup netns */
	struct xfrm_policy *skpol;
	bool sk_looked;			/* the socket lookup returned */
	u32 sk_if_id;
	struct xfrm_policy *lk[XW_MAX_LOOKUPS];
	u8 lk_type[XW_MAX_LOOKUPS];
	u32 lk_if_id[XW_MAX_LOOKUPS];
	int nlk;
	bool lk_over;			/* more lookups than lk[] holds */
};

/* Per-invocation state of one lookup. */
struct xw_lookup {
	struct net *net;
	u8 type;
	u32 if_id;
};

/* The check running on this CPU, if we follow one. */
static DEFINE_PER_CPU(struct xw_check *, xw_cur);

static bool xw_active;		/* check probe registered; under xw_cfg_mutex */
/* lookup_probes as it was at the enable: the parameter applies at the next. */
static unsigned int xw_lookup_mode;
static bool xw_lookup_broken;	/* the lookup cannot be probed; cfg mutex */
static bool xw_sk_lookup_ok;	/* armed with the socket lookup too */
/*
 * Odd while the lookup probes are in place.  Bumped under xw_cfg_mutex
 * after they are registered and before they are unregistered, so a check
 * that saw the same odd value at entry and at return had every lookup of
 * it probed.
 */
static atomic_t xw_lookup_gen = ATOMIC_INIT(0);
static unsigned long xw_last_reject;	/* jiffies; written locklessly */

static void arm_fn(struct work_struct *work);
static DECLARE_WORK(xw_arm_work, arm_fn);
static void idle_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(xw_idle_work, idle_fn);

static struct kretprobe xw_probe_check, xw_probe_lookup, xw_probe_sk_lookup;

static bool lookup_armed(void)
{
	return atomic_read(&xw_lookup_gen) & 1;
}

/*
 * Hits the kernel did not hand to a probe: the kprobe's own (re-entry, e.g.
 * a probe firing inside another probe's handler) and the kretprobe's (no
 * free instance).  Both are global counters, bumped locklessly.
 */
static u64 probe_missed(const struct kretprobe *rp)
{
	return READ_ONCE(rp->kp.nmissed) + READ_ONCE(rp->nmissed);
}

/* Misses of the lookup probes now: a check that saw one is not exact. */
static u64 lookup_missed(void)
{
	return probe_missed(&xw_probe_lookup) +
	       probe_missed(&xw_probe_sk_lookup);
}

static void mib_snap(struct xw_mib_snap *s, struct net *net)
{
	struct linux_xfrm_mib *mib = this_cpu_ptr(net->mib.xfrm_statistics);
	int i;

	s->net = net;
	for (i = 1; i < XW_CHECK_REASONS; i++)
		s->v[i] = READ_ONCE(mib->mibs[xw_mib[i]]);
}

/* Which counter moved since the snapshot: XFRMWHY_REASON_UNKNOWN if none. */
static int mib_moved(const struct xw_mib_snap *s)
{
	struct linux_xfrm_mib *mib;
	int i;

	if (!s->net)
		return XFRMWHY_REASON_UNKNOWN;
	mib = this_cpu_ptr(s->net->mib.xfrm_statistics);
	for (i = 1; i < XW_CHECK_REASONS; i++)
		if (READ_ONCE(mib->mibs[xw_mib[i]]) != s->v[i])
			return i;
	return XFRMWHY_REASON_UNKNOWN;
}

static bool cfg_match(const struct xw_cfg *c, u16 family, int reason)
{
	if (c->family && c->family != family)
		return false;
	return !c->reasons || (c->reasons & (1u << reason));
}

/* Capture in this namespace at all?  Read locklessly: a stale answer
 * around an enable or disable only moves the interval's edge.
 */
static bool capturing(struct net *net)
{
	return READ_ONCE(xw_global_cfg.enabled) ||
	       READ_ONCE(xw_net(net)->cfg.enabled);
}

static int check_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct xw_check *c = (struct xw_check *)ri->data;
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 2);
	struct sec_path *sp;

	if (!skb || !skb->dev)
		return 1;
	c->net = dev_net(skb->dev);
	if (!capturing(c->net))
		return 1;	/* no return handler for this call */
	c->skb = skb;
	c->dir = (int)regs_get_kernel_argument(regs, 1);
	c->family = (u16)regs_get_kernel_argument(regs, 3);
	c->skpol = NULL;
	c->sk_looked = false;
	c->nlk = 0;
	c->lk_over = false;
	c->snap[1].net = NULL;
	c->gen = atomic_read(&xw_lookup_gen);
	/* Read after the generation: armed with it, or the gen moves. */
	c->sk_ok = READ_ONCE(xw_sk_lookup_ok);
	c->lk_missed = lookup_missed();
	/* As the check itself does; a request or timewait sock has no policy. */
	sk = sk_to_full_sk(sk);
	c->sk_pol = sk && sk_fullsock(sk) &&
		    rcu_access_pointer(sk->sk_policy[c->dir & XFRM_POLICY_MASK]);
	c->tracked = in_softirq() || irqs_disabled();
	if (!c->tracked)
		return 0;
	mib_snap(&c->snap[0], c->net);
	/*
	 * A packet that came through an xfrm interface moved to another
	 * namespace is checked, and counted, in the interface's link
	 * namespace, where its SAs are: watch that one from the start, with
	 * or without the lookup probes.
	 */
	sp = skb_sec_path(skb);
	if (sp && sp->len) {
		struct net *sa_net = xs_net(sp->xvec[sp->len - 1]);

		if (!net_eq(sa_net, c->net))
			mib_snap(&c->snap[1], sa_net);
	}
	c->prev = this_cpu_read(xw_cur);
	this_cpu_write(xw_cur, c);
	return 0;
}

enum { XW_COUNT_RECORDED, XW_COUNT_LOST, XW_COUNT_FILTERED };

/*
 * Per CPU, so the packet path never shares a counter with another CPU;
 * this_cpu ops, since untracked checks come here preemptible.
 */
static void count(struct net *net, int what)
{
	struct xw_stats __percpu *st[2] = { xw_net(net)->stats, xw_stats_all };
	int i;

	for (i = 0; i < 2; i++) {
		switch (what) {
		case XW_COUNT_RECORDED:
			this_cpu_inc(st[i]->recorded);
			break;
		case XW_COUNT_FILTERED:
			this_cpu_inc(st[i]->filtered);
			break;
		default:
			this_cpu_inc(st[i]->lost);
		}
	}
}

/* The policies of the check, in the kernel's pols[] order. */
static int check_policies(struct xw_check *c, struct xfrm_policy **pols,
			  bool *socket)
{
	struct xfrm_policy *cand[1 + XW_MAX_LOOKUPS];
	int i, n = 0, np = 0;

	cand[n++] = c->skpol;
	for (i = 0; i < c->nlk; i++)
		cand[n++] = c->lk[i];
	*socket = false;
	for (i = 0; i < n && np < 2; i++) {
		if (np == 0 && !cand[i])
			continue;
		if (np == 0 && i == 0)
			*socket = true;
		if (IS_ERR_OR_NULL(cand[i]))
			break;
		pols[np++] = cand[i];
	}
	return np;
}

/*
 * The if_id of the check's lookup, where no lookup probe saw it: a packet
 * that came out of an xfrm interface is looked up with the interface's
 * if_id, which is that of the SA it was matched by (the innermost).
 */
static u32 lookup_if_id(const struct sk_buff *skb, const struct sec_path *sp)
{
	const struct rtnl_link_ops *ops = skb->dev->rtnl_link_ops;

	if (!sp || !sp->len || !ops || strcmp(ops->kind, "xfrm"))
		return 0;
	return sp->xvec[sp->len - 1]->if_id;
}

/*
 * Claim a slot for an event of @net and fill its header, or count it lost.
 * With preemption off (a probe handler): the slot is this CPU's.
 */
static struct xw_event *event_start(struct net *net, struct net_device *dev,
				    u8 dir, u16 family, int reason, bool exact,
				    u64 *pos)
{
	int cpu = smp_processor_id();
	struct xw_event *ev;

	if (!xw_ratelimit_ok(cpu))
		goto lost;
	ev = xw_ring_reserve(cpu, xw_net(net), xw_net_guest(net), pos);
	if (!ev)
		goto lost;

	/*
	 * Only the fixed part: the fill functions write every field of each
	 * SA, policy, template and lookup they count, xw_explain() every
	 * verdict, and the rest of the 1.3 KiB slot is never read.
	 */
	memset(ev, 0, offsetof(struct xw_event, sa));
	ev->time_ns = ktime_get_real_ns();
	ev->cpu = cpu;
	ev->netns = net->ns.inum;
	ev->netns_id = xw_net(net)->id;
	ev->ifindex = dev->ifindex;
	strscpy(ev->ifname, dev->name, sizeof(ev->ifname));
	ev->dir = dir;
	ev->family = family;
	ev->reason = reason;
	ev->exact = exact;
	ev->extra = -1;
	ev->failed = -1;
	return ev;
lost:
	count(net, XW_COUNT_LOST);
	return NULL;
}

static void event_commit(struct net *net, u64 pos)
{
	xw_ring_commit(smp_processor_id(), pos, net);
	count(net, XW_COUNT_RECORDED);
}

static void record(struct xw_check *c, struct net *net, int reason,
		   bool exact)
{
	struct xfrm_policy *pols[2];
	struct xw_event *ev;
	struct sec_path *sp;
	bool socket = false;
	int npols = 0;
	u64 pos;

	ev = event_start(net, c->skb->dev, c->dir & XFRM_POLICY_MASK,
			 c->family, reason, exact, &pos);
	if (!ev)
		return;
	xw_fill_flow(ev, net, c->skb, c->family, c->dir & ~XFRM_POLICY_MASK);
	sp = skb_sec_path(c->skb);
	/* Exact: the if_id of the check's last lookup (0 if it made none). */
	ev->lookup_if_id = !exact ? lookup_if_id(c->skb, sp) :
			   c->nlk ? c->lk_if_id[c->nlk - 1] : 0;
	xw_fill_secpath(ev, sp);
	if (exact) {
		int i;

		npols = check_policies(c, pols, &socket);
		if (c->sk_looked)
			xw_fill_lookup(ev, XFRMWHY_LOOKUP_TYPE_SOCKET,
				       c->sk_if_id, c->skpol);
		for (i = 0; i < c->nlk; i++)
			xw_fill_lookup(ev, c->lk_type[i], c->lk_if_id[i],
				       c->lk[i]);
	}
	xw_fill_policies(ev, pols, npols, ev->dir, socket);
	xw_explain(ev, sp, ev->lookup_if_id);
	event_commit(net, pos);
}

/* Does a capture config of @net, or the global one, take this drop? */
static bool wanted(struct net *net, u16 family, int reason)
{
	struct xw_net *xn = xw_net(net);

	return (READ_ONCE(xw_global_cfg.enabled) &&
		cfg_match(&xw_global_cfg, family, reason)) ||
	       (READ_ONCE(xn->cfg.enabled) && cfg_match(&xn->cfg, family, reason));
}

static int check_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct xw_check *c = (struct xw_check *)ri->data;
	struct net *net;
	bool exact;
	int reason;

	if (c->tracked)
		this_cpu_write(xw_cur, c->prev);
	if (regs_return_value(regs))
		return 0;	/* accepted */

	if (!c->tracked) {
		count(c->net, XW_COUNT_LOST);
		return 0;
	}
	net = c->net;
	reason = mib_moved(&c->snap[0]);
	if (reason == XFRMWHY_REASON_UNKNOWN && c->snap[1].net) {
		/*
		 * Counted in the xfrm interface's namespace.  Even when no
		 * counter there moved either, the event belongs there: its
		 * SAs and policy are that namespace's, never to be shown to
		 * the admin of the device's.
		 */
		reason = mib_moved(&c->snap[1]);
		net = c->snap[1].net;
	}
	if (!capturing(net))
		return 0;
	/*
	 * Exact when every lookup of the check ran with the lookup probes in
	 * place and none of their hits was missed meanwhile (a global count:
	 * a miss anywhere makes the checks in flight inexact), and a socket
	 * policy, if any, was looked up under a probe too.
	 */
	exact = (c->gen & 1) && atomic_read(&xw_lookup_gen) == c->gen &&
		lookup_missed() == c->lk_missed && !c->lk_over &&
		(!c->sk_pol || c->sk_ok);
	if (READ_ONCE(xw_lookup_mode) == XW_LOOKUP_ON_DEMAND) {
		unsigned long now = jiffies;

		/* At most one store per jiffy: the line is shared by all CPUs. */
		if (READ_ONCE(xw_last_reject) != now)
			WRITE_ONCE(xw_last_reject, now);
		if (!exact && !lookup_armed() && !READ_ONCE(xw_lookup_broken))
			queue_work(xw_system_wq, &xw_arm_work);
	}
	if (!wanted(net, c->family, reason)) {
		count(net, XW_COUNT_FILTERED);
		return 0;
	}
	record(c, net, reason, exact);
	return 0;
}

static int lookup_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct xw_lookup *l = (struct xw_lookup *)ri->data;
	struct xw_check *c = this_cpu_read(xw_cur);

	/* Lookups outside a followed check (the output path) are not ours. */
	if (!c)
		return 1;
	if (c->nlk >= XW_MAX_LOOKUPS) {
		c->lk_over = true;
		return 1;
	}
	l->net = (struct net *)regs_get_kernel_argument(regs, 0);
	l->type = (u8)regs_get_kernel_argument(regs, 1);
	l->if_id = (u32)regs_get_kernel_argument(regs, 5);
	if (l->net != c->net && !c->snap[1].net)
		mib_snap(&c->snap[1], l->net);
	return 0;
}

static int lookup_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct xw_lookup *l = (struct xw_lookup *)ri->data;
	struct xw_check *c = this_cpu_read(xw_cur);

	if (!c || c->nlk >= XW_MAX_LOOKUPS)
		return 0;
	c->lk_type[c->nlk] = l->type;
	c->lk_if_id[c->nlk] = l->if_id;
	c->lk[c->nlk++] = (struct xfrm_policy *)regs_return_value(regs);
	return 0;
}

static int sk_lookup_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct xw_check *c = this_cpu_read(xw_cur);

	if (!c)
		return 1;
	if (!c->sk_looked)
		c->sk_if_id = (u32)regs_get_kernel_argument(regs, 4);
	return 0;
}

static int sk_lookup_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct xw_check *c = this_cpu_read(xw_cur);
	struct xfrm_policy *pol = (struct xfrm_policy *)regs_return_value(regs);

	if (c && !c->sk_looked) {
		c->skpol = pol;
		c->sk_looked = true;
	}
	return 0;
}

static struct kretprobe xw_probe_check = {
	.kp.symbol_name	= "__xfrm_policy_check",
	.entry_handler	= check_entry,
	.handler	= check_return,
	.data_size	= sizeof(struct xw_check),
};

static struct kretprobe xw_probe_lookup = {
	.kp.symbol_name	= "xfrm_policy_lookup_bytype",
	.entry_handler	= lookup_entry,
	.handler	= lookup_return,
	.data_size	= sizeof(struct xw_lookup),
};

static struct kretprobe xw_probe_sk_lookup = {
	.kp.symbol_name	= "xfrm_sk_policy_lookup",
	.entry_handler	= sk_lookup_entry,
	.handler	= sk_lookup_return,
};

/*
 * The state stage.  xfrm_input() calls xfrm_audit_state_notfound() right
 * after it counts XfrmInNoStates, and for nothing else; its twin _simple()
 * follows the same count in xfrm6_input_addr() (Mobile IPv6), without an
 * SPI.  A kprobe there costs nothing until a packet is dropped.  Handlers
 * run with preemption off, in the packet's context (softirq, or a crypto
 * completion): the ring is trylocked with interrupts off, so any is fine.
 */
static void state_drop(struct sk_buff *skb, u16 family, int reason,
		       __be32 spi, __be32 seq, bool has_seq)
{
	struct xw_event *ev;
	struct net *net;
	u64 pos;

	if (!skb || !skb->dev)
		return;
	net = dev_net(skb->dev);
	if (!capturing(net))
		return;
	if (!wanted(net, family, reason)) {
		count(net, XW_COUNT_FILTERED);
		return;
	}
	ev = event_start(net, skb->dev, XFRM_POLICY_IN, family, reason, true,
			 &pos);
	if (!ev)
		return;
	xw_fill_outer(ev, skb, family, spi, seq, has_seq);
	event_commit(net, pos);
}

static int nostate_pre(struct kprobe *kp, struct pt_regs *regs)
{
	state_drop((struct sk_buff *)regs_get_kernel_argument(regs, 0),
		   (u16)regs_get_kernel_argument(regs, 1),
		   XFRMWHY_REASON_NO_STATE,
		   (__force __be32)(u32)regs_get_kernel_argument(regs, 2),
		   (__force __be32)(u32)regs_get_kernel_argument(regs, 3), true);
	return 0;
}

static int nostate_simple_pre(struct kprobe *kp, struct pt_regs *regs)
{
	state_drop((struct sk_buff *)regs_get_kernel_argument(regs, 0),
		   (u16)regs_get_kernel_argument(regs, 1),
		   XFRMWHY_REASON_NO_STATE, 0, 0, false);
	return 0;
}

/* The drop probes of the state stage; each one where the kernel has it. */
static struct kprobe xw_state_probes[] = {
	{ .symbol_name = "xfrm_audit_state_notfound",
	  .pre_handler = nostate_pre },
	{ .symbol_name = "xfrm_audit_state_notfound_simple",
	  .pre_handler = nostate_simple_pre },
};

static bool xw_state_ok[ARRAY_SIZE(xw_state_probes)];	/* cfg mutex */

/* register_kprobe() keeps state in the struct: start clean. */
static void kprobe_reset(struct kprobe *kp)
{
	kprobe_pre_handler_t pre = kp->pre_handler;
	const char *sym = kp->symbol_name;

	memset(kp, 0, sizeof(*kp));
	kp->symbol_name = sym;
	kp->pre_handler = pre;
}

static void probe_reset(struct kretprobe *rp)
{
	kprobe_reset(&rp->kp);
	rp->nmissed = 0;
	rp->maxactive = max_t(int, XW_PROBE_INSTANCES_MIN,
			      XW_PROBE_INSTANCES_PER_CPU * num_possible_cpus());
}

static u64 xw_missed_total;

/* Register what this kernel has of them.  Called with xw_cfg_mutex held. */
static void state_arm(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(xw_state_probes); i++) {
		kprobe_reset(&xw_state_probes[i]);
		xw_state_ok[i] = !register_kprobe(&xw_state_probes[i]);
	}
	if (!xw_state_ok[0])
		pr_info("xfrmwhy: cannot probe xfrm_audit_state_notfound (CONFIG_AUDITSYSCALL?): XfrmInNoStates not covered\n");
}

static u64 state_missed(void)
{
	u64 n = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(xw_state_probes); i++)
		if (xw_state_ok[i])
			n += READ_ONCE(xw_state_probes[i].nmissed);
	return n;
}

/* Unregister them, after one grace period.  Called with xw_cfg_mutex held. */
static void state_disarm(void)
{
	struct kprobe *kps[ARRAY_SIZE(xw_state_probes)];
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(xw_state_probes); i++)
		if (xw_state_ok[i])
			kps[n++] = &xw_state_probes[i];
	if (n)
		unregister_kprobes(kps, n);
	xw_missed_total += state_missed();
	memset(xw_state_ok, 0, sizeof(xw_state_ok));
}

/* Put the lookup probes in place.  Called with xw_cfg_mutex held. */
static void lookup_arm(void)
{
	lockdep_assert_held(&xw_cfg_mutex);
	if (lookup_armed() || xw_lookup_broken)
		return;
	probe_reset(&xw_probe_lookup);
	if (register_kretprobe(&xw_probe_lookup)) {
		pr_info("xfrmwhy: cannot probe the policy lookup: approximate mode\n");
		WRITE_ONCE(xw_lookup_broken, true);
		return;
	}
	probe_reset(&xw_probe_sk_lookup);
	xw_sk_lookup_ok = !register_kretprobe(&xw_probe_sk_lookup);
	atomic_inc(&xw_lookup_gen);
}

/* Remove them.  Called with xw_cfg_mutex held. */
static void lookup_disarm(void)
{
	struct kretprobe *rps[2] = { &xw_probe_lookup, &xw_probe_sk_lookup };

	lockdep_assert_held(&xw_cfg_mutex);
	if (!lookup_armed())
		return;
	/* Checks in flight now stop being exact before a lookup goes. */
	atomic_inc(&xw_lookup_gen);
	/* Pairs with the text patching's own barriers on every CPU. */
	smp_mb__after_atomic();
	unregister_kretprobes(rps, xw_sk_lookup_ok ? 2 : 1);
	xw_sk_lookup_ok = false;
}

static void arm_fn(struct work_struct *work)
{
	mutex_lock(&xw_cfg_mutex);
	if (xw_active && xw_lookup_mode == XW_LOOKUP_ON_DEMAND &&
	    !lookup_armed()) {
		lookup_arm();
		if (lookup_armed())
			queue_delayed_work(xw_system_wq, &xw_idle_work,
					   READ_ONCE(xw_lookup_idle) * HZ);
	}
	mutex_unlock(&xw_cfg_mutex);
}

static void idle_fn(struct work_struct *work)
{
	unsigned long idle = READ_ONCE(xw_lookup_idle) * HZ;
	unsigned long due = READ_ONCE(xw_last_reject) + idle;

	mutex_lock(&xw_cfg_mutex);
	if (xw_active && lookup_armed() &&
	    xw_lookup_mode == XW_LOOKUP_ON_DEMAND) {
		if (time_before(jiffies, due))
			queue_delayed_work(xw_system_wq, &xw_idle_work,
					   due - jiffies);
		else
			lookup_disarm();
	}
	mutex_unlock(&xw_cfg_mutex);
}

/**
 * xw_hooks_enable() - register the probes
 *
 * The check probe always; the lookup probes now with lookup_probes=1, at
 * the first rejection with 2, never with 0 (the parameter as it is now:
 * it applies from one enable to the next disable).  They are best effort:
 * without them events carry no policy and say they are not exact.  Called
 * with xw_cfg_mutex held.
 *
 * Return: 0, or the error registering the check probe.
 */
int xw_hooks_enable(void)
{
	int err;

	lockdep_assert_held(&xw_cfg_mutex);
	if (xw_active)
		return 0;
	WRITE_ONCE(xw_lookup_broken, false);
	WRITE_ONCE(xw_lookup_mode, READ_ONCE(xw_lookup_probes));
	if (xw_lookup_mode == XW_LOOKUP_ALWAYS)
		lookup_arm();
	probe_reset(&xw_probe_check);
	err = register_kretprobe(&xw_probe_check);
	if (err) {
		pr_err("xfrmwhy: cannot probe __xfrm_policy_check: %d\n", err);
		lookup_disarm();
		return err;
	}
	state_arm();
	xw_active = true;
	return 0;
}

/**
 * xw_hooks_disable() - unregister every probe and reset the per-CPU state
 *
 * All probes go in one unregister_kretprobes(), whose grace period also
 * waits for every check that was in flight (they run with BHs off); only
 * then is xw_cur cleared, on every CPU.  The idle timer is cancelled; an
 * arming work item already queued may still run, and does nothing once
 * xw_active is false (neither can be waited for here: they take
 * xw_cfg_mutex; xw_hooks_exit() waits).  Called with xw_cfg_mutex held.
 */
void xw_hooks_disable(void)
{
	struct kretprobe *rps[3];
	int n = 0, cpu;

	lockdep_assert_held(&xw_cfg_mutex);
	if (!xw_active)
		return;
	rps[n++] = &xw_probe_check;
	if (lookup_armed()) {
		/* Checks in flight stop being exact before a lookup goes. */
		atomic_inc(&xw_lookup_gen);
		/* Pairs with the text patching's own barriers on every CPU. */
		smp_mb__after_atomic();
		rps[n++] = &xw_probe_lookup;
		if (xw_sk_lookup_ok)
			rps[n++] = &xw_probe_sk_lookup;
	}
	unregister_kretprobes(rps, n);
	state_disarm();
	xw_sk_lookup_ok = false;
	xw_missed_total += probe_missed(&xw_probe_check);
	for_each_possible_cpu(cpu)
		per_cpu(xw_cur, cpu) = NULL;
	cancel_delayed_work(&xw_idle_work);
	xw_active = false;
}

/**
 * xw_hooks_idle_changed() - apply a new lookup_idle to armed probes now
 *
 * Takes xw_cfg_mutex: a parameter write may come while the module exits.
 */
void xw_hooks_idle_changed(void)
{
	mutex_lock(&xw_cfg_mutex);
	/* The work recomputes when the probes are due to go. */
	if (xw_active && delayed_work_pending(&xw_idle_work))
		mod_delayed_work(xw_system_wq, &xw_idle_work, 0);
	mutex_unlock(&xw_cfg_mutex);
}

/**
 * xw_hooks_exit() - wait for the arming work items; at module unload
 *
 * Called after xw_hooks_disable(), without xw_cfg_mutex (they take it).
 */
void xw_hooks_exit(void)
{
	cancel_work_sync(&xw_arm_work);
	cancel_delayed_work_sync(&xw_idle_work);
}

/**
 * xw_hooks_active() - are the probes registered?
 *
 * Return: true while capture is on somewhere.
 */
bool xw_hooks_active(void)
{
	return READ_ONCE(xw_active);
}

/**
 * xw_hooks_mode() - how events get their policy data
 *
 * Return: an enum xfrmwhy_hook_mode value: the lookup_probes parameter,
 * or approximate when the lookup cannot be probed on this kernel.
 */
u8 xw_hooks_mode(void)
{
	switch (xw_active ? xw_lookup_mode : READ_ONCE(xw_lookup_probes)) {
	case XW_LOOKUP_ALWAYS:
		return xw_lookup_broken ? XFRMWHY_HOOK_APPROXIMATE :
					  XFRMWHY_HOOK_EXACT;
	case XW_LOOKUP_ON_DEMAND:
		return xw_lookup_broken ? XFRMWHY_HOOK_APPROXIMATE :
					  XFRMWHY_HOOK_ON_DEMAND;
	default:
		return XFRMWHY_HOOK_APPROXIMATE;
	}
}

/**
 * xw_hooks_missed() - checks the kernel ran without our probe seeing them
 *
 * Every such check is a rejection, or an acceptance, that no event, lost
 * or filtered count can account for: status shows them so that a broken
 * accounting identity says why.
 *
 * Return: missed hits of the check probe (re-entry and instances) and of
 * the state stage's probes (re-entry) since load.
 */
u64 xw_hooks_missed(void)
{
	return xw_missed_total +
	       (xw_active ? probe_missed(&xw_probe_check) + state_missed() : 0);
}

/**
 * xw_features() - what this build and kernel support
 *
 * Return: mask of 1 << enum xfrmwhy_feature.
 */
u32 xw_features(void)
{
	u32 f = 0;

	if (lookup_armed())
		f |= 1u << XFRMWHY_FEATURE_LOOKUP_PROBE;
	if (lookup_armed() && xw_sk_lookup_ok)
		f |= 1u << XFRMWHY_FEATURE_SK_LOOKUP_PROBE;
#ifdef XFRMWHY_HAVE_VERIFIED_CNT
	f |= 1u << XFRMWHY_FEATURE_VERIFIED_CNT;
#endif
#ifdef CONFIG_XFRM_SUB_POLICY
	f |= 1u << XFRMWHY_FEATURE_SUB_POLICY;
#endif
	f |= 1u << XFRMWHY_FEATURE_POLICY_DEFAULT;
	if (READ_ONCE(xw_active) && xw_state_ok[0])
		f |= 1u << XFRMWHY_FEATURE_NO_STATE;
#ifdef XFRMWHY_HAVE_MCGRP_PERM
	f |= 1u << XFRMWHY_FEATURE_NOTIFY;
#endif
	return f;
}
