/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One set of calls, two outputs.  A printer (output.c) states each value
 * once -- its JSON key, its text format and the value -- and this layer
 * either writes the text to a FILE or adds the value to a json-c object,
 * depending on the mode: the pattern of iproute2's
 * print_*(PRINT_ANY, key, fmt, value), so that text and JSON cannot tell
 * different stories.
 *
 * kind says where a value goes:
 *   XW_ANY   both: under key in JSON, through fmt in text
 *   XW_JSON  JSON only (text leaves it out: a default, or a fact the text
 *            says in other words)
 *   XW_TEXT  text only
 *   XW_NULL  the value is absent: null in JSON, nothing in text
 * fmt is a printf format taking the value (a string for names, times and
 * addresses); NULL prints nothing.  key is the member name in an object
 * and NULL in an array.
 *
 * JSON mode builds one object per top-level xw_open_object() ... close;
 * when it closes, it is written to the FILE as one line (JSON Lines), or,
 * without a FILE, kept for xw_out_take().
 */
#ifndef XFRMWHY_PRINT_H
#define XFRMWHY_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

#include "event.h"

enum xw_kind {
	XW_TEXT = 1,
	XW_JSON = 2,
	XW_ANY = XW_TEXT | XW_JSON,
	XW_NULL = 4,
};

/* Deepest nesting of objects and arrays a printer uses, plus room. */
#define XW_OUT_DEPTH 8

struct xw_out {
	bool json;
	FILE *f;		/* text, or JSON Lines; NULL: keep the JSON */
	int depth;
	struct json_object *stack[XW_OUT_DEPTH];
	struct json_object *done;	/* a closed top-level object */
};

/* Text to f, or JSON: one line per top-level object to f (f may be NULL). */
void xw_out_init(struct xw_out *o, bool json, FILE *f);
/* JSON without a FILE: the last top-level object (the caller puts it). */
struct json_object *xw_out_take(struct xw_out *o);

void xw_open_object(struct xw_out *o, const char *key);
void xw_close_object(struct xw_out *o);
void xw_open_array(struct xw_out *o, const char *key);
void xw_close_array(struct xw_out *o);

void xw_print_u32(struct xw_out *o, enum xw_kind kind, const char *key,
		  const char *fmt, uint32_t v);
void xw_print_u64(struct xw_out *o, enum xw_kind kind, const char *key,
		  const char *fmt, uint64_t v);
/* s NULL: absent (null, no text). */
void xw_print_str(struct xw_out *o, enum xw_kind kind, const char *key,
		  const char *fmt, const char *s);
/* A word of a vocabulary ("esp"): the name, else the number, in both. */
void xw_print_name(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *fmt, const char *name, unsigned int num);
/* A code programs compute with (aalgo): JSON the number, text the name. */
void xw_print_code(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *fmt, unsigned int num, const char *name);
/* JSON true/false; text prints yes or no as they are (either may be NULL). */
void xw_print_bool(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *yes, const char *no, bool v);
/* "192.0.2.1"; an unset address is absent. */
void xw_print_addr(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *fmt, const struct xw_addr *a);
/* "10.0.1.0/24" */
void xw_print_prefix(struct xw_out *o, enum xw_kind kind, const char *key,
		     const char *fmt, const struct xw_addr *a,
		     unsigned int plen);
/* JSON the nanoseconds, text the local time (xw_text_time). */
void xw_print_time(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *fmt, uint64_t ns);
/* JSON null; text prints text through fmt (a placeholder such as "-"). */
void xw_print_null(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *fmt, const char *text);
/* Text only: labels, separators, line ends. */
void xw_print_text(struct xw_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The generic printer: a struct described field by field (the tables
 * scripts/event-gen writes from the netlink spec), so that an attribute
 * the hand-written printer does not know yet still reaches both outputs,
 * under its spec name: JSON "key": value (null when it did not come),
 * text " name value" (a number only when it is not 0).  Each struct
 * described starts with bool present.
 */
enum xw_field_type {
	XW_FIELD_U8,
	XW_FIELD_U16,
	XW_FIELD_U32,
	XW_FIELD_U64,
	XW_FIELD_FLAG,
	XW_FIELD_STRING,
	XW_FIELD_ADDR,
	XW_FIELD_NEST,
};

struct xw_fieldset;

struct xw_field {
	unsigned int attr;		/* the attribute's number in its set */
	const char *key;		/* JSON key */
	const char *name;		/* the spec's name, for text */
	const char *fmt;		/* text of a scalar, string or address */
	enum xw_field_type type;
	size_t off;			/* of the value */
	size_t has_off;			/* of its bool has_ (not flag, nest) */
	const char *const *names;	/* an enum's names by value, or NULL */
	size_t nnames;
	bool flags;			/* the value is a mask of 1 << entry */
	const struct xw_fieldset *nest;	/* the nest's struct */
	size_t count_off, elem_size;	/* a repeated nest: int count, array */
};

struct xw_fieldset {
	const char *name;
	const struct xw_field *fields;
	size_t n;
};

/*
 * Print the fields of obj (described by set) whose attribute number is
 * above after: the hand-written printer prints the attributes up to
 * after in its own words, and attribute numbers only grow (uAPI rule), so
 * every attribute is printed exactly once.
 */
void xw_print_fields(struct xw_out *o, const struct xw_fieldset *set,
		     const void *obj, unsigned int after);

/* "2025-11-25 15:48:01.123456789" in local time. */
const char *xw_text_time(uint64_t ns, char *buf, size_t len);

#endif
