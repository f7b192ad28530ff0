# SPDX-License-Identifier: GPL-2.0
# Shared shell helpers for xfrmwhy's scripts: cache layout and kernel lines.

XFRMWHY_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
XFRMWHY_CACHE=${XFRMWHY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xfrmwhy}
XFRMWHY_DEFAULT_LINE=${XFRMWHY_KERNEL:-6.1}
# The "debug" line is built from the linux-source package of this line.
XFRMWHY_DEBUG_BASE=6.1
XFRMWHY_LINES="5.10 6.1 6.12 7"

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
note() { [ -n "${XFRMWHY_QUIET:-}" ] || echo "$(basename "$0"): $*" >&2; }

# line_suites LINE: the Debian suites that carry a kernel line.
line_suites() {
	case "$1" in
	5.10) echo "bullseye bullseye-updates bullseye-security" ;;
	6.1) echo "bookworm bookworm-updates bookworm-security" ;;
	6.12) echo "trixie trixie-updates trixie-security" ;;
	7|sid) echo "sid" ;;
	debug) line_suites "$XFRMWHY_DEBUG_BASE" ;;
	*) return 1 ;;
	esac
}

# line_dir LINE: where the unpacked kernel of LINE lives.
line_dir() { echo "$XFRMWHY_CACHE/kernels/$1"; }

# line_release LINE: uname -r of the cached kernel (empty if not fetched).
line_release() { cat "$(line_dir "$1")/RELEASE" 2>/dev/null; }

# line_kdir LINE: the kbuild directory of the cached headers.
line_kdir() { echo "$(line_dir "$1")/root/usr/src/linux-headers-$(line_release "$1")"; }

# apt_setup LINE: a private apt configuration for LINE's suites in
# $XFRMWHY_CACHE/apt/LINE, so any suite can be fetched on any host without
# touching the host's sources or its package state.  Sets apt_root and the
# array apt_opts (pass them to apt-get/apt-cache).
apt_setup() {
	local s uri suites
	suites=$(line_suites "$1") || die "unknown kernel line '$1'"
	apt_root="$XFRMWHY_CACHE/apt/$1"
	mkdir -p "$apt_root"/{state/lists/partial,cache/archives/partial,etc/apt.conf.d,etc/preferences.d,debs}
	: >"$apt_root/etc/sources.list"
	for s in $suites; do
		uri=http://deb.debian.org/debian
		case "$s" in *-security) uri=http://deb.debian.org/debian-security ;; esac
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main" >>"$apt_root/etc/sources.list"
	done
	apt_opts=(-o "Dir::Etc=$apt_root/etc" -o "Dir::Etc::sourcelist=$apt_root/etc/sources.list"
		-o "Dir::Etc::sourceparts=-" -o "Dir::State=$apt_root/state"
		-o "Dir::Cache=$apt_root/cache" -o "Dir::State::status=/dev/null"
		-o APT::Architecture=amd64 -o Acquire::Check-Valid-Until=false
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root -q)
}

# ktap_count FILE: count the test cases of a KTAP log, the innermost lines
# ("ok N", "not ok N", "# SKIP"); a test program that failed without
# reporting a failing case of its own counts as one failure.  Prints
# "N passed, N failed[, N skipped]"; exit status 1 when something failed.
ktap_count() {
	awk '
		{ sub(/\r$/, "") }
		/^# (not )?ok [0-9]+ / || /^(not )?ok [0-9]+ - / {
			if ($0 ~ /# SKIP/) skip++
			else if ($0 ~ /not ok/) { fail++; since++ }
			else pass++
			next
		}
		/^not ok / { if (since == 0) fail++; since = 0; next }
		/^ok / { since = 0 }
		END {
			line = (pass + 0) " passed, " (fail + 0) " failed"
			if (skip) line = line ", " skip " skipped"
			print line
			exit (fail > 0)
		}' "$1"
}
