/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy of an event recorded without the lookup probes, looked up
 * again in the SPD when the event is read (approx.c).  Process context.
 */
#ifndef _XFRMWHY_APPROX_H
#define _XFRMWHY_APPROX_H

#include "event.h"

struct net;

void xw_approximate(struct xw_event *ev, struct net *net);

#endif /* _XFRMWHY_APPROX_H */
