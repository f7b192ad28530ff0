/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Correlation with the current SAD: when a template names a reqid (or an
 * SPI) that the packet's SA did not have, is there an SA that would have
 * matched, and is it being used?  The lookup (NETLINK_XFRM) lives here; the
 * result is handed to the pure explain() as plain data.
 */
#ifndef XFRMWHY_SAD_H
#define XFRMWHY_SAD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "event.h"

/* One SA of the SAD, as much of it as the correlation needs. */
struct xw_sad_entry {
	uint32_t spi;
	uint8_t proto;
	uint32_t reqid;
	uint8_t mode;
	struct xw_addr src, dst;
	uint64_t bytes, packets;
};

/* A snapshot of the SAD of the caller's netns. */
struct xw_sad {
	struct xw_sad_entry *e;
	size_t n, cap;
	bool ok;		/* the dump worked (root, same netns) */
	time_t taken;		/* when, for refreshing while watching */
};

/* What explain() says about the SAD; looked_up false = say nothing. */
struct xw_sad_match {
	bool looked_up;
	bool found;
	uint32_t want_spi, want_reqid;	/* what the template asked for */
	struct xw_addr peer;		/* outer source we looked for */
	struct xw_sad_entry sa;		/* the SA found */
	bool has_using_spi;
	uint32_t using_spi;		/* the SA the peer used instead */
};

/*
 * Dump the SAD (XFRM_MSG_GETSA) into sad.  Returns 0, or a negative error
 * when the SAD cannot be read (no CAP_NET_ADMIN...): callers then omit the
 * correlation, nothing else.
 */
int xw_sad_load(struct xw_sad *sad);
void xw_sad_free(struct xw_sad *sad);
int xw_sad_add(struct xw_sad *sad, const struct xw_sad_entry *e);

/*
 * Fill m for ev from the snapshot (pure: no I/O).  m->looked_up stays false
 * when the event has no failing template naming a reqid or SPI, or when the
 * snapshot is not usable.
 */
void xw_sad_correlate(const struct xw_sad *sad, const struct xw_event *ev,
		      struct xw_sad_match *m);

#endif
