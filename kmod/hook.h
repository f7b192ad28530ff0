/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kretprobes (hook.c): registered and removed by config.c to match
 * the configs, asked about by netlink.c for status; main.c waits for
 * their work items at unload.
 */
#ifndef _XFRMWHY_HOOK_H
#define _XFRMWHY_HOOK_H

#include <linux/types.h>

int xw_hooks_enable(void);
void xw_hooks_disable(void);
bool xw_hooks_active(void);
u8 xw_hooks_mode(void);
void xw_hooks_exit(void);
void xw_hooks_idle_changed(void);
u64 xw_hooks_missed(void);
u32 xw_features(void);

#endif /* _XFRMWHY_HOOK_H */
