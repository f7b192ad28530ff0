#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Drops at the state stage of xfrm_input(), before decryption: the packet
# names an SA by its SPI and this host has none (XfrmInNoStates).  The
# topology is pair_setup's (topo.sh): b sends, a receives.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

xw_capture_test 6

T="src 192.0.2.2 dst 192.0.2.1"
KPROBES=/sys/kernel/debug/kprobes/list

# b sends on spi 0x9000, a has replaced it by 0x9001 (a rekey only one side
# saw).  Every packet is counted once and recorded once, with the packet's
# own SPI and sequence number, and the explanation names what a has from b.
t_one_sided_rekey() {
	local text
	ns_cleanup
	pair_setup
	sa b 192.0.2.2 192.0.2.1 0x9000 100 tunnel
	sa a 192.0.2.2 192.0.2.1 0x9001 100 tunnel
	pair_out tmpl $T proto esp reqid 100 mode tunnel
	expect_drops a XfrmInNoStates 3 pair_send 3
	assert_json reason "$EV" .reason '"no_state"'
	assert_json counter "$EV" .counter '"XfrmInNoStates"'
	assert_json "dir, family, device" "$EV" '[.dir,.family,.ifname,.exact]' '["in","ipv4","wan0",true]'
	assert_json packet "$EV" '.outer|[.src,.dst,.proto,.spi,.mark]' \
		'["192.0.2.2","192.0.2.1","esp",36864,0]'
	assert_eq "sequence numbers" "$(jq -s -c '[.[].outer.seq]' <<<"$EVENTS")" '[1,2,3]'
	assert_json "no flow, SA or policy" "$EV" '[.flow,.secpath,.policy,.templates]' '[null,[],null,[]]'
	assert_match explanation "$(jfield "$EV" .explanation)" \
		'^"ESP spi 0x00009000 seq 1 192.0.2.2 -> 192.0.2.1 dropped \(XfrmInNoStates\): no SA of this host has that SPI for the packet.s destination. This host has spi 0x00009001 \(reqid 100, 0 packets\) from 192.0.2.2: the peer still sends on an SA that this side replaced or never installed'
	pair_send 1
	text=$("$XFRMWHY" drain --netns a)
	assert_match text "$text" \
		'dev wan0 netns [0-9]+ dir in reason no_state
  ESP spi 0x00009000 seq 4 .*
  packet: src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x00009000 seq 4'
}

# a has no SA from b at all (its IKE daemon is down): the explanation says
# so instead of naming SAs.
t_no_sa_from_peer() {
	ns_cleanup
	pair_setup
	sa b 192.0.2.2 192.0.2.1 0x9000 100 tunnel
	sa a 192.0.2.1 192.0.2.2 0x9002 100 tunnel
	pair_out tmpl $T proto esp reqid 100 mode tunnel
	expect_drops a XfrmInNoStates 2 pair_send 2
	assert_match explanation "$(jfield "$EV" .explanation)" \
		'This host has no SA from 192.0.2.2 at all: the IKE and child SAs with that peer are down on this side'
}

# The same over IPv6: the event's family and addresses are the packet's.
t_ipv6_outer() {
	ns_cleanup
	pair_setup
	$IP -n b xfrm state add src 2001:db8::2 dst 2001:db8::1 proto esp spi 0x9006 \
		reqid 106 mode tunnel $XW_ENC $XW_AUTH
	$IP -n b xfrm policy add src fd00:2::/64 dst fd00:1::/64 dir out \
		tmpl src 2001:db8::2 dst 2001:db8::1 proto esp reqid 106 mode tunnel
	expect_drops a XfrmInNoStates 2 send_from b -s fd00:2::1 -P 4500 -d fd00:1::1 -p 9000 -n 2
	assert_json "family" "$EV" .family '"ipv6"'
	assert_json packet "$EV" '.outer|[.src,.dst,.proto,.spi,.seq]' \
		'["2001:db8::2","2001:db8::1","esp",36870,1]'
}

# Healthy traffic on a known SPI: no drop, no event; the probe costs nothing
# there (xfrm_audit_state_notfound() is called only for this drop).
t_healthy() {
	ns_cleanup
	pair_setup
	pair_sa 0x9000 100 tunnel
	pair_out tmpl $T proto esp reqid 100 mode tunnel
	pair_in tmpl $T proto esp reqid 100 mode tunnel
	expect_drops a XfrmInNoStates 0 pair_send 3
	assert_eq "decrypted by a" "$($IP -n a -s xfrm state get src 192.0.2.2 dst 192.0.2.1 \
		proto esp spi 0x9000 | sed -n 's/.* \([0-9]*\)(packets).*/\1/p')" 3
}

# Capture for another reason only: the drops are counted as filtered, one
# for one, and none is recorded.
t_filtered() {
	local f0 f1 c0 c1
	ns_cleanup
	pair_setup
	sa b 192.0.2.2 192.0.2.1 0x9000 100 tunnel
	pair_out tmpl $T proto esp reqid 100 mode tunnel
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" enable --reasons tmpl_mismatch >/dev/null
	"$XFRMWHY" clear >/dev/null
	f0=$("$XFRMWHY" status --json | jq .filtered)
	c0=$(xfrm_stat a XfrmInNoStates)
	pair_send 4
	c1=$(xfrm_stat a XfrmInNoStates)
	f1=$("$XFRMWHY" status --json | jq .filtered)
	"$XFRMWHY" enable >/dev/null
	assert_eq "counter rise" "$((c1 - c0))" 4
	assert_eq "filtered" "$((f1 - f0))" 4
	assert_eq "events" "$(xw_events a | grep -c .)" 0
}

# The probe is in place exactly while capture is on, and status says so.
t_probe_lifecycle() {
	assert_eq "probe while capturing" "$(grep -c 'xfrm_audit_state_notfound+' $KPROBES)" 1
	assert_json feature "$("$XFRMWHY" status --json)" '.features|index("no_state") != null' true
	"$XFRMWHY" disable >/dev/null
	assert_eq "probe without capture" "$(grep -c 'xfrm_audit_state_notfound' $KPROBES)" 0
	"$XFRMWHY" enable >/dev/null
}

run_case one_sided_rekey t_one_sided_rekey
run_case no_sa_from_peer t_no_sa_from_peer
run_case ipv6_outer t_ipv6_outer
run_case healthy_traffic_no_event t_healthy
run_case filtered_counted t_filtered
run_case probe_only_while_capturing t_probe_lifecycle
ktap_finish
