/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The printers: an event, the status and the summary, each fact written
 * once for both outputs through the output layer (print.h).  Text is for
 * people, in "ip xfrm" words; JSON Lines for programs, with the keys and
 * vocabularies documented in Documentation/admin-guide.md ("Status",
 * "JSON events"; scripts/doc-check holds the two together).
 */
#ifndef XFRMWHY_OUTPUT_H
#define XFRMWHY_OUTPUT_H

#include "event.h"
#include "nl.h"
#include "print.h"
#include "summary.h"

/*
 * The last attribute of each nest that the event printer words itself;
 * those above come out by their spec names (xw_print_fields()).
 */
#define XW_WORDED_EVENT		XFRMWHY_EV_A_OUTER
#define XW_WORDED_FLOW		XFRMWHY_FLOW_A_MARK
#define XW_WORDED_SA		XFRMWHY_SA_A_KERN
#define XW_WORDED_SEL		XFRMWHY_SEL_A_IFINDEX
#define XW_WORDED_POLICY	XFRMWHY_POL_A_DEAD
#define XW_WORDED_TMPL		XFRMWHY_TMPL_A_EVALUATED
#define XW_WORDED_LOOKUP	XFRMWHY_LK_A_ERROR
#define XW_WORDED_OUTER		XFRMWHY_OUTER_A_MARK

void xw_output_event(struct xw_out *o, const struct xw_event *ev,
		     const char *explanation);
void xw_output_status(struct xw_out *o, const struct xw_status *st);
/* {"loaded":false} in JSON; nothing in text (main says it on stderr). */
void xw_output_not_loaded(struct xw_out *o);
/* Text: a table (or "no events"); JSON: one object per group. */
void xw_output_summary(struct xw_out *o, const struct xw_summary *s);

#endif
