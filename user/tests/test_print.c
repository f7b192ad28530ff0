// SPDX-License-Identifier: GPL-2.0
/*
 * The output layer: the same calls give the text and the JSON, each kind
 * goes where it says, objects nest, and JSON mode writes one line per
 * top-level object.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../print.h"
#include "fixtures.h"
#include "tap.h"

/* A little of everything, in one object; the same calls for both modes. */
static void sample(struct xw_out *o)
{
	struct xw_addr a, net, unset = { 0 };

	fx_addr4(&a, "192.0.2.1");
	fx_addr4(&net, "192.0.2.0");
	xw_open_object(o, NULL);
	xw_print_u32(o, XW_ANY, "n", "n %u", 7);
	xw_print_u64(o, XW_ANY, "big", " big %" PRIu64, UINT64_MAX);
	xw_print_u32(o, XW_JSON, "json_only", " NOT IN TEXT %u", 1);
	xw_print_u32(o, XW_TEXT, "text_only", " text_only %u", 2);
	xw_print_u32(o, XW_NULL, "absent", " NOT IN TEXT %u", 3);
	xw_print_str(o, XW_ANY, "s", " s %s", "x/y");
	xw_print_str(o, XW_ANY, "nostr", " NOT IN TEXT %s", NULL);
	xw_print_name(o, XW_ANY, "known", " known %s", "esp", 50);
	xw_print_name(o, XW_ANY, "unknown", " unknown %s", NULL, 99);
	xw_print_code(o, XW_ANY, "code", " code %s", 5, "hmac(sha256)");
	xw_print_code(o, XW_ANY, "nocode", " nocode %s", 42, NULL);
	xw_print_bool(o, XW_ANY, "yes", " YES", " no", true);
	xw_print_bool(o, XW_ANY, "no", " yes", " NO", false);
	xw_print_addr(o, XW_ANY, "addr", " addr %s", &a);
	xw_print_addr(o, XW_ANY, "noaddr", " NOT IN TEXT %s", &unset);
	xw_print_prefix(o, XW_ANY, "prefix", " prefix %s", &net, 24);
	xw_print_time(o, XW_ANY, "time", " time %s", 1700000000123456789ull);
	xw_print_null(o, XW_ANY, "dash", " dash %s", "-");
	xw_print_text(o, " text %d", 3);
	xw_open_object(o, "inner");
	xw_print_u32(o, XW_ANY, "m", " inner m %u", 1);
	xw_close_object(o);
	xw_open_array(o, "list");
	xw_print_name(o, XW_ANY, NULL, " %s", "a", 0);
	xw_print_name(o, XW_ANY, NULL, " %s", NULL, 2);
	xw_open_object(o, NULL);
	xw_print_bool(o, XW_ANY, "deep", " deep", NULL, true);
	xw_close_object(o);
	xw_close_array(o);
	xw_print_text(o, "\n");
	xw_close_object(o);
}

TEST(print_text_mode)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct xw_out o;

	xw_out_init(&o, false, f);
	sample(&o);
	fclose(f);
	EXPECT_STR(out, "n 7 big 18446744073709551615 text_only 2 s x/y known esp"
		   " unknown 99 code hmac(sha256) nocode 42 YES NO"
		   " addr 192.0.2.1 prefix 192.0.2.0/24"
		   " time 2023-11-14 22:13:20.123456789 dash - text 3"
		   " inner m 1 a 2 deep\n");
	EXPECT(xw_out_take(&o) == NULL);
	free(out);
}

#define SAMPLE_JSON "{\"n\":7,\"big\":18446744073709551615,\"json_only\":1," \
	"\"absent\":null,\"s\":\"x/y\",\"nostr\":null,\"known\":\"esp\"," \
	"\"unknown\":99,\"code\":5,\"nocode\":42,\"yes\":true,\"no\":false," \
	"\"addr\":\"192.0.2.1\",\"noaddr\":null,\"prefix\":\"192.0.2.0/24\"," \
	"\"time\":1700000000123456789,\"dash\":null,\"inner\":{\"m\":1}," \
	"\"list\":[\"a\",2,{\"deep\":true}]}"

/* JSON Lines: each top-level object is one line, "/" not escaped. */
TEST(print_json_lines)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct xw_out o;

	xw_out_init(&o, true, f);
	sample(&o);
	sample(&o);
	fclose(f);
	EXPECT_STR(out, SAMPLE_JSON "\n" SAMPLE_JSON "\n");
	EXPECT(xw_out_take(&o) == NULL);	/* written, not kept */
	free(out);
}

/* Without a FILE the object is kept for the caller. */
TEST(print_json_take)
{
	struct xw_out o;
	struct json_object *obj;

	xw_out_init(&o, true, NULL);
	sample(&o);
	obj = xw_out_take(&o);
	EXPECT(obj != NULL);
	EXPECT_STR(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
		   JSON_C_TO_STRING_NOSLASHESCAPE), SAMPLE_JSON);
	EXPECT(xw_out_take(&o) == NULL);
	json_object_put(obj);

	/* Text-only calls and values outside any object go nowhere. */
	xw_print_text(&o, "ignored");
	xw_print_u32(&o, XW_ANY, "stray", "%u", 1);
	EXPECT(xw_out_take(&o) == NULL);
}

/* Nesting deeper than the layer keeps drops the extra levels, safely. */
TEST(print_json_too_deep)
{
	struct xw_out o;
	struct json_object *obj;
	int i;

	xw_out_init(&o, true, NULL);
	xw_open_object(&o, NULL);
	for (i = 0; i < XW_OUT_DEPTH + 2; i++)
		xw_open_object(&o, "d");
	xw_print_u32(&o, XW_ANY, "lost", "%u", 1);
	for (i = 0; i < XW_OUT_DEPTH + 2; i++)
		xw_close_object(&o);
	xw_print_u32(&o, XW_ANY, "kept", "%u", 2);
	xw_close_object(&o);
	xw_close_object(&o);	/* one too many: ignored */
	obj = xw_out_take(&o);
	EXPECT(obj != NULL);
	EXPECT(json_object_object_get_ex(obj, "kept", NULL));
	EXPECT_CONTAINS(json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PLAIN), "\"kept\":2}");
	EXPECT(!strstr(json_object_to_json_string(obj), "lost"));
	json_object_put(obj);
}

/* Print fields through the generic printer, in text or JSON, to a string. */
static char *generic(bool json, const struct xw_fieldset *set,
		     const void *obj, unsigned int after)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct xw_out o;

	xw_out_init(&o, json, f);
	xw_open_object(&o, NULL);
	xw_print_fields(&o, set, obj, after);
	xw_close_object(&o);
	fclose(f);
	return out;
}

/*
 * An attribute the hand-written printer does not know comes out under its
 * spec name, through the tables generated from the spec: here all of an
 * SA's (after 0), absent ones null in JSON and missing from the text.
 */
TEST(print_fields_generic_sa)
{
	struct xw_sa sa = { .present = true };
	char *s;

	sa.has_spi = true;
	sa.spi = 0xc1;
	sa.has_proto = true;
	sa.proto = 50;
	sa.has_if_id = true;
	sa.if_id = 7;
	sa.has_reqid = true;	/* 0: in the JSON, not in the text */
	sa.has_src = true;
	fx_addr4(&sa.src, "192.0.2.2");
	sa.sel.present = true;
	sa.sel.has_proto = true;
	sa.sel.proto = 6;
	sa.kern = true;
	s = generic(false, &xw_sa_fieldset, &sa, 0);
	EXPECT_STR(s, " spi 0xc1 proto 50 src 192.0.2.2 if-id 7 sel: proto 6 kern");
	free(s);
	s = generic(true, &xw_sa_fieldset, &sa, 0);
	EXPECT_STR(s, "{\"spi\":193,\"proto\":50,\"reqid\":0,\"mode\":null,"
		   "\"family\":null,\"src\":\"192.0.2.2\",\"dst\":null,"
		   "\"if_id\":7,\"sel\":{\"family\":null,\"src\":null,"
		   "\"dst\":null,\"src_len\":null,\"dst_len\":null,\"proto\":6,"
		   "\"sport\":null,\"sport_mask\":null,\"dport\":null,"
		   "\"dport_mask\":null,\"ifindex\":null},\"aalgo\":null,"
		   "\"kern\":true,\"output_mark\":null,\"output_mask\":null}\n");
	free(s);
	/* Only attributes above "after": none above the last one. */
	s = generic(false, &xw_sa_fieldset, &sa, XFRMWHY_SA_A_OUTPUT_MASK);
	EXPECT_STR(s, "");
	free(s);
	s = generic(true, &xw_sa_fieldset, &sa, XFRMWHY_SA_A_OUTPUT_MARK);
	EXPECT_STR(s, "{\"output_mask\":null}\n");
	free(s);
}

/* Enums by name, masks of enum entries as lists, repeated nests as arrays. */
TEST(print_fields_generic_event)
{
	static struct xw_event ev;
	char *s;

	ev.has_dir = true;
	ev.dir = XFRMWHY_DIR_FWD;
	ev.has_reason = true;
	ev.reason = 200;		/* from a newer module: the number */
	ev.ntmpl = 1;
	ev.tmpl[0].present = true;
	ev.tmpl[0].has_mismatch = true;
	ev.tmpl[0].mismatch = 1u << XFRMWHY_MISMATCH_REQID |
			      1u << XFRMWHY_MISMATCH_TUNNEL_SRC | 1u << 30;
	s = generic(false, &xw_event_fieldset, &ev, XFRMWHY_EV_A_NETNS);
	EXPECT_STR(s, " dir fwd reason 200 tmpl 0: mismatch reqid,tunnel_src,30");
	free(s);
	s = generic(true, &xw_tmpl_fieldset, &ev.tmpl[0], XFRMWHY_TMPL_A_AALGOS);
	EXPECT_STR(s, "{\"allalgs\":null,\"compared\":null,"
		   "\"mismatch\":[\"reqid\",\"tunnel_src\",30],"
		   "\"evaluated\":null}\n");
	free(s);
}
