#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Approximate mode: without the lookup probes (lookup_probes=0, as on a
# kernel where xfrm_policy_lookup_bytype cannot be probed) events name the
# policy found again in the SPD when they are read, and say exact: false.
# Topology: the seed incident (topo.sh) and pair_setup.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

trap 'ns_cleanup; xw_unload' EXIT
ktap_plan 3
xw_unload
modprobe xfrmwhy lookup_probes=0 || { echo "Bail out! cannot load xfrmwhy"; exit 1; }
"$XFRMWHY" enable >/dev/null || { echo "Bail out! enable"; exit 1; }

t_status() {
	local s
	s=$("$XFRMWHY" status --json)
	assert_eq "hook mode" "$(jq -r .hook_mode <<<"$s")" approximate
	assert_eq "probes" "$(grep -c xfrm_policy_lookup_bytype /sys/kernel/debug/kprobes/list)" 0
}

t_seed() {
	local index
	seed_setup 16385 16389 1 || fail "topology"
	index=$(pol_index gwa in 10.0.1.0/24 10.0.0.0/24)
	expect_drops gwa XfrmInTmplMismatch 4 \
		eval 'in_ns gwa ping -c 2 -W 1 -I 10.0.0.1 10.0.1.1 >/dev/null 2>&1'
	assert_json exact "$EV" .exact false
	assert_json policy "$EV" '.policy|[.index,.src,.dst,.dir]' "[$index,\"10.0.1.0/24\",\"10.0.0.0/24\",\"in\"]"
	assert_json templates "$EV" '.templates|map([.reqid,.compared,.mismatch])' '[[16385,0,["reqid"]]]'
}

t_block() {
	local T="src 192.0.2.2 dst 192.0.2.1"
	ns_cleanup
	pair_setup
	pair_sa 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	# Two candidates: the more specific-looking one has the worse priority.
	$IP -n a xfrm policy add src 10.2.0.1/32 dst 10.1.0.0/24 dir in priority 200 \
		tmpl $T proto esp reqid 2 mode tunnel
	$IP -n a xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir in priority 100 action block
	expect_drops a XfrmInPolBlock 3 pair_send 3
	assert_json exact "$EV" .exact false
	assert_json policy "$EV" '.policy|[.action,.priority,.src]' '["block",100,"10.2.0.0/24"]'
}

run_case approximate_status t_status
run_case approximate_seed_policy_from_spd t_seed
run_case approximate_priority_order t_block
ktap_finish
