#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family against bad input: thousands of malformed
# requests (nl-malformed.c), each answered with an error; then a
# structure-aware fuzzer (nl-fuzz.c, 100000 mutated requests from the
# initial namespace and from two others) while capture is on and rejected
# packets flow, each request answered exactly once.  The module must keep
# working afterwards and the kernel log must stay clean (vm-run).
# NL_FUZZ_SEED and NL_FUZZ_COUNT replay a run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

flood_pid= flood_stop=
# The flood ends after its current burst; then what is queued drains.
stop_flood() {
	[ -n "$flood_pid" ] || return 0
	touch "$flood_stop"
	wait "$flood_pid" 2>/dev/null
	rm -f "$flood_stop"
	flood_pid=
	counter_settle a XfrmInTmplMismatch 60
	return 0
}
trap 'stop_flood; ns_cleanup; xw_unload' EXIT
ktap_plan 3
xw_load || { echo "Bail out! cannot load xfrmwhy"; exit 1; }

t_malformed() {
	local out
	out=$("$SELFTESTS/nl-malformed" 2>&1)
	echo "$out" | grep '^#' | sed 's/^/# /'
	grep -q '^ok 1 malformed_requests_all_rejected' <<<"$out" || fail "some malformed request was not rejected"
	local n
	n=$(sed -n 's/^# \([0-9]*\) invalid requests.*/\1/p' <<<"$out")
	[ "${n:-0}" -ge 1000 ] || fail "only ${n:-0} requests sent"
}

t_still_works() {
	"$XFRMWHY" enable >/dev/null || fail "enable after the storm"
	assert_eq "status" "$("$XFRMWHY" status --json | jq -c '[.loaded,.enabled]')" "[true,true]"
	"$XFRMWHY" disable >/dev/null || fail "disable"
}

# Bursts of mismatching packets b -> a, with pauses: rejections keep
# coming without starving the fuzzer of the (emulated) CPUs.
start_flood() {
	flood_stop=$(mktemp -u /tmp/nl-fuzz-flood.XXXXXX)
	( while [ ! -e "$flood_stop" ]; do pair_send 500; sleep 0.1; done ) &
	flood_pid=$!
}

# Back to defaults: capture on everywhere, no filters, default ring; the
# per-namespace settings the fuzzer made (a, b, init's own) off.
xw_defaults() {
	local ns
	for ns in a b 1; do
		"$XFRMWHY" --netns "$ns" disable >/dev/null || fail "disable in netns $ns"
	done
	"$XFRMWHY" disable >/dev/null || fail "disable"
	"$XFRMWHY" enable --ring-size 256 --rate-limit 0 --family any --reasons all \
		>/dev/null || fail "enable with the defaults"
}

t_fuzz() {
	local T="src 192.0.2.2 dst 192.0.2.1" count=${NL_FUZZ_COUNT:-100000}
	local out rc rise c0 c1 rec0 rec1 args=()
	# The debug kernel is about ten times slower.
	[ "${XFRMWHY_KERNEL_LINE:-}" = debug ] && count=${NL_FUZZ_COUNT:-20000}
	[ -n "${NL_FUZZ_SEED:-}" ] && args=(-s "$NL_FUZZ_SEED")
	pair_setup || { fail "topology"; return 1; }
	pair_sa 0x2000 2 tunnel || fail "SA"
	pair_out tmpl $T proto esp reqid 2 mode tunnel || fail "policy out"
	pair_in tmpl $T proto esp reqid 1 mode tunnel || fail "policy in"
	"$XFRMWHY" enable >/dev/null || fail "enable"
	expect_drops a XfrmInTmplMismatch 3 pair_send 3

	c0=$(xfrm_stat a XfrmInTmplMismatch)
	rec0=$("$XFRMWHY" status --json | jq .recorded)
	start_flood
	out=$("$SELFTESTS/nl-fuzz" "${args[@]}" -n "$count" -k \
		-N /run/netns/a -N /run/netns/b 2>&1)
	rc=$?
	stop_flood
	c1=$(xfrm_stat a XfrmInTmplMismatch)
	rec1=$("$XFRMWHY" status --json | jq .recorded)
	# Its KTAP lines as comments of this case.
	grep -v -e '^TAP version' -e '^1\.\.' <<<"$out" | sed -e 's/^ok /# ok /' -e 's/^not ok /# not ok /'
	grep -q '^ok 1 fuzz_every_request_answered' <<<"$out" ||
		fail "some request was not answered exactly once"
	grep -q '^ok 2 fuzz_valid_requests_answered_as_predicted' <<<"$out" ||
		fail "some valid request was answered other than predicted"
	assert_eq "nl-fuzz exit status" "$rc" 0
	assert_match "messages sent" "$(grep -o '^# [0-9]* messages' <<<"$out")" "^# $count messages"
	rise=$((c1 - c0))
	echo "# rejections during the fuzzing: $rise, events recorded: $((rec1 - rec0))"
	[ "$rise" -gt 0 ] || fail "no packet was rejected during the fuzzing"

	# The module still does its job with its settings back to defaults.
	xw_defaults
	assert_eq "status" "$("$XFRMWHY" status --json | jq -c '[.loaded,.enabled,.ring_size]')" \
		"[true,true,256]"
	expect_drops a XfrmInTmplMismatch 5 pair_send 5
	"$XFRMWHY" disable >/dev/null
	ns_cleanup
}

run_case malformed_requests_rejected t_malformed
run_case family_works_afterwards t_still_works
run_case fuzz_under_flood_every_request_answered t_fuzz
ktap_finish
