# SPDX-License-Identifier: GPL-2.0
#
# The seed incident's topology, shared by the selftests and `make demo`.
#
#   gwa: LAN 10.0.0.0/24                      gwb: LANs 10.0.1.0/24, 10.0.2.0/24
#   +-----------------+   192.0.2.0/24    +-----------------+
#   | lan0 10.0.0.1   |wan0           wan0| lan1 10.0.1.1   |
#   |                 |.1 ------------- .2| lan2 10.0.2.1   |
#   +-----------------+                   +-----------------+
#
#   tunnel 1, reqid R1: 10.0.0.0/24 <-> 10.0.1.0/24
#       gwa -> gwb spi 0x198e7538, gwb -> gwa spi 0x11111111
#   tunnel 2, reqid R2: 10.0.0.0/24 <-> 10.0.2.0/24
#       gwa -> gwb spi 0x22222222, gwb -> gwa spi 0x9ce44e77
#
# seed_setup R1 R2 FAULT: FAULT=1 makes gwb send 10.0.1.0/24's replies into
# tunnel 2, as an IKE daemon with overlapping child SAs ends up doing; gwa's
# inbound policy still requires R1 and drops them (XfrmInTmplMismatch).

seed_dummy() {
	$IP -n "$1" link add "$2" type dummy && $IP -n "$1" link set "$2" up &&
		$IP -n "$1" addr add "$3" dev "$2"
}

# seed_tunnel NS LOCAL_NET REMOTE_NET LOCAL REMOTE REQID
# Policies out/in/fwd of one tunnel, from NS's point of view.
seed_tunnel() {
	local ns=$1 lnet=$2 rnet=$3 l=$4 r=$5 reqid=$6 d
	$IP -n "$ns" xfrm policy add src "$lnet" dst "$rnet" dir out \
		tmpl src "$l" dst "$r" proto esp reqid "$reqid" mode tunnel
	for d in in fwd; do
		$IP -n "$ns" xfrm policy add src "$rnet" dst "$lnet" dir $d \
			tmpl src "$r" dst "$l" proto esp reqid "$reqid" mode tunnel
	done
}

seed_setup() {
	local r1=${1:-16385} r2=${2:-16389} fault=${3:-1} out_reqid
	ns_add gwa gwb || return 1
	veth_pair gwa wan0 192.0.2.1/24 gwb wan0 192.0.2.2/24
	seed_dummy gwa lan0 10.0.0.1/24
	seed_dummy gwb lan1 10.0.1.1/24
	seed_dummy gwb lan2 10.0.2.1/24
	$IP -n gwa route add 10.0.1.0/24 via 192.0.2.2 src 10.0.0.1
	$IP -n gwa route add 10.0.2.0/24 via 192.0.2.2 src 10.0.0.1
	$IP -n gwb route add 10.0.0.0/24 via 192.0.2.1 src 10.0.1.1

	sa gwa 192.0.2.1 192.0.2.2 0x198e7538 "$r1" tunnel
	sa gwa 192.0.2.2 192.0.2.1 0x11111111 "$r1" tunnel
	sa gwa 192.0.2.1 192.0.2.2 0x22222222 "$r2" tunnel
	sa gwa 192.0.2.2 192.0.2.1 0x9ce44e77 "$r2" tunnel
	sa gwb 192.0.2.1 192.0.2.2 0x198e7538 "$r1" tunnel
	sa gwb 192.0.2.2 192.0.2.1 0x11111111 "$r1" tunnel
	sa gwb 192.0.2.1 192.0.2.2 0x22222222 "$r2" tunnel
	sa gwb 192.0.2.2 192.0.2.1 0x9ce44e77 "$r2" tunnel

	seed_tunnel gwa 10.0.0.0/24 10.0.1.0/24 192.0.2.1 192.0.2.2 "$r1"
	seed_tunnel gwa 10.0.0.0/24 10.0.2.0/24 192.0.2.1 192.0.2.2 "$r2"
	out_reqid=$r1
	[ "$fault" = 1 ] && out_reqid=$r2
	# gwb: tunnel 1's inbound side is right; its outbound side is the fault.
	$IP -n gwb xfrm policy add src 10.0.1.0/24 dst 10.0.0.0/24 dir out \
		tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid "$out_reqid" mode tunnel
	for d in in fwd; do
		$IP -n gwb xfrm policy add src 10.0.0.0/24 dst 10.0.1.0/24 dir $d \
			tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid "$r1" mode tunnel
	done
	seed_tunnel gwb 10.0.2.0/24 10.0.0.0/24 192.0.2.2 192.0.2.1 "$r2"
}

# seed_fix: the blog's fix, one tunnel for everything (leftsubnet=0.0.0.0/0):
# both sides keep only tunnel 1 (reqid R1), covering every subnet.
seed_fix() {
	local r1=${1:-16385} ns d
	for ns in gwa gwb; do $IP -n "$ns" xfrm policy flush; done
	$IP -n gwa xfrm policy add src 0.0.0.0/0 dst 10.0.0.0/24 dir in \
		tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid "$r1" mode tunnel
	$IP -n gwa xfrm policy add src 10.0.0.0/24 dst 0.0.0.0/0 dir out \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid "$r1" mode tunnel
	$IP -n gwb xfrm policy add src 10.0.0.0/24 dst 0.0.0.0/0 dir in \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid "$r1" mode tunnel
	$IP -n gwb xfrm policy add src 0.0.0.0/0 dst 10.0.0.0/24 dir out \
		tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid "$r1" mode tunnel
}

# The two-host topology of the field-by-field tests: b sends, a checks.
#
#   a: lan0 10.1.0.1/24          b: lan0 10.2.0.1/24
#   +-----------+ 192.0.2.0/24 +-----------+
#   |       wan0|.1 -------- .2|wan0       |
#   +-----------+              +-----------+
#   (fd00:1::1/64, 2001:db8::1/64)  (fd00:2::1/64, 2001:db8::2/64)
pair_setup() {
	ns_add a b || return 1
	veth_pair a wan0 192.0.2.1/24 b wan0 192.0.2.2/24
	$IP -n a addr add 2001:db8::1/64 dev wan0 nodad
	$IP -n b addr add 2001:db8::2/64 dev wan0 nodad
	seed_dummy a lan0 10.1.0.1/24
	seed_dummy b lan0 10.2.0.1/24
	$IP -n a addr add fd00:1::1/64 dev lan0 nodad
	$IP -n b addr add fd00:2::1/64 dev lan0 nodad
	$IP -n a route add 10.2.0.0/24 via 192.0.2.2 src 10.1.0.1
	$IP -n b route add 10.1.0.0/24 via 192.0.2.1 src 10.2.0.1
	$IP -n a route add fd00:2::/64 via 2001:db8::2 src fd00:1::1
	$IP -n b route add fd00:1::/64 via 2001:db8::1 src fd00:2::1
}

# pair_sa SPI REQID MODE [ARGS...]: the b -> a ESP SA, on both hosts.
pair_sa() {
	local spi=$1 reqid=$2 mode=$3
	shift 3
	sa a 192.0.2.2 192.0.2.1 "$spi" "$reqid" "$mode" "$@" &&
		sa b 192.0.2.2 192.0.2.1 "$spi" "$reqid" "$mode" "$@"
}

# pair_out TMPL...: b's outbound policy for 10.2.0.0/24 -> 10.1.0.0/24.
pair_out() {
	$IP -n b xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir out "$@"
}

# pair_in TMPL...: a's inbound policy for the same flow.
pair_in() {
	$IP -n a xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir in "$@"
}

# send_from NS XW-SEND-ARGS...: a counted UDP burst from NS.
send_from() {
	local ns=$1
	shift
	in_ns "$ns" "$XW_SEND" "$@" >/dev/null
}

# pair_send N [DPORT]: N UDP datagrams 10.2.0.1 -> 10.1.0.1 from b.
pair_send() { send_from b -s 10.2.0.1 -P 4500 -d 10.1.0.1 -p "${2:-9000}" -n "$1"; }

# expect_drops NS COUNTER N CMD...: run CMD, then check that COUNTER rose
# by exactly N in NS and that N events were recorded; the events are left
# in $EVENTS and the first in $EV.
expect_drops() {
	local ns=$1 counter=$2 n=$3 before after
	shift 3
	"$XFRMWHY" clear >/dev/null
	before=$(xfrm_stat "$ns" "$counter")
	"$@"
	after=$(xfrm_stat "$ns" "$counter")
	EVENTS=$(xw_events "$ns")
	EV=$(head -1 <<<"$EVENTS")
	assert_eq "$counter rise" "$((after - before))" "$n"
	assert_eq "events recorded" "$(grep -c . <<<"$EVENTS")" "$n"
}
