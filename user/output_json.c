// SPDX-License-Identifier: GPL-2.0
/*
 * JSON Lines output.  Keys and vocabularies are the contract written in
 * DESIGN.md ("CLI xfrmwhy (contract)"): change them only together with it.
 * Absent things are null, never left out, so consumers can rely on keys.
 */
#include <arpa/inet.h>
#include <linux/xfrm.h>

#include "output.h"

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);	/* v may be NULL: JSON null */
}

static struct json_object *jstr_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *jaddr(const struct xw_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!xw_addr_is_set(a))
		return NULL;
	return json_object_new_string(xw_addr_str(a, buf, sizeof(buf)));
}

/* A name from the vocabulary, or the raw number when we have none. */
static struct json_object *jname(const char *name, unsigned int num)
{
	return name ? json_object_new_string(name) :
		      json_object_new_int64(num);
}

static struct json_object *jprefix(const struct xw_sel *s, bool src)
{
	char buf[INET6_ADDRSTRLEN + 4];

	if (!s->present)
		return NULL;
	return json_object_new_string(src ?
		xw_prefix_str(&s->src, s->src_len, buf, sizeof(buf)) :
		xw_prefix_str(&s->dst, s->dst_len, buf, sizeof(buf)));
}

static struct json_object *json_flow(const struct xw_flow *f)
{
	struct json_object *o = json_object_new_object();
	bool ports = xw_l4_has_ports(f->proto);
	bool icmp = xw_l4_is_icmp(f->proto);

	add(o, "src", jaddr(&f->src));
	add(o, "dst", jaddr(&f->dst));
	add(o, "proto", json_object_new_int(f->proto));
	add(o, "sport", ports && f->has_sport ?
		json_object_new_int(f->sport) : NULL);
	add(o, "dport", ports && f->has_dport ?
		json_object_new_int(f->dport) : NULL);
	add(o, "icmp_type", icmp && f->has_icmp_type ?
		json_object_new_int(f->icmp_type) : NULL);
	add(o, "icmp_code", icmp && f->has_icmp_code ?
		json_object_new_int(f->icmp_code) : NULL);
	add(o, "mark", f->has_mark ? json_object_new_int64(f->mark) : NULL);
	return o;
}

static struct json_object *json_sa(const struct xw_sa *sa)
{
	struct json_object *o = json_object_new_object();

	add(o, "spi", json_object_new_int64(sa->spi));
	add(o, "proto", jname(xw_proto_name(sa->proto), sa->proto));
	add(o, "reqid", json_object_new_int64(sa->reqid));
	add(o, "mode", jname(xw_mode_name(sa->mode), sa->mode));
	add(o, "src", jaddr(&sa->src));
	add(o, "dst", jaddr(&sa->dst));
	add(o, "if_id", sa->has_if_id ? json_object_new_int64(sa->if_id) : NULL);
	return o;
}

static struct json_object *json_policy(const struct xw_policy *p)
{
	struct json_object *o;
	const char *action = p->action == XFRM_POLICY_ALLOW ? "allow" :
			     p->action == XFRM_POLICY_BLOCK ? "block" : NULL;

	if (!p->present)
		return NULL;
	o = json_object_new_object();
	add(o, "index", json_object_new_int64(p->index));
	add(o, "priority", json_object_new_int64(p->priority));
	add(o, "dir", jname(xw_dir_name(p->dir), p->dir));
	add(o, "action", jname(action, p->action));
	add(o, "src", jprefix(&p->sel, true));
	add(o, "dst", jprefix(&p->sel, false));
	add(o, "proto", p->sel.present ? json_object_new_int(p->sel.proto) : NULL);
	add(o, "if_id", p->has_if_id ? json_object_new_int64(p->if_id) : NULL);
	add(o, "mark", p->has_mark ? json_object_new_int64(p->mark) : NULL);
	add(o, "mask", p->has_mark ? json_object_new_int64(p->mask) : NULL);
	return o;
}

static struct json_object *json_mismatch(uint32_t mask)
{
	struct json_object *a = json_object_new_array();
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		const char *n;

		if (!(mask & (1u << bit)))
			continue;
		n = xw_mismatch_name(bit);
		/* A bit from a newer module: keep it visible as a number. */
		json_object_array_add(a, jname(n, bit));
	}
	return a;
}

static struct json_object *json_tmpl(const struct xw_tmpl *t)
{
	struct json_object *o = json_object_new_object();
	bool real = !t->is_extra;

	add(o, "proto", real ? jname(xw_proto_name(t->proto), t->proto) : NULL);
	add(o, "spi", real ? json_object_new_int64(t->spi) : NULL);
	add(o, "reqid", real ? json_object_new_int64(t->reqid) : NULL);
	add(o, "mode", real ? jname(xw_mode_name(t->mode), t->mode) : NULL);
	add(o, "src", real ? jaddr(&t->src) : NULL);
	add(o, "dst", real ? jaddr(&t->dst) : NULL);
	add(o, "optional", real ? json_object_new_boolean(t->optional) : NULL);
	add(o, "compared", t->has_compared ?
		json_object_new_int64(t->compared) : NULL);
	add(o, "mismatch", json_mismatch(t->mismatch));
	return o;
}

struct json_object *xw_json_event(const struct xw_event *ev,
				  const char *explanation)
{
	struct json_object *o = json_object_new_object();
	struct json_object *sp = json_object_new_array();
	struct json_object *tm = json_object_new_array();
	int i;

	add(o, "seq", json_object_new_uint64(ev->seq));
	add(o, "time_ns", json_object_new_uint64(ev->time_ns));
	add(o, "cpu", json_object_new_int64(ev->cpu));
	add(o, "netns", json_object_new_int64(ev->netns));
	add(o, "ifindex", json_object_new_int64(ev->ifindex));
	add(o, "ifname", ev->has_ifname ? json_object_new_string(ev->ifname) :
					  NULL);
	add(o, "dir", jname(xw_dir_name(ev->dir), ev->dir));
	add(o, "family", jname(xw_family_name(ev->family), ev->family));
	add(o, "reason", json_object_new_string(xw_reason_name(ev->reason)));
	add(o, "counter", jstr_or_null(xw_reason_counter(ev->reason)));
	add(o, "exact", json_object_new_boolean(ev->exact));
	add(o, "flow", json_flow(&ev->flow));
	for (i = 0; i < ev->nsa; i++)
		json_object_array_add(sp, json_sa(&ev->sa[i]));
	add(o, "secpath", sp);
	add(o, "policy", json_policy(&ev->policy));
	for (i = 0; i < ev->ntmpl; i++)
		json_object_array_add(tm, json_tmpl(&ev->tmpl[i]));
	add(o, "templates", tm);
	add(o, "explanation", jstr_or_null(explanation));
	return o;
}

static struct json_object *json_features(uint32_t mask)
{
	struct json_object *a = json_object_new_array();
	unsigned int bit;

	for (bit = 0; bit < 32; bit++)
		if (mask & (1u << bit))
			json_object_array_add(a, jname(xw_feature_name(bit), bit));
	return a;
}

static struct json_object *json_reasons(uint32_t mask)
{
	struct json_object *a = json_object_new_array();
	unsigned int r;

	for (r = 0; r < 32; r++)
		if (mask & (1u << r))
			json_object_array_add(a, json_object_new_string(
				xw_reason_name(r)));
	return a;
}

struct json_object *xw_json_status(const struct xw_status *st)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cpus = json_object_new_array();
	int i;

	add(o, "loaded", json_object_new_boolean(1));
	add(o, "version", st->has_version ?
		json_object_new_string(st->version) : NULL);
	add(o, "enabled", json_object_new_boolean(st->enabled));
	add(o, "ring_size", json_object_new_int64(st->ring_size));
	add(o, "recorded", json_object_new_uint64(st->recorded));
	add(o, "lost", json_object_new_uint64(st->lost));
	add(o, "filtered", json_object_new_uint64(st->filtered));
	add(o, "buffered", json_object_new_int64(st->buffered));
	add(o, "missed", json_object_new_uint64(st->missed));
	add(o, "notify_lost", json_object_new_uint64(st->notify_lost));
	add(o, "hook_mode", !st->has_hook_mode ? NULL :
		jname(xw_hook_mode_name(st->hook_mode), st->hook_mode));
	add(o, "features", json_features(st->features));
	add(o, "netns", st->has_netns ? json_object_new_int64(st->netns) : NULL);
	add(o, "all_netns", json_object_new_boolean(st->all_netns));
	add(o, "filter_family", st->filter_family ?
		jname(xw_family_name(st->filter_family), st->filter_family) :
		json_object_new_string("any"));
	/* 0 = no reason filter: every reason is recorded. */
	add(o, "filter_reasons", json_reasons(st->filter_reasons ?
		st->filter_reasons : (1u << __XFRMWHY_REASON_MAX) - 1));
	add(o, "rate_limit", json_object_new_int64(st->rate_limit));
	for (i = 0; i < st->ncpus; i++) {
		struct json_object *c = json_object_new_object();

		add(c, "cpu", json_object_new_int64(st->cpus[i].cpu));
		add(c, "recorded", json_object_new_uint64(st->cpus[i].recorded));
		add(c, "lost", json_object_new_uint64(st->cpus[i].lost));
		add(c, "filtered", json_object_new_uint64(st->cpus[i].filtered));
		add(c, "buffered", json_object_new_int64(st->cpus[i].buffered));
		json_object_array_add(cpus, c);
	}
	add(o, "cpus", cpus);
	return o;
}

struct json_object *xw_json_not_loaded(void)
{
	struct json_object *o = json_object_new_object();

	add(o, "loaded", json_object_new_boolean(0));
	return o;
}

struct json_object *xw_json_group(const struct xw_group *g)
{
	struct json_object *o = json_object_new_object();

	add(o, "reason", json_object_new_string(xw_reason_name(g->reason)));
	add(o, "counter", jstr_or_null(xw_reason_counter(g->reason)));
	add(o, "policy_index", g->has_policy ?
		json_object_new_int64(g->policy_index) : NULL);
	add(o, "spi", g->has_sa ? json_object_new_int64(g->spi) : NULL);
	add(o, "reqid", g->has_sa ? json_object_new_int64(g->reqid) : NULL);
	add(o, "count", json_object_new_uint64(g->count));
	add(o, "first_ns", json_object_new_uint64(g->first_ns));
	add(o, "last_ns", json_object_new_uint64(g->last_ns));
	add(o, "explanation", json_object_new_string(g->explanation));
	return o;
}

void xw_json_print(FILE *f, struct json_object *obj)
{
	/* Plain one-line output; "10.0.1.0/24" must not become "10.0.1.0\/24". */
	fprintf(f, "%s\n", json_object_to_json_string_ext(obj,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}
