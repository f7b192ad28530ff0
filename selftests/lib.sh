# SPDX-License-Identifier: GPL-2.0
#
# Helpers for xfrmwhy's shell selftests: KTAP output, assertions, network
# namespaces and xfrm setup.  Tests run as root inside the VM harness.

IP=/usr/bin/ip		# iproute2's, never busybox's applet
XFRMWHY=${XFRMWHY:-xfrmwhy}
# Every probe the module registers, as /sys/kernel/debug/kprobes/list
# names them: the check, the two lookups, the state stage's two (notfound
# and notfound_simple).  While capturing: 3, and 2 more while the lookup
# probes are armed.
XW_PROBE_RE='__xfrm_policy_check|xfrm_policy_lookup_bytype|xfrm_sk_policy_lookup|xfrm_audit_state_notfound'
SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
XW_SEND=$SELFTESTS/xw-send
KSFT_PASS=0 KSFT_FAIL=1 KSFT_SKIP=4

t_num=0 t_failed=0 t_skipped=0
t_errors=()

ktap_plan() { echo "TAP version 13"; echo "1..$1"; }

# fail MSG: record why the current case fails; the case goes on so that
# every broken field is reported, not only the first.
fail() { t_errors+=("$*"); }

# assert_eq WHAT GOT WANT
assert_eq() {
	[ "$2" == "$3" ] || fail "$1: got '$2', want '$3'"
}

# assert_match WHAT GOT REGEX
assert_match() {
	[[ "$2" =~ $3 ]] || fail "$1: '$2' does not match /$3/"
}

# run_case NAME FUNC [ARGS...]: one KTAP test line.
run_case() {
	local name=$1 rc
	shift
	t_errors=()
	t_num=$((t_num + 1))
	"$@"
	rc=$?
	if [ "$rc" -eq "$KSFT_SKIP" ]; then
		echo "ok $t_num $name # SKIP ${t_skip_why:-}"
		t_skipped=$((t_skipped + 1))
		return
	fi
	[ "$rc" -eq 0 ] || [ ${#t_errors[@]} -gt 0 ] || t_errors+=("exited $rc")
	if [ ${#t_errors[@]} -eq 0 ]; then
		echo "ok $t_num $name"
	else
		local e
		for e in "${t_errors[@]}"; do echo "# $name: $e"; done
		echo "not ok $t_num $name"
		t_failed=$((t_failed + 1))
	fi
}

ktap_finish() {
	echo "# totals: $((t_num - t_failed - t_skipped)) pass, $t_failed fail, $t_skipped skip"
	[ "$t_failed" -eq 0 ] || exit "$KSFT_FAIL"
	exit "$KSFT_PASS"
}

# --- namespaces ---------------------------------------------------------

XW_NETNS=()

ns_add() {
	local n
	for n; do
		$IP netns add "$n" || return 1
		$IP -n "$n" link set lo up
		XW_NETNS+=("$n")
	done
}

ns_cleanup() {
	local n
	for n in "${XW_NETNS[@]}"; do $IP netns del "$n" 2>/dev/null; done
	XW_NETNS=()
}

in_ns() { local n=$1; shift; $IP netns exec "$n" "$@"; }

# ns_inum NS: the namespace's inode number, as events report it.
ns_inum() { stat -L -c %i "/run/netns/$1"; }

# veth_pair NS1 IF1 ADDR1 NS2 IF2 ADDR2
veth_pair() {
	$IP link add "$2" netns "$1" type veth peer name "$5" netns "$4" || return 1
	$IP -n "$1" addr add "$3" dev "$2"
	$IP -n "$4" addr add "$6" dev "$5"
	$IP -n "$1" link set "$2" up
	$IP -n "$4" link set "$5" up
}

# xfrm_stat NS COUNTER: a counter of /proc/net/xfrm_stat in NS.
xfrm_stat() { in_ns "$1" awk -v c="$2" '$1 == c { print $2 }' /proc/net/xfrm_stat; }

# counter_settle NS COUNTER TRIES: wait until COUNTER of NS stops moving
# for half a second (what a stopped sender left queued has been received),
# at most TRIES half-seconds.
counter_settle() {
	local c0 c1 i
	c1=$(xfrm_stat "$1" "$2")
	for ((i = 0; i < $3; i++)); do
		sleep 0.5
		c0=$c1 c1=$(xfrm_stat "$1" "$2")
		[ "$c0" = "$c1" ] && return 0
	done
	return 1
}

# Keys for tests: ESP with AES-CBC and HMAC-SHA256 (crypto loads on demand).
XW_ENC="enc cbc(aes) 0x00112233445566778899aabbccddeeff"
XW_AUTH="auth-trunc hmac(sha256) 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128"

# sa NS SRC DST SPI REQID [MODE] [EXTRA...]: an ESP SA.
sa() {
	local ns=$1 src=$2 dst=$3 spi=$4 reqid=$5 mode=${6:-tunnel}
	shift 6 2>/dev/null || shift $#
	$IP -n "$ns" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
		reqid "$reqid" mode "$mode" $XW_ENC $XW_AUTH "$@"
}

# pol_index NS DIR SRC DST: the index of a policy, as the kernel numbers it.
pol_index() {
	$IP -n "$1" -s xfrm policy list dir "$2" src "$3" dst "$4" |
		sed -n 's/.*index \([0-9]*\).*/\1/p' | head -1
}

# --- xfrmwhy ------------------------------------------------------------

xw_load() {
	lsmod | grep -q '^xfrmwhy ' || modprobe xfrmwhy "$@"
}

xw_unload() { rmmod xfrmwhy 2>/dev/null; true; }

# xw_events NS: drain the events of NS as JSON Lines.
xw_events() { "$XFRMWHY" drain --json --netns "$1"; }

# jfield JSON FILTER: one value out of a JSON document.
jfield() { jq -c "$2" <<<"$1"; }

# assert_json WHAT JSON FILTER WANT (WANT in jq's compact output form)
assert_json() { assert_eq "$1" "$(jfield "$2" "$3")" "$4"; }

# wait_for SECONDS CMD...: poll until CMD succeeds.
wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# xw_capture_test PLAN: the start of a test that captures everywhere:
# cleanup on exit, the KTAP plan, module loaded and capture on.
xw_capture_test() {
	trap 'ns_cleanup; xw_unload' EXIT
	ktap_plan "$1"
	xw_load || { echo "Bail out! cannot load xfrmwhy"; exit 1; }
	"$XFRMWHY" enable >/dev/null || { echo "Bail out! xfrmwhy enable failed"; exit 1; }
}
