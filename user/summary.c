// SPDX-License-Identifier: GPL-2.0
/* Grouping of events for "xfrmwhy summary". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

const struct xw_sa *xw_summary_sa(const struct xw_event *ev)
{
	int ti = xw_event_failing_tmpl(ev);
	const struct xw_sa *sa = NULL;

	if (ti >= 0)
		sa = xw_event_compared_sa(ev, &ev->tmpl[ti]);
	if (!sa && ev->nsa > 0)
		sa = &ev->sa[ev->nsa - 1];
	return sa;
}

static bool same_group(const struct xw_group *g, const struct xw_event *ev,
		       const struct xw_sa *sa)
{
	if (g->reason != ev->reason || g->has_policy != ev->policy.present ||
	    g->has_sa != (sa != NULL))
		return false;
	if (g->has_policy && g->policy_index != ev->policy.index)
		return false;
	if (sa && (g->spi != sa->spi || g->reqid != sa->reqid))
		return false;
	return true;
}

int xw_summary_add(struct xw_summary *s, const struct xw_event *ev,
		   const char *explanation)
{
	const struct xw_sa *sa = xw_summary_sa(ev);
	struct xw_group *g;
	size_t i;

	for (i = 0; i < s->n; i++) {
		g = &s->g[i];
		if (!same_group(g, ev, sa))
			continue;
		g->count++;
		if (ev->time_ns < g->first_ns)
			g->first_ns = ev->time_ns;
		if (ev->time_ns > g->last_ns)
			g->last_ns = ev->time_ns;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct xw_group *ng = realloc(s->g, cap * sizeof(*ng));

		if (!ng)
			return -ENOMEM;
		s->g = ng;
		s->cap = cap;
	}
	g = &s->g[s->n++];
	memset(g, 0, sizeof(*g));
	g->reason = ev->reason;
	g->has_policy = ev->policy.present;
	g->policy_index = ev->policy.index;
	g->has_sa = sa != NULL;
	if (sa) {
		g->spi = sa->spi;
		g->reqid = sa->reqid;
	}
	g->count = 1;
	g->first_ns = g->last_ns = ev->time_ns;
	snprintf(g->explanation, sizeof(g->explanation), "%s",
		 explanation ? explanation : "");
	return 0;
}

static int cmp_group(const void *a, const void *b)
{
	const struct xw_group *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return 0;
}

void xw_summary_sort(struct xw_summary *s)
{
	if (s->n > 1)
		qsort(s->g, s->n, sizeof(*s->g), cmp_group);
}

void xw_summary_free(struct xw_summary *s)
{
	free(s->g);
	memset(s, 0, sizeof(*s));
}
