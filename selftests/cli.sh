#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The xfrmwhy CLI end to end, on the seed incident (picture in topo.sh):
#
#   gwa (10.0.0.0/24) wan0 192.0.2.1 <---- veth ----> 192.0.2.2 wan0 gwb
#   gwa pings 10.0.1.1; gwb answers on SA 0x9ce44e77 (reqid 16389) while
#   gwa's inbound policy wants reqid 16385 (SA 0x11111111, idle): each echo
#   reply is dropped with XfrmInTmplMismatch and checked twice, so
#   `ping -c N` gives 2N events in gwa.
#
# Every command's contract: status counters, drain/--peek, watch, summary,
# the SAD correlation done in the event's own netns, --netns isolation,
# exit codes (usage, not loaded, permission), and the same runs under
# AddressSanitizer/LeakSanitizer/UBSan (build/selftests/xfrmwhy-asan).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

ASAN_CLI=$SELFTESTS/xfrmwhy-asan
# Linux 5.10 cannot restrict a genetlink multicast group to admins
# (GENL_MCAST_CAP_NET_ADMIN: 6.7, backported to Debian's 6.1), so there the
# module multicasts no event at all (no "notify" feature) and watch drains
# a few times a second instead of joining the group, and says so.
no_multicast() { [ "${XFRMWHY_KERNEL_LINE:-}" = 5.10 ]; }
DRAINING="this kernel has no admin-only multicast groups; watching by draining"
draining() { grep -qF "$DRAINING" "$1"; }
# The module has MODULE_ALIAS_GENL_FAMILY: resolving the family loads it on
# demand, so "not loaded" is only reachable with autoloading blacklisted.
NO_AUTOLOAD=/etc/modprobe.d/xfrmwhy-selftest-noautoload.conf
OUT=$(mktemp -d)
watch_pid=

cleanup() {
	[ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null
	rm -rf "$OUT" "$NO_AUTOLOAD"
	ns_cleanup
	xw_unload
}
trap cleanup EXIT

ktap_plan 8

# A fresh module: the counters below are totals since load.
xw_unload
xw_load || { echo "Bail out! cannot load xfrmwhy"; exit 1; }
seed_setup 16385 16389 1 || { echo "Bail out! cannot build the topology"; exit 1; }
INDEX=$(pol_index gwa in 10.0.1.0/24 10.0.0.0/24)
NCPU=$(nproc)

# pings N: N echo requests from gwa, 2N dropped replies (events).
pings() { in_ns gwa ping -c "$1" -W 1 -I 10.0.0.1 10.0.1.1 >/dev/null 2>&1; true; }

# lines TEXT: the number of non-empty lines.
lines() { grep -c . <<<"$1"; }

# seqs JSONL: the events' sequence numbers, one line.
seqs() { jq -r .seq <<<"$1" | tr '\n' ' '; }

# no_sanitizer WHAT STDERR_FILE: the run reported nothing.
no_sanitizer() {
	if grep -qE 'Sanitizer|runtime error:|SUMMARY: ' "$2"; then
		fail "$1: sanitizer report: $(head -c 2000 "$2")"
	fi
}

# subscribed PID: PID holds a generic netlink socket that joined a group
# (the Groups column of /proc/net/netlink, by socket inode).
subscribed() {
	local f l
	for f in /proc/"$1"/fd/*; do
		l=$(readlink "$f" 2>/dev/null) || continue
		[[ "$l" =~ ^socket:\[([0-9]+)\]$ ]] || continue
		awk -v i="${BASH_REMATCH[1]}" \
			'$2 == 16 && $NF == i && $4 != "00000000" { f = 1 } END { exit !f }' \
			/proc/net/netlink && return 0
	done
	return 1
}

# has_lines FILE N: FILE has at least N lines.
has_lines() { [ "$(grep -c . "$1" 2>/dev/null)" -ge "$2" ]; }

# watch_run CLI PINGS: `CLI watch --json --netns gwa` around PINGS pings,
# then SIGINT; sets W_RC, W_OUT (stdout), W_ERR (stderr file).
watch_run() {
	local cli=$1 n=$2
	: >"$OUT/watch.out"
	: >"$OUT/watch.err"
	"$cli" watch --json --netns gwa >"$OUT/watch.out" 2>"$OUT/watch.err" &
	watch_pid=$!
	if no_multicast; then
		wait_for 20 draining "$OUT/watch.err" ||
			fail "5.10: watch did not say it drains within 20 s: $(cat "$OUT/watch.err")"
	elif ! wait_for 20 subscribed "$watch_pid"; then
		fail "watch did not join the events group within 20 s: $(cat "$OUT/watch.err")"
	fi
	pings "$n"
	# Notifications are sent by a work item: give them time, then make
	# sure no more come than the drops.
	wait_for 20 has_lines "$OUT/watch.out" $((2 * n))
	sleep 1
	kill -INT "$watch_pid"
	W_RC=0
	wait "$watch_pid" || W_RC=$?
	watch_pid=
	W_OUT=$(cat "$OUT/watch.out")
	W_ERR=$OUT/watch.err
}

t_status() {
	local st
	st=$("$XFRMWHY" status --json) || fail "status --json exited $?"
	assert_eq "status lines" "$(lines "$st")" 1
	assert_json loaded "$st" .loaded true
	assert_json "enabled before enable" "$st" .enabled false
	assert_json ring_size "$st" .ring_size 256
	assert_json "cpus is one entry per CPU" "$st" '.cpus|length' "$NCPU"
	assert_json "cpu numbers" "$st" '[.cpus[].cpu]' "$(jq -c -n "[range($NCPU)]")"
	assert_json "counters at load" "$st" '[.recorded,.lost,.buffered]' '[0,0,0]'

	"$XFRMWHY" enable >/dev/null || fail "enable exited $?"
	st=$("$XFRMWHY" status --json)
	assert_json "enabled after enable" "$st" .enabled true
	assert_json "counters after enable" "$st" '[.recorded,.lost,.buffered]' '[0,0,0]'

	pings 4
	st=$("$XFRMWHY" status --json)
	assert_json "after 4 pings: recorded, lost, buffered" "$st" \
		'[.recorded,.lost,.buffered]' '[8,0,8]'
	assert_json "per-CPU recorded adds up" "$st" '[.cpus[].recorded]|add' 8
	assert_json "per-CPU buffered adds up" "$st" '[.cpus[].buffered]|add' 8
	assert_json "per-CPU lost adds up" "$st" '[.cpus[].lost]|add' 0

	assert_eq "drained events" "$(lines "$(xw_events gwa)")" 8
	st=$("$XFRMWHY" status --json)
	assert_json "after drain: recorded, lost, buffered" "$st" \
		'[.recorded,.lost,.buffered]' '[8,0,0]'
	assert_json "per-CPU buffered after drain" "$st" '[.cpus[].buffered]|add' 0
	assert_json "still enabled" "$st" .enabled true
}

t_drain_peek() {
	local p1 p2 d1 d2
	"$XFRMWHY" clear || fail "clear exited $?"
	pings 2
	p1=$("$XFRMWHY" drain --peek --json --netns gwa) || fail "peek exited $?"
	p2=$("$XFRMWHY" drain --peek --json --netns gwa) || fail "second peek exited $?"
	assert_eq "peeked events" "$(lines "$p1")" 4
	assert_eq "second peek: same seqs" "$(seqs "$p2")" "$(seqs "$p1")"
	assert_eq "second peek: same events" "$p2" "$p1"
	d1=$("$XFRMWHY" drain --json --netns gwa) || fail "drain exited $?"
	assert_eq "drain returns the peeked events" "$(seqs "$d1")" "$(seqs "$p1")"
	d2=$("$XFRMWHY" drain --json --netns gwa) || fail "second drain exited $?"
	assert_eq "second drain" "$d2" ""
	assert_json "buffered after drain" "$("$XFRMWHY" status --json)" .buffered 0
}

t_watch() {
	local left
	"$XFRMWHY" clear
	watch_run "$XFRMWHY" 2
	assert_eq "watch exit status on SIGINT" "$W_RC" 0
	if no_multicast; then
		assert_eq "5.10: watch drains (stderr)" "$(head -1 "$W_ERR")" \
			"xfrmwhy: $DRAINING every 200 ms"
	else
		draining "$W_ERR" && fail "watch drains although the kernel multicasts"
	fi
	assert_eq "watch JSON lines" "$(lines "$W_OUT")" 4
	assert_eq "watch reasons" "$(jq -r .reason <<<"$W_OUT" | sort | uniq -c | sed 's/^ *//')" \
		"4 tmpl_mismatch"
	assert_eq "watch netns" "$(jq -r .netns <<<"$W_OUT" | sort -u)" "$(ns_inum gwa)"
	assert_match "watch explanation has gwa's SAD" "$(head -1 <<<"$W_OUT")" \
		"Expected SA spi 0x11111111 reqid 16385 exists"
	assert_eq "watch final count (stderr)" "$(tail -1 "$W_ERR")" "4 events"
	left=$("$XFRMWHY" drain --json --netns gwa)
	assert_eq "events left after watch" "$(lines "$left")" 0
}

t_summary() {
	local s txt
	"$XFRMWHY" clear
	pings 4
	s=$("$XFRMWHY" summary --peek --json --netns gwa) || fail "summary --json exited $?"
	assert_eq "groups" "$(lines "$s")" 1
	assert_json "group" "$s" '{reason,counter,count,spi,reqid,policy_index}' \
		"{\"reason\":\"tmpl_mismatch\",\"counter\":\"XfrmInTmplMismatch\",\"count\":8,\"spi\":2632207991,\"reqid\":16389,\"policy_index\":$INDEX}"
	assert_json "first_ns <= last_ns" "$s" '.first_ns > 0 and .first_ns <= .last_ns' true
	assert_match "group explanation" "$(jfield "$s" .explanation)" "requires reqid 16385"
	txt=$("$XFRMWHY" summary --netns gwa) || fail "summary exited $?"
	assert_match "text summary counts 8" "$txt" \
		$'\n'" +8  tmpl_mismatch +$INDEX  0x9ce44e77 +16389 "
	assert_eq "summary consumed the events" "$(lines "$(xw_events gwa)")" 0
}

t_sad_correlation() {
	local txt
	"$XFRMWHY" clear
	# From the init netns, with --netns: gwa's SAD via /run/netns/gwa.
	pings 1
	txt=$("$XFRMWHY" drain --netns gwa)
	assert_match "--netns gwa" "$txt" \
		"Expected SA spi 0x11111111 reqid 16385 exists \(idle: 0 packets\); the peer is using 0x9ce44e77 instead"
	# Without --netns: the event's netns is found by its inode.
	pings 1
	txt=$("$XFRMWHY" drain)
	assert_match "all namespaces" "$txt" "Expected SA spi 0x11111111 reqid 16385 exists"
	# From inside gwa: its own SAD, no setns.
	pings 1
	txt=$(in_ns gwa "$XFRMWHY" drain)
	assert_match "inside gwa" "$txt" "Expected SA spi 0x11111111 reqid 16385 exists"
	# --no-sad says nothing about the SAD.
	pings 1
	txt=$("$XFRMWHY" drain --netns gwa --no-sad)
	assert_match "--no-sad still explains" "$txt" "requires reqid 16385"
	[[ "$txt" == *0x11111111* ]] && fail "--no-sad: mentions 0x11111111"
	true
}

t_netns_isolation() {
	local b a
	"$XFRMWHY" clear
	pings 1
	b=$("$XFRMWHY" drain --json --netns gwb) || fail "drain --netns gwb exited $?"
	assert_eq "gwb's events" "$b" ""
	b=$(in_ns gwb "$XFRMWHY" drain --json) || fail "drain inside gwb exited $?"
	assert_eq "events seen from inside gwb" "$b" ""
	a=$("$XFRMWHY" drain --json --netns gwa)
	assert_eq "gwa's events (untouched by gwb's drains)" "$(lines "$a")" 2
	assert_eq "gwa's netns" "$(jq -r .netns <<<"$a" | sort -u)" "$(ns_inum gwa)"
}

t_asan() {
	local out
	[ -x "$ASAN_CLI" ] || { fail "$ASAN_CLI missing: 'make selftests' builds it"; return; }
	export ASAN_OPTIONS=detect_leaks=1:exitcode=99:abort_on_error=0
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=98
	"$XFRMWHY" clear
	pings 1
	out=$("$ASAN_CLI" drain --json --netns gwa 2>"$OUT/a1.err")
	assert_eq "asan drain --json exit" "$?" 0
	assert_eq "asan drain --json events" "$(lines "$out")" 2
	no_sanitizer "drain --json" "$OUT/a1.err"

	pings 1
	out=$("$ASAN_CLI" drain 2>"$OUT/a2.err")
	assert_eq "asan drain (text, SAD via setns) exit" "$?" 0
	assert_match "asan drain explanation" "$out" "Expected SA spi 0x11111111"
	no_sanitizer "drain" "$OUT/a2.err"

	pings 2
	out=$("$ASAN_CLI" summary --json 2>"$OUT/a3.err")
	assert_eq "asan summary exit" "$?" 0
	assert_json "asan summary count" "$out" .count 4
	no_sanitizer "summary" "$OUT/a3.err"

	out=$("$ASAN_CLI" status --json 2>"$OUT/a4.err")
	assert_eq "asan status exit" "$?" 0
	no_sanitizer "status" "$OUT/a4.err"

	watch_run "$ASAN_CLI" 1
	assert_eq "asan watch exit" "$W_RC" 0
	assert_eq "asan watch lines" "$(lines "$W_OUT")" 2
	assert_eq "asan watch count" "$(tail -1 "$W_ERR")" "2 events"
	no_sanitizer "watch" "$W_ERR"

	"$ASAN_CLI" --bogus 2>"$OUT/a5.err"
	assert_eq "asan usage error exit" "$?" 1
	no_sanitizer "usage error" "$OUT/a5.err"

	# LeakSanitizer really runs here: its stop-the-world (ptrace) attaches.
	ASAN_OPTIONS=$ASAN_OPTIONS:verbosity=2 "$ASAN_CLI" status --json \
		>/dev/null 2>"$OUT/a6.err"
	assert_eq "asan status (verbose) exit" "$?" 0
	grep -q "Attached to thread" "$OUT/a6.err" ||
		fail "LeakSanitizer did not run its leak check: $(grep -iE 'leak|ptrace|fatal' "$OUT/a6.err" | head -5)"
	unset ASAN_OPTIONS UBSAN_OPTIONS
}

# unpriv CMD...: xfrmwhy as nobody, without any capability.
unpriv() {
	timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$XFRMWHY" "$@"
}

t_exit_codes() {
	local rc c
	"$XFRMWHY" --bogus status 2>"$OUT/e.err"
	assert_eq "unknown option" "$?" 1
	"$XFRMWHY" drain --ring-size 64 2>/dev/null
	assert_eq "option of another command" "$?" 1
	"$XFRMWHY" frobnicate 2>/dev/null
	assert_eq "unknown command" "$?" 1

	for c in status enable drain clear watch; do
		unpriv "$c" >"$OUT/u.out" 2>"$OUT/u.err"
		rc=$?
		assert_eq "unprivileged $c (124 = hung)" "$rc" 3
		assert_match "unprivileged $c says why" "$(cat "$OUT/u.err")" \
			"permission denied.*CAP_NET_ADMIN"
	done
	# Nothing was changed or consumed by those attempts.
	assert_json "still enabled" "$("$XFRMWHY" status --json)" .enabled true

	mkdir -p "$(dirname "$NO_AUTOLOAD")"
	echo "blacklist xfrmwhy" >"$NO_AUTOLOAD"
	rmmod xfrmwhy || fail "rmmod xfrmwhy failed"
	"$XFRMWHY" status >"$OUT/n.out" 2>"$OUT/n.err"
	assert_eq "status without the module" "$?" 2
	assert_match "hint" "$(cat "$OUT/n.err")" "modprobe xfrmwhy"
	"$XFRMWHY" status --json >"$OUT/n.out" 2>/dev/null
	assert_eq "status --json without the module" "$?" 2
	assert_eq "status --json without the module" "$(cat "$OUT/n.out")" '{"loaded":false}'
	"$XFRMWHY" drain 2>/dev/null
	assert_eq "drain without the module" "$?" 2
	lsmod | grep -q '^xfrmwhy ' && fail "the module came back by itself"
	rm -f "$NO_AUTOLOAD"
	xw_load || fail "cannot reload xfrmwhy"
	"$XFRMWHY" status >/dev/null
	assert_eq "status after reload" "$?" 0
}

run_case cli_status_json t_status
run_case cli_drain_peek t_drain_peek
run_case cli_watch t_watch
run_case cli_summary t_summary
run_case cli_sad_correlation_in_event_netns t_sad_correlation
run_case cli_netns_isolation t_netns_isolation
run_case cli_asan_ubsan t_asan
run_case cli_exit_codes t_exit_codes
ktap_finish
