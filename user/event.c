// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of XFRMWHY_A_EVENT nests into struct xw_event, and the names of
 * the values that the outputs print.  Every nest is parsed against a
 * policy table; attribute types newer than this header are ignored so an
 * older CLI keeps working against a newer module.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/pfkeyv2.h>
#include <linux/xfrm.h>
#include <netlink/errno.h>

#include "event.h"

int xw_addr_decode(const struct nlattr *a, struct xw_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (nla_len(a) == 4)
		out->family = AF_INET;
	else if (nla_len(a) == 16)
		out->family = AF_INET6;
	else
		return -NLE_INVAL;
	memcpy(out->a, nla_data(a), (size_t)nla_len(a));
	return 0;
}

/* A selector of "any" may come without addresses: give them one. */
static void complete_sel(struct xw_sel *s)
{
	if (!s->present)
		return;
	if (!s->family)
		s->family = s->src.family ? s->src.family : s->dst.family;
	if (!s->src.family)
		s->src.family = s->family;
	if (!s->dst.family)
		s->dst.family = s->family;
}

int xw_event_decode(struct nlattr *nest, struct xw_event *ev)
{
	struct xw_tmpl *t;
	int i, err;

	err = xw_event_parse(nest, ev);
	if (err < 0)
		return err;
	for (i = 0; i < ev->nsa; i++)
		complete_sel(&ev->sa[i].sel);
	complete_sel(&ev->policy.sel);
	complete_sel(&ev->main_policy.sel);
	/* What the kernel computed, as it said it: no guessing here. */
	if (ev->failed_tmpl >= (uint32_t)ev->ntmpl)
		ev->has_failed_tmpl = false;
	if (!ev->has_extra_sa)
		return 0;
	if (ev->ntmpl >= XW_MAX_TMPL) {
		ev->dropped_entries++;
		return 0;
	}
	/* Shown as the "extra" entry of the template list. */
	t = &ev->tmpl[ev->ntmpl++];
	t->present = true;
	t->is_extra = true;
	t->has_compared = true;
	t->compared = ev->extra_sa;
	t->has_mismatch = true;
	t->mismatch = 1u << XFRMWHY_MISMATCH_EXTRA;
	t->has_evaluated = true;
	t->evaluated = true;
	return 0;
}

int xw_event_failing_tmpl(const struct xw_event *ev)
{
	int i;

	if (ev->has_failed_tmpl && ev->failed_tmpl < (uint32_t)ev->ntmpl)
		return (int)ev->failed_tmpl;
	for (i = 0; i < ev->ntmpl; i++)
		if (ev->tmpl[i].is_extra)
			return i;
	return -1;
}

const struct xw_sa *xw_event_compared_sa(const struct xw_event *ev,
					 const struct xw_tmpl *t)
{
	if (!t || !t->has_compared || t->compared >= (uint32_t)ev->nsa)
		return NULL;
	return &ev->sa[t->compared];
}

/* An entry of a generated name table, NULL outside it. */
#define ENUM_NAME(table, v) \
	((v) < XW_ARRAY_SIZE(table) ? (table)[v] : NULL)

static const char *const reason_counters[__XFRMWHY_REASON_MAX] = {
	[XFRMWHY_REASON_TMPL_MISMATCH]	= "XfrmInTmplMismatch",
	[XFRMWHY_REASON_NO_POLICY]	= "XfrmInNoPols",
	[XFRMWHY_REASON_POLICY_BLOCK]	= "XfrmInPolBlock",
	[XFRMWHY_REASON_STATE_MISMATCH]	= "XfrmInStateMismatch",
	[XFRMWHY_REASON_HDR_ERROR]	= "XfrmInHdrError",
	[XFRMWHY_REASON_POLICY_ERROR]	= "XfrmInPolError",
	[XFRMWHY_REASON_BUFFER_ERROR]	= "XfrmInBufferError",
	[XFRMWHY_REASON_NO_STATE]	= "XfrmInNoStates",
};

/* A reason code from a newer module is "unknown" to us. */
const char *xw_reason_name(unsigned int reason)
{
	const char *name = ENUM_NAME(xw_enum_reason, reason);

	return name ? name : "unknown";
}

const char *xw_reason_counter(unsigned int reason)
{
	return reason < __XFRMWHY_REASON_MAX ? reason_counters[reason] : NULL;
}

int xw_reason_parse(const char *name)
{
	int i;

	for (i = 0; i < (int)XW_ARRAY_SIZE(xw_enum_reason); i++)
		if (xw_enum_reason[i] && !strcmp(name, xw_enum_reason[i]))
			return i;
	return -1;
}

const char *xw_dir_name(unsigned int dir)
{
	return ENUM_NAME(xw_enum_dir, dir);
}

const char *xw_family_name(unsigned int family)
{
	switch (family) {
	case AF_INET:
		return "ipv4";
	case AF_INET6:
		return "ipv6";
	}
	return NULL;
}

const char *xw_proto_name(unsigned int proto)
{
	switch (proto) {
	case IPPROTO_ESP:
		return "esp";
	case IPPROTO_AH:
		return "ah";
	case IPPROTO_COMP:
		return "comp";
	}
	return NULL;
}

const char *xw_mode_name(unsigned int mode)
{
	switch (mode) {
	case XFRM_MODE_TRANSPORT:
		return "transport";
	case XFRM_MODE_TUNNEL:
		return "tunnel";
	case XFRM_MODE_ROUTEOPTIMIZATION:
		return "route_optimization";
	case XFRM_MODE_IN_TRIGGER:
		return "in_trigger";
	case XFRM_MODE_BEET:
		return "beet";
	}
	return NULL;
}

const char *xw_aalgo_name(unsigned int a)
{
	switch (a) {
	case SADB_AALG_NONE:
		return "none";
	case SADB_AALG_MD5HMAC:
		return "hmac(md5)";
	case SADB_AALG_SHA1HMAC:
		return "hmac(sha1)";
	case SADB_X_AALG_SHA2_256HMAC:
		return "hmac(sha256)";
	case SADB_X_AALG_SHA2_384HMAC:
		return "hmac(sha384)";
	case SADB_X_AALG_SHA2_512HMAC:
		return "hmac(sha512)";
	case SADB_X_AALG_RIPEMD160HMAC:
		return "hmac(rmd160)";
	case SADB_X_AALG_AES_XCBC_MAC:
		return "xcbc(aes)";
	case SADB_X_AALG_NULL:
		return "digest_null";
	}
	return NULL;
}

const char *xw_action_name(unsigned int action)
{
	switch (action) {
	case XFRM_POLICY_ALLOW:
		return "allow";
	case XFRM_POLICY_BLOCK:
		return "block";
	}
	return NULL;
}

const char *xw_policy_type_name(unsigned int type)
{
	switch (type) {
	case XFRM_POLICY_TYPE_MAIN:
		return "main";
	case XFRM_POLICY_TYPE_SUB:
		return "sub";
	}
	return NULL;
}

const char *xw_mismatch_name(unsigned int bit)
{
	return ENUM_NAME(xw_enum_mismatch, bit);
}

const char *xw_hook_mode_name(unsigned int mode)
{
	return ENUM_NAME(xw_enum_hook_mode, mode);
}

const char *xw_lookup_type_name(unsigned int type)
{
	return ENUM_NAME(xw_enum_lookup_type, type);
}

const char *xw_lookup_result_name(unsigned int r)
{
	return ENUM_NAME(xw_enum_lookup_result, r);
}

const char *xw_feature_name(unsigned int bit)
{
	return ENUM_NAME(xw_enum_feature, bit);
}

bool xw_l4_has_ports(unsigned int p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_UDPLITE ||
	       p == IPPROTO_SCTP || p == IPPROTO_DCCP;
}

bool xw_l4_is_icmp(unsigned int p)
{
	return p == IPPROTO_ICMP || p == IPPROTO_ICMPV6;
}

bool xw_addr_is_set(const struct xw_addr *a)
{
	return a->family == AF_INET || a->family == AF_INET6;
}

bool xw_addr_equal(const struct xw_addr *a, const struct xw_addr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && !memcmp(a->a, b->a, n);
}

const char *xw_addr_str(const struct xw_addr *a, char *buf, size_t len)
{
	if (!len)
		return buf;
	buf[0] = '\0';
	if (xw_addr_is_set(a) &&
	    !inet_ntop(a->family, a->a, buf, (socklen_t)len))
		buf[0] = '\0';
	return buf;
}

const char *xw_prefix_str(const struct xw_addr *a, unsigned int plen,
			  char *buf, size_t len)
{
	char ab[INET6_ADDRSTRLEN];
	struct xw_addr any = { .family = a->family };

	/* An "any" selector may carry no address at all: print 0.0.0.0/0. */
	if (!xw_addr_is_set(a))
		any.family = AF_INET;
	xw_addr_str(xw_addr_is_set(a) ? a : &any, ab, sizeof(ab));
	snprintf(buf, len, "%s/%u", ab, plen);
	return buf;
}
