#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Safe on a production gateway: the orders a reviewer tries.  Unload with a
# namespace still capturing, a user-namespace root asking for capture,
# guest namespaces flooding the rings, a drain under a steady flood,
# enable/disable churn with checks in flight, parameter writes racing an
# unload.  Each case failed on the module before these were fixed; any
# kernel report fails the run (vm-run scans the log).
#
# Topology of the ring-share case: s sends to four receivers, each on its
# own veth, each rejecting what it decrypts (its inbound policy wants
# reqid 2, the SA has reqid 1): XfrmInTmplMismatch.
#
#            +-- 10.9.1.0/24 --- x  (guest: owned by a child user namespace)
#       s ---+-- 10.9.2.0/24 --- y  (guest)
#            +-- 10.9.3.0/24 --- z  (guest)
#            +-- 10.9.4.0/24 --- h  (host: owned by the initial one)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

KPROBES=/sys/kernel/debug/kprobes/list
PARAMS=/sys/module/xfrmwhy/parameters
bg_pids=()
stop_bg() {
	local p
	for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	bg_pids=()
	pkill -x xw-send 2>/dev/null
	pkill -x sleep 2>/dev/null
	true
}
trap 'stop_bg; ns_cleanup; xw_unload' EXIT
ktap_plan 8

probes() { grep -cE "$XW_PROBE_RE" "$KPROBES"; }

# The issue's own reproducer: module exit disabled the hooks, then each
# namespace's exit turned them on again for the namespace still capturing.
t_unload_with_netns_capture() {
	ns_add X
	modprobe xfrmwhy enable=1 || { fail "modprobe"; return; }
	in_ns X "$XFRMWHY" enable >/dev/null || fail "enable in X"
	assert_eq "probes while capturing" "$(probes)" 3
	rmmod xfrmwhy || fail "rmmod"
	assert_eq "probes after unload" "$(probes)" 0
	cat "$KPROBES" >/dev/null || fail "reading the kprobe list"
	# The same with the namespace alone capturing, and deleted after.
	modprobe xfrmwhy
	in_ns X "$XFRMWHY" enable >/dev/null || fail "enable in X, alone"
	rmmod xfrmwhy || fail "rmmod, X alone"
	assert_eq "probes after unload, X alone" "$(probes)" 0
	ns_cleanup
}

# unshare -rn: root only in a user namespace of its own.
t_userns_root_refused() {
	local out rc
	xw_load
	out=$(unshare -rn "$XFRMWHY" enable 2>&1)
	rc=$?
	assert_eq "enable exit code" "$rc" 3
	assert_match "enable says what to do" "$out" "userns_capture=1"
	assert_eq "probes" "$(probes)" 0
	unshare -rn "$XFRMWHY" status >/dev/null 2>&1
	assert_eq "status exit code" "$?" 3
	unshare -rn "$XFRMWHY" drain >/dev/null 2>&1
	assert_eq "drain exit code" "$?" 3
	assert_eq "global capture" "$("$XFRMWHY" status --json | jq .enabled)" false
}

# Allowed by the host admin: the namespace's own admin captures there.
t_userns_allowed() {
	local out
	xw_load
	echo 1 >"$PARAMS/userns_capture"
	out=$(unshare -rn bash -c "$XFRMWHY enable >/dev/null && $XFRMWHY status --json | jq -c '[.enabled, .netns > 0]' && $XFRMWHY disable >/dev/null" 2>&1)
	assert_eq "enable, status, disable in the guest" "$out" "[true,true]"
	echo 0 >"$PARAMS/userns_capture"
	assert_eq "probes after the guest's disable" "$(probes)" 0
	echo 2 >"$PARAMS/userns_capture" 2>/dev/null && fail "userns_capture=2 accepted"
	assert_eq "userns_capture" "$(cat "$PARAMS/userns_capture")" N
}

# guest_ns NAME: a named namespace owned by a new user namespace.
guest_ns() {
	local pid
	unshare -rn sleep 600 &
	pid=$!
	bg_pids+=("$pid")
	wait_for 10 eval "[ \"\$(readlink /proc/$pid/ns/user)\" != \"\$(readlink /proc/self/ns/user)\" ]" ||
		return 1
	$IP netns attach "$1" "$pid" || return 1
	XW_NETNS+=("$1")
	$IP -n "$1" link set lo up
}

# share_link N NS: s <-> NS over 10.9.N.0/24, rejecting at NS.
share_link() {
	local n=$1 ns=$2 spi=$((0x900 + $1))
	veth_pair s "s$n" "10.9.$n.1/24" "$ns" "v$n" "10.9.$n.2/24" || return 1
	sa s "10.9.$n.1" "10.9.$n.2" "$spi" 1 transport
	sa "$ns" "10.9.$n.1" "10.9.$n.2" "$spi" 1 transport
	$IP -n s xfrm policy add src "10.9.$n.1" dst "10.9.$n.2" dir out \
		tmpl proto esp reqid 1 mode transport
	$IP -n "$ns" xfrm policy add src "10.9.$n.1" dst "10.9.$n.2" dir in \
		tmpl proto esp reqid 2 mode transport
}

# share_send N COUNT: COUNT rejections at the end of link N, all on CPU 0.
share_send() {
	in_ns s taskset -c 0 "$XW_SEND" -s "10.9.$1.1" -P 4500 -d "10.9.$1.2" -p 9000 -n "$2" >/dev/null
}

nsst() { "$XFRMWHY" status --json --netns "$1" | jq -c "[.recorded, .lost]"; }

# Ring of 16 per CPU: a guest may hold 4 slots of it, all guests 8.
t_guest_share() {
	local ns
	ns_add s h || return 1
	for ns in x y z; do guest_ns "$ns" || { fail "guest namespace $ns"; return; }; done
	share_link 1 x && share_link 2 y && share_link 3 z && share_link 4 h ||
		{ fail "topology"; return; }
	xw_load
	"$XFRMWHY" enable --ring-size 16 >/dev/null || fail "enable"
	"$XFRMWHY" clear >/dev/null
	share_send 1 50
	share_send 2 50
	share_send 3 50
	share_send 4 10
	assert_eq "x: recorded, lost" "$(nsst x)" "[4,46]"
	assert_eq "y: recorded, lost" "$(nsst y)" "[4,46]"
	assert_eq "z: recorded, lost (guests hold half)" "$(nsst z)" "[0,50]"
	assert_eq "h: recorded, lost" "$(nsst h)" "[8,2]"
	assert_eq "x: buffered" "$("$XFRMWHY" status --json --netns x | jq .buffered)" 4
	assert_eq "events of h" "$(xw_events h | grep -c .)" 8
	# Drained slots are x's again.
	assert_eq "events of x" "$(xw_events x | grep -c .)" 4
	share_send 1 5
	assert_eq "x after its drain" "$(nsst x)" "[8,47]"
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" enable --ring-size 256 >/dev/null
	"$XFRMWHY" disable >/dev/null
	stop_bg
	ns_cleanup
}

# A drain returns what was recorded when it started.  A slow reader
# (10 ms per event) frees slots that the flood refills at once: a drain
# that also took those went on for as long as the flood.  What it may
# return is bounded by the rings' size.
t_drain_ends_under_flood() {
	local n rc max=$((256 * $(nproc))) limit=120
	# The debug kernel (KASAN, lockdep) is about ten times slower.
	[ "${XFRMWHY_KERNEL_LINE:-}" = debug ] && limit=900
	pair_setup || { fail "topology"; return; }
	pair_sa 0x2000 2 tunnel
	pair_out tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 2 mode tunnel
	pair_in tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 1 mode tunnel
	xw_load
	"$XFRMWHY" enable --ring-size 256 >/dev/null
	( while :; do pair_send 500; done ) &
	bg_pids+=($!)
	wait_for 60 eval '[ "$("$XFRMWHY" status --json | jq .buffered)" -ge 256 ]' ||
		fail "the flood did not fill the rings"
	n=$(timeout "$limit" bash -c "set -o pipefail; \"$XFRMWHY\" drain --json --no-sad |
		while read -r l; do sleep 0.01; echo; done | wc -l")
	rc=$?
	assert_eq "drain exit code (124: still running after $limit s)" "$rc" 0
	[ "${n:-0}" -ge 256 ] && [ "${n:-0}" -le "$max" ] ||
		fail "drained ${n:-nothing}: want 256 to $max, what the rings held"
	stop_bg
	"$XFRMWHY" disable >/dev/null
	ns_cleanup
}

# Per-namespace enable/disable while its checks are in flight, with the
# lookup probes always on and outbound IPsec through the same CPUs: a
# check whose probe went mid-flight left xw_cur pointing at its freed
# instance, written through by the next armed lookup (KASAN on the debug
# kernel; silent corruption elsewhere).
t_churn_in_flight() {
	local i
	pair_setup || { fail "topology"; return; }
	pair_sa 0x2000 2 tunnel
	pair_out tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 2 mode tunnel
	pair_in tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 1 mode tunnel
	# a -> b works: a's outbound lookups run all the time.
	sa a 192.0.2.1 192.0.2.2 0x3000 3 tunnel
	sa b 192.0.2.1 192.0.2.2 0x3000 3 tunnel
	$IP -n a xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir out \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 3 mode tunnel
	xw_unload
	modprobe xfrmwhy lookup_probes=1 || { fail "modprobe"; return; }
	( while :; do pair_send 200; done ) &
	bg_pids+=($!)
	( while :; do send_from a -s 10.1.0.1 -P 4500 -d 10.2.0.1 -p 9001 -n 200; done ) &
	bg_pids+=($!)
	for ((i = 0; i < 60; i++)); do
		in_ns a "$XFRMWHY" enable >/dev/null || fail "enable $i"
		in_ns a "$XFRMWHY" disable >/dev/null || fail "disable $i"
	done
	"$XFRMWHY" enable >/dev/null
	for ((i = 0; i < 20; i++)); do
		in_ns a "$XFRMWHY" enable >/dev/null
		"$XFRMWHY" disable >/dev/null
		in_ns a "$XFRMWHY" disable >/dev/null
		"$XFRMWHY" enable >/dev/null
	done
	rmmod xfrmwhy || fail "rmmod"
	assert_eq "probes after unload" "$(probes)" 0
	stop_bg
	ns_cleanup
}

# Parameter writes while the module comes and goes: a write in the middle
# of an unload must neither allocate rings nor touch freed state.
t_param_writes_racing_unload() {
	local i
	(
		while :; do
			echo 32 2>/dev/null >"$PARAMS/ring_size"
			echo 64 2>/dev/null >"$PARAMS/ring_size"
			echo 2 2>/dev/null >"$PARAMS/lookup_idle"
			echo 1 2>/dev/null >"$PARAMS/lookup_idle"
		done 2>/dev/null
	) &
	bg_pids+=($!)
	for ((i = 0; i < 30; i++)); do
		modprobe xfrmwhy enable=1 lookup_probes=$((i % 3)) || { fail "load $i"; break; }
		rmmod xfrmwhy || { fail "unload $i"; break; }
	done
	stop_bg
	assert_eq "probes" "$(probes)" 0
}

# An xfrm interface created in a, moved into d: packets decrypted with
# a's SA come out of it in d, and the check counts in a (the interface's
# link namespace), where the SA and the policy are.  Without the lookup
# probes the event was filed under d, showing a's SAs to d's admin, and
# the policy was looked for with if_id 0, which never finds an xfrm
# interface's policy.
t_xfrmi_other_netns() {
	local mode
	for mode in 0 2; do
		ns_cleanup
		pair_setup || { fail "topology"; return; }
		ns_add d
		$IP -n a link add ipsec7 type xfrm dev wan0 if_id 7 || { fail "xfrm interface"; return; }
		$IP -n a link set ipsec7 netns d
		$IP -n d link set ipsec7 up
		seed_dummy d lan0 10.1.0.1/24
		sa a 192.0.2.2 192.0.2.1 0x2000 2 tunnel if_id 7
		sa b 192.0.2.2 192.0.2.1 0x2000 2 tunnel
		pair_out tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 2 mode tunnel
		pair_in tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 1 mode tunnel if_id 7
		xw_unload
		modprobe xfrmwhy lookup_probes=$mode || { fail "modprobe"; return; }
		"$XFRMWHY" enable >/dev/null
		expect_drops a XfrmInTmplMismatch 5 pair_send 5
		assert_eq "lookup_probes=$mode: rise in d" "$(xfrm_stat d XfrmInTmplMismatch)" 0
		assert_json "lookup_probes=$mode: reason" "$EV" .reason '"tmpl_mismatch"'
		assert_json "lookup_probes=$mode: SA" "$EV" '.secpath[0].spi' 8192
		# Found again in a's SPD with the interface's if_id.
		assert_json "lookup_probes=$mode: policy if_id" "$EV" '.policy.if_id' 7
		assert_json "lookup_probes=$mode: mismatch" "$EV" '.templates[0].mismatch' '["reqid"]'
		pair_send 3
		assert_eq "lookup_probes=$mode: events filed under d" "$(xw_events d | grep -c .)" 0
		xw_unload
	done
	ns_cleanup
}

run_case unload_with_netns_capturing_leaves_no_probe t_unload_with_netns_capture
run_case userns_root_enable_refused t_userns_root_refused
run_case userns_capture_allows_own_netns t_userns_allowed
run_case guest_namespaces_hold_their_share t_guest_share
run_case drain_ends_under_flood t_drain_ends_under_flood
run_case enable_disable_churn_checks_in_flight t_churn_in_flight
run_case param_writes_racing_unload t_param_writes_racing_unload
run_case xfrmi_link_netns_events_stay_there t_xfrmi_other_netns
ktap_finish
