/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "xfrmwhy run -- CMD": what a command may drop (--expect) and running
 * the command itself.  Kept apart from main.c so that the rules can be
 * tested without a kernel module.
 */
#ifndef XFRMWHY_RUN_H
#define XFRMWHY_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/xfrmwhy.h>

/* --expect REASON[=N]: up to N drops of REASON (any number without =N). */
struct xw_expect {
	int reason;
	bool has_max;
	uint64_t max;
};

#define XW_MAX_EXPECT 16

/* "tmpl_mismatch=10", "XfrmInTmplMismatch=10", "no_policy": 0 or -EINVAL. */
int xw_parse_expect(const char *arg, struct xw_expect *e);

/*
 * Drops beyond what was declared: count[r] events of each reason, against
 * n declarations (a reason declared twice takes the larger allowance).
 */
uint64_t xw_unexpected(const uint64_t count[__XFRMWHY_REASON_MAX],
		       const struct xw_expect *e, int n);

/*
 * Run argv[0] with its arguments (PATH searched), forwarding SIGINT,
 * SIGTERM and SIGHUP to it, and wait.  Returns its exit status as a shell
 * gives it (128 + N when killed by signal N), 127 when it cannot be run,
 * or -errno when it could not be started at all.
 */
int xw_run_child(char *const argv[]);

#endif
