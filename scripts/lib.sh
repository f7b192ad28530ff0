# SPDX-License-Identifier: GPL-2.0
# Shared shell helpers for xfrmwhy's scripts: cache layout and kernel lines.

XFRMWHY_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
XFRMWHY_CACHE=${XFRMWHY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xfrmwhy}
XFRMWHY_DEFAULT_LINE=${XFRMWHY_KERNEL:-6.1}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
note() { [ -n "${XFRMWHY_QUIET:-}" ] || echo "$(basename "$0"): $*" >&2; }

# line_suites LINE: the Debian suites that carry a kernel line.
line_suites() {
	case "$1" in
	5.10) echo "bullseye bullseye-updates bullseye-security" ;;
	6.1) echo "bookworm bookworm-updates bookworm-security" ;;
	6.12) echo "trixie trixie-updates trixie-security" ;;
	7|sid) echo "sid" ;;
	*) return 1 ;;
	esac
}

# line_dir LINE: where the unpacked kernel of LINE lives.
line_dir() { echo "$XFRMWHY_CACHE/kernels/$1"; }

# line_release LINE: uname -r of the cached kernel (empty if not fetched).
line_release() { cat "$(line_dir "$1")/RELEASE" 2>/dev/null; }

# line_kdir LINE: the kbuild directory of the cached headers.
line_kdir() { echo "$(line_dir "$1")/root/usr/src/linux-headers-$(line_release "$1")"; }
