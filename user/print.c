// SPDX-License-Identifier: GPL-2.0
/*
 * The output layer: text or JSON from the same calls (see print.h).  It
 * knows nothing of events; output.c says what is printed.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "print.h"

const char *xw_text_time(uint64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char day[32];

	if (!localtime_r(&sec, &tm) ||
	    !strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(day, sizeof(day), "%lld", (long long)sec);
	snprintf(buf, len, "%s.%09" PRIu64, day, (uint64_t)(ns % 1000000000ull));
	return buf;
}

void xw_out_init(struct xw_out *o, bool json, FILE *f)
{
	memset(o, 0, sizeof(*o));
	o->json = json;
	o->f = f;
}

struct json_object *xw_out_take(struct xw_out *o)
{
	struct json_object *obj = o->done;

	o->done = NULL;
	return obj;
}

static bool to_text(const struct xw_out *o, enum xw_kind kind,
		    const char *fmt)
{
	return !o->json && (kind & XW_TEXT) && fmt && o->f;
}

static bool to_json(const struct xw_out *o, enum xw_kind kind)
{
	return o->json && (kind & (XW_JSON | XW_NULL));
}

/* Put v (NULL: JSON null) into the innermost open object or array. */
static void add(struct xw_out *o, const char *key, struct json_object *v)
{
	struct json_object *top;

	if (!o->depth || o->depth > XW_OUT_DEPTH) {
		json_object_put(v);	/* outside any object: nowhere to go */
		return;
	}
	top = o->stack[o->depth - 1];
	if (json_object_is_type(top, json_type_array))
		json_object_array_add(top, v);
	else
		json_object_object_add(top, key ? key : "", v);
}

static void open_container(struct xw_out *o, const char *key,
			   struct json_object *c)
{
	if (o->depth >= XW_OUT_DEPTH) {
		/* A printer nested too deep: drop this level, keep counting. */
		json_object_put(c);
		o->depth++;
		return;
	}
	if (o->depth)
		add(o, key, json_object_get(c));
	o->stack[o->depth++] = c;
}

static void close_container(struct xw_out *o)
{
	struct json_object *c;

	if (!o->depth)
		return;
	if (o->depth-- > XW_OUT_DEPTH)
		return;
	c = o->stack[o->depth];
	if (o->depth) {
		json_object_put(c);	/* the parent holds it */
		return;
	}
	if (o->f) {
		/* One line; "10.0.1.0/24" must not become "10.0.1.0\/24". */
		fprintf(o->f, "%s\n", json_object_to_json_string_ext(c,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(c);
		return;
	}
	json_object_put(o->done);
	o->done = c;
}

void xw_open_object(struct xw_out *o, const char *key)
{
	if (o->json)
		open_container(o, key, json_object_new_object());
}

void xw_close_object(struct xw_out *o)
{
	if (o->json)
		close_container(o);
}

void xw_open_array(struct xw_out *o, const char *key)
{
	if (o->json)
		open_container(o, key, json_object_new_array());
}

void xw_close_array(struct xw_out *o)
{
	xw_close_object(o);
}

void xw_print_u32(struct xw_out *o, enum xw_kind kind, const char *key,
		  const char *fmt, uint32_t v)
{
	if (to_json(o, kind))
		add(o, key, kind == XW_NULL ? NULL : json_object_new_int64(v));
	else if (to_text(o, kind, fmt))
		fprintf(o->f, fmt, v);
}

void xw_print_u64(struct xw_out *o, enum xw_kind kind, const char *key,
		  const char *fmt, uint64_t v)
{
	if (to_json(o, kind))
		add(o, key, kind == XW_NULL ? NULL : json_object_new_uint64(v));
	else if (to_text(o, kind, fmt))
		fprintf(o->f, fmt, v);
}

void xw_print_str(struct xw_out *o, enum xw_kind kind, const char *key,
		  const char *fmt, const char *s)
{
	if (!s)
		kind = XW_NULL;
	if (to_json(o, kind))
		add(o, key, kind == XW_NULL ? NULL : json_object_new_string(s));
	else if (to_text(o, kind, fmt))
		fprintf(o->f, fmt, s);
}

void xw_print_name(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *fmt, const char *name, unsigned int num)
{
	char nb[16];

	if (to_json(o, kind)) {
		add(o, key, kind == XW_NULL ? NULL :
			    name ? json_object_new_string(name) :
				   json_object_new_int64(num));
	} else if (to_text(o, kind, fmt)) {
		snprintf(nb, sizeof(nb), "%u", num);
		fprintf(o->f, fmt, name ? name : nb);
	}
}

void xw_print_code(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *fmt, unsigned int num, const char *name)
{
	if (to_json(o, kind))
		add(o, key, kind == XW_NULL ? NULL : json_object_new_int64(num));
	else
		xw_print_name(o, kind, key, fmt, name, num);
}

void xw_print_bool(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *yes, const char *no, bool v)
{
	const char *text = v ? yes : no;

	if (to_json(o, kind))
		add(o, key, kind == XW_NULL ? NULL : json_object_new_boolean(v));
	else if (to_text(o, kind, text))
		fputs(text, o->f);
}

void xw_print_addr(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *fmt, const struct xw_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	xw_print_str(o, kind, key, fmt, a && xw_addr_is_set(a) ?
		     xw_addr_str(a, buf, sizeof(buf)) : NULL);
}

void xw_print_prefix(struct xw_out *o, enum xw_kind kind, const char *key,
		     const char *fmt, const struct xw_addr *a,
		     unsigned int plen)
{
	char buf[INET6_ADDRSTRLEN + 4];

	xw_print_str(o, kind, key, fmt,
		     kind == XW_NULL ? NULL :
		     xw_prefix_str(a, plen, buf, sizeof(buf)));
}

void xw_print_time(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *fmt, uint64_t ns)
{
	char buf[64];

	if (to_json(o, kind))
		add(o, key, kind == XW_NULL ? NULL : json_object_new_uint64(ns));
	else if (to_text(o, kind, fmt))
		fprintf(o->f, fmt, xw_text_time(ns, buf, sizeof(buf)));
}

void xw_print_null(struct xw_out *o, enum xw_kind kind, const char *key,
		   const char *fmt, const char *text)
{
	if (to_json(o, kind))
		add(o, key, NULL);
	else if (to_text(o, kind, fmt))
		fprintf(o->f, fmt, text ? text : "");
}

void xw_print_text(struct xw_out *o, const char *fmt, ...)
{
	va_list ap;

	if (!to_text(o, XW_TEXT, fmt))
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

static uint64_t field_u64(const struct xw_field *f, const char *p)
{
	switch (f->type) {
	case XW_FIELD_U8:
		return *(const uint8_t *)(p + f->off);
	case XW_FIELD_U16:
		return *(const uint16_t *)(p + f->off);
	case XW_FIELD_U32:
		return *(const uint32_t *)(p + f->off);
	default:
		return *(const uint64_t *)(p + f->off);
	}
}

static const char *field_name(const struct xw_field *f, uint64_t v)
{
	return f->names && v < f->nnames ? f->names[v] : NULL;
}

/* A mask of enum entries: JSON an array of names, text "name a,b". */
static void print_flags(struct xw_out *o, const struct xw_field *f,
			bool has, uint64_t v)
{
	const char *sep = " ";
	unsigned int bit;

	if (!has) {
		xw_print_null(o, XW_JSON, f->key, NULL, NULL);
		return;
	}
	xw_print_text(o, " %s", f->name);
	xw_open_array(o, f->key);
	for (bit = 0; bit < 64; bit++) {
		if (!(v & (1ull << bit)))
			continue;
		xw_print_name(o, XW_ANY, NULL, sep[0] == ' ' ? " %s" : ",%s",
			      field_name(f, bit), bit);
		sep = ",";
	}
	xw_close_array(o);
}

static void print_field(struct xw_out *o, const struct xw_field *f,
			const char *p)
{
	bool has = f->type < XW_FIELD_FLAG || f->type == XW_FIELD_STRING ||
		   f->type == XW_FIELD_ADDR ? *(const bool *)(p + f->has_off) :
		   true;
	enum xw_kind kind = has ? XW_ANY : XW_NULL;
	uint64_t v;
	size_t i, n;

	switch (f->type) {
	case XW_FIELD_FLAG:
		xw_print_bool(o, XW_ANY, f->key, f->fmt, NULL,
			      *(const bool *)(p + f->off));
		break;
	case XW_FIELD_STRING:
		xw_print_str(o, kind, f->key, f->fmt, has ? p + f->off : NULL);
		break;
	case XW_FIELD_ADDR:
		xw_print_addr(o, kind, f->key, f->fmt,
			      (const struct xw_addr *)(p + f->off));
		break;
	case XW_FIELD_NEST:
		if (f->count_off) {
			n = (size_t)*(const int *)(p + f->count_off);
			xw_open_array(o, f->key);
			for (i = 0; i < n; i++) {
				xw_print_text(o, " %s %zu:", f->name, i);
				xw_open_object(o, NULL);
				xw_print_fields(o, f->nest,
						p + f->off + i * f->elem_size, 0);
				xw_close_object(o);
			}
			xw_close_array(o);
		} else if (*(const bool *)(p + f->off)) {
			xw_print_text(o, " %s:", f->name);
			xw_open_object(o, f->key);
			xw_print_fields(o, f->nest, p + f->off, 0);
			xw_close_object(o);
		} else {
			xw_print_null(o, XW_JSON, f->key, NULL, NULL);
		}
		break;
	default:
		v = has ? field_u64(f, p) : 0;
		if (f->flags)
			print_flags(o, f, has, v);
		else if (f->names)
			xw_print_name(o, kind, f->key, f->fmt, field_name(f, v),
				      (unsigned int)v);
		else	/* the text leaves out zeros, as output.c does */
			xw_print_u64(o, has && !v ? XW_JSON : kind, f->key,
				     f->fmt, v);
		break;
	}
}

void xw_print_fields(struct xw_out *o, const struct xw_fieldset *set,
		     const void *obj, unsigned int after)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->fields[i].attr > after)
			print_field(o, &set->fields[i], obj);
}
