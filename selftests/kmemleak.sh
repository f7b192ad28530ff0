#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run last: on a kernel with kmemleak (the debug kernel of `make
# check-debug`), scan for objects leaked while the selftests loaded,
# exercised and unloaded xfrmwhy.  Elsewhere the case is skipped.
. "$(dirname "$0")/lib.sh"

KML=/sys/kernel/debug/kmemleak
ktap_plan 1

t_kmemleak() {
	local leaks
	# An object is reported once it has been unreferenced for a scan or
	# two; the module is gone by now, so two scans settle it.
	echo scan >"$KML" && sleep 1 && echo scan >"$KML" || { fail "cannot scan"; return; }
	leaks=$(cat "$KML")
	[ -z "$leaks" ] || fail "kmemleak reports: $(head -60 <<<"$leaks")"
}

t_skip() { t_skip_why="no kmemleak in this kernel"; return "$KSFT_SKIP"; }

xw_unload
if [ -w "$KML" ]; then
	run_case kmemleak_after_all_tests t_kmemleak
else
	run_case kmemleak_after_all_tests t_skip
fi
ktap_finish
