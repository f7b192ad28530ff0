// SPDX-License-Identifier: GPL-2.0
/*
 * xfrmwhy: record why the kernel's inbound xfrm policy check rejected a
 * packet.  Load and unload, and only that: the steps are config.c's,
 * hook.c's and netlink.c's; their order, which is what keeps unload
 * safe, is here.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include "uapi/linux/xfrmwhy.h"
#include "config.h"
#include "hook.h"
#include "netlink.h"

static int __init xw_init(void)
{
	int err;

	err = xw_config_init();
	if (err)
		return err;
	err = xw_genl_init();
	if (err)
		goto config_exit;
	err = xw_config_start();
	if (err)
		goto stop;
	return 0;

stop:
	/* A request may have enabled capture since the family appeared. */
	xw_config_stop();
	xw_hooks_exit();
	xw_genl_exit();
config_exit:
	xw_config_exit();
	return err;
}

/*
 * Unload in the order that lets nothing come back: first no path may
 * register a probe again (xw_unloading) and every probe goes; then the
 * work items the probes queued are waited for; then the family (no more
 * requests or notifications); then each namespace's state, whose exit
 * finds capture off; the rings last.  A failed load unwinds the same way.
 */
static void __exit xw_exit(void)
{
	xw_config_stop();
	xw_hooks_exit();
	xw_genl_exit();
	xw_config_exit();
}

module_init(xw_init);
module_exit(xw_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("The xfrmwhy developers");
MODULE_DESCRIPTION("Explain inbound IPsec packets dropped by the xfrm policy check");
MODULE_VERSION(XFRMWHY_VERSION);
MODULE_ALIAS_GENL_FAMILY(XFRMWHY_GENL_NAME);
