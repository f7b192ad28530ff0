// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/xfrmwhy.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/xfrmwhy.h>

/* Integer value ranges */
static const struct netlink_range_validation xfrmwhy_a_ring_size_range = {
	.min	= XFRMWHY_RING_MIN,
	.max	= XFRMWHY_RING_MAX,
};

static const struct netlink_range_validation xfrmwhy_a_rate_limit_range = {
	.max	= 1000000ULL,
};

/* Global operation policy for xfrmwhy */
const struct nla_policy xfrmwhy_main_nl_policy[XFRMWHY_A_ALL_NETNS + 1] = {
	[XFRMWHY_A_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[XFRMWHY_A_RING_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &xfrmwhy_a_ring_size_range),
	[XFRMWHY_A_NETNS] = NLA_POLICY_MIN(NLA_U32, 1),
	[XFRMWHY_A_FILTER_FAMILY] = NLA_POLICY_MAX(NLA_U8, 10),
	[XFRMWHY_A_FILTER_REASONS] = NLA_POLICY_MASK(NLA_U32, 0x1ff),
	[XFRMWHY_A_RATE_LIMIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &xfrmwhy_a_rate_limit_range),
	[XFRMWHY_A_PEEK] = { .type = NLA_FLAG, },
	[XFRMWHY_A_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* Ops table for xfrmwhy */
const struct genl_small_ops xfrmwhy_nl_ops[4] = {
	{
		.cmd	= XFRMWHY_CMD_STATUS_GET,
		.doit	= xfrmwhy_nl_status_get_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= XFRMWHY_CMD_CONFIG_SET,
		.doit	= xfrmwhy_nl_config_set_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= XFRMWHY_CMD_EVENTS_GET,
		.dumpit	= xfrmwhy_nl_events_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= XFRMWHY_CMD_CLEAR,
		.doit	= xfrmwhy_nl_clear_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group xfrmwhy_nl_mcgrps[] = {
	[XFRMWHY_NLGRP_EVENTS] = { "events", },
};
