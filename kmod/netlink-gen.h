/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/xfrmwhy.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_XFRMWHY_GEN_H
#define _LINUX_XFRMWHY_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/xfrmwhy.h>

/* Global operation policy for xfrmwhy */
extern const struct nla_policy xfrmwhy_main_nl_policy[XFRMWHY_A_ALL_NETNS + 1];

/* Ops table for xfrmwhy */
extern const struct genl_small_ops xfrmwhy_nl_ops[4];

int xw_events_start(struct netlink_callback *cb);
int xw_events_done(struct netlink_callback *cb);

int xfrmwhy_nl_status_get_doit(struct sk_buff *skb, struct genl_info *info);
int xfrmwhy_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info);
int xfrmwhy_nl_events_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);
int xfrmwhy_nl_clear_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	XFRMWHY_NLGRP_EVENTS,
};

#endif /* _LINUX_XFRMWHY_GEN_H */
