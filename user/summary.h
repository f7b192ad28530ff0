/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "xfrmwhy summary": events grouped by (reason, policy, SA), so that a
 * flood of one problem reads as one line with a count.
 */
#ifndef XFRMWHY_SUMMARY_H
#define XFRMWHY_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "explain.h"

struct xw_group {
	uint8_t reason;
	bool has_policy;
	uint32_t policy_index;
	bool has_sa;
	uint32_t spi, reqid;	/* the SA the failing template was compared with */
	uint64_t count, first_ns, last_ns;
	char explanation[XW_EXPLAIN_MAX];	/* of the first event seen */
};

struct xw_summary {
	struct xw_group *g;
	size_t n, cap;
};

/* The SA an event is grouped under: compared SA, else innermost, or NULL. */
const struct xw_sa *xw_summary_sa(const struct xw_event *ev);

/* Count ev in its group; explanation is used for a new group only. */
int xw_summary_add(struct xw_summary *s, const struct xw_event *ev,
		   const char *explanation);
/* Most frequent first, then by first seen. */
void xw_summary_sort(struct xw_summary *s);
void xw_summary_free(struct xw_summary *s);

#endif
