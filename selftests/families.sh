#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Families, directions and flows (topology: pair_setup in topo.sh, plus a
# host h behind a for forwarding):
#
#   b --- 192.0.2.0/24, 2001:db8::/64 --- a --- 10.1.1.0/24 --- h (10.1.1.2)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

xw_capture_test 5

T="src 192.0.2.2 dst 192.0.2.1"
T6="src 2001:db8::2 dst 2001:db8::1"

t_ipv6() {
	ns_cleanup
	pair_setup
	sa a 2001:db8::2 2001:db8::1 0x6000 6 tunnel
	sa b 2001:db8::2 2001:db8::1 0x6000 6 tunnel
	$IP -n b xfrm policy add src fd00:2::/64 dst fd00:1::/64 dir out tmpl $T6 proto esp reqid 6 mode tunnel
	$IP -n a xfrm policy add src fd00:2::/64 dst fd00:1::/64 dir in tmpl $T6 proto esp reqid 5 mode tunnel
	expect_drops a XfrmInTmplMismatch 3 \
		send_from b -s fd00:2::1 -P 4500 -d fd00:1::1 -p 9000 -n 3
	assert_json family "$EV" .family '"ipv6"'
	assert_json flow "$EV" '.flow|[.src,.dst,.proto,.sport,.dport]' '["fd00:2::1","fd00:1::1",17,4500,9000]'
	assert_json secpath "$EV" '.secpath|map([.spi,.reqid,.src,.dst])' '[[24576,6,"2001:db8::2","2001:db8::1"]]'
	assert_json policy "$EV" '.policy|[.src,.dst]' '["fd00:2::/64","fd00:1::/64"]'
	assert_json templates "$EV" '.templates|map([.reqid,.src,.dst,.mismatch])' '[[5,"2001:db8::2","2001:db8::1",["reqid"]]]'
}

t_forward() {
	ns_cleanup
	pair_setup
	ns_add h
	veth_pair a lan1 10.1.1.1/24 h eth0 10.1.1.2/24
	in_ns h $IP route add default via 10.1.1.1
	in_ns a sysctl -qw net.ipv4.ip_forward=1
	$IP -n b route add 10.1.1.0/24 via 192.0.2.1 src 10.2.0.1
	pair_sa 0x2000 2 tunnel
	$IP -n b xfrm policy add src 10.2.0.0/24 dst 10.1.1.0/24 dir out tmpl $T proto esp reqid 2 mode tunnel
	$IP -n a xfrm policy add src 10.2.0.0/24 dst 10.1.1.0/24 dir fwd tmpl $T proto esp reqid 1 mode tunnel
	expect_drops a XfrmInTmplMismatch 3 \
		send_from b -s 10.2.0.1 -P 4500 -d 10.1.1.2 -p 9000 -n 3
	assert_json dir "$EV" .dir '"fwd"'
	assert_json "policy dir" "$EV" .policy.dir '"fwd"'
	assert_json flow "$EV" '.flow|[.src,.dst]' '["10.2.0.1","10.1.1.2"]'
	assert_json mismatch "$EV" '.templates[0].mismatch' '["reqid"]'
	assert_match explanation "$(jfield "$EV" .explanation)" "forward policy"
}

t_tcp() {
	ns_cleanup
	pair_setup
	pair_sa 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	pair_in tmpl $T proto esp reqid 1 mode tunnel
	local before after
	"$XFRMWHY" clear >/dev/null
	before=$(xfrm_stat a XfrmInTmplMismatch)
	in_ns b timeout 3 nc -w 1 10.1.0.1 80 </dev/null >/dev/null 2>&1
	after=$(xfrm_stat a XfrmInTmplMismatch)
	EVENTS=$(xw_events a)
	EV=$(head -1 <<<"$EVENTS")
	[ "$((after - before))" -ge 1 ] || fail "no SYN was dropped"
	assert_eq "events == counter rise" "$(grep -c . <<<"$EVENTS")" "$((after - before))"
	assert_json "flow proto/dport" "$EV" '.flow|[.proto,.dport,.icmp_type]' '[6,80,null]'
	[ "$(jfield "$EV" .flow.sport)" -gt 0 ] || fail "TCP source port missing"
}

t_icmp6() {
	local ns
	ns_cleanup
	pair_setup
	for ns in a b; do
		sa $ns 2001:db8::2 2001:db8::1 0x6000 6 tunnel
		sa $ns 2001:db8::1 2001:db8::2 0x6001 6 tunnel
	done
	$IP -n b xfrm policy add src fd00:2::/64 dst fd00:1::/64 dir in tmpl src 2001:db8::1 dst 2001:db8::2 proto esp reqid 6 mode tunnel
	$IP -n b xfrm policy add src fd00:2::/64 dst fd00:1::/64 dir out tmpl $T6 proto esp reqid 6 mode tunnel
	$IP -n a xfrm policy add src fd00:1::/64 dst fd00:2::/64 dir out tmpl src 2001:db8::1 dst 2001:db8::2 proto esp reqid 6 mode tunnel
	$IP -n a xfrm policy add src fd00:2::/64 dst fd00:1::/64 dir in tmpl $T6 proto esp spi 0x6002 reqid 6 mode tunnel
	"$XFRMWHY" clear >/dev/null
	local before after
	before=$(xfrm_stat a XfrmInTmplMismatch)
	in_ns b ping -6 -c 2 -W 1 -I fd00:2::1 fd00:1::1 >/dev/null 2>&1
	after=$(xfrm_stat a XfrmInTmplMismatch)
	EVENTS=$(xw_events a)
	EV=$(head -1 <<<"$EVENTS")
	assert_eq "echo requests dropped" "$((after - before))" 2
	assert_eq "events" "$(grep -c . <<<"$EVENTS")" 2
	assert_json flow "$EV" '.flow|[.proto,.icmp_type,.icmp_code,.sport]' '[58,128,0,null]'
	assert_json mismatch "$EV" '.templates[0].mismatch' '["spi"]'
}

# The SA marks what it decrypts (output-mark works on input too); the
# policy matches on that mark and still wants another reqid.
t_mark() {
	ns_cleanup
	pair_setup
	sa a 192.0.2.2 192.0.2.1 0x2000 2 tunnel output-mark 0x10
	sa b 192.0.2.2 192.0.2.1 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	pair_in mark 0x10 mask 0xff tmpl $T proto esp reqid 1 mode tunnel
	expect_drops a XfrmInTmplMismatch 3 pair_send 3
	assert_json "flow mark" "$EV" .flow.mark 16
	assert_json "policy mark" "$EV" '.policy|[.mark,.mask]' '[16,255]'
	assert_json mismatch "$EV" '.templates[0].mismatch' '["reqid"]'
}

run_case ipv6_tmpl_mismatch t_ipv6
run_case forward_dir_fwd t_forward
run_case tcp_flow_ports t_tcp
run_case icmpv6_flow t_icmp6
run_case skb_mark_and_policy_mark t_mark
ktap_finish
