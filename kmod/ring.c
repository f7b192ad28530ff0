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
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/jiffies.h>
#include "xfrmwhy.h"

enum { XW_SLOT_FREE, XW_SLOT_FULL };

struct xw_slot {
	u8 state;
	struct xw_event ev;
};

struct xw_ring {
	/*
	 * Protects head, tail, notify and every slot's state and contents.
	 * The packet path only ever trylocks it (a busy ring loses the event,
	 * it never waits); readers take it with BHs off and hold it only to
	 * copy one event.
	 */
	spinlock_t lock;
	u64 head, tail;		/* free-running positions */
	u64 notify;		/* next position the notifier looks at */
	u32 size;
	struct xw_slot *slots;
	/* Rate limiting state, touched by this CPU's packet path only. */
	unsigned long rl_window;
	u32 rl_count;
};

static struct xw_ring __percpu *xw_rings;

static struct xw_slot *slot_at(struct xw_ring *r, u64 pos)
{
	return &r->slots[pos % r->size];
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

	rings = alloc_percpu(struct xw_ring);
	if (!rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct xw_ring *r = per_cpu_ptr(rings, cpu);

		spin_lock_init(&r->lock);
		r->size = size;
		/*
		 * vmalloc, page by page: kvmalloc() would round a 306 KiB
		 * ring up to a 512 KiB block, or to 2 MiB huge mappings.
		 */
		r->slots = vzalloc_node(array_size(size, sizeof(*r->slots)),
					cpu_to_node(cpu));
		if (!r->slots)
			goto fail;
	}
	xw_rings_free();
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
	int cpu;

	if (!xw_rings)
		return;
	for_each_possible_cpu(cpu)
		vfree(per_cpu_ptr(xw_rings, cpu)->slots);
	free_percpu(xw_rings);
	xw_rings = NULL;
}

/**
 * xw_ring_reserve() - claim the next slot of this CPU's ring
 * @cpu: the current CPU (the packet path cannot migrate)
 * @flags: saved interrupt state, to be handed to xw_ring_commit()
 *
 * Return: the event to fill, with the ring locked, or NULL when the ring
 * is full or busy (the caller counts a lost event).
 */
struct xw_event *xw_ring_reserve(int cpu, unsigned long *flags)
{
	struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);

	if (!spin_trylock_irqsave(&r->lock, *flags))
		return NULL;
	if (r->head - r->tail >= r->size) {
		spin_unlock_irqrestore(&r->lock, *flags);
		return NULL;
	}
	return &slot_at(r, r->head)->ev;
}

/**
 * xw_ring_commit() - publish (or abandon) the slot of xw_ring_reserve()
 * @cpu: the same CPU
 * @keep: false to leave the slot free
 * @flags: from xw_ring_reserve()
 */
void xw_ring_commit(int cpu, bool keep, unsigned long flags)
{
	struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);

	if (keep) {
		slot_at(r, r->head)->state = XW_SLOT_FULL;
		r->head++;
	}
	spin_unlock_irqrestore(&r->lock, flags);
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
}

/* The next full slot of the scan's namespace, from s->pos; lock held. */
static struct xw_slot *ring_find_locked(struct xw_ring *r,
					const struct xw_ring_scan *s, u64 *slot_pos)
{
	u64 pos;

	for (pos = max(s->pos, r->tail); pos < r->head; pos++) {
		struct xw_slot *sl = slot_at(r, pos);

		if (sl->state != XW_SLOT_FULL)
			continue;
		if (s->netns && sl->ev.netns != s->netns)
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
	if (pos >= r->tail && pos < r->head && sl->state == XW_SLOT_FULL &&
	    sl->ev.seq == seq) {
		sl->state = XW_SLOT_FREE;
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
	struct xw_ring_scan s = { .netns = 0 };
	bool found;

	spin_lock_bh(&r->lock);
	s.pos = r->notify;
	found = ring_next_locked(r, &s, out, slot_pos);
	if (s.pos > r->notify)
		r->notify = s.pos;
	spin_unlock_bh(&r->lock);
	return found;
}

/**
 * xw_ring_discard() - drop the buffered events of a namespace (0: all)
 * @netns: namespace inode number
 *
 * Return: how many were dropped.
 */
u32 xw_ring_discard(u32 netns)
{
	u32 n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);
		u64 pos;

		spin_lock_bh(&r->lock);
		for (pos = r->tail; pos < r->head; pos++) {
			struct xw_slot *sl = slot_at(r, pos);

			if (sl->state == XW_SLOT_FULL &&
			    (!netns || sl->ev.netns == netns)) {
				sl->state = XW_SLOT_FREE;
				n++;
			}
		}
		ring_reclaim(r);
		spin_unlock_bh(&r->lock);
	}
	return n;
}

/**
 * xw_ring_buffered() - events waiting in a CPU's ring
 * @cpu: whose ring
 * @netns: only this namespace's (0: all)
 *
 * Return: the count.
 */
u32 xw_ring_buffered(int cpu, u32 netns)
{
	struct xw_ring *r = per_cpu_ptr(xw_rings, cpu);
	u32 n = 0;
	u64 pos;

	spin_lock_bh(&r->lock);
	for (pos = r->tail; pos < r->head; pos++) {
		struct xw_slot *sl = slot_at(r, pos);

		if (sl->state == XW_SLOT_FULL && (!netns || sl->ev.netns == netns))
			n++;
	}
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
