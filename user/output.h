/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Printing: text for people (output_text.c), JSON Lines for programs
 * (output_json.c).  The JSON builders return objects so tests can read
 * them back.
 */
#ifndef XFRMWHY_OUTPUT_H
#define XFRMWHY_OUTPUT_H

#include <stdio.h>
#include <json-c/json.h>

#include "event.h"
#include "nl.h"
#include "print.h"
#include "summary.h"

/* Text. */
void xw_text_event(FILE *f, const struct xw_event *ev, const char *explanation);
void xw_text_status(FILE *f, const struct xw_status *st);
void xw_text_summary(FILE *f, const struct xw_summary *s);

/* JSON: builders (caller puts the reference) and a one-line printer. */
struct json_object *xw_json_event(const struct xw_event *ev,
				  const char *explanation);
struct json_object *xw_json_status(const struct xw_status *st);
struct json_object *xw_json_not_loaded(void);
struct json_object *xw_json_group(const struct xw_group *g);
/* Print obj as one line and drop the reference. */
void xw_json_print(FILE *f, struct json_object *obj);

#endif
