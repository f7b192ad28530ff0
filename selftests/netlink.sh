#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family against bad input: thousands of malformed
# requests (nl-malformed.c), each answered with an error; the module must
# keep working afterwards and the kernel log must stay clean (vm-run).
. "$(dirname "$0")/lib.sh"

trap 'xw_unload' EXIT
ktap_plan 2
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

run_case malformed_requests_rejected t_malformed
run_case family_works_afterwards t_still_works
ktap_finish
