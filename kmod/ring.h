/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-CPU event rings (ring.c): the packet path reserves, fills and
 * commits a slot; process-context readers scan, copy and consume.  Whom
 * to tell of a commit is set from above (xw_ring_set_consumer()), so the
 * ring calls nothing higher than itself.
 */
#ifndef _XFRMWHY_RING_H
#define _XFRMWHY_RING_H

#include <linux/types.h>
#include "event.h"

struct net;
struct xw_net;

/* A reader's cursor over one CPU's ring. */
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
void xw_ring_orphan(struct xw_net *xn);
u32 xw_ring_buffered(int cpu, const struct xw_net *owner);
bool xw_ring_next_notify(int cpu, struct xw_event *out, u64 *slot_pos);
bool xw_ratelimit_ok(int cpu);

#endif /* _XFRMWHY_RING_H */
