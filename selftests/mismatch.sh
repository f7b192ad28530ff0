#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One template field wrong at a time (topology: pair_setup in topo.sh).
# b sends 5 UDP datagrams through a tunnel-mode ESP SA; a's inbound policy
# demands something else.  Each case checks the counter, the events and
# the exact mismatch list the kernel's rules give.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

xw_capture_test 9

T="src 192.0.2.2 dst 192.0.2.1"

# tmpl_case SA_SPI SA_REQID TMPL... : fresh hosts, SA as given, a's in
# policy with TMPL, b's out policy matching the SA.
tmpl_case() {
	local spi=$1 reqid=$2
	shift 2
	ns_cleanup
	pair_setup
	pair_sa "$spi" "$reqid" tunnel
	pair_out tmpl $T proto esp reqid "$reqid" mode tunnel
	pair_in tmpl "$@"
}

# mismatch_case FIELDS TMPL...: 5 drops whose only template failed on FIELDS.
mismatch_case() {
	local want=$1
	shift
	tmpl_case 0x2000 2 "$@"
	expect_drops a XfrmInTmplMismatch 5 pair_send 5
	assert_json reason "$EV" .reason '"tmpl_mismatch"'
	assert_json flow "$EV" '.flow|[.src,.dst,.proto,.sport,.dport]' '["10.2.0.1","10.1.0.1",17,4500,9000]'
	assert_json secpath "$EV" '.secpath|map([.spi,.reqid,.mode,.src,.dst])' \
		'[[8192,2,"tunnel","192.0.2.2","192.0.2.1"]]'
	assert_json "compared SA" "$EV" '.templates[0].compared' 0
	assert_json mismatch "$EV" '.templates[0].mismatch' "$want"
}

t_reqid() { mismatch_case '["reqid"]' $T proto esp reqid 1 mode tunnel; }
t_spi() { mismatch_case '["spi"]' $T proto esp spi 0x1000 reqid 2 mode tunnel; }
t_proto() { mismatch_case '["proto"]' $T proto ah reqid 2 mode tunnel; }
t_mode() { mismatch_case '["mode"]' $T proto esp reqid 2 mode transport; }
t_tunnel_src() {
	mismatch_case '["tunnel_src"]' src 192.0.2.99 dst 192.0.2.1 proto esp reqid 2 mode tunnel
}
t_two_fields() {
	mismatch_case '["spi","reqid"]' $T proto esp spi 0x1000 reqid 1 mode tunnel
	assert_json "template as configured" "$EV" '.templates[0]|[.proto,.spi,.reqid,.mode,.src,.dst,.optional]' \
		'["esp",4096,1,"tunnel","192.0.2.2","192.0.2.1",false]'
}

# The kernel does not compare the outer destination on input: no drop.
t_tunnel_dst() {
	local got
	tmpl_case 0x2000 2 src 192.0.2.2 dst 192.0.2.99 proto esp reqid 2 mode tunnel
	expect_drops a XfrmInTmplMismatch 0 pair_send 5
	# Generous waits: the receiver exits as soon as it has all five, and
	# the debug kernel under TCG starts it slowly.
	in_ns a "$XW_SEND" -r -b 10.1.0.1 -p 9001 -n 5 -t 60 >/tmp/recv.$$ &
	wait_for 60 grep -q ready /tmp/recv.$$ || fail "the receiver did not start within 60 s"
	pair_send 5 9001
	wait
	got=$(tail -1 /tmp/recv.$$)
	rm -f /tmp/recv.$$
	assert_eq "datagrams delivered" "$got" 5
}

# An SA bound to xfrm interface if_id 7 while the policy is for if_id 8:
# the lookup (with if_id 7) finds no policy, and a tunnel SA without a
# policy is XfrmInNoPols.
t_if_id() {
	ns_cleanup
	pair_setup
	$IP -n a link add ipsec7 type xfrm dev wan0 if_id 7
	$IP -n a link set ipsec7 up
	sa a 192.0.2.2 192.0.2.1 0x2000 2 tunnel if_id 7
	sa b 192.0.2.2 192.0.2.1 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	pair_in tmpl $T proto esp reqid 2 mode tunnel if_id 8
	$IP -n a route add 10.2.0.0/24 dev ipsec7 table 7 2>/dev/null
	expect_drops a XfrmInNoPols 5 pair_send 5
	assert_json reason "$EV" .reason '"no_policy"'
	assert_json "SA if_id" "$EV" '.secpath[0].if_id' 7
	assert_json ifname "$EV" .ifname '"ipsec7"'
	assert_json policy "$EV" .policy null
	assert_json templates "$EV" .templates '[]'
}

# The template allows HMAC-SHA1 only (SADB_AALG_SHA1HMAC = 3); the SA
# authenticates with HMAC-SHA256.  iproute2 cannot set the mask: xw-algopol.
t_algos() {
	ns_cleanup
	pair_setup
	pair_sa 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	in_ns a "$SELFTESTS/xw-algopol" 10.2.0.0/24 10.1.0.0/24 192.0.2.2 192.0.2.1 2 0x8 ||
		fail "cannot add the policy"
	expect_drops a XfrmInTmplMismatch 5 pair_send 5
	assert_json mismatch "$EV" '.templates[0].mismatch' '["algos"]'
	assert_json "compared SA" "$EV" '.templates[0].compared' 0
}

run_case tmpl_reqid t_reqid
run_case tmpl_spi t_spi
run_case tmpl_proto_ah_vs_esp t_proto
run_case tmpl_mode_transport_vs_tunnel t_mode
run_case tmpl_tunnel_src t_tunnel_src
run_case tmpl_two_fields t_two_fields
run_case tmpl_tunnel_dst_not_checked t_tunnel_dst
run_case if_id_no_policy t_if_id
run_case tmpl_auth_algorithm_mask t_algos
ktap_finish
