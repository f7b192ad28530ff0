#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Template counts and order (topology: pair_setup in topo.sh): two
# transforms in the wrong order, a required template with no SA left, an
# optional template, and a tunnel SA no template accounts for.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

xw_capture_test 5

T="src 192.0.2.2 dst 192.0.2.1"
XW_AH="auth hmac(sha256) 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

# AH outside ESP, transport mode, host to host (192.0.2.2 -> 192.0.2.1).
ah_esp_setup() {
	ns_cleanup
	pair_setup
	local ns
	for ns in a b; do
		$IP -n $ns xfrm state add $T proto esp spi 0x300 reqid 3 mode transport $XW_ENC $XW_AUTH
		$IP -n $ns xfrm state add $T proto ah spi 0x301 reqid 3 mode transport $XW_AH
	done
	# Templates are listed innermost first: ESP is applied, then AH.
	$IP -n b xfrm policy add src 192.0.2.2 dst 192.0.2.1 proto 17 dir out \
		tmpl $T proto esp reqid 3 mode transport tmpl $T proto ah reqid 3 mode transport
}

host_send() {
	in_ns b "$XW_SEND" -s 192.0.2.2 -P 4500 -d 192.0.2.1 -p 9000 -n "$1" >/dev/null
}

t_wrong_order() {
	ah_esp_setup
	$IP -n a xfrm policy add src 192.0.2.2 dst 192.0.2.1 proto 17 dir in \
		tmpl $T proto ah reqid 3 mode transport tmpl $T proto esp reqid 3 mode transport
	expect_drops a XfrmInTmplMismatch 3 host_send 3
	assert_json secpath "$EV" '.secpath|map([.proto,.spi,.mode])' \
		'[["ah",769,"transport"],["esp",768,"transport"]]'
	# ESP (the last template) takes SA 1; AH then finds no SA after it.
	assert_json templates "$EV" '.templates|map([.proto,.compared,.mismatch])' \
		'[["ah",null,["missing"]],["esp",1,[]]]'
}

t_right_order() {
	ah_esp_setup
	$IP -n a xfrm policy add src 192.0.2.2 dst 192.0.2.1 proto 17 dir in \
		tmpl $T proto esp reqid 3 mode transport tmpl $T proto ah reqid 3 mode transport
	expect_drops a XfrmInTmplMismatch 0 host_send 3
}

# a requires ESP transport inside ESP tunnel; b applies only the tunnel.
t_missing() {
	ns_cleanup
	pair_setup
	pair_sa 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	pair_in tmpl $T proto esp reqid 9 mode transport tmpl $T proto esp reqid 2 mode tunnel
	expect_drops a XfrmInTmplMismatch 4 pair_send 4
	assert_json templates "$EV" '.templates|map([.reqid,.mode,.compared,.mismatch])' \
		'[[9,"transport",null,["missing"]],[2,"tunnel",0,[]]]'
}

# "level use" makes the transport template optional: nothing is dropped.
t_optional() {
	ns_cleanup
	pair_setup
	pair_sa 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	pair_in tmpl $T proto esp reqid 9 mode transport level use \
		tmpl $T proto esp reqid 2 mode tunnel
	expect_drops a XfrmInTmplMismatch 0 pair_send 4
}

# A policy that allows the flow without any transform, but the packet came
# through a tunnel: secpath_has_nontransport() rejects the leftover SA.
t_extra() {
	ns_cleanup
	pair_setup
	pair_sa 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	pair_in action allow
	expect_drops a XfrmInTmplMismatch 4 pair_send 4
	assert_json policy "$EV" '.policy|[.action,.src,.dst]' '["allow","10.2.0.0/24","10.1.0.0/24"]'
	assert_json templates "$EV" .templates \
		'[{"src":null,"dst":null,"proto":null,"spi":null,"reqid":null,"mode":null,"optional":null,"aalgos":null,"allalgs":null,"compared":0,"mismatch":["extra"],"evaluated":true}]'
}

run_case two_templates_wrong_order t_wrong_order
run_case two_templates_right_order t_right_order
run_case required_template_missing t_missing
run_case optional_template_skipped t_optional
run_case leftover_tunnel_sa t_extra
ktap_finish
