#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rejections other than a template mismatch, each with its own counter
# (topology: pair_setup in topo.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

xw_capture_test 9

T="src 192.0.2.2 dst 192.0.2.1"

fresh() {
	ns_cleanup
	pair_setup
	pair_sa 0x2000 2 tunnel "$@"
	pair_out tmpl $T proto esp reqid 2 mode tunnel
}

# A tunnel SA decrypted the packet, but a has no inbound policy at all.
t_no_policy() {
	fresh
	$IP -n a xfrm policy add src 10.9.0.0/24 dst 10.1.0.0/24 dir in \
		tmpl $T proto esp reqid 2 mode tunnel
	expect_drops a XfrmInNoPols 3 pair_send 3
	assert_json reason "$EV" .reason '"no_policy"'
	assert_json counter "$EV" .counter '"XfrmInNoPols"'
	assert_json policy "$EV" .policy null
	assert_json secpath "$EV" '.secpath|map(.spi)' '[8192]'
}

t_block() {
	fresh
	pair_in action block
	expect_drops a XfrmInPolBlock 3 pair_send 3
	assert_json reason "$EV" .reason '"policy_block"'
	assert_json policy "$EV" '.policy|[.action,.dir,.src,.dst]' '["block","in","10.2.0.0/24","10.1.0.0/24"]'
	assert_json index "$EV" .policy.index "$(pol_index a in 10.2.0.0/24 10.1.0.0/24)"
}

# a's copy of the SA only covers 10.9.0.0/24: the decrypted flow from
# 10.2.0.1 falls outside the SA's selector.
t_state_mismatch() {
	ns_cleanup
	pair_setup
	sa a 192.0.2.2 192.0.2.1 0x2000 2 tunnel sel src 10.9.0.0/24 dst 10.1.0.0/24
	sa b 192.0.2.2 192.0.2.1 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	pair_in tmpl $T proto esp reqid 2 mode tunnel
	expect_drops a XfrmInStateMismatch 3 pair_send 3
	assert_json reason "$EV" .reason '"state_mismatch"'
	assert_json flow "$EV" '.flow|[.src,.dst]' '["10.2.0.1","10.1.0.1"]'
	assert_json policy "$EV" .policy null
}

# The lookup probes in place from the first packet: every event exact.
probes_always() {
	"$XFRMWHY" disable >/dev/null
	echo 1 >/sys/module/xfrmwhy/parameters/lookup_probes
	"$XFRMWHY" enable >/dev/null
}

# Back to on demand, from the next enable on.
probes_on_demand() {
	echo 2 >/sys/module/xfrmwhy/parameters/lookup_probes
}

# a's policies, main and (where the kernel has them) sub, are for another
# flow: the check searched both kinds and found nothing.  The event lists
# the lookups it made, in order, and the explanation says so.
t_no_policy_lookups() {
	local want='[["main","none",0]]' searched="the main policies"
	fresh
	$IP -n a xfrm policy add src 10.9.0.0/24 dst 10.1.0.0/24 dir in \
		tmpl $T proto esp reqid 2 mode tunnel
	if $IP -n a xfrm policy add src 10.9.0.0/24 dst 10.1.0.0/24 dir in ptype sub \
		tmpl $T proto esp reqid 2 mode tunnel 2>/dev/null; then
		want='[["sub","none",0],["main","none",0]]'
		searched="the sub policies and the main policies"
	fi
	probes_always
	expect_drops a XfrmInNoPols 3 pair_send 3
	probes_on_demand
	assert_json exact "$EV" .exact true
	assert_json lookups "$EV" '[.lookup[]|[.type,.result,.if_id]]' "$want"
	assert_match explanation "$(jfield "$EV" .explanation)" \
		"no inbound policy matches this flow. The kernel searched $searched: none matched."
}

# Default-block for inbound and no policy: even plain traffic is refused.
t_default_block() {
	ns_cleanup
	pair_setup
	$IP -n a xfrm policy setdefault in block
	expect_drops a XfrmInNoPols 3 pair_send 3
	assert_json reason "$EV" .reason '"no_policy"'
	assert_json secpath "$EV" .secpath '[]'
	assert_json policy "$EV" .policy null
}

# Six templates: the inbound check refuses to evaluate that many.
t_buffer_error() {
	local i tmpls=()
	fresh
	for i in 1 2 3 4 5 6; do tmpls+=(tmpl $T proto esp reqid 2 mode tunnel level use); done
	pair_in "${tmpls[@]}"
	expect_drops a XfrmInBufferError 3 pair_send 3
	assert_json reason "$EV" .reason '"buffer_error"'
	assert_json counter "$EV" .counter '"XfrmInBufferError"'
	assert_json templates "$EV" '.templates|length' 6
	# The kernel refused before comparing any: nothing to blame on them.
	assert_json "templates compared" "$EV" '[.templates[]|.compared]' '[null,null,null,null,null,null]'
	assert_json "template mismatches" "$EV" '[.templates[]|.mismatch[]]' '[]'
}

# A sub policy allows the flow with a template its SA matches, the main
# policy blocks it: XfrmInPolBlock, and the sub policy's templates were
# never compared (the kernel blocks first).  Needs CONFIG_XFRM_SUB_POLICY.
t_sub_allows_main_blocks() {
	fresh
	if ! $IP -n a xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir in ptype sub \
		tmpl $T proto esp reqid 2 mode tunnel 2>/dev/null; then
		t_skip_why="no sub policies in this kernel (CONFIG_XFRM_SUB_POLICY)"
		return "$KSFT_SKIP"
	fi
	pair_in action block
	probes_always
	expect_drops a XfrmInPolBlock 3 pair_send 3
	probes_on_demand
	assert_json reason "$EV" .reason '"policy_block"'
	assert_json exact "$EV" .exact true
	assert_json "policies" "$EV" '[.policy.action, .policy.type, .main_policy.action]' '["allow","sub","block"]'
	# The sub policy's lookup, then the main one the kernel adds after it.
	assert_json lookups "$EV" '[.lookup[]|[.type,.result]]' '[["sub","policy"],["main","policy"]]'
	assert_json "lookups' policies" "$EV" '[.lookup[].index] == [.policy.index, .main_policy.index]' true
	assert_json "templates compared" "$EV" '[.templates[]|.compared]' '[null]'
	assert_json "template mismatches" "$EV" '[.templates[]|.mismatch[]]' '[]'
}

# The SA's output mark (XFRMA_SET_MARK) gives decrypted packets mark 0x5;
# a's only inbound policy wants mark 0x7: no policy applies.  The event
# carries the SA's output-mark and the mark the lookup used, in both
# outputs, and the explanation says where the mark came from.
t_output_mark() {
	local text
	ns_cleanup
	pair_setup
	pair_sa 0x2000 2 tunnel output-mark 0x5 mask 0xff
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	pair_in mark 0x7 mask 0xff tmpl $T proto esp reqid 2 mode tunnel
	expect_drops a XfrmInNoPols 2 pair_send 2
	assert_json reason "$EV" .reason '"no_policy"'
	assert_json "the SA's output mark" "$EV" '.secpath[0]|[.output_mark,.output_mask]' '[5,255]'
	assert_json "the mark of the lookup" "$EV" .flow.mark 5
	assert_match explanation "$(jfield "$EV" .explanation)" \
		'SA spi 0x00002000 sets output-mark 0x5/0xff on what it decrypts: the kernel looked up the policy with mark 0x5'
	pair_send 1
	text=$("$XFRMWHY" drain --netns a)
	assert_match "text" "$text" \
		'  sa 0: src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x00002000 reqid 2 mode tunnel auth hmac\(sha256\) output-mark 0x5 output-mask 0xff sel'
}

# a DNATs 10.1.0.99 to its own 10.1.0.1 after decryption; its inbound
# policy names 10.1.0.99 and wants reqid 3.  The check matches a NATed
# packet by its addresses before NAT (nf_nat_decode_session()), and so must
# the event's flow.
t_flow_before_nat() {
	if [ ! -d /proc/sys/net/netfilter ]; then
		t_skip_why="no netfilter in this kernel (CONFIG_NETFILTER): no NAT to decode"
		return "$KSFT_SKIP"
	fi
	ns_cleanup
	pair_setup
	pair_sa 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	$IP -n a xfrm policy add src 10.2.0.0/24 dst 10.1.0.99/32 dir in \
		tmpl $T proto esp reqid 3 mode tunnel
	in_ns a iptables -t nat -A PREROUTING -d 10.1.0.99 -j DNAT --to-destination 10.1.0.1 ||
		{ fail "cannot add the DNAT rule"; return; }
	expect_drops a XfrmInTmplMismatch 3 send_from b -s 10.2.0.1 -P 4500 -d 10.1.0.99 -p 9000 -n 3
	assert_json "flow as the check matched it" "$EV" '.flow|[.src,.dst,.dport]' '["10.2.0.1","10.1.0.99",9000]'
	assert_json policy "$EV" '.policy|[.dst,.index]' "[\"10.1.0.99/32\",$(pol_index a in 10.2.0.0/24 10.1.0.99/32)]"
	assert_json mismatch "$EV" '[.templates[]|.mismatch[]]' '["reqid"]'
}

run_case no_policy_tunnel_sa t_no_policy
run_case no_policy_lookups t_no_policy_lookups
run_case flow_before_nat t_flow_before_nat
run_case sa_output_mark t_output_mark
run_case policy_action_block t_block
run_case sa_selector_mismatch t_state_mismatch
run_case default_block_policy t_default_block
run_case too_many_templates t_buffer_error
run_case sub_policy_allows_main_blocks t_sub_allows_main_blocks
ktap_finish
