// SPDX-License-Identifier: GPL-2.0
/* summary: grouping by (reason, policy, SA), counts, first/last, JSON. */
#include <stdlib.h>
#include <string.h>

#include "../output.h"
#include "../summary.h"
#include "fixtures.h"
#include "tap.h"

TEST(summary_groups)
{
	struct xw_summary s = { 0 };
	struct xw_event ev;
	struct json_object *o;
	char *raw = NULL, *lines, *save = NULL;
	struct xw_out out;
	size_t len = 0;
	FILE *f;

	fx_seed_event(&ev);
	ev.time_ns = 3000;
	EXPECT_EQ(xw_summary_add(&s, &ev, "seed"), 0);
	ev.time_ns = 1000;
	EXPECT_EQ(xw_summary_add(&s, &ev, "ignored: same group"), 0);
	ev.time_ns = 5000;
	EXPECT_EQ(xw_summary_add(&s, &ev, "ignored too"), 0);
	/* Another policy: another group. */
	ev.policy.index = 16;
	ev.time_ns = 500;
	EXPECT_EQ(xw_summary_add(&s, &ev, "other policy"), 0);
	/* No policy, no SA: a group of its own with nulls. */
	ev.reason = XFRMWHY_REASON_HDR_ERROR;
	ev.policy.present = false;
	ev.nsa = 0;
	ev.ntmpl = 0;
	EXPECT_EQ(xw_summary_add(&s, &ev, "hdr"), 0);
	EXPECT_EQ(xw_summary_add(&s, &ev, "hdr"), 0);

	xw_summary_sort(&s);
	EXPECT_EQ(s.n, 3);
	EXPECT_EQ(s.g[0].count, 3);
	EXPECT_EQ(s.g[0].policy_index, 8);
	EXPECT_EQ(s.g[0].spi, 0x9ce44e77);
	EXPECT_EQ(s.g[0].reqid, 16389);
	EXPECT_EQ(s.g[0].first_ns, 1000);
	EXPECT_EQ(s.g[0].last_ns, 5000);
	EXPECT_STR(s.g[0].explanation, "seed");
	EXPECT_EQ(s.g[1].count, 2);
	EXPECT_EQ(s.g[1].reason, XFRMWHY_REASON_HDR_ERROR);
	EXPECT_EQ(s.g[2].count, 1);
	EXPECT_EQ(s.g[2].policy_index, 16);

	f = open_memstream(&raw, &len);
	xw_out_init(&out, true, f);
	xw_output_summary(&out, &s);	/* JSON Lines: one group a line */
	fclose(f);
	lines = strtok_r(raw, "\n", &save);
	o = json_tokener_parse(lines);
	EXPECT(o != NULL);
	EXPECT_EQ(json_object_object_length(o), 9);
	EXPECT_STR(json_object_get_string(json_object_object_get(o, "reason")), "tmpl_mismatch");
	EXPECT_STR(json_object_get_string(json_object_object_get(o, "counter")), "XfrmInTmplMismatch");
	EXPECT_EQ(json_object_get_int64(json_object_object_get(o, "policy_index")), 8);
	EXPECT_EQ(json_object_get_int64(json_object_object_get(o, "spi")), 0x9ce44e77);
	EXPECT_EQ(json_object_get_int64(json_object_object_get(o, "reqid")), 16389);
	EXPECT_EQ(json_object_get_int64(json_object_object_get(o, "count")), 3);
	EXPECT_EQ(json_object_get_int64(json_object_object_get(o, "first_ns")), 1000);
	EXPECT_EQ(json_object_get_int64(json_object_object_get(o, "last_ns")), 5000);
	EXPECT_STR(json_object_get_string(json_object_object_get(o, "explanation")), "seed");
	json_object_put(o);

	o = json_tokener_parse(strtok_r(NULL, "\n", &save));
	EXPECT(json_object_object_get_ex(o, "policy_index", NULL));
	EXPECT(json_object_object_get(o, "policy_index") == NULL);
	EXPECT(json_object_object_get(o, "spi") == NULL);
	EXPECT(json_object_object_get(o, "reqid") == NULL);
	json_object_put(o);
	EXPECT(strtok_r(NULL, "\n", &save) != NULL);
	EXPECT(strtok_r(NULL, "\n", &save) == NULL);
	free(raw);

	/* The text table: a header, then a row and the explanation per group. */
	raw = NULL;
	f = open_memstream(&raw, &len);
	xw_out_init(&out, false, f);
	xw_output_summary(&out, &s);
	fclose(f);
	EXPECT_STR(raw,
		"   COUNT  REASON            POLICY  SPI            REQID  FIRST                          LAST\n"
		"       3  tmpl_mismatch          8  0x9ce44e77     16389  1970-01-01 00:00:00.000001000  1970-01-01 00:00:00.000005000\n"
		"          seed\n"
		"       2  hdr_error              -  -                  -  1970-01-01 00:00:00.000000500  1970-01-01 00:00:00.000000500\n"
		"          hdr\n"
		"       1  tmpl_mismatch         16  0x9ce44e77     16389  1970-01-01 00:00:00.000000500  1970-01-01 00:00:00.000000500\n"
		"          other policy\n");
	free(raw);
	xw_summary_free(&s);

	/* Nothing to group: text says so, JSON prints nothing. */
	raw = NULL;
	f = open_memstream(&raw, &len);
	xw_out_init(&out, false, f);
	xw_output_summary(&out, &s);
	xw_out_init(&out, true, f);
	xw_output_summary(&out, &s);
	fclose(f);
	EXPECT_STR(raw, "no events\n");
	free(raw);
}
