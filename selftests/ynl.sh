#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A generic client that knows only the YAML spec talks to the family: the
# kernel's own YNL client (tools/net/ynl/cli.py from Debian's
# linux-source-6.12) does a status get, an events dump and a subscription,
# and what it reads must match what the xfrmwhy CLI reports.  Topology:
# the seed incident (topo.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

trap 'ns_cleanup; xw_unload' EXIT
ktap_plan 3
if [ ! -f "$SELFTESTS/ynl/cli.py" ] || ! command -v python3 >/dev/null; then
	for t in ynl_status_get ynl_events_dump ynl_notifications; do
		run_case "$t" eval 't_skip_why="no YNL client or python3 in this image"; return 4'
	done
	ktap_finish
fi
YNL=(python3 "$SELFTESTS/ynl/cli.py" --spec "$SELFTESTS/xfrmwhy.yaml" --no-schema --output-json)

xw_load || { echo "Bail out! cannot load xfrmwhy"; exit 1; }
seed_setup 16385 16389 1 || { echo "Bail out! topology"; exit 1; }
"$XFRMWHY" enable >/dev/null || { echo "Bail out! enable"; exit 1; }
in_ns gwa ping -c 2 -W 1 -I 10.0.0.1 10.0.1.1 >/dev/null 2>&1

t_status() {
	local y c
	y=$("${YNL[@]}" --do status-get --json '{}' 2>&1) || { fail "ynl: $y"; return; }
	c=$("$XFRMWHY" status --json)
	assert_eq "ring size" "$(jq '."ring-size"' <<<"$y")" "$(jq .ring_size <<<"$c")"
	assert_eq "recorded" "$(jq .recorded <<<"$y")" "$(jq .recorded <<<"$c")"
	assert_eq "recorded value" "$(jq .recorded <<<"$y")" 4
	assert_eq "lost" "$(jq .lost <<<"$y")" "$(jq .lost <<<"$c")"
	assert_eq "buffered" "$(jq .buffered <<<"$y")" 4
	assert_eq "enabled" "$(jq .enabled <<<"$y")" 1
	assert_eq "cpus" "$(jq '."cpu-stats" | length' <<<"$y")" "$(jq '.cpus | length' <<<"$c")"
	assert_eq "version" "$(jq -r .version <<<"$y")" "$(jq -r .version <<<"$c")"
}

t_dump() {
	local y c
	y=$("${YNL[@]}" --dump events-get --json '{"peek": true}' 2>&1) || { fail "ynl: $y"; return; }
	c=$("$XFRMWHY" drain --json)
	assert_eq "events" "$(jq length <<<"$y")" 4
	assert_eq "seqs" "$(jq -c '[.[].event.seq]' <<<"$y")" "$(jq -sc '[.[].seq]' <<<"$c")"
	# The spec asks for SPIs in hex.
	assert_eq "SA" "$(jq -c '.[0].event.sa | if type == "array" then .[0] else . end | [.spi, .reqid]' <<<"$y")" \
		"$(printf '["0x%x",%d]' $(jq -sr '.[0].secpath[0] | "\(.spi) \(.reqid)"' <<<"$c"))"
	assert_eq "template reqid" \
		"$(jq -c '.[0].event.tmpl | if type == "array" then .[0] else . end | .reqid' <<<"$y")" 16385
	assert_eq "reason" "$(jq -c '.[0].event.reason' <<<"$y")" '"tmpl-mismatch"'
}

# sleeping PID: the process sits in (clock_)nanosleep.  YNL's CLI joins
# the group before its --sleep, so then it listens.
sleeping() {
	local nr
	read -r nr _ <"/proc/$1/syscall" 2>/dev/null && { [ "$nr" = 230 ] || [ "$nr" = 35 ]; }
}

# sent N: N events were recorded and the notifier has sent them all (it
# takes an event off the ring only once it went out to a listener).
sent() {
	[ "$("$XFRMWHY" status --json | jq -c '[.recorded, .buffered]')" = "[$1,0]" ]
}

t_notify() {
	local out pid rec
	"${YNL[@]}" --subscribe events --sleep 6 >/tmp/ynl.$$ 2>&1 &
	pid=$!
	# A fixed delay raced with Python's start-up on a loaded host.
	wait_for 60 sleeping "$pid" || fail "YNL did not reach its --sleep within 60 s"
	# YNL reads what is queued on its socket once, when its sleep ends:
	# hold it stopped (still subscribed) until the notifier has sent, so a
	# slow kernel cannot make it read too early.
	kill -STOP "$pid"
	rec=$("$XFRMWHY" status --json | jq .recorded)
	in_ns gwa ping -c 1 -W 1 -I 10.0.0.1 10.0.1.1 >/dev/null 2>&1
	if [ "${XFRMWHY_KERNEL_LINE:-}" != 5.10 ]; then
		wait_for 60 sent $((rec + 2)) || fail "the notifier did not send 2 events within 60 s"
	fi
	kill -CONT "$pid"
	wait
	out=$(cat /tmp/ynl.$$)
	rm -f /tmp/ynl.$$
	if [ "${XFRMWHY_KERNEL_LINE:-}" = 5.10 ]; then
		# 5.10 cannot restrict the group to admins (no
		# GENL_MCAST_CAP_NET_ADMIN): the module multicasts nothing there.
		assert_eq "notifications (5.10: none)" "$(grep -o '"name": *"event"' <<<"$out" | wc -l)" 0
		assert_eq "left to drain (5.10: all)" "$("$XFRMWHY" drain --json | grep -c .)" 2
		return
	fi
	assert_eq "notifications" "$(grep -o '"name": *"event"' <<<"$out" | wc -l)" 2
	assert_eq "left to drain" "$("$XFRMWHY" drain --json | grep -c .)" 0
}

run_case ynl_status_get t_status
run_case ynl_events_dump t_dump
run_case ynl_notifications t_notify
ktap_finish
