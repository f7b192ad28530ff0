// SPDX-License-Identifier: GPL-2.0
/*
 * What xfrmwhy prints, once for text and JSON (the layer is print.c).
 * Each nest's printer says the attributes it knows in operators' words and
 * ends with xw_print_fields() for those added to the spec after it, which
 * come out under their spec names (Documentation/event-fields.md).
 *
 * Text: the explanation first (what a tired operator reads), then the
 * details in "ip xfrm" words so they can be compared with "ip xfrm state"
 * and "ip xfrm policy" line by line; it leaves out what is zero ("any",
 * "none").  JSON: every key always there, absent things null, so that
 * consumers can rely on keys.  The keys are a contract, documented in
 * Documentation/admin-guide.md: add keys, never rename or remove one;
 * scripts/doc-check reads the keys of this file.
 */
#include <inttypes.h>
#include <linux/xfrm.h>

#include "output.h"

/* A value the event may lack: null in JSON, nothing in text. */
static enum xw_kind opt(bool has)
{
	return has ? XW_ANY : XW_NULL;
}

/* Also left out of the text when 0 ("any", "none", no mark). */
static enum xw_kind nz(bool has, uint64_t v)
{
	return !has ? XW_NULL : v ? XW_ANY : XW_JSON;
}

/*
 * A selector's fields, in the object that is open: the policy's own (its
 * keys since the first version), or an SA's "sel".  ICMP selectors keep
 * type and code in the port fields, as the kernel does.
 */
static void sel_fields(struct xw_out *o, const struct xw_sel *s)
{
	bool icmp = xw_l4_is_icmp(s->proto);

	xw_print_prefix(o, opt(s->present), "src", " src %s", &s->src,
			s->src_len);
	xw_print_prefix(o, opt(s->present), "dst", " dst %s", &s->dst,
			s->dst_len);
	xw_print_u32(o, nz(s->present, s->proto), "proto", " proto %u",
		     s->proto);
	xw_print_u32(o, opt(s->present && s->sport_mask), "sport",
		     icmp ? " type %u" : " sport %u", s->sport);
	xw_print_u32(o, opt(s->present && s->dport_mask), "dport",
		     icmp ? " code %u" : " dport %u", s->dport);
	xw_print_fields(o, &xw_sel_fieldset, s, XW_WORDED_SEL);
}

/* "  flow: src 10.0.1.1 dst 10.0.0.1 proto 1 type 0 code 0" */
static void flow(struct xw_out *o, const struct xw_event *ev)
{
	const struct xw_flow *f = &ev->flow;
	bool ports = xw_l4_has_ports(f->proto);
	bool icmp = xw_l4_is_icmp(f->proto);

	if (!f->present) {
		/* Dropped before decryption: the packet instead (outer()). */
		xw_print_null(o, XW_JSON, "flow", NULL, NULL);
		xw_print_u32(o, ev->has_lookup_if_id ? XW_JSON : XW_NULL,
			     "lookup_if_id", NULL, ev->lookup_if_id);
		return;
	}
	xw_print_text(o, "  flow:");
	xw_open_object(o, "flow");
	xw_print_addr(o, XW_ANY, "src", " src %s", &f->src);
	xw_print_addr(o, XW_ANY, "dst", " dst %s", &f->dst);
	xw_print_u32(o, XW_ANY, "proto", " proto %u", f->proto);
	xw_print_u32(o, opt(ports && f->has_sport), "sport", " sport %u",
		     f->sport);
	xw_print_u32(o, opt(ports && f->has_dport), "dport", " dport %u",
		     f->dport);
	xw_print_u32(o, opt(icmp && f->has_icmp_type), "icmp_type", " type %u",
		     f->icmp_type);
	xw_print_u32(o, opt(icmp && f->has_icmp_code), "icmp_code", " code %u",
		     f->icmp_code);
	xw_print_u32(o, nz(f->has_mark, f->mark), "mark", " mark 0x%x",
		     f->mark);
	xw_print_fields(o, &xw_flow_fieldset, f, XW_WORDED_FLOW);
	xw_close_object(o);
	/* Not the packet's: the xfrm interface's, which the lookup used. */
	xw_print_u32(o, nz(ev->has_lookup_if_id, ev->lookup_if_id),
		     "lookup_if_id", " if_id %u", ev->lookup_if_id);
	xw_print_text(o, "\n");
}

/* "  packet: src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x00009000 seq 3" */
static void outer(struct xw_out *o, const struct xw_outer *p)
{
	if (!p->present) {
		xw_print_null(o, XW_JSON, "outer", NULL, NULL);
		return;
	}
	xw_print_text(o, "  packet:");
	xw_open_object(o, "outer");
	xw_print_addr(o, XW_ANY, "src", " src %s", &p->src);
	xw_print_addr(o, XW_ANY, "dst", " dst %s", &p->dst);
	xw_print_name(o, XW_ANY, "proto", " proto %s", xw_proto_name(p->proto),
		      p->proto);
	xw_print_u32(o, opt(p->has_spi), "spi", " spi 0x%08x", p->spi);
	xw_print_u32(o, opt(p->has_seq), "seq", " seq %u", p->seq);
	xw_print_u32(o, nz(p->has_mark, p->mark), "mark", " mark 0x%x",
		     p->mark);
	xw_print_fields(o, &xw_outer_fieldset, p, XW_WORDED_OUTER);
	xw_close_object(o);
	xw_print_text(o, "\n");
}

/* "  sa 0: src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x9ce44e77 ..." */
static void sa(struct xw_out *o, int i, const struct xw_sa *sa)
{
	xw_print_text(o, "  sa %d:", i);
	xw_open_object(o, NULL);
	xw_print_addr(o, XW_ANY, "src", " src %s", &sa->src);
	xw_print_addr(o, XW_ANY, "dst", " dst %s", &sa->dst);
	xw_print_name(o, XW_ANY, "proto", " proto %s",
		      xw_proto_name(sa->proto), sa->proto);
	xw_print_u32(o, XW_ANY, "spi", " spi 0x%08x", sa->spi);
	xw_print_u32(o, XW_ANY, "reqid", " reqid %u", sa->reqid);
	xw_print_name(o, XW_ANY, "mode", " mode %s", xw_mode_name(sa->mode),
		      sa->mode);
	xw_print_u32(o, nz(sa->has_if_id, sa->if_id), "if_id", " if_id %u",
		     sa->if_id);
	/* The SADB number, which the templates' aalgos mask is made of. */
	xw_print_code(o, nz(sa->has_aalgo, sa->aalgo), "aalgo", " auth %s",
		      sa->aalgo, xw_aalgo_name(sa->aalgo));
	/* Before the selector, whose fields would seem to go on. */
	xw_print_fields(o, &xw_sa_fieldset, sa, XW_WORDED_SA);
	if (sa->sel.present) {
		xw_print_text(o, " sel");
		xw_open_object(o, "sel");
		sel_fields(o, &sa->sel);
		xw_close_object(o);
	} else {
		xw_print_null(o, XW_JSON, "sel", NULL, NULL);
	}
	xw_print_bool(o, XW_ANY, "kern", " (kernel tunnel state)", NULL,
		      sa->kern);
	xw_close_object(o);
	xw_print_text(o, "\n");
}

/* "src 10.0.1.0/24 dst 10.0.0.0/24 dir in priority 2080 index 8 ..." */
static void policy(struct xw_out *o, const struct xw_policy *p)
{
	enum xw_kind mark = nz(p->has_mark || p->has_mask, p->mark | p->mask);

	sel_fields(o, &p->sel);
	xw_print_name(o, XW_ANY, "dir", " dir %s", xw_dir_name(p->dir), p->dir);
	xw_print_u32(o, XW_ANY, "priority", " priority %u", p->priority);
	xw_print_u32(o, XW_ANY, "index", " index %u", p->index);
	xw_print_name(o, XW_ANY, "action", " action %s",
		      xw_action_name(p->action), p->action);
	xw_print_name(o, p->type == XFRM_POLICY_TYPE_MAIN ? XW_JSON : XW_ANY,
		      "type", " ptype %s", xw_policy_type_name(p->type),
		      p->type);
	xw_print_u32(o, mark, "mark", " mark 0x%x", p->mark);
	xw_print_u32(o, mark, "mask", "/0x%x", p->mask);
	xw_print_u32(o, nz(p->has_if_id, p->if_id), "if_id", " if_id %u",
		     p->if_id);
	xw_print_bool(o, XW_ANY, "socket", " (socket policy)", NULL, p->socket);
	xw_print_bool(o, XW_ANY, "dead", " (deleted while checked)", NULL,
		      p->dead);
	xw_print_fields(o, &xw_policy_fieldset, p, XW_WORDED_POLICY);
	xw_print_text(o, "\n");
}

/*
 * "  tmpl 0: src 192.0.2.2 dst 192.0.2.1 proto esp reqid 16385 mode
 * tunnel, compared with sa 0, differs in reqid".  The "extra" entry is no
 * template: its template keys are null and the text says what it is.
 */
static void tmpl(struct xw_out *o, int i, const struct xw_tmpl *t)
{
	bool real = !t->is_extra;
	enum xw_kind k = opt(real);
	unsigned int bit;
	const char *sep = ", differs in %s";

	if (real)
		xw_print_text(o, "  tmpl %d:", i);
	else
		xw_print_text(o, "  extra:");
	xw_open_object(o, NULL);
	xw_print_addr(o, k, "src", " src %s", &t->src);
	xw_print_addr(o, k, "dst", " dst %s", &t->dst);
	xw_print_name(o, k, "proto", " proto %s", xw_proto_name(t->proto),
		      t->proto);
	xw_print_u32(o, nz(real, t->spi), "spi", " spi 0x%08x", t->spi);
	xw_print_u32(o, k, "reqid", " reqid %u", t->reqid);
	xw_print_name(o, k, "mode", " mode %s", xw_mode_name(t->mode), t->mode);
	xw_print_bool(o, k, "optional", " level use", NULL, t->optional);
	/* Text shows the mask where it restricts, as "ip -s xfrm policy". */
	xw_print_u32(o, !real ? XW_NULL :
			t->allalgs || t->aalgos == UINT32_MAX ? XW_JSON : XW_ANY,
		     "aalgos", " auth-mask %08x", t->aalgos);
	xw_print_bool(o, real ? XW_JSON : XW_NULL, "allalgs", NULL, NULL,
		      t->allalgs);
	xw_print_u32(o, opt(t->has_compared), "compared",
		     real ? ", compared with sa %u" : " sa %u", t->compared);
	if (!real)
		xw_print_text(o, " is a tunnel SA that no template accounts for");
	xw_open_array(o, "mismatch");
	for (bit = 0; bit < 32; bit++) {
		if (!(t->mismatch & (1u << bit)))
			continue;
		/* A bit from a newer module stays visible as a number. */
		xw_print_name(o, real ? XW_ANY : XW_JSON, NULL, sep,
			      xw_mismatch_name(bit), bit);
		sep = ",%s";
	}
	xw_close_array(o);
	if (real && !t->mismatch && t->has_compared)
		xw_print_text(o, ", matches");
	xw_print_bool(o, real ? XW_ANY : XW_JSON, "evaluated", NULL,
		      ", not reached", t->evaluated);
	xw_print_fields(o, &xw_tmpl_fieldset, t, XW_WORDED_TMPL);
	xw_close_object(o);
	xw_print_text(o, "\n");
}

/* "lookups: socket none, sub policy 16 if_id 7, main error 12" */
static void lookups(struct xw_out *o, const struct xw_event *ev)
{
	int i;

	if (ev->nlookup)
		xw_print_text(o, "  lookups:");
	xw_open_array(o, "lookup");
	for (i = 0; i < ev->nlookup; i++) {
		const struct xw_lookup *l = &ev->lookup[i];

		if (i)
			xw_print_text(o, ",");
		xw_open_object(o, NULL);
		xw_print_name(o, XW_ANY, "type", " %s",
			      xw_lookup_type_name(l->type), l->type);
		xw_print_name(o, XW_ANY, "result", " %s",
			      xw_lookup_result_name(l->result), l->result);
		xw_print_u32(o, opt(l->has_index), "index", " %u", l->index);
		xw_print_u32(o, nz(l->has_if_id, l->if_id), "if_id",
			     " if_id %u", l->if_id);
		xw_print_u32(o, opt(l->has_error), "error", " %u", l->error);
		xw_print_fields(o, &xw_lookup_fieldset, l, XW_WORDED_LOOKUP);
		xw_close_object(o);
	}
	xw_close_array(o);
	if (ev->nlookup)
		xw_print_text(o, "\n");
}

void xw_output_event(struct xw_out *o, const struct xw_event *ev,
		     const char *explanation)
{
	int i;

	xw_open_object(o, NULL);
	xw_print_time(o, XW_ANY, "time_ns", "%s", ev->time_ns);
	xw_print_u64(o, XW_ANY, "seq", " seq %" PRIu64, ev->seq);
	xw_print_u32(o, XW_ANY, "cpu", " cpu %u", ev->cpu);
	/* Text names the device, by its index where it has no name. */
	xw_print_u32(o, ev->has_ifname || !ev->ifindex ? XW_JSON : XW_ANY,
		     "ifindex", " ifindex %u", ev->ifindex);
	xw_print_str(o, XW_ANY, "ifname", " dev %s",
		     ev->has_ifname ? ev->ifname : NULL);
	xw_print_u32(o, XW_ANY, "netns", " netns %u", ev->netns);
	/* The inode may be reused: the id is not (JSON only). */
	xw_print_u64(o, opt(ev->has_netns_id), "netns_id", NULL, ev->netns_id);
	xw_print_bool(o, XW_ANY, "netns_gone", " (deleted)", NULL,
		      ev->netns_gone);
	xw_print_name(o, XW_ANY, "dir", " dir %s", xw_dir_name(ev->dir),
		      ev->dir);
	/* Text: the addresses say the family, the explanation the counter. */
	xw_print_name(o, XW_JSON, "family", NULL, xw_family_name(ev->family),
		      ev->family);
	xw_print_str(o, XW_ANY, "reason", " reason %s",
		     xw_reason_name(ev->reason));
	xw_print_str(o, XW_JSON, "counter", NULL, xw_reason_counter(ev->reason));
	xw_print_bool(o, XW_ANY, "exact", NULL, " (policy reconstructed)",
		      ev->exact);
	xw_print_fields(o, &xw_event_fieldset, ev, XW_WORDED_EVENT);
	xw_print_text(o, "\n");
	xw_print_str(o, XW_ANY, "explanation", "  %s\n", explanation);
	flow(o, ev);
	outer(o, &ev->outer);
	xw_open_array(o, "secpath");
	for (i = 0; i < ev->nsa; i++)
		sa(o, i, &ev->sa[i]);
	xw_close_array(o);
	if (ev->policy.present) {
		xw_print_text(o, "  policy:");
		xw_open_object(o, "policy");
		policy(o, &ev->policy);
		xw_close_object(o);
	} else {
		xw_print_null(o, XW_JSON, "policy", NULL, NULL);
	}
	/* After a sub-policy that allowed, the main policy checked too. */
	if (ev->main_policy.present) {
		xw_print_text(o, "  main policy:");
		xw_open_object(o, "main_policy");
		policy(o, &ev->main_policy);
		xw_close_object(o);
	} else {
		xw_print_null(o, XW_JSON, "main_policy", NULL, NULL);
	}
	lookups(o, ev);
	xw_open_array(o, "templates");
	for (i = 0; i < ev->ntmpl; i++)
		tmpl(o, i, &ev->tmpl[i]);
	xw_close_array(o);
	xw_print_u32(o, nz(true, (uint32_t)ev->dropped_entries), "not_shown",
		     "  (%u more SAs/templates not shown: newer module?)\n",
		     (uint32_t)ev->dropped_entries);
	xw_print_text(o, "\n");
	xw_close_object(o);
}

static void hook_mode(struct xw_out *o, const struct xw_status *st)
{
	bool probes = st->features & (1u << XFRMWHY_FEATURE_LOOKUP_PROBE);

	xw_print_name(o, opt(st->has_hook_mode), "hook_mode",
		      "  hook mode:  %s", xw_hook_mode_name(st->hook_mode),
		      st->hook_mode);
	if (!st->has_hook_mode)
		return;
	if (st->hook_mode == XFRMWHY_HOOK_APPROXIMATE)
		xw_print_text(o, " (policies are reconstructed)");
	else if (st->hook_mode == XFRMWHY_HOOK_ON_DEMAND)
		xw_print_text(o, "%s", probes ?
			" (lookup probes in place: events are exact)" :
			" (lookup probes not in place: the next rejection arms them)");
	xw_print_text(o, "\n");
}

/* ", reasons tmpl_mismatch,no_policy"; no filter: "all", every name. */
static void filter_reasons(struct xw_out *o, uint32_t mask)
{
	uint32_t all = (1u << __XFRMWHY_REASON_MAX) - 1;
	const char *fmt = "%s";
	unsigned int r;

	xw_print_text(o, ", reasons ");
	xw_open_array(o, "filter_reasons");
	for (r = 0; r < 32; r++) {
		if (!((mask ? mask : all) & (1u << r)))
			continue;
		xw_print_str(o, mask ? XW_ANY : XW_JSON, NULL, fmt,
			     xw_reason_name(r));
		fmt = ",%s";
	}
	xw_close_array(o);
	if (!mask)
		xw_print_text(o, "all");
}

void xw_output_status(struct xw_out *o, const struct xw_status *st)
{
	unsigned int bit;
	int i;

	xw_open_object(o, NULL);
	xw_print_bool(o, XW_ANY, "loaded", "xfrmwhy module loaded", NULL, true);
	xw_print_str(o, XW_ANY, "version", " (version %s)",
		     st->has_version ? st->version : NULL);
	xw_print_bool(o, XW_ANY, "enabled", ", capture enabled\n",
		      ", capture disabled (run 'xfrmwhy enable')\n",
		      st->enabled);
	xw_print_u32(o, opt(st->has_netns), "netns",
		     "  scope:      netns %u\n", st->netns);
	xw_print_bool(o, st->has_netns ? XW_JSON : XW_ANY, "all_netns",
		      "  scope:      all network namespaces\n",
		      "  scope:      this network namespace\n", st->all_netns);
	hook_mode(o, st);
	xw_print_text(o, "  features:  ");
	xw_open_array(o, "features");
	for (bit = 0; bit < 32; bit++)
		if (st->features & (1u << bit))
			xw_print_name(o, XW_ANY, NULL, " %s",
				      xw_feature_name(bit), bit);
	xw_close_array(o);
	xw_print_text(o, "\n");
	xw_print_u32(o, XW_ANY, "ring_size", "  ring size:  %u events per CPU\n",
		     st->ring_size);
	xw_print_name(o, XW_ANY, "filter_family", "  filters:    family %s",
		      st->filter_family ? xw_family_name(st->filter_family) :
					  "any", st->filter_family);
	filter_reasons(o, st->filter_reasons);
	xw_print_u32(o, st->rate_limit ? XW_ANY : XW_JSON, "rate_limit",
		     ", rate limit %u events/s per CPU\n", st->rate_limit);
	if (!st->rate_limit)
		xw_print_text(o, ", no rate limit\n");
	xw_print_u64(o, XW_ANY, "recorded", "  events:     %" PRIu64 " recorded",
		     st->recorded);
	xw_print_u64(o, XW_ANY, "lost", ", %" PRIu64 " lost", st->lost);
	xw_print_u64(o, XW_ANY, "filtered", ", %" PRIu64 " filtered",
		     st->filtered);
	xw_print_u32(o, XW_ANY, "buffered", ", %u buffered", st->buffered);
	xw_print_u64(o, XW_ANY, "missed", ", %" PRIu64 " probe misses",
		     st->missed);
	xw_print_u64(o, XW_ANY, "notify_lost",
		     ", %" PRIu64 " notifications lost\n", st->notify_lost);
	if (st->missed)
		xw_print_text(o, "  note:       the kernel ran %" PRIu64 " policy checks without handing them to\n"
			"              xfrmwhy's probe (kprobe re-entry or all instances busy): rejections\n"
			"              among them are in the XfrmIn* counters but in no count above, and\n"
			"              they cannot be told apart by namespace\n",
			st->missed);
	if (st->ncpus)
		xw_print_text(o, "  %5s %12s %12s %12s %10s\n", "cpu",
			      "recorded", "lost", "filtered", "buffered");
	xw_open_array(o, "cpus");
	for (i = 0; i < st->ncpus; i++) {
		const struct xw_cpu_stats *c = &st->cpus[i];

		xw_open_object(o, NULL);
		xw_print_u32(o, XW_ANY, "cpu", "  %5u", c->cpu);
		xw_print_u64(o, XW_ANY, "recorded", " %12" PRIu64, c->recorded);
		xw_print_u64(o, XW_ANY, "lost", " %12" PRIu64, c->lost);
		xw_print_u64(o, XW_ANY, "filtered", " %12" PRIu64, c->filtered);
		xw_print_u32(o, XW_ANY, "buffered", " %10u\n", c->buffered);
		xw_close_object(o);
	}
	xw_close_array(o);
	xw_close_object(o);
}

void xw_output_not_loaded(struct xw_out *o)
{
	xw_open_object(o, NULL);
	xw_print_bool(o, XW_JSON, "loaded", NULL, NULL, false);
	xw_close_object(o);
}

/* One row of the summary table, with the explanation under it. */
static void group(struct xw_out *o, const struct xw_group *g)
{
	xw_open_object(o, NULL);
	xw_print_u64(o, XW_ANY, "count", "%8" PRIu64, g->count);
	xw_print_str(o, XW_ANY, "reason", "  %-15s", xw_reason_name(g->reason));
	xw_print_str(o, XW_JSON, "counter", NULL, xw_reason_counter(g->reason));
	if (g->has_policy)
		xw_print_u32(o, XW_ANY, "policy_index", " %8u", g->policy_index);
	else
		xw_print_null(o, XW_ANY, "policy_index", " %8s", "-");
	if (g->has_sa) {
		xw_print_u32(o, XW_ANY, "spi", "  0x%08x", g->spi);
		xw_print_u32(o, XW_ANY, "reqid", "  %8u", g->reqid);
	} else {
		xw_print_null(o, XW_ANY, "spi", "  %-10s", "-");
		xw_print_null(o, XW_ANY, "reqid", "  %8s", "-");
	}
	xw_print_time(o, XW_ANY, "first_ns", "  %-29s", g->first_ns);
	xw_print_time(o, XW_ANY, "last_ns", "  %s\n", g->last_ns);
	xw_print_str(o, XW_ANY, "explanation", "          %s\n", g->explanation);
	xw_close_object(o);
}

void xw_output_summary(struct xw_out *o, const struct xw_summary *s)
{
	size_t i;

	if (!s->n) {
		xw_print_text(o, "no events\n");
		return;
	}
	xw_print_text(o, "%8s  %-15s %8s  %-10s  %8s  %-29s  %s\n", "COUNT",
		      "REASON", "POLICY", "SPI", "REQID", "FIRST", "LAST");
	for (i = 0; i < s->n; i++)
		group(o, &s->g[i]);
}
