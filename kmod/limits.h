/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's fixed numbers that the documentation quotes.  The one-line
 * comment above each define is its row in the admin guide's table of
 * limits, which scripts/doc-tables renders (make doc-tables) and doc-check
 * compares: the prose refers to that table instead of repeating them.
 */
#ifndef _XFRMWHY_LIMITS_H
#define _XFRMWHY_LIMITS_H

/* kretprobe instances per probe (checks or lookups in flight), at least */
#define XW_PROBE_INSTANCES_MIN		64
/* kretprobe instances per probe and possible CPU, when that is more */
#define XW_PROBE_INSTANCES_PER_CPU	8
/* ms from an event to the multicast run that sends it (bursts batch) */
#define XW_NOTIFY_DELAY_MS		5
/* events one multicast run sends at most; the next goes on a jiffy later */
#define XW_NOTIFY_BUDGET		1024

#endif /* _XFRMWHY_LIMITS_H */
