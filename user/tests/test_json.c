// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output: print a seed-like event, parse the line back with json-c,
 * and check every key of the contract, its value and its nulls.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <linux/xfrm.h>

#include "../explain.h"
#include "../output.h"
#include "fixtures.h"
#include "tap.h"

/* Print through the real printer and parse the one line it wrote. */
static struct json_object *roundtrip(struct json_object *obj, char **raw)
{
	size_t len = 0;
	FILE *f = open_memstream(raw, &len);
	struct json_object *back;

	xw_json_print(f, obj);
	fclose(f);
	EXPECT(len > 0 && (*raw)[len - 1] == '\n');
	EXPECT(strchr(*raw, '\n') == *raw + len - 1);	/* one line */
	back = json_tokener_parse(*raw);
	EXPECT(back != NULL);
	return back;
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, k, &v))
		tap_fail(__FILE__, __LINE__, "key \"%s\" missing", k);
	return v;
}

/* The object has exactly these keys, no more, no fewer. */
static void expect_keys(struct json_object *o, const char *const *keys)
{
	int n = 0;

	for (; *keys; keys++, n++)
		get(o, *keys);
	EXPECT_EQ(json_object_object_length(o), n);
}

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
	"flow", "secpath", "policy", "templates", "explanation", NULL };
static const char *const flow_keys[] = { "src", "dst", "proto", "sport",
	"dport", "icmp_type", "icmp_code", "mark", NULL };
static const char *const sa_keys[] = { "spi", "proto", "reqid", "mode",
	"src", "dst", "if_id", NULL };
static const char *const pol_keys[] = { "index", "priority", "dir", "action",
	"src", "dst", "proto", "if_id", "mark", "mask", NULL };
static const char *const tmpl_keys[] = { "proto", "spi", "reqid", "mode",
	"src", "dst", "optional", "compared", "mismatch", NULL };

TEST(json_seed_event)
{
	struct xw_event ev;
	struct json_object *o, *flow, *sp, *sa, *pol, *tm, *t, *mm;
	char expl[XW_EXPLAIN_MAX], *raw = NULL;

	fx_seed_event(&ev);
	xw_explain(&ev, NULL, expl, sizeof(expl));
	o = roundtrip(xw_json_event(&ev, expl), &raw);
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
	o = roundtrip(xw_json_event(&ev, NULL), &raw);
	expect_keys(o, event_keys);
	EXPECT_JSTR(o, "reason", "unknown");
	EXPECT_JNULL(o, "counter");
	EXPECT_JNULL(o, "policy");
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
	o = roundtrip(xw_json_event(&ev, "x"), &raw);
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
	o = roundtrip(xw_json_event(&ev, "x"), &raw);

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
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	xw_text_status(f, &st);
	fclose(f);
	EXPECT_CONTAINS(out, "3 probe misses");
	EXPECT_CONTAINS(out, "the kernel ran 3 policy checks without handing them");
	free(out);
	st.missed = 0;
	out = NULL;
	f = open_memstream(&out, &len);
	xw_text_status(f, &st);
	fclose(f);
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

	o = roundtrip(xw_json_status(&st), &raw);
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
	o = roundtrip(xw_json_status(&st), &raw);
	EXPECT_JSTR(o, "hook_mode", "approximate");
	EXPECT_EQ(json_object_array_length(get(o, "filter_reasons")),
		  __XFRMWHY_REASON_MAX);
	json_object_put(o);
	free(raw);

	o = roundtrip(xw_json_not_loaded(), &raw);
	EXPECT_JBOOL(o, "loaded", 0);
	EXPECT_EQ(json_object_object_length(o), 1);
	json_object_put(o);
	free(raw);
}
