#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lookup probes on demand (lookup_probes=2, the default): capture probes
# only the policy check until a rejection; that rejection's event is
# approximate and arms the lookup probes, later ones are exact, and the
# probes go again after lookup_idle seconds without a rejection.  Accepted
# traffic never arms them.  Topology: pair_setup (topo.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

trap 'ns_cleanup; xw_unload' EXIT
ktap_plan 5
xw_unload

T="src 192.0.2.2 dst 192.0.2.1"
lookup_probes() { grep -c xfrm_policy_lookup_bytype /sys/kernel/debug/kprobes/list; }
armed() { "$XFRMWHY" status --json | jq -e '.features | index("lookup_probe")' >/dev/null; }
disarmed() { ! armed; }

t_params() {
	modprobe xfrmwhy lookup_probes=3 2>/dev/null && { fail "lookup_probes=3 loaded"; rmmod xfrmwhy; }
	modprobe xfrmwhy lookup_idle=0 2>/dev/null && { fail "lookup_idle=0 loaded"; rmmod xfrmwhy; }
	modprobe xfrmwhy || { fail "modprobe"; return; }
	assert_eq "default lookup_probes" "$(cat /sys/module/xfrmwhy/parameters/lookup_probes)" 2
	echo 7 >/sys/module/xfrmwhy/parameters/lookup_probes 2>/dev/null && fail "lookup_probes=7 accepted"
	assert_eq "lookup_probes after a bad write" "$(cat /sys/module/xfrmwhy/parameters/lookup_probes)" 2
	"$XFRMWHY" enable >/dev/null || fail "enable"
	assert_eq "hook mode" "$("$XFRMWHY" status --json | jq -r .hook_mode)" on_demand
	assert_eq "lookup probes before any rejection" "$(lookup_probes)" 0
	assert_eq "check probe" "$(grep -c __xfrm_policy_check /sys/kernel/debug/kprobes/list)" 1
	assert_match "status text" "$("$XFRMWHY" status)" "hook mode:  on_demand .lookup probes not in place: the next rejection arms them"
}

t_accept_does_not_arm() {
	pair_setup || { fail "topology"; return; }
	pair_sa 0x2000 2 tunnel
	pair_out tmpl $T proto esp reqid 2 mode tunnel
	pair_in tmpl $T proto esp reqid 2 mode tunnel
	before=$(xfrm_stat a XfrmInTmplMismatch)
	pair_send 20
	sleep 1
	assert_eq "no rejection" "$(xfrm_stat a XfrmInTmplMismatch)" "$before"
	assert_eq "lookup probes after accepted traffic" "$(lookup_probes)" 0
}

# The policy a rejects with, as the test expects it in every event.
want_policy() { echo "[$(pol_index a in 10.2.0.0/24 10.1.0.0/24),\"10.2.0.0/24\",\"in\"]"; }

t_first_rejection_arms() {
	$IP -n a xfrm policy update src 10.2.0.0/24 dst 10.1.0.0/24 dir in \
		tmpl $T proto esp reqid 1 mode tunnel
	expect_drops a XfrmInTmplMismatch 1 pair_send 1
	assert_json "first event exact" "$EV" .exact false
	assert_json "first event policy (from the SPD)" "$EV" '.policy|[.index,.src,.dir]' "$(want_policy)"
	assert_json "first event mismatch" "$EV" '.templates|map(.mismatch)' '[["reqid"]]'
	wait_for 5 armed || fail "the lookup probes were not armed within 5 s"
	assert_eq "lookup probes armed" "$(lookup_probes)" 1
	expect_drops a XfrmInTmplMismatch 3 pair_send 3
	assert_eq "exact events" "$(jq -c .exact <<<"$EVENTS" | sort | uniq -c | awk '{print $1, $2}')" "3 true"
	assert_json "exact event policy" "$EV" '.policy|[.index,.src,.dir]' "$(want_policy)"
	assert_json "exact event mismatch" "$EV" '.templates|map(.mismatch)' '[["reqid"]]'
}

t_idle_disarms() {
	assert_match "status text when armed" "$("$XFRMWHY" status)" "hook mode:  on_demand .lookup probes in place: events are exact"
	# Armed with the default of 60 s; a shorter idle time applies at once.
	echo 1 >/sys/module/xfrmwhy/parameters/lookup_idle
	wait_for 5 disarmed || fail "the lookup probes stayed after 5 idle seconds"
	assert_eq "lookup probes after idle" "$(lookup_probes)" 0
	assert_eq "check probe stays" "$(grep -c __xfrm_policy_check /sys/kernel/debug/kprobes/list)" 1
	echo 60 >/sys/module/xfrmwhy/parameters/lookup_idle
	expect_drops a XfrmInTmplMismatch 1 pair_send 1
	assert_json "event after idle" "$EV" .exact false
	wait_for 5 armed || fail "not armed again"
	"$XFRMWHY" disable >/dev/null
	assert_eq "no probes after disable" "$(grep -cE '__xfrm_policy_check|xfrm_policy_lookup_bytype' /sys/kernel/debug/kprobes/list)" 0
}

t_always() {
	xw_unload
	modprobe xfrmwhy lookup_probes=1 || { fail "modprobe lookup_probes=1"; return; }
	"$XFRMWHY" enable >/dev/null || fail "enable"
	assert_eq "hook mode" "$("$XFRMWHY" status --json | jq -r .hook_mode)" exact
	assert_eq "lookup probes at enable" "$(lookup_probes)" 1
	expect_drops a XfrmInTmplMismatch 1 pair_send 1
	assert_json "first event exact" "$EV" .exact true
}

run_case ondemand_params_and_status t_params
run_case ondemand_accepted_traffic_does_not_arm t_accept_does_not_arm
run_case ondemand_first_rejection_arms t_first_rejection_arms
run_case ondemand_idle_disarms t_idle_disarms
run_case ondemand_always_exact t_always
ktap_finish
