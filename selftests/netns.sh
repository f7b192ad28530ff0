#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Network namespaces: two gateways dropping at once (the seed's gwa/gwb and
# pair_setup's a/b, see topo.sh), each namespace's admin sees and changes
# only its own events and configuration; the initial namespace sees all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

trap 'ns_cleanup; xw_unload' EXIT
ktap_plan 5
xw_load || { echo "Bail out! cannot load xfrmwhy"; exit 1; }

T="src 192.0.2.2 dst 192.0.2.1"
seed_setup 16385 16389 1 || { echo "Bail out! seed topology"; exit 1; }
pair_setup || { echo "Bail out! pair topology"; exit 1; }
pair_sa 0x2000 2 tunnel
pair_out tmpl $T proto esp reqid 2 mode tunnel
pair_in tmpl $T proto esp reqid 1 mode tunnel
inum_gwa=$(ns_inum gwa)
inum_a=$(ns_inum a)

drops() {
	in_ns gwa ping -c 2 -W 1 -I 10.0.0.1 10.0.1.1 >/dev/null 2>&1 &
	pair_send 5
	wait
}

t_each_sees_own() {
	"$XFRMWHY" enable >/dev/null
	"$XFRMWHY" clear >/dev/null
	local g0 a0 eg ea
	g0=$(xfrm_stat gwa XfrmInTmplMismatch) a0=$(xfrm_stat a XfrmInTmplMismatch)
	drops
	eg=$(in_ns gwa "$XFRMWHY" drain --json)
	ea=$(in_ns a "$XFRMWHY" drain --json)
	assert_eq "gwa events" "$(grep -c . <<<"$eg")" "$(($(xfrm_stat gwa XfrmInTmplMismatch) - g0))"
	assert_eq "a events" "$(grep -c . <<<"$ea")" "$(($(xfrm_stat a XfrmInTmplMismatch) - a0))"
	assert_eq "gwa sees only gwa" "$(jq -s "map(.netns) | unique" <<<"$eg" | jq -c .)" "[$inum_gwa]"
	assert_eq "a sees only a" "$(jq -s "map(.netns) | unique" <<<"$ea" | jq -c .)" "[$inum_a]"
	assert_eq "a's events" "$(grep -c . <<<"$ea")" 5
}

t_init_sees_all() {
	"$XFRMWHY" clear >/dev/null
	drops
	local all
	all=$("$XFRMWHY" drain --json --peek)
	assert_eq "namespaces seen from init" \
		"$(jq -s 'map(.netns) | unique | length' <<<"$all")" 2
	assert_eq "status: all namespaces" "$("$XFRMWHY" status --json | jq .all_netns)" true
	assert_eq "a's status" "$(in_ns a "$XFRMWHY" status --json | jq -c '[.netns,.all_netns]')" "[$inum_a,false]"
	"$XFRMWHY" clear >/dev/null
}

# Capture switched on inside a only: gwa's drops are not recorded.
t_per_netns_enable() {
	"$XFRMWHY" disable >/dev/null
	in_ns a "$XFRMWHY" enable >/dev/null || fail "enable inside a"
	local rg ra
	rg=$("$XFRMWHY" status --json --netns gwa | jq .recorded)
	ra=$(in_ns a "$XFRMWHY" status --json | jq .recorded)
	drops
	assert_eq "a recorded" "$(($(in_ns a "$XFRMWHY" status --json | jq .recorded) - ra))" 5
	assert_eq "gwa recorded" "$(($("$XFRMWHY" status --json --netns gwa | jq .recorded) - rg))" 0
	assert_eq "a enabled" "$(in_ns a "$XFRMWHY" status --json | jq .enabled)" true
	assert_eq "global enabled" "$("$XFRMWHY" status --json | jq .enabled)" false
	in_ns a "$XFRMWHY" disable >/dev/null
	"$XFRMWHY" clear >/dev/null
}

t_no_reach_out() {
	local rc
	in_ns a "$XFRMWHY" drain --netns gwa >/dev/null 2>&1
	assert_eq "drain another netns from a" "$?" 3
	in_ns a "$XFRMWHY" enable --ring-size 32 >/dev/null 2>&1
	assert_eq "resize rings from a" "$?" 3
	in_ns a "$XFRMWHY" status --json --netns a >/dev/null 2>&1
	assert_eq "own namespace as --netns" "$?" 0
}

# An unprivileged user's own user+network namespace: admin there, nowhere else.
# An unprivileged user, root only in a user namespace of its own: nothing
# by default; its own namespace's scope once the host allows it.
t_userns() {
	local out rc
	userns_xw() {
		setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U -r -n \
			"$(command -v "$XFRMWHY")" "$@"
	}
	userns_xw status --json >/dev/null 2>&1
	assert_eq "status from a userns, not allowed" "$?" 3
	echo 1 >/sys/module/xfrmwhy/parameters/userns_capture
	out=$(userns_xw status --json 2>&1)
	rc=$?
	assert_eq "status in own userns+netns, allowed" "$rc" 0
	assert_eq "scope" "$(jq -c '[.all_netns,.enabled,.recorded]' <<<"$out" 2>/dev/null)" "[false,false,0]"
	userns_xw enable --ring-size 32 >/dev/null 2>&1
	assert_eq "global setting from a userns" "$?" 3
	echo 0 >/sys/module/xfrmwhy/parameters/userns_capture
}

run_case two_netns_each_sees_own t_each_sees_own
run_case init_netns_sees_all t_init_sees_all
run_case per_netns_enable t_per_netns_enable
run_case netns_cannot_reach_out t_no_reach_out
run_case userns_admin_own_netns_only t_userns
ktap_finish
