// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of tmpl_diff.c, the module's restatement of the kernel's
 * inbound template rules.  Each case names the branch of xfrm_state_ok(),
 * xfrm_policy_ok() or secpath_has_nontransport() it exercises and asserts
 * the whole outcome: verdict, per-template SA index and mismatch mask.
 */
#include <stdio.h>
#include <string.h>
#include "../tmpl_diff.h"

#define M(x) (1u << XFRMWHY_MISMATCH_##x)

static int n, failed;

static struct xw_addr a4(int a, int b, int c, int d)
{
	struct xw_addr r = { { a, b, c, d } };

	return r;
}

static struct xw_sa_info sa(u32 spi, u32 reqid, u8 mode)
{
	struct xw_sa_info x = {
		.spi = spi, .reqid = reqid, .proto = XW_PROTO_ESP, .mode = mode,
		.family = XW_AF_INET, .aalgo = 5,
		.src = a4(192, 0, 2, 2), .dst = a4(192, 0, 2, 1),
	};
	return x;
}

static struct xw_tmpl_info tmpl(u32 spi, u32 reqid, u8 mode)
{
	struct xw_tmpl_info t = {
		.spi = spi, .reqid = reqid, .proto = XW_PROTO_ESP, .mode = mode,
		.family = XW_AF_INET, .aalgos = ~0u, .allalgs = true,
		.src = a4(192, 0, 2, 2), .dst = a4(192, 0, 2, 1),
	};
	return t;
}

struct want {
	bool accept;
	int extra;
	int ntmpl;
	s8 compared[XW_MAX_DEPTH];
	u32 mismatch[XW_MAX_DEPTH];
	bool evaluated[XW_MAX_DEPTH];
};

static void check(const char *name, struct xw_diff *d, const struct want *w)
{
	int i, bad = 0, want_failed;

	xw_tmpl_diff(d);
	n++;
	if (d->accept != w->accept) {
		printf("# %s: accept %d, want %d\n", name, d->accept, w->accept);
		bad = 1;
	}
	if (d->extra != w->extra) {
		printf("# %s: extra %d, want %d\n", name, d->extra, w->extra);
		bad = 1;
	}
	/* The failing template is the one that carries mismatch bits. */
	want_failed = -1;
	for (i = 0; i < w->ntmpl; i++)
		if (w->mismatch[i])
			want_failed = i;
	if (d->failed != want_failed) {
		printf("# %s: failed template %d, want %d\n", name, d->failed, want_failed);
		bad = 1;
	}
	for (i = 0; i < w->ntmpl; i++) {
		const struct xw_tmpl_result *r = &d->res[i];

		if (r->compared != w->compared[i] || r->mismatch != w->mismatch[i] ||
		    r->evaluated != w->evaluated[i]) {
			printf("# %s: template %d: compared %d mismatch 0x%x evaluated %d, want %d 0x%x %d\n",
			       name, i, r->compared, r->mismatch, r->evaluated,
			       w->compared[i], w->mismatch[i], w->evaluated[i]);
			bad = 1;
		}
	}
	printf("%sok %d - %s\n", bad ? "not " : "", n, name);
	failed += bad;
}

/* One template, one SA: the field-by-field cases of xfrm_state_ok(). */
static void one(const char *name, struct xw_tmpl_info t, struct xw_sa_info x,
		u32 if_id, bool accept, u32 mm)
{
	struct xw_diff d = { .sa = &x, .nsa = 1, .tmpl = &t, .ntmpl = 1,
			     .npols = 1, .family = XW_AF_INET, .if_id = if_id };
	struct want w = { .accept = accept, .extra = -1, .ntmpl = 1,
			  .compared = { accept || mm ? 0 : -1 }, .mismatch = { mm },
			  .evaluated = { true } };

	check(name, &d, &w);
}

int main(void)
{
	struct xw_tmpl_info t, tv[XW_MAX_DEPTH];
	struct xw_sa_info x, xv[XW_MAX_DEPTH];
	struct xw_diff d;
	struct want w;

	printf("TAP version 13\n");

	/* The seed: the SA of tunnel 2 checked against tunnel 1's template. */
	one("seed: reqid 16389 against a template requiring 16385",
	    tmpl(0, 16385, XW_MODE_TUNNEL), sa(0x9ce44e77, 16389, XW_MODE_TUNNEL),
	    0, false, M(REQID));
	one("matching SA is accepted", tmpl(0, 16385, XW_MODE_TUNNEL),
	    sa(0x11111111, 16385, XW_MODE_TUNNEL), 0, true, 0);
	one("reqid 0 in the template is a wildcard", tmpl(0, 0, XW_MODE_TUNNEL),
	    sa(0x1, 7, XW_MODE_TUNNEL), 0, true, 0);
	one("spi differs", tmpl(0x1000, 0, XW_MODE_TUNNEL),
	    sa(0x2000, 1, XW_MODE_TUNNEL), 0, false, M(SPI));
	one("spi 0 in the template is a wildcard", tmpl(0, 1, XW_MODE_TUNNEL),
	    sa(0x2000, 1, XW_MODE_TUNNEL), 0, true, 0);
	t = tmpl(0, 1, XW_MODE_TUNNEL);
	t.proto = XW_PROTO_AH;
	one("proto: AH template, ESP SA", t, sa(0x1, 1, XW_MODE_TUNNEL), 0,
	    false, M(PROTO));
	one("mode: transport SA, tunnel template", tmpl(0, 1, XW_MODE_TUNNEL),
	    sa(0x1, 1, XW_MODE_TRANSPORT), 0, false, M(MODE) | M(MISSING));
	x = sa(0x1, 1, XW_MODE_TUNNEL);
	x.src = a4(198, 51, 100, 7);
	one("tunnel src differs", tmpl(0, 1, XW_MODE_TUNNEL), x, 0, false,
	    M(TUNNEL_SRC));
	t = tmpl(0, 1, XW_MODE_TUNNEL);
	t.src = a4(0, 0, 0, 0);
	one("template without tunnel src matches any", t, x, 0, true, 0);
	x = sa(0x1, 1, XW_MODE_TUNNEL);
	x.dst = a4(198, 51, 100, 9);
	one("tunnel dst is not compared on input", tmpl(0, 1, XW_MODE_TUNNEL), x,
	    0, true, 0);
	x = sa(0x1, 1, XW_MODE_TRANSPORT);
	x.src = a4(198, 51, 100, 7);
	one("transport SA: addresses not compared",
	    tmpl(0, 1, XW_MODE_TRANSPORT), x, 0, true, 0);
	t = tmpl(0, 1, XW_MODE_TUNNEL);
	t.allalgs = false;
	t.aalgos = 1u << 2;
	one("auth algorithm outside the template's mask", t,
	    sa(0x1, 1, XW_MODE_TUNNEL), 0, false, M(ALGOS));
	t.aalgos = 1u << 5;
	one("auth algorithm inside the template's mask", t,
	    sa(0x1, 1, XW_MODE_TUNNEL), 0, true, 0);
	/* Null authentication (SADB_X_AALG_NULL 251): the kernel's shift tests bit 27. */
	x = sa(0x1, 1, XW_MODE_TUNNEL);
	x.aalgo = 251;
	t.aalgos = 1u << 27;
	one("auth algorithm 251 against a mask with bit 251 % 32", t, x, 0, true, 0);
	t.aalgos = ~(1u << 27);
	one("auth algorithm 251 against a mask without bit 251 % 32", t, x, 0,
	    false, M(ALGOS));
	x = sa(0x1, 1, XW_MODE_TUNNEL);
	x.if_id = 6;
	one("if_id of the lookup differs from the SA's", tmpl(0, 1, XW_MODE_TUNNEL),
	    x, 5, false, M(IF_ID));
	one("lookup if_id 0 ignores the SA's if_id", tmpl(0, 1, XW_MODE_TUNNEL),
	    x, 0, true, 0);
	x = sa(0x1, 1, XW_MODE_TUNNEL);
	x.kern = true;
	one("kernel tunnel state needs an optional template",
	    tmpl(0, 1, XW_MODE_TUNNEL), x, 0, false, M(KERN));
	t = tmpl(0, 1, XW_MODE_TUNNEL);
	t.optional = true;
	one("kernel tunnel state with an optional template", t, x, 0, true, 0);
	t = tmpl(0, 1, XW_MODE_TUNNEL);
	t.proto = XW_PROTO_AH;
	one("every differing field is reported", t,
	    sa(0x1, 2, XW_MODE_TUNNEL), 0, false, M(PROTO) | M(REQID));

	/* No SA at all: a required template is missing. */
	t = tmpl(0, 1, XW_MODE_TUNNEL);
	d = (struct xw_diff){ .tmpl = &t, .ntmpl = 1, .npols = 1,
			      .family = XW_AF_INET };
	w = (struct want){ .accept = false, .extra = -1, .ntmpl = 1,
			   .compared = { -1 }, .mismatch = { M(MISSING) },
			   .evaluated = { true } };
	check("required template without any SA", &d, &w);

	/* Optional transport template: skipped without looking. */
	t = tmpl(0, 1, XW_MODE_TRANSPORT);
	t.optional = true;
	d = (struct xw_diff){ .tmpl = &t, .ntmpl = 1, .npols = 1,
			      .family = XW_AF_INET };
	w = (struct want){ .accept = true, .extra = -1, .ntmpl = 1,
			   .compared = { -1 }, .evaluated = { true } };
	check("optional transport template is skipped", &d, &w);

	/* Optional tunnel template that fails: passes, but the SA is left over. */
	t = tmpl(0, 9, XW_MODE_TUNNEL);
	t.optional = true;
	x = sa(0x1, 1, XW_MODE_TUNNEL);
	d = (struct xw_diff){ .sa = &x, .nsa = 1, .tmpl = &t, .ntmpl = 1,
			      .npols = 1, .family = XW_AF_INET };
	w = (struct want){ .accept = false, .extra = 0, .ntmpl = 1,
			   .compared = { -1 }, .evaluated = { true } };
	check("optional tunnel template misses; SA is extra", &d, &w);

	/* A tunnel SA and a policy without templates. */
	x = sa(0x1, 1, XW_MODE_TUNNEL);
	d = (struct xw_diff){ .sa = &x, .nsa = 1, .npols = 1,
			      .family = XW_AF_INET };
	w = (struct want){ .accept = false, .extra = 0 };
	check("leftover tunnel SA without a template", &d, &w);

	/* A transport SA and no template: nothing is left over. */
	x = sa(0x1, 1, XW_MODE_TRANSPORT);
	d = (struct xw_diff){ .sa = &x, .nsa = 1, .npols = 1,
			      .family = XW_AF_INET };
	w = (struct want){ .accept = true, .extra = -1 };
	check("leftover transport SA is fine", &d, &w);

	/*
	 * AH + ESP transport.  Templates are listed innermost first (ESP, then
	 * AH); the secpath outermost first (AH, then ESP).  The kernel walks
	 * templates from the last and the secpath from the first.
	 */
	xv[0] = sa(0x100, 1, XW_MODE_TRANSPORT);
	xv[0].proto = XW_PROTO_AH;
	xv[1] = sa(0x200, 1, XW_MODE_TRANSPORT);
	tv[0] = tmpl(0, 1, XW_MODE_TRANSPORT);
	tv[1] = tmpl(0, 1, XW_MODE_TRANSPORT);
	tv[1].proto = XW_PROTO_AH;
	d = (struct xw_diff){ .sa = xv, .nsa = 2, .tmpl = tv, .ntmpl = 2,
			      .npols = 1, .family = XW_AF_INET };
	w = (struct want){ .accept = true, .extra = -1, .ntmpl = 2,
			   .compared = { 1, 0 }, .evaluated = { true, true } };
	check("AH+ESP templates in the right order", &d, &w);
	/* Swapped: ESP (last) skips the AH SA and takes SA 1; AH finds none. */
	tv[0].proto = XW_PROTO_AH;
	tv[1].proto = XW_PROTO_ESP;
	d = (struct xw_diff){ .sa = xv, .nsa = 2, .tmpl = tv, .ntmpl = 2,
			      .npols = 1, .family = XW_AF_INET };
	w = (struct want){ .accept = false, .extra = -1, .ntmpl = 2,
			   .compared = { -1, 1 }, .mismatch = { M(MISSING), 0 },
			   .evaluated = { true, true } };
	check("AH+ESP templates in the wrong order", &d, &w);

	/* A failing last template: the first is never reached. */
	xv[0] = sa(0x100, 1, XW_MODE_TUNNEL);
	tv[0] = tmpl(0, 1, XW_MODE_TRANSPORT);
	tv[1] = tmpl(0, 2, XW_MODE_TUNNEL);
	d = (struct xw_diff){ .sa = xv, .nsa = 1, .tmpl = tv, .ntmpl = 2,
			      .npols = 1, .family = XW_AF_INET };
	w = (struct want){ .accept = false, .extra = -1, .ntmpl = 2,
			   .compared = { -1, 0 }, .mismatch = { 0, M(REQID) },
			   .evaluated = { false, true } };
	check("templates after the failing one are not evaluated", &d, &w);

	/* ESP in ESP: outer tunnel SA first, a policy for the inner one only. */
	xv[0] = sa(0x100, 1, XW_MODE_TUNNEL);
	xv[1] = sa(0x200, 2, XW_MODE_TUNNEL);
	tv[0] = tmpl(0, 2, XW_MODE_TUNNEL);
	d = (struct xw_diff){ .sa = xv, .nsa = 2, .tmpl = tv, .ntmpl = 1,
			      .npols = 1, .family = XW_AF_INET };
	w = (struct want){ .accept = false, .extra = -1, .ntmpl = 1,
			   .compared = { 0 }, .mismatch = { M(REQID) },
			   .evaluated = { true } };
	check("nested tunnels: unverified outer SA stops the search", &d, &w);
	d = (struct xw_diff){ .sa = xv, .nsa = 2, .tmpl = tv, .ntmpl = 1,
			      .npols = 1, .family = XW_AF_INET, .verified_cnt = 1,
			      .rules.verified_cnt = true };
	w = (struct want){ .accept = true, .extra = -1, .ntmpl = 1,
			   .compared = { 1 }, .evaluated = { true } };
	check("nested tunnels: verified outer SA is skipped (verified_cnt)", &d, &w);
	d.rules.verified_cnt = false;
	w = (struct want){ .accept = false, .extra = -1, .ntmpl = 1,
			   .compared = { 0 }, .mismatch = { M(REQID) },
			   .evaluated = { true } };
	check("nested tunnels: kernels without verified_cnt reject", &d, &w);

	/* Sub-policy + main on IPv6: templates sorted transport-first. */
	xv[0] = sa(0x100, 1, XW_MODE_TRANSPORT);
	xv[0].family = XW_AF_INET6;
	tv[0] = tmpl(0, 1, XW_MODE_TRANSPORT);
	tv[1] = tmpl(0, 2, XW_MODE_TUNNEL);
	tv[1].optional = true;
	d = (struct xw_diff){ .sa = xv, .nsa = 1, .tmpl = tv, .ntmpl = 2,
			      .npols = 2, .family = XW_AF_INET6 };
	w = (struct want){ .accept = true, .extra = -1, .ntmpl = 2,
			   .compared = { 0, -1 }, .evaluated = { true, true } };
	check("IPv6 sub-policy: templates sorted by mode class", &d, &w);

	/*
	 * IPTFS (6.14) sorts with the tunnels, before a class-4 template
	 * (route optimization without MIP6): the route-optimization
	 * template is then the last one, checked first, and fails on the
	 * IPTFS SA; the IPTFS template is never reached.
	 */
	xv[0] = sa(0x100, 1, XW_MODE_IPTFS);
	xv[0].family = XW_AF_INET6;
	tv[0] = tmpl(0, 1, XW_MODE_ROUTEOPTIMIZATION);
	tv[1] = tmpl(0, 1, XW_MODE_IPTFS);
	d = (struct xw_diff){ .sa = xv, .nsa = 1, .tmpl = tv, .ntmpl = 2,
			      .npols = 2, .family = XW_AF_INET6 };
	w = (struct want){ .accept = false, .extra = -1, .ntmpl = 2,
			   .compared = { 0, -1 }, .mismatch = { M(MODE), 0 },
			   .evaluated = { true, false } };
	check("IPv6 sub-policy: IPTFS sorts with the tunnels", &d, &w);

	/* More SAs than a secpath can hold: refuse to guess. */
	d = (struct xw_diff){ .sa = xv, .nsa = XW_MAX_DEPTH + 1, .npols = 1,
			      .family = XW_AF_INET };
	w = (struct want){ .accept = false, .extra = -1 };
	check("oversized secpath is not evaluated", &d, &w);

	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
