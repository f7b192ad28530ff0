#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xfrmwhy run -- CMD, as a CI job uses it: CMD's exit status, capture left
# as it was found, the events of namespaces CMD created and deleted (each
# event against the counter rise its namespace had just before it went),
# --fail-on-drop and --expect both ways, and a suite nobody here wrote:
# the kernel's own tools/testing/selftests/net/xfrm_policy.sh (Debian's
# linux-source-6.1, fetched by scripts/fetch-kernel-test), run with and
# without xfrmwhy.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"; ns_cleanup; xw_unload' EXIT
KTEST=$SELFTESTS/kernel/xfrm_policy.sh
# The counters the inbound policy check bumps: xfrmwhy's reasons.
POLICY_COUNTERS="XfrmInTmplMismatch XfrmInNoPols XfrmInPolBlock XfrmInStateMismatch XfrmInHdrError XfrmInPolError XfrmInBufferError"

ktap_plan 4
xw_unload
xw_load || { echo "Bail out! cannot load xfrmwhy"; exit 1; }

enabled() { "$XFRMWHY" status --json | jq -r .enabled; }

# An `ip` first in PATH that, before `ip netns del NS`, writes NS's inode
# and xfrm_stat to $OUT/gone: what the namespace counted, read while it
# still exists.
mkdir -p "$OUT/bin"
cat >"$OUT/bin/ip" <<EOF
#!/bin/bash
if [ "\$1" = netns ] && [ "\$2" = del ] && [ -e "/run/netns/\$3" ]; then
	ino=\$(stat -L -c %i "/run/netns/\$3")
	$IP netns exec "\$3" awk -v n="\$3" -v i="\$ino" '{ print n, i, \$1, \$2 }' /proc/net/xfrm_stat >>"$OUT/gone"
fi
exec $IP "\$@"
EOF
chmod +x "$OUT/bin/ip"

# events_match JSONL: for every namespace the shim saw go, the events of
# its inode that are marked gone equal the rise of the policy check's
# counters (they started at 0); "NS=N ..." in $PER_NS.
events_match() {
	local jsonl=$1 ns ino want got
	PER_NS=
	for ns in $(awk '{ print $1 }' "$OUT/gone" | sort -u); do
		ino=$(awk -v n="$ns" '$1 == n { print $2; exit }' "$OUT/gone")
		want=$(awk -v n="$ns" -v c=" $POLICY_COUNTERS " \
			'$1 == n && index(c, " " $3 " ") { s += $4 } END { print s + 0 }' "$OUT/gone")
		got=$(jq -c --argjson i "$ino" 'select(.netns == $i and .netns_gone)' "$jsonl" | grep -c .)
		assert_eq "events of deleted $ns (inode $ino) vs its counters" "$got" "$want"
		PER_NS+="$ns=$got "
	done
}

# Capture off: run enables it, CMD's status comes back, capture is off after.
t_status() {
	local rc
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" run -- sh -c 'exit 7' 2>"$OUT/err"
	rc=$?
	assert_eq "exit status" "$rc" 7
	assert_match "summary" "$(cat "$OUT/err")" "xfrmwhy run: 0 drops recorded while sh ran"
	assert_eq "capture after" "$(enabled)" false
	"$XFRMWHY" run -- /nonexistent/cmd 2>/dev/null
	assert_eq "a command that cannot run" "$?" 127
	"$XFRMWHY" run -- sh -c 'kill -TERM $$' 2>/dev/null
	assert_eq "a command killed by SIGTERM" "$?" 143
}

# CMD builds the seed incident, pings, and deletes both namespaces: its
# 2 x 3 events stay readable, marked gone, and nothing is left buffered.
t_gone() {
	local n
	: >"$OUT/gone"
	PATH="$OUT/bin:$PATH" "$XFRMWHY" run --json-out "$OUT/ev.jsonl" -- bash -c "
		. $SELFTESTS/lib.sh; . $SELFTESTS/topo.sh
		seed_setup 16385 16389 1 >/dev/null 2>&1 || exit 9
		ip netns exec gwa ping -c 3 -W 1 -I 10.0.0.1 10.0.1.1 >/dev/null
		rc=\$?
		ip netns del gwa; ip netns del gwb
		exit \$rc" 2>"$OUT/err"
	assert_eq "exit status (ping got no reply)" "$?" 1
	n=$(grep -c . "$OUT/ev.jsonl")
	assert_eq "events" "$n" 6
	assert_eq "all marked gone, with an id" \
		"$(jq -s -c 'map(select(.netns_gone and .netns_id > 0)) | length' "$OUT/ev.jsonl")" 6
	assert_eq "reasons" "$(jq -s -c 'map(.reason) | unique' "$OUT/ev.jsonl")" '["tmpl_mismatch"]'
	# (the first drop of a quiet spell comes before the lookup probes)
	assert_match "explanation" "$(jq -r 'select(.exact) | .explanation' "$OUT/ev.jsonl" | head -1)" \
		'Its network namespace has been deleted since, and its SAs with it'
	events_match "$OUT/ev.jsonl"
	assert_match "summary" "$(cat "$OUT/err")" "xfrmwhy run: 6 drops recorded while bash ran; 0 lost, 0 filtered"
	assert_eq "left buffered" "$("$XFRMWHY" status --json | jq .buffered)" 0
}

# Joining a capture that is on: others' events stay, CMD's are read with
# peek, capture stays on; --fail-on-drop and --expect both ways.
t_fail_on_drop() {
	local ping=(ip netns exec gwa ping -c 1 -W 1 -I 10.0.0.1 10.0.1.1)
	ns_cleanup
	seed_setup 16385 16389 1 >/dev/null 2>&1
	"$XFRMWHY" clear >/dev/null
	"$XFRMWHY" enable >/dev/null
	"${ping[@]}" >/dev/null 2>&1	# 2 events from before
	"$XFRMWHY" run --json-out "$OUT/j.jsonl" --fail-on-drop -- "${ping[@]}" >/dev/null 2>"$OUT/err"
	assert_eq "undeclared drops" "$?" 4
	assert_match "which" "$(cat "$OUT/err")" "2 tmpl_mismatch drops \(XfrmInTmplMismatch\) beyond what --expect declares"
	assert_eq "only the command's events" "$(grep -c . "$OUT/j.jsonl")" 2
	assert_eq "capture still on" "$(enabled)" true
	assert_eq "nothing consumed" "$("$XFRMWHY" status --json | jq .buffered)" 4
	"$XFRMWHY" run --fail-on-drop --expect tmpl_mismatch=2 -- "${ping[@]}" >/dev/null 2>&1
	assert_eq "declared: ping's own status" "$?" 1
	"$XFRMWHY" run --fail-on-drop --expect XfrmInTmplMismatch=1 -- "${ping[@]}" >/dev/null 2>&1
	assert_eq "one more than declared" "$?" 4
	"$XFRMWHY" run --fail-on-drop -- true 2>/dev/null
	assert_eq "no drops" "$?" 0
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" clear >/dev/null
	ns_cleanup
}

# ksft_results OUTPUT: the kernel test's PASS/FAIL/SKIP lines (it writes
# some FAILs to stderr; xfrmwhy's lines there start otherwise).
ksft_results() { grep -E '^(PASS|FAIL|SKIP)' "$1"; }

# The kernel's xfrm_policy.sh, first without xfrmwhy, then under run: the
# same results; every drop its deleted namespaces counted is an event.
t_kernel_suite() {
	local a b
	[ -f "$KTEST" ] || { fail "$KTEST missing (make selftests fetches it)"; return; }
	command -v iptables >/dev/null || { fail "no iptables in the guest (scripts/mkinitramfs)"; return; }
	"$XFRMWHY" disable >/dev/null
	"$XFRMWHY" clear >/dev/null
	(cd "$OUT" && bash "$KTEST" >"$OUT/plain.out" 2>&1)
	a=$?
	: >"$OUT/gone"
	(cd "$OUT" && PATH="$OUT/bin:$PATH" "$XFRMWHY" run --json-out "$OUT/k.jsonl" \
		-- bash "$KTEST" >"$OUT/run.out" 2>&1)
	b=$?
	assert_eq "exit status with xfrmwhy" "$b" "$a"
	assert_eq "results with xfrmwhy" "$(ksft_results "$OUT/run.out")" "$(ksft_results "$OUT/plain.out")"
	grep -q '^SKIP' "$OUT/plain.out" && fail "the kernel test skipped: $(cat "$OUT/plain.out")"
	[ -s "$OUT/gone" ] || fail "the shim saw no namespace go"
	events_match "$OUT/k.jsonl"
	echo "# xfrm_policy.sh (exit $a): $(ksft_results "$OUT/plain.out" | grep -c '^PASS') PASS, $(ksft_results "$OUT/plain.out" | grep -c '^FAIL') FAIL; events per deleted namespace: $PER_NS"
	jq -r '"# " + .reason + " netns_gone=" + (.netns_gone|tostring) + ": " + .explanation' "$OUT/k.jsonl" | sort | uniq -c | head -5
}

run_case run_status_and_capture t_status
run_case run_events_of_deleted_namespaces t_gone
run_case run_fail_on_drop t_fail_on_drop
run_case run_kernel_xfrm_policy_sh t_kernel_suite
ktap_finish
