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

struct xw_sel {
	bool present;
	uint8_t family;
	struct xw_addr src, dst;
	uint8_t src_len, dst_len;
	uint8_t proto;
	uint16_t sport, sport_mask, dport, dport_mask;
	uint32_t ifindex;
};

struct xw_flow {
	struct xw_addr src, dst;
	uint8_t proto;
	bool has_sport, has_dport, has_icmp_type, has_icmp_code, has_mark;
	uint16_t sport, dport;
	uint8_t icmp_type, icmp_code;
	uint32_t mark;
};

struct xw_sa {
	uint32_t spi;
	uint8_t proto;
	uint32_t reqid;
	uint8_t mode;
	struct xw_addr src, dst;	/* outer addresses */
	bool has_if_id;
	uint32_t if_id;
	struct xw_sel sel;
	bool has_aalgo;
	uint8_t aalgo;
	bool kern;
};

struct xw_policy {
	bool present;
	uint32_t index, priority;
	uint8_t dir, action, type;
	struct xw_sel sel;
	bool has_mark;
	uint32_t mark, mask;
	bool has_if_id;
	uint32_t if_id;
	bool socket, dead;
};

struct xw_tmpl {
	/*
	 * A nest holding only COMPARED + MISMATCH(EXTRA) is not a template of
	 * the policy but the kernel's "tunnel SA that no template accounts
	 * for"; it has no proto/spi/reqid/mode/addresses of its own.
	 */
	bool is_extra;
	uint8_t proto;
	uint32_t spi, reqid;
	uint8_t mode;
	struct xw_addr src, dst;
	bool optional;
	uint32_t aalgos;
	bool allalgs;
	bool has_compared;
	uint32_t compared;	/* index into the secpath */
	uint32_t mismatch;	/* mask of 1 << enum xfrmwhy_mismatch */
	bool evaluated;
};

/* Room for every template plus one "extra" pseudo-entry per SA. */
#define XW_MAX_TMPL (2 * XFRMWHY_MAX_DEPTH)

struct xw_event {
	uint64_t seq, time_ns;
	uint32_t cpu, netns, ifindex;
	bool has_ifname;
	char ifname[IF_NAMESIZE];
	uint8_t dir, family, reason;
	bool exact;
	struct xw_flow flow;
	int nsa;
	struct xw_sa sa[XFRMWHY_MAX_DEPTH];
	struct xw_policy policy;
	int ntmpl;
	struct xw_tmpl tmpl[XW_MAX_TMPL];
	bool has_lookup_if_id;
	uint32_t lookup_if_id;
	/* After a sub-policy, the main policy the kernel also checked. */
	struct xw_policy main_policy;
	int dropped_entries;	/* SA/template nests beyond our arrays */
	/* The template the kernel's check failed on (XFRMWHY_EV_A_FAILED_TMPL). */
	bool has_failed_tmpl;
	int failed_tmpl;
};

/* Decode the payload of an XFRMWHY_A_EVENT nest.  Returns 0 or -NLE_*. */
int xw_event_decode(struct nlattr *nest, struct xw_event *ev);

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
