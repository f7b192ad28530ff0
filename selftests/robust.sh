#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Robustness: exact accounting under overflow, filters and rate limits,
# probes really gone when capture is off, and enable/disable and module
# load/unload in a loop while mismatching packets flood in (any kernel
# warning fails the whole run: vm-run scans the log).  Topology:
# pair_setup in topo.sh with a's inbound policy demanding the wrong reqid.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

flood_pid=
stop_flood() {
	[ -n "$flood_pid" ] || return 0
	kill "$flood_pid" 2>/dev/null && wait "$flood_pid" 2>/dev/null
	# The loop's current sender outlives it: stop that one too, then let
	# what is still queued be received (a slow kernel has a backlog).
	pkill -x xw-send 2>/dev/null
	flood_pid=
	counter_settle a XfrmInTmplMismatch 120
	return 0
}
trap 'stop_flood; ns_cleanup; xw_unload' EXIT
ktap_plan 7

T="src 192.0.2.2 dst 192.0.2.1"
pair_setup || { echo "Bail out! topology"; exit 1; }
pair_sa 0x2000 2 tunnel
pair_out tmpl $T proto esp reqid 2 mode tunnel
pair_in tmpl $T proto esp reqid 1 mode tunnel
xw_load || { echo "Bail out! cannot load xfrmwhy"; exit 1; }

# st FIELD: one number of `status --json` for namespace a.
st() { "$XFRMWHY" status --json --netns a | jq ".$1"; }

# Totals of a since the module was loaded must equal the counter's rise
# since then, whatever overflowed.
t_accounting() {
	local c0 c1 rec lost filt ncpu
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" enable --ring-size 16 >/dev/null || fail "enable --ring-size 16"
	c0=$(xfrm_stat a XfrmInTmplMismatch)
	local r0 l0 f0
	r0=$(st recorded) l0=$(st lost) f0=$(st filtered)
	pair_send 10000
	c1=$(xfrm_stat a XfrmInTmplMismatch)
	rec=$(($(st recorded) - r0)) lost=$(($(st lost) - l0)) filt=$(($(st filtered) - f0))
	ncpu=$(nproc)
	assert_eq "counter rise" "$((c1 - c0))" 10000
	assert_eq "recorded + lost + filtered" "$((rec + lost + filt))" 10000
	assert_eq "filtered" "$filt" 0
	[ "$rec" -le $((16 * ncpu)) ] || fail "recorded $rec exceeds 16 x $ncpu slots"
	[ "$lost" -ge $((10000 - 16 * ncpu)) ] || fail "lost $lost too small"
	assert_eq "buffered" "$(st buffered)" "$rec"
	assert_eq "events drained" "$(xw_events a | grep -c .)" "$rec"
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" enable --ring-size 256 >/dev/null
}

# Each CPU has its own ring: a drain merges them, oldest event first.
# Packets sent from a task pinned to a CPU are received on that CPU
# (veth hands them to that CPU's backlog).
t_drain_order() {
	local ev
	[ "$(nproc)" -ge 2 ] || { t_skip_why="one CPU"; return "$KSFT_SKIP"; }
	"$XFRMWHY" enable >/dev/null
	"$XFRMWHY" clear >/dev/null
	in_ns b taskset -c 1 "$XW_SEND" -s 10.2.0.1 -P 4500 -d 10.1.0.1 -p 9000 -n 2 >/dev/null
	in_ns b taskset -c 0 "$XW_SEND" -s 10.2.0.1 -P 4500 -d 10.1.0.1 -p 9000 -n 2 >/dev/null
	ev=$(xw_events a)
	assert_eq "cpus in drain order" "$(jq -c .cpu <<<"$ev" | tr '\n' ' ')" "1 1 0 0 "
	assert_eq "seq in drain order" "$(jq -s -c '[.[].seq] | . == sort' <<<"$ev")" true
	"$XFRMWHY" clear >/dev/null
	in_ns b taskset -c 1 "$XW_SEND" -s 10.2.0.1 -P 4500 -d 10.1.0.1 -p 9000 -n 1 >/dev/null
	in_ns b taskset -c 0 "$XW_SEND" -s 10.2.0.1 -P 4500 -d 10.1.0.1 -p 9000 -n 1 >/dev/null
	in_ns b taskset -c 1 "$XW_SEND" -s 10.2.0.1 -P 4500 -d 10.1.0.1 -p 9000 -n 1 >/dev/null
	assert_eq "cpus, peek" "$("$XFRMWHY" drain --json --peek --netns a | jq -c .cpu | tr '\n' ' ')" "1 0 1 "
}

t_filters() {
	local f0 r0
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" enable --reasons no_policy,policy_block >/dev/null || fail "enable --reasons"
	f0=$(st filtered) r0=$(st recorded)
	pair_send 20
	assert_eq "filtered" "$(($(st filtered) - f0))" 20
	assert_eq "recorded" "$(($(st recorded) - r0))" 0
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" enable --reasons all --family ipv6 >/dev/null || fail "enable --family"
	f0=$(st filtered)
	pair_send 7
	assert_eq "filtered by family" "$(($(st filtered) - f0))" 7
	# A plain enable means the defaults, not the filters left behind.
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" enable --reasons tmpl_mismatch --family ipv6 >/dev/null
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" enable >/dev/null
	f0=$(st filtered) r0=$(st recorded)
	pair_send 5
	assert_eq "filtered after a plain enable" "$(($(st filtered) - f0))" 0
	assert_eq "recorded after a plain enable" "$(($(st recorded) - r0))" 5
	assert_eq "filters after a plain enable" "$("$XFRMWHY" status --json | jq -c '[.filter_family, .filter_reasons]')" \
		'["any",["unknown","tmpl_mismatch","no_policy","policy_block","state_mismatch","hdr_error","policy_error","buffer_error","no_state"]]'
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" enable --family any --reasons all >/dev/null
}

t_rate_limit() {
	local c0 r0 l0 rec lost t0 t1 secs max
	"$XFRMWHY" enable --rate-limit 5 >/dev/null || fail "enable --rate-limit"
	"$XFRMWHY" clear >/dev/null
	c0=$(xfrm_stat a XfrmInTmplMismatch) r0=$(st recorded) l0=$(st lost)
	t0=${EPOCHREALTIME/./}
	pair_send 300
	rec=$(($(st recorded) - r0)) lost=$(($(st lost) - l0))
	t1=${EPOCHREALTIME/./}
	assert_eq "recorded + lost" "$((rec + lost))" "$(($(xfrm_stat a XfrmInTmplMismatch) - c0))"
	# Each CPU opens a window of at least a second with its first packet
	# and records 5 in it: a burst lasting under s whole seconds fits in
	# s + 1 windows per CPU (a slow kernel stretches the burst).
	secs=$(((t1 - t0 + 999999) / 1000000))
	max=$((5 * $(nproc) * (secs + 1)))
	[ "$rec" -ge 5 ] && [ "$rec" -le "$max" ] ||
		fail "recorded $rec with a limit of 5/s per CPU in a ${secs} s burst (at most $max)"
	[ "$lost" -gt 0 ] || fail "nothing was rate limited"
	"$XFRMWHY" enable --rate-limit 0 >/dev/null
}

probes() { grep -cE "$XW_PROBE_RE" /sys/kernel/debug/kprobes/list; }

t_probes_gone() {
	"$XFRMWHY" enable >/dev/null
	assert_eq "probes while capturing" "$(probes)" 5
	"$XFRMWHY" disable >/dev/null
	assert_eq "probes after disable" "$(probes)" 0
	"$XFRMWHY" enable >/dev/null
	rmmod xfrmwhy
	assert_eq "probes after unload" "$(probes)" 0
	xw_load
}

flood() {
	( while :; do pair_send 500; done ) &
	flood_pid=$!
}

t_toggle_under_flood() {
	local i
	flood
	for i in $(seq 20); do
		"$XFRMWHY" enable >/dev/null || fail "enable $i"
		sleep 0.05
		"$XFRMWHY" disable >/dev/null || fail "disable $i"
	done
	stop_flood
	"$XFRMWHY" clear >/dev/null
	"$XFRMWHY" enable >/dev/null
	expect_drops a XfrmInTmplMismatch 5 pair_send 5
}

t_unload_under_flood() {
	local i
	flood
	for i in $(seq 50); do
		modprobe xfrmwhy enable=1 || { fail "load $i"; break; }
		sleep 0.05
		rmmod xfrmwhy || { fail "unload $i"; break; }
	done
	stop_flood
	xw_load enable=1
	expect_drops a XfrmInTmplMismatch 5 pair_send 5
	# On demand: the rejections arm the lookup probes from a work item.
	wait_for 30 eval '[ "$(probes)" = 5 ]'
	assert_eq "probes" "$(probes)" 5
}

run_case accounting_10000_small_ring t_accounting
run_case drain_oldest_first_across_cpus t_drain_order
run_case reason_and_family_filters t_filters
run_case rate_limit_counts_lost t_rate_limit
run_case probes_removed_on_disable t_probes_gone
run_case enable_disable_under_flood t_toggle_under_flood
run_case load_unload_50_under_flood t_unload_under_flood
ktap_finish
