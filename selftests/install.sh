#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installation, as `make install` and DKMS lay it out: the module under
# /lib/modules/$(uname -r)/updates/ plus depmod, loading it with modprobe,
# its parameters (ranges and sysfs modes as Documentation/admin-guide.md
# states them), loading on demand through the generic netlink family alias,
# and the uninstall path (module removed, depmod, modprobe fails, the CLI
# says "not loaded").  The guest has no man/groff: the man page is rendered
# on the host by scripts/doc-check.  The VM's own copy of the module is put
# back at the end, so tests that run later still find it.
. "$(dirname "$0")/lib.sh"

rel=$(uname -r)
dest=/lib/modules/$rel/updates/xfrmwhy.ko
src=/opt/xfrmwhy/xfrmwhy.ko
params=/sys/module/xfrmwhy/parameters

# put_module: `install -D -m 0644 SRC DEST` (the guest has no install(1)).
put_module() { mkdir -p "${dest%/*}" && cp "$src" "$dest" && chmod 0644 "$dest"; }

restore() {
	rmmod xfrmwhy 2>/dev/null
	put_module && depmod -a "$rel"
}
trap restore EXIT

loaded() { [ -d /sys/module/xfrmwhy ]; }
status_json() { "$XFRMWHY" status --json 2>/dev/null; }

ktap_plan 6

[ -f "$src" ] || { echo "Bail out! no module at $src"; exit 1; }
xw_unload

# What `make install` does for the module: install -D -m 0644, depmod -a.
t_install() {
	rm -f "$dest"
	depmod -a "$rel"
	modinfo xfrmwhy >/dev/null 2>&1 && fail "a module named xfrmwhy is still known after removing $dest"
	put_module || fail "copying the module to $dest failed"
	depmod -a "$rel" || fail "depmod -a $rel failed"
	assert_eq "modinfo -n" "$(modinfo -n xfrmwhy 2>&1)" "$dest"
	assert_eq "mode" "$(stat -c %a "$dest")" 644
	assert_eq "vermagic release" "$(modinfo -F vermagic xfrmwhy | cut -d' ' -f1)" "$rel"
	grep -q '^updates/xfrmwhy\.ko:' "/lib/modules/$rel/modules.dep" ||
		fail "modules.dep has no updates/xfrmwhy.ko"
	assert_match "genl family alias" "$(modinfo -F alias xfrmwhy)" "net-pf-16-proto-16-family-xfrmwhy"
	local parm
	parm=$(modinfo -F parm xfrmwhy | cut -d: -f1)
	grep -qx ring_size <<<"$parm" || fail "no parameter ring_size in: $parm"
	grep -qx enable <<<"$parm" || fail "no parameter enable in: $parm"
}

t_modprobe() {
	local st
	modprobe xfrmwhy || { fail "modprobe xfrmwhy failed"; return; }
	loaded || fail "no /sys/module/xfrmwhy after modprobe"
	assert_eq "ring_size default" "$(cat $params/ring_size)" 256
	assert_eq "ring_size sysfs mode" "$(stat -c %a $params/ring_size)" 644
	assert_eq "enable default" "$(cat $params/enable)" N
	assert_eq "enable sysfs mode" "$(stat -c %a $params/enable)" 444
	st=$(status_json)
	assert_json "status loaded" "$st" .loaded true
	assert_json "status enabled" "$st" .enabled false
	assert_json "status ring_size" "$st" .ring_size 256
	assert_json "status version" "$st" .version "\"$(modinfo -F version xfrmwhy)\""
	rmmod xfrmwhy || fail "rmmod failed"
}

t_params() {
	local st
	modprobe xfrmwhy ring_size=8 2>/dev/null && { fail "ring_size=8 (below 16) loaded"; rmmod xfrmwhy; }
	modprobe xfrmwhy ring_size=65537 2>/dev/null && { fail "ring_size=65537 (above 65536) loaded"; rmmod xfrmwhy; }
	modprobe xfrmwhy ring_size=16 enable=1 || { fail "modprobe ring_size=16 enable=1 failed"; return; }
	st=$(status_json)
	assert_json "enable=1 captures at load" "$st" .enabled true
	assert_json "ring_size=16" "$st" .ring_size 16
	echo 1024 >$params/ring_size 2>/dev/null && fail "resized the rings while capturing"
	"$XFRMWHY" disable >/dev/null || fail "xfrmwhy disable failed"
	echo 1024 >$params/ring_size 2>/dev/null || fail "cannot resize through sysfs with capture off"
	assert_json "ring_size after sysfs write" "$(status_json)" .ring_size 1024
	echo 15 >$params/ring_size 2>/dev/null && fail "sysfs accepted ring_size 15"
	echo 65537 >$params/ring_size 2>/dev/null && fail "sysfs accepted ring_size 65537"
	assert_eq "ring_size unchanged by bad writes" "$(cat $params/ring_size)" 1024
	rmmod xfrmwhy || fail "rmmod failed"
}

# MODULE_ALIAS_GENL_FAMILY: resolving the family loads an installed module.
t_autoload() {
	local rc=0
	loaded && rmmod xfrmwhy
	"$XFRMWHY" status >/dev/null 2>&1 || rc=$?
	assert_eq "xfrmwhy status exit code" "$rc" 0
	loaded || fail "the module was not loaded on demand"
	rmmod xfrmwhy 2>/dev/null
	return 0
}

# What `make uninstall` (and dkms remove) leave behind: no module.
t_uninstall() {
	local rc=0 out
	rm -f "$dest"
	depmod -a "$rel"
	modprobe xfrmwhy 2>/dev/null && fail "modprobe still works after uninstall"
	modinfo xfrmwhy >/dev/null 2>&1 && fail "modinfo still finds xfrmwhy"
	out=$("$XFRMWHY" status --json 2>/dev/null) || rc=$?
	assert_eq "status exit code without the module" "$rc" 2
	assert_eq "status --json without the module" "$out" '{"loaded":false}'
	! loaded || fail "something loaded xfrmwhy"
}

t_reinstall() {
	restore || fail "reinstall failed"
	modprobe xfrmwhy || fail "modprobe after reinstall failed"
	rmmod xfrmwhy 2>/dev/null
	return 0
}

run_case install_updates_depmod t_install
run_case modprobe_defaults t_modprobe
run_case module_parameters t_params
run_case autoload_by_family t_autoload
run_case uninstall_modprobe_fails t_uninstall
run_case reinstall t_reinstall
ktap_finish
