#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Traffic the kernel accepts must never produce an event (topology:
# pair_setup in topo.sh, a correct tunnel both ways, plus the seed's
# topology without the fault).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

xw_capture_test 2

T="src 192.0.2.2 dst 192.0.2.1"

recorded() { "$XFRMWHY" status --json | jq .recorded; }

t_udp() {
	local got r0
	ns_cleanup
	pair_setup
	pair_sa 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	pair_in tmpl $T proto esp reqid 2 mode tunnel
	r0=$(recorded)
	in_ns a "$XW_SEND" -r -b 10.1.0.1 -p 9000 -n 200 -t 60 >/tmp/recv.$$ &
	wait_for 60 grep -q ready /tmp/recv.$$ || fail "the receiver did not start within 60 s"
	expect_drops a XfrmInTmplMismatch 0 pair_send 200
	wait
	got=$(tail -1 /tmp/recv.$$)
	rm -f /tmp/recv.$$
	assert_eq "datagrams delivered" "$got" 200
	assert_eq "recorded since" "$(recorded)" "$r0"
	assert_eq "lost" "$("$XFRMWHY" status --json | jq .lost)" 0
}

t_seed_healthy() {
	local r
	ns_cleanup
	seed_setup 16385 16389 0
	expect_drops gwa XfrmInTmplMismatch 0 true
	r=$(in_ns gwa ping -c 3 -W 1 -I 10.0.0.1 10.0.1.1 2>/dev/null |
		sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	assert_eq "echo replies" "$r" 3
	assert_eq "events" "$(xw_events gwa | grep -c .)" 0
	assert_eq "in-check counters" "$(in_ns gwa awk '/^XfrmIn(TmplMismatch|NoPols|PolBlock|StateMismatch)/ {s += $2} END {print s}' /proc/net/xfrm_stat)" 0
}

run_case accepted_udp_no_event t_udp
run_case seed_without_fault_no_event t_seed_healthy
ktap_finish
