// SPDX-License-Identifier: GPL-2.0
/*
 * Text output: the explanation first (what a tired operator reads), then
 * the details in "ip xfrm" words so they can be compared with
 * "ip xfrm state" and "ip xfrm policy" line by line.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <linux/xfrm.h>

#include "output.h"

static void name_or_num(FILE *f, const char *name, unsigned int num)
{
	if (name)
		fputs(name, f);
	else
		fprintf(f, "%u", num);
}

static void text_addrs(FILE *f, const struct xw_addr *src,
		       const struct xw_addr *dst)
{
	char sb[INET6_ADDRSTRLEN], db[INET6_ADDRSTRLEN];

	if (xw_addr_is_set(src))
		fprintf(f, " src %s", xw_addr_str(src, sb, sizeof(sb)));
	if (xw_addr_is_set(dst))
		fprintf(f, " dst %s", xw_addr_str(dst, db, sizeof(db)));
}

static void text_sa(FILE *f, int i, const struct xw_sa *sa)
{
	fprintf(f, "  sa %d:", i);
	text_addrs(f, &sa->src, &sa->dst);
	fputs(" proto ", f);
	name_or_num(f, xw_proto_name(sa->proto), sa->proto);
	fprintf(f, " spi 0x%08x reqid %u mode ", sa->spi, sa->reqid);
	name_or_num(f, xw_mode_name(sa->mode), sa->mode);
	if (sa->has_if_id && sa->if_id)
		fprintf(f, " if_id %u", sa->if_id);
	if (sa->kern)
		fputs(" (kernel tunnel state)", f);
	fputc('\n', f);
}

static void text_policy(FILE *f, const char *what, const struct xw_policy *p)
{
	char sb[INET6_ADDRSTRLEN + 4], db[INET6_ADDRSTRLEN + 4];

	fprintf(f, "  %s:", what);
	if (p->sel.present)
		fprintf(f, " src %s dst %s",
			xw_prefix_str(&p->sel.src, p->sel.src_len, sb, sizeof(sb)),
			xw_prefix_str(&p->sel.dst, p->sel.dst_len, db, sizeof(db)));
	if (p->sel.present && p->sel.proto)
		fprintf(f, " proto %u", p->sel.proto);
	fputs(" dir ", f);
	name_or_num(f, xw_dir_name(p->dir), p->dir);
	fprintf(f, " priority %u index %u action %s", p->priority, p->index,
		p->action == XFRM_POLICY_BLOCK ? "block" : "allow");
	if (p->has_mark && (p->mark || p->mask))
		fprintf(f, " mark 0x%x/0x%x", p->mark, p->mask);
	if (p->has_if_id && p->if_id)
		fprintf(f, " if_id %u", p->if_id);
	if (p->socket)
		fputs(" (socket policy)", f);
	if (p->dead)
		fputs(" (deleted while checked)", f);
	fputc('\n', f);
}

static void text_mismatch(FILE *f, uint32_t mask)
{
	const char *sep = "";
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		if (!(mask & (1u << bit)))
			continue;
		fputs(sep, f);
		name_or_num(f, xw_mismatch_name(bit), bit);
		sep = ",";
	}
}

static void text_tmpl(FILE *f, int i, const struct xw_tmpl *t)
{
	if (t->is_extra) {
		fputs("  extra:", f);
		if (t->has_compared)
			fprintf(f, " sa %u", t->compared);
		fputs(" is a tunnel SA that no template accounts for\n", f);
		return;
	}
	fprintf(f, "  tmpl %d:", i);
	text_addrs(f, &t->src, &t->dst);
	fputs(" proto ", f);
	name_or_num(f, xw_proto_name(t->proto), t->proto);
	if (t->spi)
		fprintf(f, " spi 0x%08x", t->spi);
	fprintf(f, " reqid %u mode ", t->reqid);
	name_or_num(f, xw_mode_name(t->mode), t->mode);
	if (t->optional)
		fputs(" level use", f);
	if (t->has_compared)
		fprintf(f, ", compared with sa %u", t->compared);
	if (t->mismatch) {
		fputs(", differs in ", f);
		text_mismatch(f, t->mismatch);
	} else if (t->has_compared) {
		fputs(", matches", f);
	}
	fputc('\n', f);
}

void xw_text_event(FILE *f, const struct xw_event *ev, const char *explanation)
{
	char tb[64];
	int i;

	fprintf(f, "%s seq %" PRIu64 " cpu %u", xw_text_time(ev->time_ns, tb,
		sizeof(tb)), ev->seq, ev->cpu);
	if (ev->has_ifname)
		fprintf(f, " dev %s", ev->ifname);
	else if (ev->ifindex)
		fprintf(f, " ifindex %u", ev->ifindex);
	fprintf(f, " netns %u dir ", ev->netns);
	name_or_num(f, xw_dir_name(ev->dir), ev->dir);
	fprintf(f, " reason %s%s\n", xw_reason_name(ev->reason),
		ev->exact ? "" : " (policy reconstructed)");
	if (explanation)
		fprintf(f, "  %s\n", explanation);
	for (i = 0; i < ev->nsa; i++)
		text_sa(f, i, &ev->sa[i]);
	if (ev->policy.present)
		text_policy(f, "policy", &ev->policy);
	if (ev->main_policy.present)
		text_policy(f, "main policy", &ev->main_policy);
	for (i = 0; i < ev->ntmpl; i++)
		text_tmpl(f, i, &ev->tmpl[i]);
	if (ev->dropped_entries)
		fprintf(f, "  (%d more SAs/templates not shown: newer module?)\n",
			ev->dropped_entries);
	fputc('\n', f);
}

static void text_reasons(FILE *f, uint32_t mask)
{
	const char *sep = "";
	unsigned int r;

	if (!mask) {
		fputs("all", f);
		return;
	}
	for (r = 0; r < 32; r++) {
		if (!(mask & (1u << r)))
			continue;
		fprintf(f, "%s%s", sep, xw_reason_name(r));
		sep = ",";
	}
}

void xw_text_status(FILE *f, const struct xw_status *st)
{
	const char *fam = st->filter_family ?
		xw_family_name(st->filter_family) : "any";
	unsigned int bit;
	int i;

	fprintf(f, "xfrmwhy module loaded%s%s%s, capture %s\n",
		st->has_version ? " (version " : "",
		st->has_version ? st->version : "",
		st->has_version ? ")" : "",
		st->enabled ? "enabled" : "disabled (run 'xfrmwhy enable')");
	if (st->has_netns)
		fprintf(f, "  scope:      netns %u\n", st->netns);
	else
		fprintf(f, "  scope:      %s\n", st->all_netns ?
			"all network namespaces" : "this network namespace");
	if (st->has_hook_mode) {
		fputs("  hook mode:  ", f);
		name_or_num(f, xw_hook_mode_name(st->hook_mode), st->hook_mode);
		if (st->hook_mode == XFRMWHY_HOOK_APPROXIMATE)
			fputs(" (policies are reconstructed)", f);
		else if (st->hook_mode == XFRMWHY_HOOK_ON_DEMAND)
			fputs(st->features & (1u << XFRMWHY_FEATURE_LOOKUP_PROBE) ?
			      " (lookup probes in place: events are exact)" :
			      " (lookup probes not in place: the next rejection arms them)", f);
		fputc('\n', f);
	}
	fputs("  features:  ", f);
	for (bit = 0; bit < 32; bit++)
		if (st->features & (1u << bit)) {
			fputc(' ', f);
			name_or_num(f, xw_feature_name(bit), bit);
		}
	fputc('\n', f);
	fprintf(f, "  ring size:  %u events per CPU\n", st->ring_size);
	fprintf(f, "  filters:    family %s, reasons ", fam ? fam : "?");
	text_reasons(f, st->filter_reasons);
	if (st->rate_limit)
		fprintf(f, ", rate limit %u events/s per CPU\n", st->rate_limit);
	else
		fputs(", no rate limit\n", f);
	fprintf(f, "  events:     %" PRIu64 " recorded, %" PRIu64 " lost, %"
		PRIu64 " filtered, %u buffered, %" PRIu64 " probe misses, %"
		PRIu64 " notifications lost\n", st->recorded, st->lost,
		st->filtered, st->buffered, st->missed, st->notify_lost);
	if (st->missed)
		fprintf(f, "  note:       the kernel ran %" PRIu64 " policy checks without handing them to\n"
			"              xfrmwhy's probe (kprobe re-entry or all instances busy): rejections\n"
			"              among them are in the XfrmIn* counters but in no count above, and\n"
			"              they cannot be told apart by namespace\n", st->missed);
	if (!st->ncpus)
		return;
	fprintf(f, "  %5s %12s %12s %12s %10s\n", "cpu", "recorded", "lost",
		"filtered", "buffered");
	for (i = 0; i < st->ncpus; i++)
		fprintf(f, "  %5u %12" PRIu64 " %12" PRIu64 " %12" PRIu64
			" %10u\n", st->cpus[i].cpu, st->cpus[i].recorded,
			st->cpus[i].lost, st->cpus[i].filtered,
			st->cpus[i].buffered);
}

void xw_text_summary(FILE *f, const struct xw_summary *s)
{
	char fb[64], lb[64];
	size_t i;

	if (!s->n) {
		fputs("no events\n", f);
		return;
	}
	fprintf(f, "%8s  %-15s %8s  %-10s  %8s  %-29s  %s\n", "COUNT",
		"REASON", "POLICY", "SPI", "REQID", "FIRST", "LAST");
	for (i = 0; i < s->n; i++) {
		const struct xw_group *g = &s->g[i];
		char pol[16] = "-", spi[16] = "-", reqid[16] = "-";

		if (g->has_policy)
			snprintf(pol, sizeof(pol), "%u", g->policy_index);
		if (g->has_sa) {
			snprintf(spi, sizeof(spi), "0x%08x", g->spi);
			snprintf(reqid, sizeof(reqid), "%u", g->reqid);
		}
		fprintf(f, "%8" PRIu64 "  %-15s %8s  %-10s  %8s  %-29s  %s\n",
			g->count, xw_reason_name(g->reason), pol, spi, reqid,
			xw_text_time(g->first_ns, fb, sizeof(fb)),
			xw_text_time(g->last_ns, lb, sizeof(lb)));
		fprintf(f, "          %s\n", g->explanation);
	}
}
