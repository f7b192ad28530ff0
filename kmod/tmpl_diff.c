// SPDX-License-Identifier: GPL-2.0
/*
 * Template rules of the kernel's inbound policy check, restated to report
 * every disagreeing field instead of a bare yes/no.  The control flow is
 * kept in the kernel's shape on purpose: each branch here corresponds to
 * one in net/xfrm/xfrm_policy.c, so a reader can hold them side by side.
 */
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif
#include "tmpl_diff.h"

static bool addr_any(const struct xw_addr *a, u16 family)
{
	static const struct xw_addr zero;

	return !memcmp(a->b, zero.b, family == XW_AF_INET ? 4 : 16);
}

static bool addr_eq(const struct xw_addr *a, const struct xw_addr *b,
		    u16 family)
{
	return !memcmp(a->b, b->b, family == XW_AF_INET ? 4 : 16);
}

/*
 * xfrm_state_addr_cmp(): only the outer source is compared, and only when
 * the template names one.  An unknown family counts as different.
 */
static bool state_addr_differs(const struct xw_tmpl_info *t,
			       const struct xw_sa_info *x, u16 family)
{
	if (family != XW_AF_INET && family != XW_AF_INET6)
		return true;
	return !addr_any(&t->src, family) && !addr_eq(&t->src, &x->src, family);
}

static bool proto_is_ipsec(u8 proto)
{
	return proto == XW_PROTO_ESP || proto == XW_PROTO_AH ||
	       proto == XW_PROTO_COMP;
}

/**
 * xw_state_mismatch() - the fields in which an SA fails a template
 * @t: the template
 * @x: the SA
 * @family: family of the policy check
 * @if_id: if_id of the policy lookup (0: not an xfrm interface)
 *
 * Mirrors xfrm_state_ok(): returns 0 exactly when it would return true.
 *
 * Return: mask of 1 << enum xfrmwhy_mismatch.
 */
u32 xw_state_mismatch(const struct xw_tmpl_info *t, const struct xw_sa_info *x,
		      u16 family, u32 if_id)
{
	u32 mm = 0;

	if (x->kern) {
		if (!t->optional)
			mm |= 1u << XFRMWHY_MISMATCH_KERN;
		if (state_addr_differs(t, x, t->family))
			mm |= 1u << XFRMWHY_MISMATCH_TUNNEL_SRC;
		return mm;
	}
	if (x->proto != t->proto)
		mm |= 1u << XFRMWHY_MISMATCH_PROTO;
	if (t->spi && x->spi != t->spi)
		mm |= 1u << XFRMWHY_MISMATCH_SPI;
	if (t->reqid && x->reqid != t->reqid)
		mm |= 1u << XFRMWHY_MISMATCH_REQID;
	if (x->mode != t->mode)
		mm |= 1u << XFRMWHY_MISMATCH_MODE;
	/*
	 * The kernel tests (1 << aalgo) on an int: for aalgo >= 32 (null
	 * authentication is 251) the CPU's shift uses the count modulo 32
	 * (x86's and arm64's 32-bit shifts do), so that is the bit tested.
	 */
	if (!t->allalgs && !(t->aalgos & (1u << (x->aalgo & 31))) &&
	    proto_is_ipsec(t->proto))
		mm |= 1u << XFRMWHY_MISMATCH_ALGOS;
	if (x->mode != XW_MODE_TRANSPORT && state_addr_differs(t, x, family))
		mm |= 1u << XFRMWHY_MISMATCH_TUNNEL_SRC;
	if (if_id && if_id != x->if_id)
		mm |= 1u << XFRMWHY_MISMATCH_IF_ID;
	return mm;
}

/* Sort class of __xfrm6_tmpl_sort_cmp(); other families keep their order. */
static int tmpl6_class(const struct xw_tmpl_info *t, const struct xw_rules *r)
{
	switch (t->mode) {
	case XW_MODE_TRANSPORT:
		return 1;
	case XW_MODE_ROUTEOPTIMIZATION:
	case XW_MODE_IN_TRIGGER:
		return r->ipv6_mip6 ? 2 : 4;
	case XW_MODE_TUNNEL:
	case XW_MODE_BEET:
	case XW_MODE_IPTFS:	/* sorted with the tunnels since it exists */
		return 3;
	}
	return 4;
}

/*
 * xfrm_policy_ok() for template @ti starting at secpath index @start;
 * fills d->res[ti] and returns what the kernel's function returns.
 */
static int policy_ok(struct xw_diff *d, int ti, int start)
{
	const struct xw_tmpl_info *t = &d->tmpl[ti];
	struct xw_tmpl_result *r = &d->res[ti];
	int idx = start, last_tried = -1;
	u32 last_mm = 0, mm;

	r->evaluated = true;
	if (t->optional) {
		if (t->mode == XW_MODE_TRANSPORT)
			return start;
	} else {
		start = -1;
	}
	for (; idx < d->nsa; idx++) {
		const struct xw_sa_info *x = &d->sa[idx];

		mm = xw_state_mismatch(t, x, d->family, d->if_id);
		if (!mm) {
			r->compared = idx;
			return idx + 1;
		}
		if (x->mode != XW_MODE_TRANSPORT) {
			if (d->rules.verified_cnt && idx < d->verified_cnt)
				continue;
			if (start == -1) {
				/* This is the template that fails the check. */
				r->compared = idx;
				r->mismatch = mm;
				start = -2 - idx;
			}
			return start;
		}
		last_tried = idx;
		last_mm = mm;
	}
	if (start == -1) {
		/* Ran out of SAs: show the closest transport SA tried, if any. */
		r->compared = last_tried;
		r->mismatch = last_mm | 1u << XFRMWHY_MISMATCH_MISSING;
	}
	return start;
}

/**
 * xw_tmpl_diff() - evaluate templates against a secpath as the kernel does
 * @d: inputs filled in; outputs are written
 *
 * Templates are walked from the last to the first, as in
 * __xfrm_policy_check(); the one that fails carries the mismatch mask and
 * templates the kernel never reached stay unevaluated.  When every template
 * passes, a tunnel-mode SA past the last match is the "extra" SA that
 * secpath_has_nontransport() rejects.  Whether the kernel compared the
 * templates at all is the caller's to know (the counter that moved).
 */
void xw_tmpl_diff(struct xw_diff *d)
{
	int order[XW_MAX_DEPTH];
	int i, k, n = 0;

	for (i = 0; i < XW_MAX_DEPTH; i++) {
		d->res[i].compared = -1;
		d->res[i].evaluated = false;
		d->res[i].mismatch = 0;
	}
	d->extra = -1;
	d->failed = -1;
	d->accept = false;
	if (d->ntmpl > XW_MAX_DEPTH || d->nsa > XW_MAX_DEPTH)
		return;

	/* xfrm_tmpl_sort(): only with sub-policies, a stable sort by class. */
	if (d->npols > 1 && d->family == XW_AF_INET6) {
		int c;

		for (c = 1; c <= 4; c++)
			for (i = 0; i < d->ntmpl; i++)
				if (tmpl6_class(&d->tmpl[i], &d->rules) == c)
					order[n++] = i;
	} else {
		for (i = 0; i < d->ntmpl; i++)
			order[n++] = i;
	}

	for (i = n - 1, k = 0; i >= 0; i--) {
		k = policy_ok(d, order[i], k);
		if (k < 0) {
			d->failed = order[i];
			return;
		}
	}
	for (; k < d->nsa; k++) {
		if (d->sa[k].mode != XW_MODE_TRANSPORT) {
			d->extra = k;
			return;
		}
	}
	d->accept = true;
}
