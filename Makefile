# SPDX-License-Identifier: GPL-2.0
#
# make            module (against KDIR, or this machine's headers, or the
#                 harness's Debian kernel) and the xfrmwhy CLI
# make check      host unit tests, spec check, then every selftest in a VM
# make matrix     the selftests on every Debian kernel line (5.10 ... 7)
# make install    on a gateway: module, CLI, man page (DESTDIR, PREFIX)
# See README.md for the rest.

SHELL := /bin/bash
KERNEL ?= 6.1
PREFIX ?= /usr/local
TOP := $(abspath .)
BUILD := $(TOP)/build
SCRIPTS := $(TOP)/scripts
MOD_SRC := Kbuild $(wildcard kmod/*.c kmod/*.h kmod/*.sh kmod/uapi/linux/*.h)

# Which kernel to build the module against: KDIR if given, else this
# machine's own headers if installed, else the harness's Debian kernel.
LOCAL_KDIR := /lib/modules/$(shell uname -r)/build
ifneq ($(KDIR),)
MOD_OUT := $(BUILD)/local
else ifneq ($(wildcard $(LOCAL_KDIR)/Makefile),)
KDIR := $(LOCAL_KDIR)
MOD_OUT := $(BUILD)/local
else
MOD_OUT := $(BUILD)/$(KERNEL)
endif

.PHONY: all module vm-module cli unit spec-check selftests check deps clean \
	install uninstall vm-shell style
.PHONY: demo doc-check

all: module cli

deps:
	@$(SCRIPTS)/deps build

# The sources are copied next to the objects so that several kernels can
# be built side by side and the tree stays clean.
# $(3), if given, runs the build (scripts/build-env: a chroot of the
# kernel line's own Debian release when this machine cannot build for it).
define build_module
	@rm -f $(2)/xfrmwhy.ko && mkdir -p $(2)/src
	@cp -rp Kbuild kmod $(2)/src/
	$(3) $(MAKE) -C $(1) M=$(2)/src modules
	@cp $(2)/src/xfrmwhy.ko $(2)/xfrmwhy.ko
endef

module: deps
ifeq ($(MOD_OUT),$(BUILD)/local)
	@[ -f "$(KDIR)/Makefile" ] || { \
		echo "make: no kernel build tree at $(KDIR)." >&2; \
		echo "  Install the headers of the kernel to build for: on Debian and Ubuntu" \
			"'apt-get install linux-headers-$$(uname -r)', on Fedora and RHEL" \
			"'dnf install kernel-devel-$$(uname -r)', on Arch 'pacman -S linux-headers';" \
			"or point KDIR=... at a configured kernel tree." >&2; \
		exit 1; }
	$(call build_module,$(KDIR),$(MOD_OUT))
else
	@$(MAKE) --no-print-directory vm-module
endif

# The module for the VM harness's kernel line (make check always uses it),
# built here or in that line's chroot (scripts/build-env).
vm-module: deps
	@$(SCRIPTS)/fetch-kernel $(KERNEL) >/dev/null
	@$(SCRIPTS)/build-env --prepare $(KERNEL)
	$(call build_module,"$$(. $(SCRIPTS)/lib.sh; line_kdir $(KERNEL))",$(BUILD)/$(KERNEL),$(SCRIPTS)/build-env $(KERNEL) --)

cli: deps
	@$(MAKE) --no-print-directory -C user O=$(BUILD)

# Host unit tests: the template rules (the module's own source) and the CLI.
unit: deps
	@mkdir -p $(BUILD)/unit
	@$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -o $(BUILD)/unit/tmpl_diff_test \
		kmod/tests/tmpl_diff_test.c kmod/tmpl_diff.c
	@$(BUILD)/unit/tmpl_diff_test
	@$(MAKE) --no-print-directory -C user O=$(BUILD) test

# The kernel's own test that cmd-run.sh runs under "xfrmwhy run".
KTESTS := tools/testing/selftests/net/xfrm_policy.sh

selftests: deps
	@rm -rf $(BUILD)/selftests && mkdir -p $(BUILD)/selftests
	@$(MAKE) --no-print-directory -C selftests O=$(BUILD)/selftests \
		KSFT_INC="$$($(SCRIPTS)/fetch-ynl)/tools/testing/selftests"
	@$(MAKE) --no-print-directory -C user O=$(BUILD) \
		ASAN_BIN=$(BUILD)/selftests/xfrmwhy-asan asan
	@cp Documentation/netlink/specs/xfrmwhy.yaml $(BUILD)/selftests/
	@cp -r "$$($(SCRIPTS)/fetch-ynl)/tools/net/ynl" $(BUILD)/selftests/ynl
	@mkdir -p $(BUILD)/selftests/kernel && cp "$$($(SCRIPTS)/fetch-kernel-test 6.1 $(KTESTS))/$(KTESTS)" $(BUILD)/selftests/kernel/

check: deps
	@$(SCRIPTS)/check $(KERNEL)

# The kernel matrix: module built against each Debian kernel line's own
# headers (a chroot of its release where needed), loaded and every selftest
# run in the VM, one table row per line.  MATRIX_LINES narrows it.
# About 40 minutes under TCG; not part of check.
.PHONY: matrix
MATRIX_LINES ?=
matrix: deps cli selftests
	@$(SCRIPTS)/matrix $(MATRIX_LINES)

# Every selftest on the debug kernel (scripts/build-debug-kernel: Debian's
# linux-source with KASAN, lockdep, PROVE_RCU, kmemleak, DEBUG_OBJECTS,
# UBSAN; built once into the cache, 30-60 minutes); any report fails it.
# The tests run about ten times slower there: allow 2.5 hours.
.PHONY: check-debug
check-debug: deps
	@XFRMWHY_CHECK_TIMEOUT=$${XFRMWHY_CHECK_TIMEOUT:-9000} $(SCRIPTS)/check debug

# checkpatch.pl --strict over kmod/.
style:
	@$(SCRIPTS)/style

# The uapi header and kmod/netlink-gen.[ch], generated from the YNL spec by
# the kernel's ynl-gen-c.py (committed; spec-check fails when they differ).
.PHONY: spec-gen
spec-gen:
	@$(SCRIPTS)/spec-gen

spec-check:
	@$(SCRIPTS)/spec-check --ynl "$$($(SCRIPTS)/fetch-ynl)"

vm-shell: vm-module cli selftests
	$(SCRIPTS)/vm-run --kernel $(KERNEL) -- bash

# Accept- and drop-path cost, accounting, drop_monitor as the peer, ring
# memory: one VM boot, a table and ratios (Documentation/performance.md).
# BENCH_ARGS: e.g. --analysis, --runs 7 (see scripts/bench --help).
.PHONY: bench
bench: vm-module cli selftests
	@$(SCRIPTS)/bench --kernel $(KERNEL) $(BENCH_ARGS)

# The seed incident end to end in the VM (scripts/demo-guest), with checks.
demo: deps
	@$(SCRIPTS)/demo --kernel $(KERNEL)

# Documentation against the code: CLI options, parameters, JSON keys, the
# man page, the installed file list.  KTAP-ish "ok N"/"not ok N" lines.
doc-check: cli
	@$(SCRIPTS)/doc-check

# make install/uninstall into a scratch DESTDIR, dkms.conf, a DKMS build.
.PHONY: install-check
install-check: cli
	@$(SCRIPTS)/install-check --kernel $(KERNEL)

# The admin guide's exit codes and limits, from where they are defined.
.PHONY: doc-tables
doc-tables:
	@$(SCRIPTS)/doc-tables

# The admin guide's memory table, from the module built for KERNEL (pahole).
.PHONY: doc-sizes
doc-sizes:
	@$(MAKE) --no-print-directory vm-module KERNEL=$(KERNEL) >/dev/null
	@$(SCRIPTS)/doc-sizes --kernel $(KERNEL)

# install/uninstall put the module under the kernel it was built for (its
# vermagic: Debian's headers do not name the release in kernel.release),
# then run depmod for that kernel; with DESTDIR (packaging) no depmod runs.
# KRELEASE=... overrides (after `make clean` the default is uname -r).
KRELEASE ?= $(or $(firstword $(shell modinfo -F vermagic $(MOD_OUT)/xfrmwhy.ko 2>/dev/null)),$(shell uname -r))
MOD_DEST = $(DESTDIR)/lib/modules/$(KRELEASE)/updates

install: module cli
	@if [ -z "$(DESTDIR)" ] && [ ! -d /lib/modules/$(KRELEASE)/kernel ]; then \
		echo "install: the module was built for $(KRELEASE), which is not installed here;" \
			"build it for this machine with 'make KDIR=/lib/modules/$$(uname -r)/build'" >&2; \
		exit 1; \
	fi
	install -D -m 0644 $(MOD_OUT)/xfrmwhy.ko $(MOD_DEST)/xfrmwhy.ko
	install -D -m 0755 $(BUILD)/xfrmwhy $(DESTDIR)$(PREFIX)/sbin/xfrmwhy
	install -D -m 0644 Documentation/xfrmwhy.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/xfrmwhy.8
	[ -n "$(DESTDIR)" ] || depmod -a $(KRELEASE)

uninstall:
	rm -f $(MOD_DEST)/xfrmwhy.ko \
		$(DESTDIR)$(PREFIX)/sbin/xfrmwhy \
		$(DESTDIR)$(PREFIX)/share/man/man8/xfrmwhy.8
	-rmdir $(MOD_DEST) 2>/dev/null
	[ -n "$(DESTDIR)" ] || [ ! -d /lib/modules/$(KRELEASE)/kernel ] || depmod -a $(KRELEASE)

clean:
	rm -rf $(BUILD)
