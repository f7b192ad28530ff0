// SPDX-License-Identifier: GPL-2.0
/*
 * The printers (output.c): print an event through the real output layer,
 * parse the JSON line back with json-c, and check every key of the
 * contract, its value and its nulls; for an event with every field set,
 * the exact text and that the JSON carries every fact the text shows.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <linux/xfrm.h>

#include "../explain.h"
#include "../output.h"
#include "fixtures.h"
#include "tap.h"

/* The one line the JSON printer wrote, parsed back. */
static struct json_object *parse_line(const char *raw, size_t len)
{
	struct json_object *back;

	EXPECT(len > 0 && raw[len - 1] == '\n');
	EXPECT(strchr(raw, '\n') == raw + len - 1);	/* one line */
	back = json_tokener_parse(raw);
	EXPECT(back != NULL);
	return back;
}

static struct json_object *event_json(const struct xw_event *ev,
				      const char *expl, char **raw)
{
	size_t len = 0;
	FILE *f = open_memstream(raw, &len);
	struct xw_out o;

	xw_out_init(&o, true, f);
	xw_output_event(&o, ev, expl);
	fclose(f);
	return parse_line(*raw, len);
}

static char *event_text(const struct xw_event *ev, const char *expl)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct xw_out o;

	xw_out_init(&o, false, f);
	xw_output_event(&o, ev, expl);
	fclose(f);
	return out;
}

static struct json_object *status_json(const struct xw_status *st,
				       char **raw)
{
	size_t len = 0;
	FILE *f = open_memstream(raw, &len);
	struct xw_out o;

	xw_out_init(&o, true, f);
	xw_output_status(&o, st);
	fclose(f);
	return parse_line(*raw, len);
}

static char *status_text(const struct xw_status *st)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct xw_out o;

	xw_out_init(&o, false, f);
	xw_output_status(&o, st);
	fclose(f);
	return out;
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, k, &v))
		tap_fail(__FILE__, __LINE__, "key \"%s\" missing", k);
	return v;
}

/*
 * The object has exactly these keys, no more, no fewer: those the printer
 * words (keys) and those of attributes above them, by their spec names.
 */
static void expect_keys_of(struct json_object *o, const char *const *keys,
			   const struct xw_fieldset *set, unsigned int worded)
{
	int n = 0;
	size_t i;

	for (; *keys; keys++, n++)
		get(o, *keys);
	for (i = 0; i < set->n; i++) {
		if (set->fields[i].attr <= worded)
			continue;
		get(o, set->fields[i].key);
		n++;
	}
	EXPECT_EQ(json_object_object_length(o), n);
}

#define expect_keys(o, keys) expect_keys_of(o, keys, &keys##_set, keys##_worded)

#define EXPECT_JSTR(o, k, want) EXPECT_STR(json_object_get_string(get(o, k)), want)
#define EXPECT_JINT(o, k, want) do {					\
	struct json_object *_v = get(o, k);				\
	EXPECT(json_object_is_type(_v, json_type_int));			\
	EXPECT(json_object_get_uint64(_v) == (uint64_t)(want));		\
} while (0)
#define EXPECT_JNULL(o, k) EXPECT(get(o, k) == NULL)
#define EXPECT_JBOOL(o, k, want) do {					\
	struct json_object *_v = get(o, k);				\
	EXPECT(json_object_is_type(_v, json_type_boolean));		\
	EXPECT_EQ(json_object_get_boolean(_v), want);			\
} while (0)

static const char *const event_keys[] = { "seq", "time_ns", "cpu", "netns",
	"ifindex", "ifname", "dir", "family", "reason", "counter", "exact",
	"flow", "secpath", "policy", "templates", "explanation",
	"lookup_if_id", "main_policy", "not_shown", "netns_id", "netns_gone",
	"lookup", "outer", NULL };
static const char *const lookup_keys[] = { "type", "result", "index",
	"if_id", "error", NULL };
static const char *const flow_keys[] = { "src", "dst", "proto", "sport",
	"dport", "icmp_type", "icmp_code", "mark", NULL };
static const char *const sa_keys[] = { "spi", "proto", "reqid", "mode",
	"src", "dst", "if_id", "aalgo", "sel", "kern", NULL };
static const char *const sel_keys[] = { "src", "dst", "proto", "sport",
	"dport", NULL };
static const char *const pol_keys[] = { "index", "priority", "dir", "action",
	"src", "dst", "proto", "if_id", "mark", "mask", "sport", "dport",
	"type", "socket", "dead", NULL };
static const char *const tmpl_keys[] = { "proto", "spi", "reqid", "mode",
	"src", "dst", "optional", "compared", "mismatch", "aalgos", "allalgs",
	"evaluated", NULL };
#define event_keys_set xw_event_fieldset
#define event_keys_worded XW_WORDED_EVENT
#define flow_keys_set xw_flow_fieldset
#define flow_keys_worded XW_WORDED_FLOW
#define sa_keys_set xw_sa_fieldset
#define sa_keys_worded XW_WORDED_SA
#define sel_keys_set xw_sel_fieldset
#define sel_keys_worded XW_WORDED_SEL
#define pol_keys_set xw_policy_fieldset
#define pol_keys_worded XW_WORDED_POLICY
#define tmpl_keys_set xw_tmpl_fieldset
#define tmpl_keys_worded XW_WORDED_TMPL
#define lookup_keys_set xw_lookup_fieldset
#define lookup_keys_worded XW_WORDED_LOOKUP

TEST(json_seed_event)
{
	struct xw_event ev;
	struct json_object *o, *flow, *sp, *sa, *sel, *pol, *tm, *t, *mm;
	char expl[XW_EXPLAIN_MAX], *raw = NULL;

	fx_seed_event(&ev);
	xw_explain(&ev, NULL, expl, sizeof(expl));
	o = event_json(&ev, expl, &raw);
	expect_keys(o, event_keys);
	EXPECT_JINT(o, "seq", 42);
	EXPECT_JINT(o, "time_ns", 1700000000123456789ull);
	EXPECT_JINT(o, "cpu", 1);
	EXPECT_JINT(o, "netns", 4026531833u);
	EXPECT_JINT(o, "ifindex", 2);
	EXPECT_JSTR(o, "ifname", "eth0");
	EXPECT_JSTR(o, "dir", "in");
	EXPECT_JSTR(o, "family", "ipv4");
	EXPECT_JSTR(o, "reason", "tmpl_mismatch");
	EXPECT_JSTR(o, "counter", "XfrmInTmplMismatch");
	EXPECT_JBOOL(o, "exact", 1);
	EXPECT_JSTR(o, "explanation", SEED_EXPLANATION);
	EXPECT_JNULL(o, "lookup_if_id");
	EXPECT_JNULL(o, "main_policy");
	EXPECT_JINT(o, "not_shown", 0);

	flow = get(o, "flow");
	expect_keys(flow, flow_keys);
	EXPECT_JSTR(flow, "src", "10.0.1.1");
	EXPECT_JSTR(flow, "dst", "10.0.0.1");
	EXPECT_JINT(flow, "proto", 1);
	EXPECT_JNULL(flow, "sport");
	EXPECT_JNULL(flow, "dport");
	EXPECT_JINT(flow, "icmp_type", 0);
	EXPECT_JINT(flow, "icmp_code", 0);
	EXPECT_JINT(flow, "mark", 0);

	sp = get(o, "secpath");
	EXPECT(json_object_is_type(sp, json_type_array));
	EXPECT_EQ(json_object_array_length(sp), 1);
	sa = json_object_array_get_idx(sp, 0);
	expect_keys(sa, sa_keys);
	EXPECT_JINT(sa, "spi", 0x9ce44e77);
	EXPECT_JINT(sa, "spi", 2632207991u);
	EXPECT_JSTR(sa, "proto", "esp");
	EXPECT_JINT(sa, "reqid", 16389);
	EXPECT_JSTR(sa, "mode", "tunnel");
	EXPECT_JSTR(sa, "src", "192.0.2.2");
	EXPECT_JSTR(sa, "dst", "192.0.2.1");
	EXPECT_JINT(sa, "if_id", 0);
	EXPECT_JINT(sa, "aalgo", 0);
	EXPECT_JBOOL(sa, "kern", 0);
	EXPECT_JNULL(sa, "output_mark");	/* an older module */
	EXPECT_JNULL(sa, "output_mask");
	sel = get(sa, "sel");
	expect_keys(sel, sel_keys);
	EXPECT_JSTR(sel, "src", "10.0.1.0/24");
	EXPECT_JSTR(sel, "dst", "10.0.0.0/24");
	EXPECT_JINT(sel, "proto", 0);
	EXPECT_JNULL(sel, "sport");
	EXPECT_JNULL(sel, "dport");

	pol = get(o, "policy");
	expect_keys(pol, pol_keys);
	EXPECT_JINT(pol, "index", 8);
	EXPECT_JINT(pol, "priority", 2080);
	EXPECT_JSTR(pol, "dir", "in");
	EXPECT_JSTR(pol, "action", "allow");
	EXPECT_JSTR(pol, "src", "10.0.1.0/24");
	EXPECT_JSTR(pol, "dst", "10.0.0.0/24");
	EXPECT_JINT(pol, "proto", 0);
	EXPECT_JINT(pol, "if_id", 0);
	EXPECT_JINT(pol, "mark", 0);
	EXPECT_JINT(pol, "mask", 0);
	EXPECT_JNULL(pol, "sport");
	EXPECT_JNULL(pol, "dport");
	EXPECT_JSTR(pol, "type", "main");
	EXPECT_JBOOL(pol, "socket", 0);
	EXPECT_JBOOL(pol, "dead", 0);

	tm = get(o, "templates");
	EXPECT_EQ(json_object_array_length(tm), 1);
	t = json_object_array_get_idx(tm, 0);
	expect_keys(t, tmpl_keys);
	EXPECT_JSTR(t, "proto", "esp");
	EXPECT_JINT(t, "spi", 0);
	EXPECT_JINT(t, "reqid", 16385);
	EXPECT_JSTR(t, "mode", "tunnel");
	EXPECT_JSTR(t, "src", "192.0.2.2");
	EXPECT_JSTR(t, "dst", "192.0.2.1");
	EXPECT_JBOOL(t, "optional", 0);
	EXPECT_JINT(t, "compared", 0);
	mm = get(t, "mismatch");
	EXPECT_EQ(json_object_array_length(mm), 1);
	EXPECT_STR(json_object_get_string(json_object_array_get_idx(mm, 0)),
		   "reqid");
	EXPECT_JINT(t, "aalgos", 0xffffffffu);
	EXPECT_JBOOL(t, "allalgs", 0);
	EXPECT_JBOOL(t, "evaluated", 1);

	/* Prefixes are printed as "10.0.1.0/24", not "10.0.1.0\/24". */
	EXPECT_CONTAINS(raw, "\"src\":\"10.0.1.0/24\"");
	json_object_put(o);
	free(raw);
}

/* No policy: policy null, templates []; unknown reason: counter null. */
TEST(json_nulls)
{
	struct xw_event ev;
	struct json_object *o, *flow;
	char *raw = NULL;

	fx_seed_event(&ev);
	ev.reason = XFRMWHY_REASON_UNKNOWN;
	ev.policy.present = false;
	ev.ntmpl = 0;
	ev.nsa = 0;
	ev.has_ifname = false;
	ev.flow.has_mark = false;
	ev.flow.proto = IPPROTO_GRE;	/* no ports, no ICMP fields */
	ev.flow.has_sport = ev.flow.has_dport = true;
	o = event_json(&ev, NULL, &raw);
	expect_keys(o, event_keys);
	EXPECT_JSTR(o, "reason", "unknown");
	EXPECT_JNULL(o, "counter");
	EXPECT_JNULL(o, "policy");
	EXPECT_JNULL(o, "main_policy");
	EXPECT_JNULL(o, "ifname");
	EXPECT_JNULL(o, "explanation");
	EXPECT_EQ(json_object_array_length(get(o, "templates")), 0);
	EXPECT_EQ(json_object_array_length(get(o, "secpath")), 0);
	flow = get(o, "flow");
	EXPECT_JINT(flow, "proto", 47);
	EXPECT_JNULL(flow, "sport");
	EXPECT_JNULL(flow, "dport");
	EXPECT_JNULL(flow, "icmp_type");
	EXPECT_JNULL(flow, "icmp_code");
	EXPECT_JNULL(flow, "mark");
	json_object_put(o);
	free(raw);
}

/* Ports for TCP, the fwd/ipv6 words, block, and unknown numbers. */
TEST(json_tcp6_fwd_block)
{
	struct xw_event ev;
	struct json_object *o, *flow, *pol, *sa;
	char *raw = NULL;

	fx_seed_event(&ev);
	ev.dir = XFRMWHY_DIR_FWD;
	ev.family = AF_INET6;
	ev.reason = XFRMWHY_REASON_POLICY_BLOCK;
	ev.flow.proto = IPPROTO_TCP;
	fx_addr6(&ev.flow.src, "2001:db8:b::1");
	ev.flow.has_sport = ev.flow.has_dport = true;
	ev.flow.sport = 40000;
	ev.flow.dport = 22;
	ev.policy.dir = XFRMWHY_DIR_FWD;
	ev.policy.action = XFRM_POLICY_BLOCK;
	ev.policy.sel.family = AF_INET6;
	fx_addr6(&ev.policy.sel.src, "2001:db8:b::");
	ev.policy.sel.src_len = 64;
	ev.policy.sel.proto = IPPROTO_TCP;
	ev.policy.has_if_id = false;
	ev.sa[0].proto = 99;
	ev.sa[0].mode = XFRM_MODE_BEET;
	ev.sa[0].has_if_id = false;
	o = event_json(&ev, "x", &raw);
	EXPECT_JSTR(o, "dir", "fwd");
	EXPECT_JSTR(o, "family", "ipv6");
	EXPECT_JSTR(o, "reason", "policy_block");
	EXPECT_JSTR(o, "counter", "XfrmInPolBlock");
	flow = get(o, "flow");
	EXPECT_JSTR(flow, "src", "2001:db8:b::1");
	EXPECT_JINT(flow, "proto", 6);
	EXPECT_JINT(flow, "sport", 40000);
	EXPECT_JINT(flow, "dport", 22);
	EXPECT_JNULL(flow, "icmp_type");
	EXPECT_JNULL(flow, "icmp_code");
	pol = get(o, "policy");
	EXPECT_JSTR(pol, "dir", "fwd");
	EXPECT_JSTR(pol, "action", "block");
	EXPECT_JSTR(pol, "src", "2001:db8:b::/64");
	EXPECT_JINT(pol, "proto", 6);
	EXPECT_JNULL(pol, "if_id");
	sa = json_object_array_get_idx(get(o, "secpath"), 0);
	EXPECT_JINT(sa, "proto", 99);
	EXPECT_JSTR(sa, "mode", "beet");
	EXPECT_JNULL(sa, "if_id");
	json_object_put(o);
	free(raw);
}

/* The "extra" pseudo-template: everything but compared/mismatch null. */
TEST(json_extra_template)
{
	struct xw_event ev;
	struct json_object *o, *t, *mm;
	char *raw = NULL;

	fx_seed_event(&ev);
	ev.tmpl[0].mismatch = (1u << XFRMWHY_MISMATCH_REQID) |
			      (1u << XFRMWHY_MISMATCH_TUNNEL_DST);
	ev.tmpl[0].has_compared = false;
	ev.ntmpl = 2;
	memset(&ev.tmpl[1], 0, sizeof(ev.tmpl[1]));
	ev.tmpl[1].is_extra = true;
	ev.tmpl[1].has_compared = true;
	ev.tmpl[1].compared = 0;
	ev.tmpl[1].mismatch = 1u << XFRMWHY_MISMATCH_EXTRA;
	ev.tmpl[1].evaluated = true;
	o = event_json(&ev, "x", &raw);

	t = json_object_array_get_idx(get(o, "templates"), 0);
	EXPECT_JNULL(t, "compared");
	mm = get(t, "mismatch");
	EXPECT_EQ(json_object_array_length(mm), 2);
	EXPECT_STR(json_object_get_string(json_object_array_get_idx(mm, 0)), "reqid");
	EXPECT_STR(json_object_get_string(json_object_array_get_idx(mm, 1)), "tunnel_dst");

	t = json_object_array_get_idx(get(o, "templates"), 1);
	expect_keys(t, tmpl_keys);
	EXPECT_JNULL(t, "proto");
	EXPECT_JNULL(t, "spi");
	EXPECT_JNULL(t, "reqid");
	EXPECT_JNULL(t, "mode");
	EXPECT_JNULL(t, "src");
	EXPECT_JNULL(t, "dst");
	EXPECT_JNULL(t, "optional");
	EXPECT_JNULL(t, "aalgos");
	EXPECT_JNULL(t, "allalgs");
	EXPECT_JBOOL(t, "evaluated", 1);
	EXPECT_JINT(t, "compared", 0);
	mm = get(t, "mismatch");
	EXPECT_EQ(json_object_array_length(mm), 1);
	EXPECT_STR(json_object_get_string(json_object_array_get_idx(mm, 0)), "extra");
	json_object_put(o);
	free(raw);
}

/* Text status says why the accounting falls short when the probe missed. */
TEST(text_status_missed_note)
{
	struct xw_status st = {
		.enabled = true, .ring_size = 256, .all_netns = true,
		.recorded = 8, .missed = 3,
	};
	char *out = status_text(&st);

	EXPECT_CONTAINS(out, "3 probe misses");
	EXPECT_CONTAINS(out, "the kernel ran 3 policy checks without handing them");
	free(out);
	st.missed = 0;
	out = status_text(&st);
	EXPECT(!strstr(out, "without handing them"));
	free(out);
}

TEST(json_status)
{
	struct xw_cpu_stats cpus[2] = {
		{ .cpu = 0, .recorded = 5, .lost = 1, .filtered = 0, .buffered = 4 },
		{ .cpu = 1, .recorded = 3, .lost = 0, .filtered = 2, .buffered = 3 },
	};
	struct xw_status st = {
		.has_version = true, .version = "0.1", .enabled = true,
		.ring_size = 256, .all_netns = true, .filter_family = AF_INET,
		.filter_reasons = (1u << XFRMWHY_REASON_TMPL_MISMATCH) |
				  (1u << XFRMWHY_REASON_NO_POLICY),
		.rate_limit = 100, .has_hook_mode = true,
		.hook_mode = XFRMWHY_HOOK_EXACT,
		.features = (1u << XFRMWHY_FEATURE_LOOKUP_PROBE) |
			    (1u << XFRMWHY_FEATURE_POLICY_DEFAULT),
		.recorded = 8, .lost = 1, .filtered = 2, .buffered = 7,
		.missed = 0, .ncpus = 2, .cpus = cpus,
	};
	struct json_object *o, *c, *f;
	char *raw = NULL;

	o = status_json(&st, &raw);
	EXPECT_JBOOL(o, "loaded", 1);
	EXPECT_JBOOL(o, "enabled", 1);
	EXPECT_JINT(o, "ring_size", 256);
	EXPECT_JINT(o, "recorded", 8);
	EXPECT_JINT(o, "lost", 1);
	EXPECT_JINT(o, "filtered", 2);
	EXPECT_JINT(o, "buffered", 7);
	EXPECT_JINT(o, "missed", 0);
	EXPECT_JSTR(o, "hook_mode", "exact");
	EXPECT_JSTR(o, "version", "0.1");
	EXPECT_JNULL(o, "netns");
	EXPECT_JBOOL(o, "all_netns", 1);
	EXPECT_JSTR(o, "filter_family", "ipv4");
	EXPECT_JINT(o, "rate_limit", 100);
	f = get(o, "features");
	EXPECT_EQ(json_object_array_length(f), 2);
	EXPECT_STR(json_object_get_string(json_object_array_get_idx(f, 0)), "lookup_probe");
	EXPECT_STR(json_object_get_string(json_object_array_get_idx(f, 1)), "policy_default");
	f = get(o, "filter_reasons");
	EXPECT_EQ(json_object_array_length(f), 2);
	EXPECT_STR(json_object_get_string(json_object_array_get_idx(f, 0)), "tmpl_mismatch");
	EXPECT_STR(json_object_get_string(json_object_array_get_idx(f, 1)), "no_policy");
	EXPECT_EQ(json_object_array_length(get(o, "cpus")), 2);
	c = json_object_array_get_idx(get(o, "cpus"), 1);
	EXPECT_JINT(c, "cpu", 1);
	EXPECT_JINT(c, "recorded", 3);
	EXPECT_JINT(c, "lost", 0);
	EXPECT_JINT(c, "filtered", 2);
	EXPECT_JINT(c, "buffered", 3);
	json_object_put(o);
	free(raw);

	st.hook_mode = XFRMWHY_HOOK_APPROXIMATE;
	st.filter_reasons = 0;	/* no filter: every reason */
	o = status_json(&st, &raw);
	EXPECT_JSTR(o, "hook_mode", "approximate");
	EXPECT_EQ(json_object_array_length(get(o, "filter_reasons")),
		  __XFRMWHY_REASON_MAX);
	json_object_put(o);
	free(raw);

	{
		size_t len = 0;
		FILE *fp = open_memstream(&raw, &len);
		struct xw_out out;

		xw_out_init(&out, true, fp);
		xw_output_not_loaded(&out);
		fclose(fp);
		o = parse_line(raw, len);
	}
	EXPECT_JBOOL(o, "loaded", 0);
	EXPECT_EQ(json_object_object_length(o), 1);
	json_object_put(o);
	free(raw);
}

#define FULL_TEXT \
	"2023-11-14 22:13:20.123456789 seq 42 cpu 1 dev ipsec7 netns 4026531833 (deleted) dir in reason tmpl_mismatch\n" \
	"  EXPL\n" \
	"  flow: src 10.2.0.1 dst 10.1.0.1 proto 17 sport 4500 dport 9000 mark 0x10 if_id 7\n" \
	"  sa 0: src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x00002000 reqid 2 mode tunnel if_id 7 auth hmac(sha256) output-mark 0x10 output-mask 0xff sel src 10.2.0.0/24 dst 10.1.0.0/24 proto 17 sport 4500 dport 9000\n" \
	"  sa 1: src 192.0.2.2 dst 192.0.2.1 proto 4 spi 0xc0000201 reqid 0 mode tunnel (kernel tunnel state)\n" \
	"  policy: src 10.2.0.0/24 dst 10.1.0.0/24 proto 17 dport 9000 dir in priority 100 index 16 action allow ptype sub mark 0x10/0xff if_id 7 (socket policy) (deleted while checked)\n" \
	"  main policy: src 0.0.0.0/0 dst 0.0.0.0/0 dir in priority 200 index 24 action block\n" \
	"  lookups: socket none if_id 7, sub policy 16 if_id 7, main policy 24 if_id 7\n" \
	"  tmpl 0: proto esp spi 0x00000300 reqid 9 mode transport level use, not reached\n" \
	"  tmpl 1: src 192.0.2.2 dst 192.0.2.1 proto esp reqid 3 mode tunnel auth-mask 00000008, compared with sa 0, differs in reqid,algos,20\n" \
	"  extra: sa 1 is a tunnel SA that no template accounts for\n" \
	"  (1 more SAs/templates not shown: newer module?)\n" \
	"\n"

#define FULL_JSON \
	"{\"time_ns\":1700000000123456789,\"seq\":42,\"cpu\":1,\"ifindex\":5,\"ifname\":\"ipsec7\",\"netns\":4026531833,\"netns_id\":12,\"netns_gone\":true,\"dir\":\"in\",\"family\":\"ipv4\",\"reason\":\"tmpl_mismatch\",\"counter\":\"XfrmInTmplMismatch\",\"exact\":true,\"explanation\":\"EXPL\"," \
	"\"flow\":{\"src\":\"10.2.0.1\",\"dst\":\"10.1.0.1\",\"proto\":17,\"sport\":4500,\"dport\":9000,\"icmp_type\":null,\"icmp_code\":null,\"mark\":16},\"lookup_if_id\":7,\"outer\":null," \
	"\"secpath\":[{\"src\":\"192.0.2.2\",\"dst\":\"192.0.2.1\",\"proto\":\"esp\",\"spi\":8192,\"reqid\":2,\"mode\":\"tunnel\",\"if_id\":7,\"aalgo\":5,\"output_mark\":16,\"output_mask\":255,\"sel\":{\"src\":\"10.2.0.0/24\",\"dst\":\"10.1.0.0/24\",\"proto\":17,\"sport\":4500,\"dport\":9000},\"kern\":false}," \
	"{\"src\":\"192.0.2.2\",\"dst\":\"192.0.2.1\",\"proto\":4,\"spi\":3221225985,\"reqid\":0,\"mode\":\"tunnel\",\"if_id\":null,\"aalgo\":0,\"output_mark\":null,\"output_mask\":null,\"sel\":null,\"kern\":true}]," \
	"\"policy\":{\"src\":\"10.2.0.0/24\",\"dst\":\"10.1.0.0/24\",\"proto\":17,\"sport\":null,\"dport\":9000,\"dir\":\"in\",\"priority\":100,\"index\":16,\"action\":\"allow\",\"type\":\"sub\",\"mark\":16,\"mask\":255,\"if_id\":7,\"socket\":true,\"dead\":true}," \
	"\"main_policy\":{\"src\":\"0.0.0.0/0\",\"dst\":\"0.0.0.0/0\",\"proto\":0,\"sport\":null,\"dport\":null,\"dir\":\"in\",\"priority\":200,\"index\":24,\"action\":\"block\",\"type\":\"main\",\"mark\":null,\"mask\":null,\"if_id\":null,\"socket\":false,\"dead\":false}," \
	"\"lookup\":[{\"type\":\"socket\",\"result\":\"none\",\"index\":null,\"if_id\":7,\"error\":null},{\"type\":\"sub\",\"result\":\"policy\",\"index\":16,\"if_id\":7,\"error\":null},{\"type\":\"main\",\"result\":\"policy\",\"index\":24,\"if_id\":7,\"error\":null}]," \
	"\"templates\":[{\"src\":null,\"dst\":null,\"proto\":\"esp\",\"spi\":768,\"reqid\":9,\"mode\":\"transport\",\"optional\":true,\"aalgos\":4294967295,\"allalgs\":true,\"compared\":null,\"mismatch\":[],\"evaluated\":false}," \
	"{\"src\":\"192.0.2.2\",\"dst\":\"192.0.2.1\",\"proto\":\"esp\",\"spi\":0,\"reqid\":3,\"mode\":\"tunnel\",\"optional\":false,\"aalgos\":8,\"allalgs\":false,\"compared\":0,\"mismatch\":[\"reqid\",\"algos\",20],\"evaluated\":true}," \
	"{\"src\":null,\"dst\":null,\"proto\":null,\"spi\":null,\"reqid\":null,\"mode\":null,\"optional\":null,\"aalgos\":null,\"allalgs\":null,\"compared\":1,\"mismatch\":[\"extra\"],\"evaluated\":true}]," \
	"\"not_shown\":1}\n"

/* Dropped before decryption: the packet instead of a flow, both outputs. */
TEST(nostate_event)
{
	static const char *const outer_keys[] = { "src", "dst", "proto", "spi",
		"seq", "mark", NULL };
	struct json_object *o, *p;
	struct xw_event ev;
	char *raw = NULL, *out;

	fx_nostate_event(&ev);
	out = event_text(&ev, "EXPL");
	EXPECT_STR(out,
		"2023-11-14 22:13:20.123456789 seq 7 cpu 0 dev veth0 netns 4026531840 dir in reason no_state\n"
		"  EXPL\n"
		"  packet: src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x00009000 seq 3\n"
		"\n");
	free(out);
	o = event_json(&ev, "EXPL", &raw);
	EXPECT_JSTR(o, "reason", "no_state");
	EXPECT_JSTR(o, "counter", "XfrmInNoStates");
	EXPECT_JNULL(o, "flow");
	EXPECT_JNULL(o, "policy");
	EXPECT_EQ(json_object_array_length(get(o, "secpath")), 0);
	p = get(o, "outer");
	expect_keys_of(p, outer_keys, &xw_outer_fieldset, XW_WORDED_OUTER);
	EXPECT_JSTR(p, "src", "192.0.2.2");
	EXPECT_JSTR(p, "dst", "192.0.2.1");
	EXPECT_JSTR(p, "proto", "esp");
	EXPECT_JINT(p, "spi", 0x9000);
	EXPECT_JINT(p, "seq", 3);
	EXPECT_JINT(p, "mark", 0);
	json_object_put(o);
	free(raw);
}

/* Every field set: the text, line by line, as an operator reads it. */
TEST(full_event_text)
{
	struct xw_event ev;
	char *out;

	fx_full_event(&ev);
	out = event_text(&ev, "EXPL");
	EXPECT_STR(out, FULL_TEXT);
	free(out);
}

/* The same event as JSON, byte for byte (key order follows the text). */
TEST(full_event_json_line)
{
	struct xw_event ev;
	struct json_object *o;
	char *raw = NULL;

	fx_full_event(&ev);
	o = event_json(&ev, "EXPL", &raw);
	EXPECT_STR(raw, FULL_JSON);
	json_object_put(o);
	free(raw);
}

#define AT(arr, i) json_object_array_get_idx(arr, i)

/* Each fact of FULL_TEXT, found in the JSON with its exact value. */
TEST(full_event_json_has_every_text_fact)
{
	struct xw_event ev;
	struct json_object *o, *f, *sp, *sa, *sel, *p, *m, *tm, *t, *mm, *lk;
	char *raw = NULL;

	fx_full_event(&ev);
	o = event_json(&ev, "EXPL", &raw);
	expect_keys(o, event_keys);
	/* header: dev, netns, dir, reason, exact; explanation */
	EXPECT_JSTR(o, "ifname", "ipsec7");
	EXPECT_JINT(o, "ifindex", 5);
	EXPECT_JINT(o, "netns", 4026531833u);
	EXPECT_JSTR(o, "dir", "in");
	EXPECT_JSTR(o, "reason", "tmpl_mismatch");
	EXPECT_JBOOL(o, "exact", 1);
	EXPECT_JSTR(o, "explanation", "EXPL");
	/* flow: ports, mark; the lookup's if_id */
	f = get(o, "flow");
	expect_keys(f, flow_keys);
	EXPECT_JSTR(f, "src", "10.2.0.1");
	EXPECT_JSTR(f, "dst", "10.1.0.1");
	EXPECT_JINT(f, "proto", 17);
	EXPECT_JINT(f, "sport", 4500);
	EXPECT_JINT(f, "dport", 9000);
	EXPECT_JINT(f, "mark", 0x10);
	EXPECT_JINT(o, "lookup_if_id", 7);
	/* sa 0: if_id, auth, sel */
	sp = get(o, "secpath");
	EXPECT_EQ(json_object_array_length(sp), 2);
	sa = AT(sp, 0);
	expect_keys(sa, sa_keys);
	EXPECT_JINT(sa, "spi", 0x2000);
	EXPECT_JINT(sa, "if_id", 7);
	EXPECT_JINT(sa, "aalgo", 5);		/* SADB_X_AALG_SHA2_256HMAC */
	EXPECT_JBOOL(sa, "kern", 0);
	EXPECT_JINT(sa, "output_mark", 0x10);
	EXPECT_JINT(sa, "output_mask", 0xff);
	sel = get(sa, "sel");
	expect_keys(sel, sel_keys);
	EXPECT_JSTR(sel, "src", "10.2.0.0/24");
	EXPECT_JSTR(sel, "dst", "10.1.0.0/24");
	EXPECT_JINT(sel, "proto", 17);
	EXPECT_JINT(sel, "sport", 4500);
	EXPECT_JINT(sel, "dport", 9000);
	/* sa 1: an unnamed protocol, kernel tunnel state, no selector */
	sa = AT(sp, 1);
	expect_keys(sa, sa_keys);
	EXPECT_JINT(sa, "proto", 4);
	EXPECT_JINT(sa, "spi", 0xc0000201u);
	EXPECT_JBOOL(sa, "kern", 1);
	EXPECT_JNULL(sa, "sel");
	EXPECT_JNULL(sa, "if_id");
	/* policy: sub, mark/mask, if_id, socket, deleted */
	p = get(o, "policy");
	expect_keys(p, pol_keys);
	EXPECT_JINT(p, "index", 16);
	EXPECT_JINT(p, "priority", 100);
	EXPECT_JINT(p, "proto", 17);
	EXPECT_JNULL(p, "sport");
	EXPECT_JINT(p, "dport", 9000);
	EXPECT_JSTR(p, "type", "sub");
	EXPECT_JINT(p, "mark", 0x10);
	EXPECT_JINT(p, "mask", 0xff);
	EXPECT_JINT(p, "if_id", 7);
	EXPECT_JBOOL(p, "socket", 1);
	EXPECT_JBOOL(p, "dead", 1);
	/* main policy */
	m = get(o, "main_policy");
	expect_keys(m, pol_keys);
	EXPECT_JINT(m, "index", 24);
	EXPECT_JINT(m, "priority", 200);
	EXPECT_JSTR(m, "action", "block");
	EXPECT_JSTR(m, "type", "main");
	EXPECT_JSTR(m, "src", "0.0.0.0/0");
	EXPECT_JSTR(m, "dst", "0.0.0.0/0");
	EXPECT_JBOOL(m, "socket", 0);
	EXPECT_JBOOL(m, "dead", 0);
	/* lookups: socket none, sub and main each a policy, all if_id 7 */
	lk = get(o, "lookup");
	EXPECT_EQ(json_object_array_length(lk), 3);
	expect_keys(AT(lk, 0), lookup_keys);
	EXPECT_JSTR(AT(lk, 0), "type", "socket");
	EXPECT_JSTR(AT(lk, 0), "result", "none");
	EXPECT_JNULL(AT(lk, 0), "index");
	EXPECT_JSTR(AT(lk, 1), "type", "sub");
	EXPECT_JSTR(AT(lk, 1), "result", "policy");
	EXPECT_JINT(AT(lk, 1), "index", 16);
	EXPECT_JSTR(AT(lk, 2), "type", "main");
	EXPECT_JINT(AT(lk, 2), "index", 24);
	EXPECT_JINT(AT(lk, 2), "if_id", 7);
	EXPECT_JNULL(AT(lk, 2), "error");
	/* tmpl 0: level use, not reached */
	tm = get(o, "templates");
	EXPECT_EQ(json_object_array_length(tm), 3);
	t = AT(tm, 0);
	expect_keys(t, tmpl_keys);
	EXPECT_JINT(t, "spi", 0x300);
	EXPECT_JSTR(t, "mode", "transport");
	EXPECT_JBOOL(t, "optional", 1);
	EXPECT_JBOOL(t, "allalgs", 1);
	EXPECT_JBOOL(t, "evaluated", 0);
	EXPECT_JNULL(t, "compared");
	EXPECT_JNULL(t, "src");
	EXPECT_EQ(json_object_array_length(get(t, "mismatch")), 0);
	/* tmpl 1: auth-mask, compared with sa 0, differs (20: newer bit) */
	t = AT(tm, 1);
	EXPECT_JINT(t, "aalgos", 0x8);
	EXPECT_JBOOL(t, "allalgs", 0);
	EXPECT_JINT(t, "compared", 0);
	EXPECT_JBOOL(t, "evaluated", 1);
	mm = get(t, "mismatch");
	EXPECT_EQ(json_object_array_length(mm), 3);
	EXPECT_STR(json_object_get_string(AT(mm, 0)), "reqid");
	EXPECT_STR(json_object_get_string(AT(mm, 1)), "algos");
	EXPECT(json_object_is_type(AT(mm, 2), json_type_int));
	EXPECT_EQ(json_object_get_int(AT(mm, 2)), 20);
	/* extra: sa 1 */
	t = AT(tm, 2);
	EXPECT_JINT(t, "compared", 1);
	EXPECT_STR(json_object_get_string(AT(get(t, "mismatch"), 0)), "extra");
	/* "(1 more SAs/templates not shown)" */
	EXPECT_JINT(o, "not_shown", 1);
	json_object_put(o);
	free(raw);
}

/* Status as text, in full. */
TEST(text_status_full)
{
	struct xw_cpu_stats cpus[1] = {
		{ .cpu = 0, .recorded = 5, .lost = 1, .filtered = 0, .buffered = 4 },
	};
	struct xw_status st = {
		.has_version = true, .version = "0.1", .enabled = true,
		.ring_size = 256, .all_netns = true, .filter_family = AF_INET6,
		.filter_reasons = (1u << XFRMWHY_REASON_TMPL_MISMATCH) |
				  (1u << XFRMWHY_REASON_NO_POLICY),
		.rate_limit = 100, .has_hook_mode = true,
		.hook_mode = XFRMWHY_HOOK_ON_DEMAND,
		.features = 1u << XFRMWHY_FEATURE_VERIFIED_CNT,
		.recorded = 5, .lost = 1, .buffered = 4, .notify_lost = 2,
		.ncpus = 1, .cpus = cpus,
	};
	char *out = status_text(&st);

	EXPECT_STR(out,
		"xfrmwhy module loaded (version 0.1), capture enabled\n"
		"  scope:      all network namespaces\n"
		"  hook mode:  on_demand (lookup probes not in place: the next rejection arms them)\n"
		"  features:   verified_cnt\n"
		"  ring size:  256 events per CPU\n"
		"  filters:    family ipv6, reasons tmpl_mismatch,no_policy, rate limit 100 events/s per CPU\n"
		"  events:     5 recorded, 1 lost, 0 filtered, 4 buffered, 0 probe misses, 2 notifications lost\n"
		"    cpu     recorded         lost     filtered   buffered\n"
		"      0            5            1            0          4\n");
	free(out);

	st.has_version = st.enabled = false;
	st.has_netns = true;
	st.netns = 77;
	st.filter_family = 0;
	st.filter_reasons = 0;
	st.rate_limit = 0;
	st.has_hook_mode = false;
	st.features = 0;
	st.ncpus = 0;
	out = status_text(&st);
	EXPECT_STR(out,
		"xfrmwhy module loaded, capture disabled (run 'xfrmwhy enable')\n"
		"  scope:      netns 77\n"
		"  features:  \n"
		"  ring size:  256 events per CPU\n"
		"  filters:    family any, reasons all, no rate limit\n"
		"  events:     5 recorded, 1 lost, 0 filtered, 4 buffered, 0 probe misses, 2 notifications lost\n");
	free(out);
}
