/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The explanation of one event: what happened (facts from the event) and
 * what to look at (a hint chosen by the mismatch pattern).  Pure: no I/O,
 * no globals, so every branch is unit-tested.
 */
#ifndef XFRMWHY_EXPLAIN_H
#define XFRMWHY_EXPLAIN_H

#include <stddef.h>

#include "event.h"
#include "sad.h"

/* The mismatch patterns; each has its own hint. */
enum xw_hint {
	XW_HINT_REQID,
	XW_HINT_SPI,
	XW_HINT_PROTO,
	XW_HINT_MODE,
	XW_HINT_TUNNEL_SRC,
	XW_HINT_IF_ID,
	XW_HINT_ALGOS,
	XW_HINT_MISSING,
	XW_HINT_EXTRA,
	XW_HINT_KERN,
	XW_HINT_NO_POLICY_TUNNEL,
	XW_HINT_NO_POLICY_DEFAULT,
	XW_HINT_POLICY_BLOCK,
	XW_HINT_STATE_MISMATCH,
	XW_HINT_HDR_ERROR,
	XW_HINT_POLICY_ERROR,
	XW_HINT_BUFFER_ERROR,
	XW_HINT_NO_STATE,
	XW_HINT_UNKNOWN,

	__XW_HINT_CNT
};

/* Room enough for any explanation; longer ones are cut, never overrun. */
#define XW_EXPLAIN_MAX 2048

/*
 * Write "<facts>. [<SAD correlation>.] <hint>" into buf and return the hint
 * chosen.  sad may be NULL (no correlation available).
 */
enum xw_hint xw_explain(const struct xw_event *ev,
			const struct xw_sad_match *sad, char *buf, size_t len);

/* The hint text of a pattern (for docs and tests). */
const char *xw_hint_text(enum xw_hint h);
/* A short name of a pattern: "reqid", "no_policy_tunnel"... */
const char *xw_hint_name(enum xw_hint h);

#endif
