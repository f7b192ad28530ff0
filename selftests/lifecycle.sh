#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lifecycle stress: a seeded random sequence of module loads (random
# parameters, bad ones too) and unloads, global and per-namespace
# enable/disable, extra namespaces created and deleted while they capture,
# writes of every writable module parameter (bad values too), drain,
# summary, status, clear and a background watch, while traffic flows.
#
#   lifecycle.sh [-s SEED] [-n OPS] [-v]
#
# (or XFRMWHY_LIFECYCLE_SEED, _OPS, _VERBOSE; 500 ops by default, 150 on
# the debug kernel).  The same seed gives the same operations: every
# choice is drawn from bash's RANDOM seeded with it, never from timing;
# each op is also written to the kernel log, so a crash shows what did it.
#
# Topology: pair_setup in topo.sh with a's inbound policy demanding the
# wrong reqid (b floods a with rejected packets, as in robust.sh); a
# working tunnel 10.1.1.0/24 <-> 10.2.1.0/24 (reqid 3 out, 4 back) that
# carries datagrams both ways all the time, so that outbound policy
# lookups and accepted inbound checks run too; up to three extra
# namespaces x<N>, each on its own veth from b, whose inbound policy
# rejects b's plain UDP flood.
#
# Checks: every op succeeds, or fails the way the state says it must
# (EBUSY, ERANGE, EINVAL, EPERM, not loaded); after every unload, and
# whenever nothing captures any more, debugfs lists no probe of ours (and
# can be read); at quiet points (every 50 ops and at the end) recorded +
# lost + filtered of a equals the rise of a's XfrmIn* counters over a known
# burst, exactly, with nothing missed, and the healthy tunnel delivers
# everything; no kernel warning appears in dmesg.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

usage() {
	echo "usage: $0 [-s SEED] [-n OPS] [-v]  (env XFRMWHY_LIFECYCLE_SEED, XFRMWHY_LIFECYCLE_OPS)" >&2
	exit "$KSFT_FAIL"
}
seed=${XFRMWHY_LIFECYCLE_SEED:-}
ops=${XFRMWHY_LIFECYCLE_OPS:-}
verbose=${XFRMWHY_LIFECYCLE_VERBOSE:-}
while getopts s:n:vh o; do
	case $o in
	s) seed=$OPTARG ;;
	n) ops=$OPTARG ;;
	v) verbose=1 ;;
	*) usage ;;
	esac
done
# The debug kernel runs about ten times slower: fewer ops by default.
[ -n "$ops" ] || { ops=500; [ "${XFRMWHY_KERNEL_LINE:-}" = debug ] && ops=150; }
[ -n "$seed" ] || seed=$(((${EPOCHREALTIME/./} ^ (RANDOM << 15 | RANDOM)) % 1000000))
[[ $seed =~ ^[0-9]+$ && $ops =~ ^[0-9]+$ ]] || usage

ktap_plan 5
echo "# seed $seed, $ops ops (reproduce: lifecycle.sh -s $seed -n $ops)"
RANDOM=$seed

PARAMS=/sys/module/xfrmwhy/parameters
KPROBES=/sys/kernel/debug/kprobes/list
PROBE_RE=$XW_PROBE_RE
QUIET_EVERY=50
MAX_EXTRAS=3
MAX_ERRORS=25
TMPD=$(mktemp -d)

# --- the model: what the module's state must be -----------------------
M_loaded=0 M_ring=256 M_lp=2 M_idle=60 M_userns=N M_global=0
M_pending=0	# namespaces deleted while capturing, whose exit may still run
declare -A M_en	# per-namespace capture
EXTRAS=()	# live extra namespaces
declare -A XPID XSUB XINUM
next_x=1

# --- results -----------------------------------------------------------
e_ops=() e_unload=() e_off=() e_acct=() e_kern=()
n_unload=0 n_off=0 n_on=0 n_quiet=0 x_rejected=0 watch_events=0
declare -A CNT
OPNUM=0 OPDESC=setup OPLOG='' ABORT=''
op_fail() { e_ops+=("op $OPNUM ($OPDESC): $*"); }
bump() { CNT[$1]=$((${CNT[$1]:-0} + 1)); }

# rnd N: R = the next draw in 0..N-1.  Only ever in this shell (never in
# $(...), which reseeds), so that the seed alone decides the sequence.
rnd() { R=$((RANDOM % $1)); }

op_begin() {
	OPDESC=$2
	bump "$1"
	OPLOG+="$OPNUM $2"$'\n'
	echo "<6>xfrmwhy-lifecycle: op $OPNUM: $2" >/dev/kmsg 2>/dev/null
	[ -z "$verbose" ] || echo "# op $OPNUM (+$(((${EPOCHREALTIME/./} - t_start) / 1000)) ms): $2"
}

# run CMD...: OUT (stdout and stderr) and RC of CMD.
run() {
	OUT=$("$@" 2>&1)
	RC=$?
}
expect_ok() { [ "$RC" = 0 ] || op_fail "exited $RC, want 0: ${OUT:0:300}"; }
# expect_err RC REGEX: failed with that status and said so.
expect_err() {
	if [ "$RC" = 0 ]; then
		op_fail "succeeded, want a failure ($2)"
	elif [ -n "$1" ] && [ "$RC" != "$1" ]; then
		op_fail "exited $RC, want $1: ${OUT:0:300}"
	elif ! [[ $OUT =~ $2 ]]; then
		op_fail "failed without saying /$2/: ${OUT:0:300}"
	fi
}

# --- kprobes -------------------------------------------------------------
# probe_list: our probes in PROBES; 1 (PROBE_ERR) when the list cannot be read.
probe_list() {
	local all rc l
	PROBES=()
	all=$(cat "$KPROBES" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		PROBE_ERR="reading $KPROBES failed (cat exited $rc): ${all:0:200}"
		return 1
	fi
	while IFS= read -r l; do
		[[ $l =~ $PROBE_RE ]] && PROBES+=("$l")
	done <<<"$all"
	return 0
}
probes_gone() { probe_list && [ ${#PROBES[@]} -eq 0 ]; }

check_after_unload() {
	n_unload=$((n_unload + 1))
	if ! probe_list; then
		e_unload+=("op $OPNUM ($OPDESC): $PROBE_ERR")
	elif [ ${#PROBES[@]} -ne 0 ]; then
		e_unload+=("op $OPNUM ($OPDESC): ${#PROBES[@]} probe(s) left after unload: ${PROBES[*]}")
	fi
}

capture_live() {
	local n
	[ "$M_loaded" = 1 ] || return 1
	[ "$M_global" = 1 ] && return 0
	for n in a b "${EXTRAS[@]}"; do
		[ "${M_en[$n]:-0}" = 1 ] && return 0
	done
	return 1
}

# Nothing captures any more: no probe may be left.  A namespace deleted
# while capturing goes asynchronously (its exit runs from a work queue):
# allow it a minute.
check_capture_off() {
	n_off=$((n_off + 1))
	if [ "$M_pending" -gt 0 ]; then
		M_pending=0
		if ! wait_for 60 probes_gone; then
			e_off+=("op $OPNUM ($OPDESC): 60 s after the last capturing namespace was deleted: ${PROBE_ERR:-${PROBES[*]}}")
			return
		fi
	fi
	if ! probe_list; then
		e_off+=("op $OPNUM ($OPDESC): $PROBE_ERR")
	elif [ ${#PROBES[@]} -ne 0 ]; then
		e_off+=("op $OPNUM ($OPDESC): capture off everywhere, yet ${#PROBES[@]} probe(s): ${PROBES[*]}")
	fi
}

# Capture on: the check probe, once; the lookup ones as lookup_probes says.
check_capture_on() {
	local l nc=0
	n_on=$((n_on + 1))
	if ! probe_list; then
		e_off+=("op $OPNUM ($OPDESC): $PROBE_ERR")
		return
	fi
	for l in "${PROBES[@]}"; do
		[[ $l == *__xfrm_policy_check* ]] && nc=$((nc + 1))
	done
	[ "$nc" -eq 1 ] && [ ${#PROBES[@]} -le 5 ] ||
		e_off+=("op $OPNUM ($OPDESC): capturing, but the probes are: ${PROBES[*]:-none}")
}

# capture_active: are the hooks registered, as far as the model can say
# (a capturing namespace that was deleted is waited for).
capture_active() {
	[ "$M_loaded" = 1 ] || return 1
	capture_live && return 0
	[ "$M_pending" -gt 0 ] || return 1
	check_capture_off
	return 1
}

# --- module state --------------------------------------------------------
model_load() { # RING LOOKUP_PROBES LOOKUP_IDLE GLOBAL USERNS
	M_loaded=1 M_ring=$1 M_lp=$2 M_idle=$3 M_global=$4 M_userns=$5 M_pending=0
	M_en=()
}
model_unload() { M_loaded=0 M_global=0 M_pending=0; M_en=(); }

# Any CLI command loads the module on demand (the family's alias).
cli_prep() {
	if [ "$M_loaded" = 0 ]; then
		model_load 256 2 60 0 N
		bump autoload
	fi
}

# The parameters read back as the model says.
check_params() {
	local p v want
	for p in ring_size lookup_probes lookup_idle userns_capture; do
		case $p in
		ring_size) want=$M_ring ;;
		lookup_probes) want=$M_lp ;;
		lookup_idle) want=$M_idle ;;
		userns_capture) [ -n "$HAVE_USERNS" ] || continue; want=$M_userns ;;
		esac
		v=
		read -r v <"$PARAMS/$p" 2>/dev/null
		[ "$v" = "$want" ] || op_fail "parameter $p reads '$v', want '$want'"
	done
}

taint0=$(cat /proc/sys/kernel/tainted)
check_state() {
	local real=0 t
	[ -d /sys/module/xfrmwhy ] && real=1
	[ "$real" = "$M_loaded" ] || op_fail "module loaded: $real, want $M_loaded"
	read -r t </proc/sys/kernel/tainted
	if (((t & ~taint0) & (128 | 512))); then
		e_kern+=("the kernel was tainted ($t: oops or warning) by op $OPNUM ($OPDESC)")
		ABORT="kernel tainted"
	fi
	if [ ${#e_ops[@]} -gt "$MAX_ERRORS" ]; then
		ABORT="more than $MAX_ERRORS failed operations"
	fi
}

# --- traffic ---------------------------------------------------------------
# flood NS DST PORT N PAUSE [keep]: from NS, N datagrams to DST:PORT every
# PAUSE seconds, from one long-lived shell (no process per burst: under TCG
# processes cost more than packets); it ends when a send fails, unless
# "keep", or when this test is gone.  The source address is the route's.
# PID in $!.
flood() {
	$IP netns exec "$1" bash -c '
		exec 3>"/dev/udp/$1/$2" 4<>"$5" || exit 1
		while [ -d "/proc/$7" ]; do
			for ((i = 0; i < $3; i++)); do
				printf x >&3 || [ "$6" = keep ] || exit 1
			done
			read -t "$4" -u 4 _
		done' flood "$2" "$3" "$4" "$5" "$TMPD/tick" "${6:-}" $$ >/dev/null 2>&1 &
}

# XfrmIn* counters the policy check bumps, summed.
in_sum() {
	in_ns "$1" awk '$1 ~ /^XfrmIn(TmplMismatch|NoPols|PolBlock|StateMismatch|HdrError|PolError|BufferError)$/ { s += $2 }
		END { print s + 0 }' /proc/net/xfrm_stat
}

flood_pid='' healthy_pid='' back_pid=''
start_extra_flood() {
	flood b "${XSUB[$1]}.1" 9000 4 0.1
	XPID[$1]=$!
}
start_traffic() {
	local n
	# Rejected: b -> a, reqid 2 where a wants 1 (XfrmInTmplMismatch).
	flood b 10.1.0.1 9000 16 0.05
	flood_pid=$!
	# Healthy: a -> b through the working tunnel and b -> a through its
	# other half, to receivers (whether all arrives is checked at quiet
	# points); a's inbound checks pass these.
	flood a 10.2.1.1 9001 8 0.05 keep
	healthy_pid=$!
	flood b 10.1.1.1 9001 4 0.05 keep
	back_pid=$!
	for n in "${EXTRAS[@]}"; do start_extra_flood "$n"; done
}
# alive PID: the process runs (not gone, not a zombie).
alive() {
	local st
	{ read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
	[[ $st != *") Z "* ]]
}

# stop_loop PID WHAT: stop a loop; complain if it died before (its command failed).
stop_loop() {
	[ -n "$1" ] || return 0
	alive "$1" || e_ops+=("$2 stopped by itself before op $OPNUM: its sender failed")
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
stop_traffic() {
	local n c0 c1 i
	stop_loop "$flood_pid" "the flood b -> a"
	stop_loop "$healthy_pid" "the healthy traffic a -> b"
	stop_loop "$back_pid" "the healthy traffic b -> a"
	flood_pid='' healthy_pid='' back_pid=''

	for n in "${EXTRAS[@]}"; do
		stop_loop "${XPID[$n]}" "the flood b -> $n"
		XPID[$n]=
	done
	# Let what is queued be received (a slow kernel has a backlog).
	c1=$(in_sum a)
	for ((i = 0; i < 120; i++)); do
		sleep 0.5
		c0=$c1 c1=$(in_sum a)
		[ "$c0" = "$c1" ] && return 0
	done
	e_acct+=("a's counters still rose 60 s after the traffic stopped")
}

# --- the operations ----------------------------------------------------------
RINGS=(16 32 64 128 256 512)

op_load() {
	local args=() ring=256 lp=2 idle=60 en=0 us=N bad=''
	rnd 2 && [ "$R" = 1 ] && { en=1; args+=(enable=1); }
	rnd 3 && [ "$R" = 0 ] && { rnd 3; lp=$R; args+=("lookup_probes=$lp"); }
	rnd 3 && [ "$R" = 0 ] && { rnd 3; idle=$((R + 1)); args+=("lookup_idle=$idle"); }
	rnd 3 && [ "$R" = 0 ] && { rnd 6; ring=${RINGS[R]}; args+=("ring_size=$ring"); }
	if [ -n "$HAVE_USERNS" ]; then
		rnd 4 && [ "$R" = 0 ] && {
			rnd 2
			us=N
			[ "$R" = 1 ] && us=Y
			args+=("userns_capture=$R")
		}
	fi
	rnd 10 && [ "$R" = 0 ] && {
		local b=(ring_size=8 ring_size=70000 lookup_probes=3 lookup_idle=0)
		rnd 4
		bad=${b[R]}
		args+=("$bad")
	}
	op_begin load "modprobe xfrmwhy ${args[*]}"
	run modprobe xfrmwhy "${args[@]}"
	if [ "$M_loaded" = 1 ]; then
		# Loaded already: modprobe does nothing, parameters stay.
		expect_ok
		bump load_while_loaded
		check_params
	elif [ -n "$bad" ]; then
		expect_err "" .
		bump load_bad_parameter
	else
		expect_ok
		model_load "$ring" "$lp" "$idle" "$en" "$us"
		check_params
		if [ "$en" = 1 ]; then check_capture_on; else check_capture_off; fi
	fi
}

op_unload() {
	op_begin unload "rmmod xfrmwhy"
	run rmmod xfrmwhy
	if [ "$M_loaded" = 1 ]; then
		expect_ok
		model_unload
		check_after_unload
	else
		expect_err "" "not currently loaded|No such file"
		bump unload_not_loaded
	fi
}

FAMS=(ipv4 ipv6 any)
REASONS=("tmpl_mismatch,no_policy" no_policy all)
op_genable() {
	local args=() ring=
	rnd 12
	case $R in
	6) rnd 3; args=(--family "${FAMS[R]}") ;;
	7) rnd 3; args=(--reasons "${REASONS[R]}") ;;
	8) rnd 2; args=(--rate-limit $((R * 200))) ;;
	9 | 10) rnd 7; ring=$R ;;
	esac
	cli_prep
	if [ -n "$ring" ]; then
		# R == 6: the current size (no resize, so never busy).
		if [ "$ring" = 6 ]; then ring=$M_ring; else ring=${RINGS[ring]}; fi
		args=(--ring-size "$ring")
	fi
	op_begin genable "xfrmwhy enable ${args[*]}"
	if [ -n "$ring" ] && [ "$ring" != "$M_ring" ] && capture_active; then
		run "$XFRMWHY" enable "${args[@]}"
		expect_err 1 "busy"
		bump enable_ring_busy
		return
	fi
	run "$XFRMWHY" enable "${args[@]}"
	expect_ok
	M_global=1
	[ -n "$ring" ] && M_ring=$ring && check_params
	check_capture_on
}

op_gdisable() {
	op_begin gdisable "xfrmwhy disable"
	cli_prep
	run "$XFRMWHY" disable
	expect_ok
	M_global=0
	capture_live || check_capture_off
}

# pick_ns: NS = one of a, b and the extra namespaces.
pick_ns() {
	local l=(a b "${EXTRAS[@]}")
	rnd ${#l[@]}
	NS=${l[R]}
}

# ns_cmd STYLE NS CMD [ARGS]: CMD for one namespace, in one of three ways.
ns_cmd() {
	local style=$1 ns=$2 cmd=$3
	shift 3
	case $style in
	0) NSCMD=("$IP" netns exec "$ns" "$XFRMWHY" "$cmd" "$@") ;;
	1) NSCMD=("$XFRMWHY" "$cmd" --netns "$ns" "$@") ;;
	2) NSCMD=("$XFRMWHY" --netns "$ns" "$cmd" "$@") ;;
	esac
}

op_nsenable() {
	local args=() style
	pick_ns
	rnd 3
	style=$R
	rnd 8
	case $R in
	0) args=(--family ipv4) ;;
	1) args=(--reasons all --family any) ;;
	2) args=(--reasons no_policy) ;;
	esac
	ns_cmd "$style" "$NS" enable "${args[@]}"
	op_begin nsenable "${NSCMD[*]}"
	cli_prep
	run "${NSCMD[@]}"
	expect_ok
	M_en[$NS]=1
	check_capture_on
}

op_nsdisable() {
	local style
	pick_ns
	rnd 3
	style=$R
	ns_cmd "$style" "$NS" disable
	op_begin nsdisable "${NSCMD[*]}"
	cli_prep
	run "${NSCMD[@]}"
	expect_ok
	M_en[$NS]=0
	capture_live || check_capture_off
}

# An extra namespace: a veth from b, and an inbound policy that wants ESP
# for what b sends in clear (XfrmInTmplMismatch).
extra_setup() {
	local n=$1 s=$2
	ns_add "$n" &&
		veth_pair b "xb${n#x}" "$s.2/24" "$n" wan0 "$s.1/24" &&
		$IP -n "$n" xfrm policy add src "$s.2" dst "$s.1" dir in \
			tmpl src "$s.2" dst "$s.1" proto esp reqid 7 mode tunnel
}

op_nschurn() {
	local nx=${#EXTRAS[@]} create n cap style i
	if [ "$nx" -eq 0 ]; then
		create=1
	elif [ "$nx" -ge "$MAX_EXTRAS" ]; then
		create=0
	else
		rnd 2
		create=$R
	fi
	if [ "$create" = 1 ]; then
		n=x$next_x
		XSUB[$n]=172.16.$((next_x % 250))
		next_x=$((next_x + 1))
		rnd 4
		cap=$((R != 0))
		rnd 3
		style=$R
		op_begin ns_create "ip netns add $n$([ "$cap" = 1 ] && echo ", capture on")"
		if ! extra_setup "$n" "${XSUB[$n]}"; then
			op_fail "cannot set up namespace $n"
			return
		fi
		XINUM[$n]=$(ns_inum "$n")
		EXTRAS+=("$n")
		M_en[$n]=0
		[ -n "$flood_pid" ] && start_extra_flood "$n"
		if [ "$cap" = 1 ]; then
			ns_cmd "$style" "$n" enable
			cli_prep
			run "${NSCMD[@]}"
			expect_ok
			M_en[$n]=1
			check_capture_on
		fi
		return
	fi
	rnd "$nx"
	n=${EXTRAS[R]}
	op_begin ns_delete "ip netns del $n$([ "${M_en[$n]}" = 1 ] && echo " (capturing)")"
	x_rejected=$((x_rejected + $(in_sum "$n")))
	run "$IP" netns del "$n"
	expect_ok
	if [ "${M_en[$n]}" = 1 ] && [ "$M_loaded" = 1 ]; then
		M_pending=$((M_pending + 1))
		bump ns_delete_capturing
	fi
	unset "M_en[$n]"
	for i in "${!EXTRAS[@]}"; do
		[ "${EXTRAS[i]}" = "$n" ] && unset "EXTRAS[i]"
	done
	EXTRAS=("${EXTRAS[@]}")
	# Its flood stops by itself when the veth goes; do not wait for that.
	[ -n "${XPID[$n]}" ] && { kill "${XPID[$n]}" 2>/dev/null; wait "${XPID[$n]}" 2>/dev/null; }
	unset "XPID[$n]"
	[ "$M_loaded" = 1 ] && [ "$M_pending" -gt 0 ] && ! capture_live && check_capture_off
}

# Writable parameters: good values, bad values (value:errno text); read
# through a nameref in op_param.
ERANGE_T="Numerical result out of range" EINVAL_T="Invalid argument"
# shellcheck disable=SC2034
{
	GOOD_ring_size=(16 32 64 128 256 512 0x40 current)
	BAD_ring_size=("15:$ERANGE_T" "0:$ERANGE_T" "65537:$ERANGE_T" "-1:$EINVAL_T" "abc:$EINVAL_T" ":$EINVAL_T")
	GOOD_lookup_probes=(0 1 2)
	BAD_lookup_probes=("3:$ERANGE_T" "9:$ERANGE_T" "-1:$EINVAL_T" "on:$EINVAL_T")
	GOOD_lookup_idle=(1 2 3 60)
	BAD_lookup_idle=("0:$ERANGE_T" "86401:$ERANGE_T" "1.5:$EINVAL_T")
	GOOD_userns_capture=(0 1 y n)
	BAD_userns_capture=("2:$EINVAL_T" "maybe:$EINVAL_T")
}

# pwrite PARAM VALUE: write it as an admin would (echo VALUE > file).
pwrite() {
	OUT=$({ echo "$2" >"$PARAMS/$1"; } 2>&1)
	RC=$?
}

op_param() {
	local p v bad='' want='' n
	rnd ${#WPARAMS[@]}
	p=${WPARAMS[R]}
	rnd 10
	if [[ " ring_size lookup_probes lookup_idle userns_capture " != *" $p "* ]]; then
		# A parameter this test does not know: its own value back.
		op_begin param "rewrite $p with its value"
		if [ "$M_loaded" = 0 ]; then
			pwrite "$p" 1
			expect_err "" "No such file"
			bump param_not_loaded
			return
		fi
		read -r v <"$PARAMS/$p"
		pwrite "$p" "$v"
		expect_ok
		read -r n <"$PARAMS/$p"
		[ "$n" = "$v" ] || op_fail "$p: '$v' written, '$n' read"
		return
	fi
	if [ "$R" -lt 4 ]; then
		local -n arr=BAD_$p
		rnd ${#arr[@]}
		v=${arr[R]%%:*} bad=${arr[R]#*:}
	else
		local -n arr=GOOD_$p
		rnd ${#arr[@]}
		v=${arr[R]}
		[ "$v" = current ] && v=$M_ring
	fi
	op_begin param "echo '$v' > parameters/$p"
	if [ "$M_loaded" = 0 ]; then
		pwrite "$p" "$v"
		expect_err "" "No such file"
		bump param_not_loaded
		return
	fi
	if [ -n "$bad" ]; then
		pwrite "$p" "$v"
		expect_err "" "$bad"
		bump param_bad
		check_params
		return
	fi
	case $p in
	ring_size)
		want=$((v))
		if [ "$want" != "$M_ring" ] && capture_active; then
			pwrite "$p" "$v"
			expect_err "" "Device or resource busy"
			bump param_ring_busy
		else
			pwrite "$p" "$v"
			expect_ok
			M_ring=$want
		fi
		;;
	lookup_probes) pwrite "$p" "$v"; expect_ok; M_lp=$v ;;
	lookup_idle) pwrite "$p" "$v"; expect_ok; M_idle=$v ;;
	userns_capture)
		pwrite "$p" "$v"
		expect_ok
		case $v in 1 | y) M_userns=Y ;; *) M_userns=N ;; esac
		;;
	esac
	check_params
}

# pick_scope: SCOPE = command prefix and SCOPE_NS = the namespace read
# (empty: all namespaces, from the initial one).
pick_scope() {
	rnd 4
	case $R in
	0 | 1) SCOPE=("$XFRMWHY") SCOPE_NS= ;;
	2) pick_ns; SCOPE=("$XFRMWHY" --netns "$NS") SCOPE_NS=$NS ;;
	3) pick_ns; SCOPE=("$IP" netns exec "$NS" "$XFRMWHY") SCOPE_NS=$NS ;;
	esac
}

ns_inum_of() {
	case $1 in
	a) echo "$INUM_A" ;;
	b) echo "$INUM_B" ;;
	*) echo "${XINUM[$1]}" ;;
	esac
}

# op_read drain|summary: the events, as JSON, each in the scope, in order.
op_read() {
	local cmd=$1 flags=() filter
	pick_scope
	rnd 3 && [ "$R" = 0 ] && flags+=(--peek)
	rnd 2 && [ "$R" = 0 ] && flags+=(--no-sad)
	op_begin "$cmd" "${SCOPE[*]} $cmd --json ${flags[*]}"
	cli_prep
	"${SCOPE[@]}" "$cmd" --json "${flags[@]}" >"$TMPD/out" 2>"$TMPD/err"
	RC=$?
	OUT=$(head -c 300 "$TMPD/err")
	expect_ok
	if [ "$cmd" = drain ]; then
		filter='all(has("seq") and has("explanation")) and ([.[].seq] | . == (sort | unique))'
		[ -n "$SCOPE_NS" ] && filter+=" and all(.netns == $(ns_inum_of "$SCOPE_NS"))"
	else
		filter='all(.count >= 1 and (.reason | type == "string"))'
	fi
	jq -e -s "$filter" "$TMPD/out" >/dev/null 2>&1 ||
		op_fail "output fails $filter: $(head -c 300 "$TMPD/out")"
}

op_status() {
	local want
	pick_scope
	rnd 4
	if [ "$R" = 0 ]; then
		op_begin status "${SCOPE[*]} status"
		cli_prep
		run "${SCOPE[@]}" status
		expect_ok
		return
	fi
	op_begin status "${SCOPE[*]} status --json"
	cli_prep
	run "${SCOPE[@]}" status --json
	expect_ok
	want=$M_global
	[ -n "$SCOPE_NS" ] && want=${M_en[$SCOPE_NS]:-0}
	want=$([ "$want" = 1 ] && echo true || echo false)
	[[ $OUT =~ \"loaded\":true ]] || op_fail "not loaded: ${OUT:0:200}"
	[[ $OUT =~ \"enabled\":(true|false) ]] && [ "${BASH_REMATCH[1]}" = "$want" ] ||
		op_fail "enabled is not $want: ${OUT:0:200}"
	[[ $OUT =~ \"ring_size\":([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "$M_ring" ] ||
		op_fail "ring_size is not $M_ring: ${OUT:0:200}"
}

op_clear() {
	pick_scope
	op_begin clear "${SCOPE[*]} clear"
	cli_prep
	run "${SCOPE[@]}" clear
	expect_ok
}

# A watcher in the background, stopped a few ops later.
watch_pid='' watch_end=''
watch_ready() {
	local m
	alive "$watch_pid" || return 0
	m=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$watch_pid/status" 2>/dev/null)
	[ -n "$m" ] && (((16#$m) & 0x4000))
}
op_watch() {
	local life cmd
	if [ -n "$watch_pid" ]; then
		op_begin watch "stop the watch early"
		watch_stop
		return
	fi
	rnd 3
	case $R in
	0) cmd=("$XFRMWHY" watch --json) ;;
	1) cmd=("$XFRMWHY" watch --json --netns a) ;;
	2) cmd=("$IP" netns exec a "$XFRMWHY" watch --json) ;;
	esac
	rnd 6
	life=$((R + 2))
	op_begin watch "${cmd[*]} & (for $life ops)"
	cli_prep
	"${cmd[@]}" >"$TMPD/watch.out" 2>"$TMPD/watch.err" &
	watch_pid=$!
	watch_end=$((OPNUM + life))
	# Until it handles SIGTERM (it has asked the module for its status).
	wait_for 20 watch_ready || op_fail "watch not ready after 20 s"
	alive "$watch_pid" ||
		op_fail "watch exited at once: $(head -c 300 "$TMPD/watch.err")"
}
watch_stop() {
	local rc n
	[ -n "$watch_pid" ] || return 0
	OPLOG+="$OPNUM stop watch"$'\n'
	kill -TERM "$watch_pid" 2>/dev/null
	# It prints what was delivered before the signal, then exits: that
	# takes a moment, not as long as events keep coming.
	if ! wait_for 10 eval '! alive "$watch_pid"'; then
		op_fail "watch still running 10 s after SIGTERM, having printed $(grep -c . "$TMPD/watch.out") events: killed"
		kill -KILL "$watch_pid" 2>/dev/null
		wait "$watch_pid" 2>/dev/null
		watch_pid=''
		return
	fi
	wait "$watch_pid" 2>/dev/null
	rc=$?
	watch_pid=''
	[ "$rc" = 0 ] || { op_fail "watch exited $rc: $(head -c 300 "$TMPD/watch.err")"; return; }
	n=$(sed -n 's/^\([0-9]*\) events$/\1/p' "$TMPD/watch.err")
	[ -n "$n" ] || op_fail "watch did not count its events: $(head -c 300 "$TMPD/watch.err")"
	watch_events=$((watch_events + ${n:-0}))
	jq -e -s 'all(has("seq") and has("reason"))' "$TMPD/watch.out" >/dev/null 2>&1 ||
		op_fail "watch printed something else than events: $(head -c 300 "$TMPD/watch.out")"
}

# Refused by design: another namespace, or global settings, from inside one.
op_refused() {
	rnd 3
	case $R in
	0) NSCMD=("$IP" netns exec a "$XFRMWHY" drain --netns b) ;;
	1) NSCMD=("$IP" netns exec b "$XFRMWHY" enable --ring-size 64) ;;
	2) NSCMD=("$IP" netns exec a "$XFRMWHY" enable --rate-limit 10) ;;
	esac
	op_begin refused "${NSCMD[*]}"
	cli_prep
	run "${NSCMD[@]}"
	# (The CLI words a refused dump as a missing CAP_NET_ADMIN.)
	expect_err 3 "initial network namespace|permission denied"
}

# Weights (of 100).
OPTAB=(load:7 unload:7 genable:9 gdisable:7 nsenable:10 nsdisable:7 nschurn:7
	param:14 drain:7 summary:4 status:8 clear:4 watch:5 refused:4)
one_op() {
	local e acc=0
	rnd 100
	for e in "${OPTAB[@]}"; do
		acc=$((acc + ${e#*:}))
		[ "$R" -lt "$acc" ] && break
	done
	case ${e%%:*} in
	load) op_load ;;
	unload) op_unload ;;
	genable) op_genable ;;
	gdisable) op_gdisable ;;
	nsenable) op_nsenable ;;
	nsdisable) op_nsdisable ;;
	nschurn) op_nschurn ;;
	param) op_param ;;
	drain) op_read drain ;;
	summary) op_read summary ;;
	status) op_status ;;
	clear) op_clear ;;
	watch) op_watch ;;
	refused) op_refused ;;
	esac
}

# --- quiet points ------------------------------------------------------
# acct: recorded lost filtered missed of namespace a.
acct() {
	"$XFRMWHY" status --json --netns a | jq -r '"\(.recorded) \(.lost) \(.filtered) \(.missed)"'
}

# The healthy tunnel delivers everything, both ways, and b rejects nothing.
healthy_check() {
	local ra rb got
	in_ns b "$XW_SEND" -r -b 10.2.1.1 -p 9002 -n 10 -t 20 >"$TMPD/rxb" 2>&1 &
	rb=$!
	in_ns a "$XW_SEND" -r -b 10.1.1.1 -p 9002 -n 10 -t 20 >"$TMPD/rxa" 2>&1 &
	ra=$!
	wait_for 20 grep -q ready "$TMPD/rxb"
	wait_for 20 grep -q ready "$TMPD/rxa"
	in_ns a "$XW_SEND" -s 10.1.1.1 -d 10.2.1.1 -p 9002 -n 10 >/dev/null
	in_ns b "$XW_SEND" -s 10.2.1.1 -d 10.1.1.1 -p 9002 -n 10 >/dev/null
	wait "$rb" "$ra"
	got=$(tail -1 "$TMPD/rxb")
	[ "$got" = 10 ] || e_acct+=("quiet point $n_quiet: the healthy tunnel a -> b delivered '$got' of 10 datagrams")
	got=$(tail -1 "$TMPD/rxa")
	[ "$got" = 10 ] || e_acct+=("quiet point $n_quiet: the healthy tunnel b -> a delivered '$got' of 10 datagrams")
	got=$(in_sum b)
	[ "$got" = "$b_base" ] ||
		e_acct+=("quiet point $n_quiet: b's XfrmIn* counters rose by $((got - b_base)): healthy traffic rejected")
}

quiet_point() {
	local c0 c1 k i d r0 l0 f0 m0 r1 l1 f1 m1
	n_quiet=$((n_quiet + 1))
	OPDESC="quiet point $n_quiet"
	OPLOG+="$OPNUM quiet point"$'\n'
	echo "<6>xfrmwhy-lifecycle: quiet point $n_quiet after op $OPNUM" >/dev/kmsg 2>/dev/null
	stop_traffic
	if [ "$M_loaded" = 0 ]; then
		OPLOG+="$OPNUM quiet: modprobe xfrmwhy"$'\n'
		run modprobe xfrmwhy
		expect_ok
		model_load 256 2 60 0 N
	fi
	if [ "$M_global" != 1 ] && [ "${M_en[a]:-0}" != 1 ]; then
		rnd 2
		if [ "$R" = 0 ]; then
			OPLOG+="$OPNUM quiet: xfrmwhy enable"$'\n'
			run "$XFRMWHY" enable
			M_global=1
		else
			OPLOG+="$OPNUM quiet: xfrmwhy enable --netns a"$'\n'
			run "$XFRMWHY" enable --netns a
			M_en[a]=1
		fi
		expect_ok
	fi
	# Room in the rings, so that recorded counts too.
	run "$XFRMWHY" clear
	expect_ok
	rnd 251
	k=$((50 + R))
	c0=$(in_sum a)
	read -r r0 l0 f0 m0 < <(acct)
	pair_send "$k"
	# The counter first (softirq may still run), then the module's totals.
	for ((i = 0; i < 200; i++)); do
		c1=$(in_sum a)
		[ "$((c1 - c0))" -ge "$k" ] && break
		sleep 0.1
	done
	for ((i = 0; i < 100; i++)); do
		read -r r1 l1 f1 m1 < <(acct)
		d=$(((r1 - r0) + (l1 - l0) + (f1 - f0)))
		[ "$d" -ge "$((c1 - c0))" ] && break
		sleep 0.1
	done
	c1=$(in_sum a)
	[ "$((c1 - c0))" = "$k" ] ||
		e_acct+=("quiet point $n_quiet: $k packets sent, a's XfrmIn* counters rose by $((c1 - c0))")
	[ "$d" = "$((c1 - c0))" ] ||
		e_acct+=("quiet point $n_quiet: recorded $((r1 - r0)) + lost $((l1 - l0)) + filtered $((f1 - f0)) = $d, counters rose by $((c1 - c0))")
	[ "$m1" = "$m0" ] ||
		e_acct+=("quiet point $n_quiet: missed rose from $m0 to $m1 (recorded $((r1 - r0)), lost $((l1 - l0)), filtered $((f1 - f0)), counters +$((c1 - c0)))")
	ACCT_SENT=$((ACCT_SENT + k))
	healthy_check
	echo "# quiet point $n_quiet after op $OPNUM ($(((${EPOCHREALTIME/./} - t_start) / 1000000)) s): $k rejected, recorded $((r1 - r0)) lost $((l1 - l0)) filtered $((f1 - f0))"
	start_traffic
}

# --- setup -------------------------------------------------------------------
cleanup() {
	local n
	[ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null
	for n in "$flood_pid" "$healthy_pid" "$back_pid" "$rx_a" "$rx_b" "${XPID[@]}"; do
		[ -n "$n" ] && kill "$n" 2>/dev/null
	done
	wait 2>/dev/null
	ns_cleanup
	# After an oops the kprobes may be wedged: an unload could hang.
	[ "$ABORT" = "kernel tainted" ] || xw_unload
	rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit "$KSFT_FAIL"' TERM INT

[ -r "$KPROBES" ] || { echo "Bail out! $KPROBES is not readable (debugfs)"; exit "$KSFT_FAIL"; }
xw_unload
[ -d /sys/module/xfrmwhy ] && { echo "Bail out! cannot unload xfrmwhy"; exit "$KSFT_FAIL"; }
echo "<6>xfrmwhy-lifecycle: start, seed $seed" >/dev/kmsg

# Which parameters are writable (as the sysfs mode says; root may write all).
modprobe xfrmwhy || { echo "Bail out! cannot load xfrmwhy"; exit "$KSFT_FAIL"; }
WPARAMS=()
for f in "$PARAMS"/*; do
	[ $((8#$(stat -c %a "$f") & 8#200)) -ne 0 ] && WPARAMS+=("${f##*/}")
done
HAVE_USERNS=
[ -e "$PARAMS/userns_capture" ] && HAVE_USERNS=1
rmmod xfrmwhy || { echo "Bail out! cannot unload xfrmwhy"; exit "$KSFT_FAIL"; }
check_after_unload
echo "# writable parameters: ${WPARAMS[*]}"

T="src 192.0.2.2 dst 192.0.2.1"
pair_setup || { echo "Bail out! topology"; exit "$KSFT_FAIL"; }
pair_sa 0x2000 2 tunnel
pair_out tmpl $T proto esp reqid 2 mode tunnel
pair_in tmpl $T proto esp reqid 1 mode tunnel
# The healthy tunnel: 10.1.1.0/24 <-> 10.2.1.0/24, reqid 3 out, 4 back.
$IP -n a addr add 10.1.1.1/24 dev lan0
$IP -n b addr add 10.2.1.1/24 dev lan0
$IP -n a route add 10.2.1.0/24 via 192.0.2.2 src 10.1.1.1
$IP -n b route add 10.1.1.0/24 via 192.0.2.1 src 10.2.1.1
for ns in a b; do
	sa "$ns" 192.0.2.1 192.0.2.2 0x3000 3 tunnel
	sa "$ns" 192.0.2.2 192.0.2.1 0x4000 4 tunnel
done
U="src 192.0.2.1 dst 192.0.2.2"
$IP -n a xfrm policy add src 10.1.1.0/24 dst 10.2.1.0/24 dir out tmpl $U proto esp reqid 3 mode tunnel
$IP -n b xfrm policy add src 10.1.1.0/24 dst 10.2.1.0/24 dir in tmpl $U proto esp reqid 3 mode tunnel
$IP -n b xfrm policy add src 10.2.1.0/24 dst 10.1.1.0/24 dir out tmpl $T proto esp reqid 4 mode tunnel
$IP -n a xfrm policy add src 10.2.1.0/24 dst 10.1.1.0/24 dir in tmpl $T proto esp reqid 4 mode tunnel
INUM_A=$(ns_inum a) INUM_B=$(ns_inum b)
mkfifo "$TMPD/tick"
# Receivers of the healthy datagrams, for the whole run.
$IP netns exec b "$XW_SEND" -r -b 10.2.1.1 -p 9001 -n 100000000 -t 3600 >/dev/null 2>&1 &
rx_b=$!
$IP netns exec a "$XW_SEND" -r -b 10.1.1.1 -p 9001 -n 100000000 -t 3600 >/dev/null 2>&1 &
rx_a=$!
b_base=$(in_sum b)
n_quiet=0
healthy_check
[ ${#e_acct[@]} -eq 0 ] || { echo "Bail out! the healthy tunnel does not work: ${e_acct[*]}"; exit "$KSFT_FAIL"; }
c0=$(in_sum a)
pair_send 10
[ $(($(in_sum a) - c0)) = 10 ] || { echo "Bail out! b -> a is not rejected"; exit "$KSFT_FAIL"; }

# --- the run ---------------------------------------------------------------
ACCT_SENT=0
t_start=${EPOCHREALTIME/./}
start_traffic
for ((OPNUM = 1; OPNUM <= ops; OPNUM++)); do
	one_op
	[ -n "$watch_pid" ] && [ "$OPNUM" -ge "$watch_end" ] && watch_stop
	check_state
	[ -n "$ABORT" ] && break
	[ $((OPNUM % QUIET_EVERY)) = 0 ] && [ "$OPNUM" -lt "$ops" ] && quiet_point
done
done_ops=$((OPNUM > ops ? ops : OPNUM))
OPNUM=end
if [ -z "$ABORT" ]; then
	watch_stop
	quiet_point
	stop_traffic
	for n in "${EXTRAS[@]}"; do x_rejected=$((x_rejected + $(in_sum "$n"))); done
	OPDESC="final unload"
	OPLOG+="end rmmod"$'\n'
	run rmmod xfrmwhy
	expect_ok
	check_after_unload
	model_unload
	check_state
fi
secs=$(((${EPOCHREALTIME/./} - t_start) / 1000000))

# --- report ------------------------------------------------------------------
t_ops() {
	local e
	[ -z "$ABORT" ] || fail "stopped after op $done_ops of $ops: $ABORT"
	for e in "${e_ops[@]}"; do fail "$e"; done
}
t_unload() { local e; for e in "${e_unload[@]}"; do fail "$e"; done; }
t_off() { local e; for e in "${e_off[@]}"; do fail "$e"; done; }
t_acct() {
	local e
	[ "$n_quiet" -gt 0 ] || fail "no quiet point reached"
	for e in "${e_acct[@]}"; do fail "$e"; done
}
t_klog() {
	local log e
	for e in "${e_kern[@]}"; do fail "$e"; done
	log=$(dmesg | sed -n "/xfrmwhy-lifecycle: start, seed $seed\$/,\$p")
	[ -n "$log" ] || log=$(dmesg)
	log=$(grep -E 'BUG:|WARNING:|Oops|general protection' <<<"$log")
	[ -z "$log" ] || fail "kernel log: $(head -20 <<<"$log")"
}

summary_line() {
	local k s=
	for k in $(printf '%s\n' "${!CNT[@]}" | sort); do s+=" $k=${CNT[$k]}"; done
	echo "#$s"
}
echo "# $done_ops ops in ${secs}s, op sequence digest $(md5sum <<<"$OPLOG" | cut -c1-12)"
echo "# op counts (and special outcomes):"
summary_line
echo "# extra namespaces: $((next_x - 1)) created, $x_rejected packets rejected in them; watch saw $watch_events events; $ACCT_SENT packets counted at quiet points"
run_case "ops_${ops}_seed_${seed}" t_ops
run_case "no_probe_after_unload ($n_unload unloads)" t_unload
run_case "no_probe_once_capture_off ($n_off checks, $n_on with capture on)" t_off
run_case "accounting_at_quiet_points ($n_quiet points)" t_acct
run_case kernel_log_clean t_klog
ktap_finish
