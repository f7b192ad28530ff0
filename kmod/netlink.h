/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family (netlink.c), the top layer but for main.c:
 * registered at load, after config.c's init, and unregistered at unload.
 */
#ifndef _XFRMWHY_NETLINK_H
#define _XFRMWHY_NETLINK_H

/*
 * Here, not in config.h: the version is what the family's status reply
 * carries, and main.c, which stamps it into MODULE_VERSION, includes this
 * header anyway.
 */
#define XFRMWHY_VERSION "0.1"

int xw_genl_init(void);
void xw_genl_exit(void);

#endif /* _XFRMWHY_NETLINK_H */
