// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU event rings.
 *
 * The packet path writes into the ring of the CPU it runs on; readers
 * (netlink dumps, the notifier) run in process context on any CPU.  A full
 * ring drops the *new* event and counts it, so what is buffered is always
 * the oldest unread history, and a reader never races a writer over a slot:
 * writers only touch free slots at head, readers only full slots before it.
 *
 * Slots are consumed out of order (a namespace drains only its own events),
 * so each slot carries a state, and tail advances over consumed slots.
 *
 * The packet path holds the lock only to claim a slot: it fills the slot
 * (RESERVED) with the lock dropped and publishes it (FULL) with a release
 * store, so interrupts stay off for a few instructions, not for the copy
 * of a whole event.  Readers only look at FULL slots; tail never passes a
 * RESERVED one.
 *
 * Each slot is charged to the namespace of its event (xw_net.held, per
 * CPU), and, once that namespace is gone, to xw_gone: its events stay
 * until read, marked, and only readers of every namespace see them.
 * Namespaces owned by a user namespace other than the initial one can be
 * flooded at will by unprivileged users, so each of them may hold
 * at most XW_SHARE_NETNS of a ring and all of them together at most
 * XW_SHARE_GUESTS: what they cannot take stays free for the others.
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/jiffies.h>
#include "config.h"
#include "event.h"
#include "ring.h"

enum { XW_SLOT_FREE, XW_SLOT_RESERVED, XW_SLOT_FULL };

/* Shares of a ring, as divisors of its size. */
#define XW_SHARE_NETNS	4	/* one guest namespace: a quarter */
#define XW_SHARE_GUESTS	2	/* all guest namespaces: a half */

struct xw_slot {
	u8 state;
	bool guest;		/* charged to guest_used too */
	struct xw_net *owner;	/* charged to owner->held; outlives the slot */
	/*
	 * The event's namespace, to tell whether it is being dismantled:
	 * valid while owner is not xw_gone, since its exit moves the slot
	 * to xw_gone (under the ring lock) before the net is freed.
	 */
	struct net *net;
	struct xw_event ev;
};

struct xw_ring {
	/*
	 * Protects head, tail, notify, used, guest_used, every slot's state
	 * except the RESERVED -> FULL store of its writer, the contents of
	 * FULL slots, and this CPU's entry of every xw_net.held.  The packet
	 * path only ever trylocks it (a busy ring loses the event, it never
	 * waits); readers take it with BHs off and hold it only to copy one
	 * event.
	 */
	spinlock_t lock;
	u64 head, tail;		/* free-running positions */
	u64 notify;		/* next position the notifier looks at */
	u32 size;
	u32 used;		/* RESERVED and FULL slots */
	u32 guest_used;		/* of those, charged to guest namespaces */
	struct xw_slot *slots;
	/* Rate limiting state, touched by this CPU's packet path only. */
	unsigned long rl_window;
	u32 rl_count;
};

static struct xw_ring __percpu *xw_rings;
/* The owner of the events of namespaces that no longer exist. */
static struct xw_net xw_gone;
static atomic64_t xw_seq = ATOMIC64_INIT(0);
/* Told of every commit: the notifier.  The ring does not know netlink. */
static void (__rcu *xw_committed)(struct net *net);

static struct xw_slot *slot_at(struct xw_ring *r, u64 pos)
{
	return &r->slots[pos % r->size];
}

static void rings_release(void)
{
	int cpu;

	if (!xw_rings)
		return;
	for_each_possible_cpu(cpu)
		vfree(per_cpu_ptr(xw_rings, cpu)->slots);
	free_percpu(xw_rings);
	xw_rings = NULL;
}

/**
 * xw_rings_alloc() - (re)allocate every CPU's ring
 * @size: events per CPU
 *
 * Called with capture off and xw_cfg_mutex held; buffered events are
 * discarded.
 *
 * Return: 0 or -ENOMEM (the old rings then stay).
 */
int xw_rings_alloc(unsigned int size)
{
	struct xw_ring __percpu *rings;
	int cpu;

	if (!xw_gone.held) {
		xw_gone.held = alloc_percpu(u32);
		if (!xw_gone.held)
			return -ENOMEM;
	}
	rings = alloc_percpu(struct xw_ring);
	if (!rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct xw_ring *r = per_cpu_ptr(rings, cpu);

		spin_lock_init(&r->lock);
		r->size = size;
		/*
		 * vmalloc, page by page: kvmalloc() would round a 310 KiB
		 * ring up to a 512 KiB block, or to 2 MiB huge mappings.
		 */
		r->slots = vzalloc_node(array_size(size, sizeof(*r->slots)),
					cpu_to_node(cpu));
		if (!r->slots)
			goto fail;
	}
	/* Uncharge the namespaces for the events the old rings held. */
	if (xw_rings)
		xw_ring_discard(0);
	rings_release();
	xw_rings = rings;
	return 0;
fail:
	for_each_possible_cpu(cpu)
		vfree(per_cpu_ptr(rings, cpu)->slots);
	free_percpu(rings);
	return -ENOMEM;
}

/**
 * xw_rings_free() - free every ring; capture must be off and no reader left
 */
void xw_rings_free(void)
{
	rings_release();
	free_percpu(xw_gone.held);
	xw_gone.held = NULL;
}

/**
 * xw_ring_reserve() - claim the next slot of this CPU's ring
 * @cpu: the current CPU (the packet path cannot migrate)
 * @owner: the event's namespace, charged for the slot until it is freed
 * @guest: @owner is a guest namespace, held to its share of the ring
 * @pos: set to the slot's position, for xw_ring_commit()
 *
 * The slot is the caller's alone until xw_ring_commit(); nothing else
 * reads or frees it.
 *
 * Return: the event to fill, or NULL when the ring is full, busy, or the
 * namespace has used its share (the caller counts a lost event).
 */
struct xw_event *xw_ring_reserve(int cpu, struct xw_net *owner, bool guest,
				 u64 *pos)
{
	struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);
	u32 *held = per_cpu_ptr(owner->held, cpu);
	struct xw_slot *sl = NULL;
	unsigned long flags;

	if (!spin_trylock_irqsave(&r->lock, flags))
		return NULL;
	if (r->head - r->tail >= r->size)
		goto out;
	if (guest && (*held >= r->size / XW_SHARE_NETNS ||
		      r->guest_used >= r->size / XW_SHARE_GUESTS))
		goto out;
	*pos = r->head++;
	sl = slot_at(r, *pos);
	sl->state = XW_SLOT_RESERVED;
	sl->owner = owner;
	sl->guest = guest;
	(*held)++;
	r->used++;
	if (guest)
		r->guest_used++;
out:
	spin_unlock_irqrestore(&r->lock, flags);
	return sl ? &sl->ev : NULL;
}

/**
 * xw_ring_set_consumer() - whom to tell of each committed event
 * @committed: called from the packet path, with the event's namespace;
 *	it must not sleep or wait.  NULL to stop.
 *
 * After it returns with NULL, no call to the old one is running.
 */
void xw_ring_set_consumer(void (*committed)(struct net *net))
{
	rcu_assign_pointer(xw_committed, committed);
	if (!committed)
		synchronize_rcu();
}

/**
 * xw_ring_commit() - publish the slot of xw_ring_reserve()
 * @cpu: the same CPU
 * @pos: from xw_ring_reserve()
 * @net: the event's namespace, for the consumer
 *
 * Numbers the event: sequence numbers follow the order of commits.
 */
void xw_ring_commit(int cpu, u64 pos, struct net *net)
{
	struct xw_slot *sl = slot_at(per_cpu_ptr(xw_rings, cpu), pos);
	void (*committed)(struct net *net);

	sl->net = net;
	sl->ev.seq = atomic64_inc_return(&xw_seq);
	/* Pairs with the acquire in slot_full(): readers see a whole event. */
	smp_store_release(&sl->state, XW_SLOT_FULL);
	rcu_read_lock();
	committed = rcu_dereference(xw_committed);
	if (committed)
		committed(net);
	rcu_read_unlock();
}

/**
 * xw_ring_seq_now() - the sequence number of the latest committed event
 *
 * Return: it, or 0 before the first.
 */
u64 xw_ring_seq_now(void)
{
	return atomic64_read(&xw_seq);
}

static bool slot_full(const struct xw_slot *sl)
{
	/* Pairs with xw_ring_commit()'s release: the event is whole. */
	return smp_load_acquire(&sl->state) == XW_SLOT_FULL;
}

/*
 * The event's namespace is gone, or on its way: its last reference is
 * dropped (a deleted namespace's exit runs later, from a work item).
 * Lock held, slot full.
 */
static bool slot_gone(const struct xw_slot *sl)
{
	return sl->owner == &xw_gone || !check_net(sl->net);
}

/* Free a FULL slot and uncharge it; lock held. */
static void slot_free(struct xw_ring *r, struct xw_slot *sl, int cpu)
{
	sl->state = XW_SLOT_FREE;
	(*per_cpu_ptr(sl->owner->held, cpu))--;
	r->used--;
	if (sl->guest)
		r->guest_used--;
}

/* Advance tail over consumed slots; lock held. */
static void ring_reclaim(struct xw_ring *r)
{
	while (r->tail != r->head && slot_at(r, r->tail)->state == XW_SLOT_FREE)
		r->tail++;
	if (r->notify < r->tail)
		r->notify = r->tail;
}

/* Copy what an event holds: its fixed part and the entries it counts. */
static void event_copy(struct xw_event *dst, const struct xw_event *src)
{
	memcpy(dst, src, offsetof(struct xw_event, sa));
	memcpy(dst->sa, src->sa,
	       min_t(int, src->nsa, XW_MAX_DEPTH) * sizeof(src->sa[0]));
	memcpy(dst->pol, src->pol,
	       min_t(int, src->npols, 2) * sizeof(src->pol[0]));
	memcpy(dst->tmpl, src->tmpl,
	       min_t(int, src->ntmpl, XW_MAX_DEPTH) * sizeof(src->tmpl[0]));
	memcpy(dst->res, src->res, sizeof(src->res));
	memcpy(dst->lookup, src->lookup,
	       min_t(int, src->nlookup, XFRMWHY_MAX_LOOKUPS) *
	       sizeof(src->lookup[0]));
}

/* The next full slot of the scan's namespace, from s->pos; lock held. */
static struct xw_slot *ring_find_locked(struct xw_ring *r,
					const struct xw_ring_scan *s, u64 *slot_pos)
{
	u64 pos;

	for (pos = max(s->pos, r->tail); pos < r->head; pos++) {
		struct xw_slot *sl = slot_at(r, pos);

		if (!slot_full(sl))
			continue;
		/* A gone namespace's inode may be another one's now. */
		if (s->netns && (sl->ev.netns != s->netns || slot_gone(sl)))
			continue;
		if (sl->ev.seq > s->stop)
			continue;
		*slot_pos = pos;
		return sl;
	}
	*slot_pos = pos;
	return NULL;
}

/* The scan of xw_ring_next(); ring lock held. */
static bool ring_next_locked(struct xw_ring *r, struct xw_ring_scan *s,
			     struct xw_event *out, u64 *slot_pos)
{
	struct xw_slot *sl = ring_find_locked(r, s, slot_pos);

	if (!sl) {
		s->pos = *slot_pos;
		return false;
	}
	event_copy(out, &sl->ev);
	out->netns_gone = slot_gone(sl);
	s->pos = *slot_pos + 1;
	return true;
}

/**
 * xw_ring_peek() - the sequence number of the event xw_ring_next() would copy
 * @cpu: whose ring
 * @s: scan cursor, moved up to that event (slots before it cannot become
 *     readable again: positions are never reused)
 * @seq: set to the event's sequence number
 *
 * Return: true if there is such an event.
 */
bool xw_ring_peek(int cpu, struct xw_ring_scan *s, u64 *seq)
{
	struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);
	struct xw_slot *sl;
	u64 pos;

	spin_lock_bh(&r->lock);
	sl = ring_find_locked(r, s, &pos);
	if (sl)
		*seq = sl->ev.seq;
	s->pos = pos;
	spin_unlock_bh(&r->lock);
	return sl;
}

/**
 * xw_ring_next() - copy the next buffered event of a namespace
 * @cpu: whose ring
 * @s: scan cursor; s->pos is advanced past the event returned
 * @out: where to copy the event
 * @slot_pos: set to the event's ring position, for xw_ring_consume()
 *
 * Return: true when an event was copied.
 */
bool xw_ring_next(int cpu, struct xw_ring_scan *s, struct xw_event *out,
		  u64 *slot_pos)
{
	struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);
	bool found;

	spin_lock_bh(&r->lock);
	found = ring_next_locked(r, s, out, slot_pos);
	spin_unlock_bh(&r->lock);
	return found;
}

/**
 * xw_ring_consume() - free the slot an event was read from
 * @cpu: whose ring
 * @pos: the slot's position from xw_ring_next()
 * @seq: the event's sequence number, to be sure the slot was not reused
 */
void xw_ring_consume(int cpu, u64 pos, u64 seq)
{
	struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);
	struct xw_slot *sl;

	spin_lock_bh(&r->lock);
	sl = slot_at(r, pos);
	if (pos >= r->tail && pos < r->head && slot_full(sl) &&
	    sl->ev.seq == seq) {
		slot_free(r, sl, cpu);
		ring_reclaim(r);
	}
	spin_unlock_bh(&r->lock);
}

/**
 * xw_ring_next_notify() - the next event the notifier has not looked at
 * @cpu: whose ring
 * @out: where to copy it
 * @slot_pos: its position
 *
 * Return: true when an event was copied; the notify cursor moves past it.
 */
bool xw_ring_next_notify(int cpu, struct xw_event *out, u64 *slot_pos)
{
	struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);
	struct xw_ring_scan s = { .netns = 0, .stop = U64_MAX };
	bool found;

	spin_lock_bh(&r->lock);
	s.pos = r->notify;
	found = ring_next_locked(r, &s, out, slot_pos);
	if (s.pos > r->notify)
		r->notify = s.pos;
	spin_unlock_bh(&r->lock);
	return found;
}

/*
 * Call fn on every full slot of every ring, each ring under its lock
 * (BHs off), then let tail pass the slots fn freed.
 *
 * Return: how many calls returned true.
 */
static u32 rings_walk(bool (*fn)(struct xw_ring *r, struct xw_slot *sl,
				 int cpu, const void *arg), const void *arg)
{
	u32 n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);
		u64 pos;

		spin_lock_bh(&r->lock);
		for (pos = r->tail; pos < r->head; pos++) {
			struct xw_slot *sl = slot_at(r, pos);

			if (slot_full(sl) && fn(r, sl, cpu, arg))
				n++;
		}
		ring_reclaim(r);
		spin_unlock_bh(&r->lock);
	}
	return n;
}

static bool discard_slot(struct xw_ring *r, struct xw_slot *sl, int cpu,
			 const void *arg)
{
	u32 netns = *(const u32 *)arg;

	if (netns && (sl->ev.netns != netns || slot_gone(sl)))
		return false;
	slot_free(r, sl, cpu);
	return true;
}

/**
 * xw_ring_discard() - drop the buffered events of a namespace (0: all)
 * @netns: namespace inode number; only 0 drops those of gone namespaces
 *
 * Return: how many were dropped.
 */
u32 xw_ring_discard(u32 netns)
{
	return rings_walk(discard_slot, &netns);
}

static bool orphan_slot(struct xw_ring *r, struct xw_slot *sl, int cpu,
			const void *arg)
{
	const struct xw_net *xn = arg;

	if (sl->owner != xn)
		return false;
	sl->owner = &xw_gone;
	(*per_cpu_ptr(xn->held, cpu))--;
	(*per_cpu_ptr(xw_gone.held, cpu))++;
	return true;
}

/**
 * xw_ring_orphan() - keep a namespace's events after it is gone
 * @xn: the namespace, about to be freed
 *
 * Its full slots are charged to xw_gone, which makes them read as gone
 * (slot_gone()).  None of its slots can be RESERVED: no packet of a
 * namespace being dismantled is still in the policy check.  A guest's
 * slots stay in the guests' share until read.
 */
void xw_ring_orphan(struct xw_net *xn)
{
	rings_walk(orphan_slot, xn);
}

/**
 * xw_ring_buffered() - events waiting in a CPU's ring
 * @cpu: whose ring
 * @owner: only this namespace's (NULL: all)
 *
 * Counted as slots are claimed and freed, so status never walks a ring
 * under the lock the packet path wants.
 *
 * Return: the count.
 */
u32 xw_ring_buffered(int cpu, const struct xw_net *owner)
{
	struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);
	u32 n;

	spin_lock_bh(&r->lock);
	n = owner ? *per_cpu_ptr(owner->held, cpu) : r->used;
	spin_unlock_bh(&r->lock);
	return n;
}

/**
 * xw_ratelimit_ok() - may this CPU record another event this second?
 * @cpu: the current CPU, from the packet path
 *
 * Return: true when under the limit (or no limit is set).
 */
bool xw_ratelimit_ok(int cpu)
{
	struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);
	u32 limit = READ_ONCE(xw_rate_limit);

	if (!limit)
		return true;
	if (time_after(jiffies, r->rl_window + HZ)) {
		r->rl_window = jiffies;
		r->rl_count = 0;
	}
	return r->rl_count++ < limit;
}
