/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Filling an event (explain.c): copies of the flow, the secpath's SAs and
 * the policies, and the templates evaluated with the kernel's rules
 * (tmpl_diff.c).  No allocation, no locks: called from the packet path.
 */
#ifndef _XFRMWHY_EXPLAIN_H
#define _XFRMWHY_EXPLAIN_H

#include <linux/types.h>
#include "event.h"

struct net;
struct sk_buff;
struct sec_path;
struct xfrm_policy;

void xw_fill_flow(struct xw_event *ev, struct net *net, struct sk_buff *skb,
		  u16 family, int reverse);
void xw_fill_outer(struct xw_event *ev, struct sk_buff *skb, u16 family,
		   __be32 spi, __be32 seq, bool has_seq);
void xw_fill_secpath(struct xw_event *ev, const struct sec_path *sp);
void xw_fill_policies(struct xw_event *ev, struct xfrm_policy *const *pols,
		      int npols, u8 dir, bool socket);
void xw_fill_lookup(struct xw_event *ev, u8 type, u32 if_id,
		    const struct xfrm_policy *pol);
void xw_explain(struct xw_event *ev, const struct sec_path *sp, u32 if_id);

#endif /* _XFRMWHY_EXPLAIN_H */
