/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event model: one rejection by the kernel's inbound xfrm policy check,
 * decoded from an XFRMWHY_A_EVENT nest into plain C values.  Decoding is
 * kept apart from printing so that it can be tested on hand-built buffers.
 */
#ifndef XFRMWHY_EVENT_H
#define XFRMWHY_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <linux/xfrmwhy.h>

/* An address and its family; family 0 means "not sent". */
struct xw_addr {
	uint8_t family;		/* AF_INET, AF_INET6 or 0 */
	uint8_t a[16];
};

/* The CLI's bound on templates: every one, plus one "extra" per SA. */
#define XW_MAX_TMPL (2 * XFRMWHY_MAX_DEPTH)

#define XW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The structs of the event's nests, one member per attribute of the spec
 * (scripts/event-gen says how): a new attribute reaches them, the decoder
 * and the printer's field tables by "make spec-gen" alone.  Members after
 * the generated ones are the CLI's own.
 */
#include "event-gen.h"

struct xw_sel {
	XW_SEL_FIELDS
};

struct xw_flow {
	XW_FLOW_FIELDS
};

struct xw_sa {
	XW_SA_FIELDS
};

struct xw_policy {
	XW_POLICY_FIELDS
};

struct xw_tmpl {
	XW_TMPL_FIELDS
	/*
	 * Not a template of the policy but the tunnel SA that no template
	 * accounts for (the event's extra-sa), listed with the templates;
	 * it has no proto/spi/reqid/mode/addresses of its own.
	 */
	bool is_extra;
};

struct xw_lookup {
	XW_LOOKUP_FIELDS
};

struct xw_outer {
	XW_OUTER_FIELDS
};

struct xw_event {
	XW_EVENT_FIELDS
};

/*
 * Decode the payload of an XFRMWHY_A_EVENT nest (xw_event_parse) and
 * complete it: selectors' families, the "extra" entry.  0 or -NLE_*.
 */
int xw_event_decode(struct nlattr *nest, struct xw_event *ev);

/* An address attribute of 4 or 16 bytes (the length says the family). */
int xw_addr_decode(const struct nlattr *a, struct xw_addr *out);

/*
 * The template the kernel's check failed on (XFRMWHY_EV_A_FAILED_TMPL), else
 * the "extra" entry for a leftover tunnel SA, else -1.
 */
int xw_event_failing_tmpl(const struct xw_event *ev);

/* The SA a template was compared with, or NULL. */
const struct xw_sa *xw_event_compared_sa(const struct xw_event *ev,
					 const struct xw_tmpl *t);

/* Vocabularies shared by the text and JSON outputs. */
const char *xw_reason_name(unsigned int reason);	/* "tmpl_mismatch" */
const char *xw_reason_counter(unsigned int reason);	/* NULL if unknown */
int xw_reason_parse(const char *name);			/* -1 if unknown */
const char *xw_dir_name(unsigned int dir);		/* NULL if unknown */
const char *xw_family_name(unsigned int family);	/* NULL if unknown */
const char *xw_proto_name(unsigned int ipsec_proto);	/* "esp", NULL */
const char *xw_mode_name(unsigned int mode);		/* NULL if unknown */
const char *xw_action_name(unsigned int action);	/* "allow", NULL */
const char *xw_policy_type_name(unsigned int type);	/* "main", NULL */
const char *xw_aalgo_name(unsigned int sadb_aalg);	/* "hmac(sha256)" */
const char *xw_mismatch_name(unsigned int bit);		/* "tunnel_src" */
const char *xw_feature_name(unsigned int bit);		/* NULL if unknown */
const char *xw_hook_mode_name(unsigned int mode);	/* NULL if unknown */
const char *xw_lookup_type_name(unsigned int type);	/* "socket", NULL */
const char *xw_lookup_result_name(unsigned int r);	/* "policy", NULL */

/* True for protocols whose flow carries ports / ICMP type and code. */
bool xw_l4_has_ports(unsigned int ipproto);
bool xw_l4_is_icmp(unsigned int ipproto);

/* inet_ntop into buf (>= INET6_ADDRSTRLEN); "" when the address is absent. */
const char *xw_addr_str(const struct xw_addr *a, char *buf, size_t len);
bool xw_addr_is_set(const struct xw_addr *a);
bool xw_addr_equal(const struct xw_addr *a, const struct xw_addr *b);
/* "10.0.1.0/24" */
const char *xw_prefix_str(const struct xw_addr *a, unsigned int plen,
			  char *buf, size_t len);

#endif
