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
