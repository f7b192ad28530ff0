/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seed story as an event: B's reply 10.0.1.1 -> 10.0.0.1 came back on
 * SA 0x9ce44e77 (reqid 16389) while the inbound policy for 10.0.1.0/24 ->
 * 10.0.0.0/24 (index 8) demanded reqid 16385.
 */
#ifndef XFRMWHY_FIXTURES_H
#define XFRMWHY_FIXTURES_H

#include "../event.h"

void fx_addr4(struct xw_addr *a, const char *s);
void fx_addr6(struct xw_addr *a, const char *s);
void fx_seed_event(struct xw_event *ev);
/*
 * Every field the outputs print set to something they show: two SAs (the
 * second a kernel tunnel state), a sub-policy and the main policy, a
 * template not reached, one that differs (in a bit newer than us too) and
 * the "extra" entry, and an entry beyond the arrays.
 */
void fx_full_event(struct xw_event *ev);
void fx_nostate_event(struct xw_event *ev);

#define SEED_EXPLANATION \
	"ICMP 10.0.1.1 -> 10.0.0.1 dropped (XfrmInTmplMismatch): decrypted by SA spi 0x9ce44e77 reqid 16389 (192.0.2.2 -> 192.0.2.1, tunnel), but inbound policy 10.0.1.0/24 -> 10.0.0.0/24 (index 8) requires reqid 16385. The peer sends this flow into a different tunnel than the one this side expects: look for overlapping or multiple child SAs for the same subnets (e.g. leftsubnets={...} in libreswan)."

#endif
