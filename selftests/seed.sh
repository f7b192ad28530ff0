#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed incident (see topo.sh for the picture): gwb answers gwa's pings
# on tunnel 2's SA (spi 0x9ce44e77, reqid 16389) while gwa's inbound policy
# for 10.0.1.0/24 requires tunnel 1 (reqid 16385).  Every event must say so
# field by field, and the events must add up to the counter's rise.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

cleanup() { ns_cleanup; xw_unload; }
trap cleanup EXIT

ktap_plan 5

xw_load lookup_probes=1 || { echo "Bail out! cannot load xfrmwhy"; exit 1; }
seed_setup 16385 16389 1 || { echo "Bail out! cannot build the topology"; exit 1; }
"$XFRMWHY" enable >/dev/null || { echo "Bail out! xfrmwhy enable failed"; exit 1; }
before=$(xfrm_stat gwa XfrmInTmplMismatch)
received=$(in_ns gwa ping -c 4 -W 1 -I 10.0.0.1 10.0.1.1 2>/dev/null |
	sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
after=$(xfrm_stat gwa XfrmInTmplMismatch)
events=$(xw_events gwa)
index=$(pol_index gwa in 10.0.1.0/24 10.0.0.0/24)

t_seed_drop() {
	assert_eq "echo replies received" "$received" 0
	# Each echo reply is checked twice: raw socket delivery and icmp_rcv.
	assert_eq "XfrmInTmplMismatch rise" "$((after - before))" 8
	assert_eq "events" "$(grep -c . <<<"$events")" "$((after - before))"
	local out
	out=$(in_ns gwb ip -s xfrm state get src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x9ce44e77)
	assert_match "gwb's SA 0x9ce44e77 carried the replies" "$out" "4\(packets\)"
}

t_seed_event() {
	local ev
	ev=$(head -1 <<<"$events")
	assert_json reason "$ev" .reason '"tmpl_mismatch"'
	assert_json counter "$ev" .counter '"XfrmInTmplMismatch"'
	assert_json dir "$ev" .dir '"in"'
	assert_json family "$ev" .family '"ipv4"'
	assert_json exact "$ev" .exact true
	assert_json netns "$ev" .netns "$(ns_inum gwa)"
	assert_json flow "$ev" .flow \
		'{"src":"10.0.1.1","dst":"10.0.0.1","proto":1,"sport":null,"dport":null,"icmp_type":0,"icmp_code":0,"mark":0}'
	assert_json lookup_if_id "$ev" .lookup_if_id 0
	# aalgo 5: SADB_X_AALG_SHA2_256HMAC; the SA was added without a sel.
	assert_json secpath "$ev" .secpath \
		'[{"src":"192.0.2.2","dst":"192.0.2.1","proto":"esp","spi":2632207991,"reqid":16389,"mode":"tunnel","if_id":0,"aalgo":5,"output_mark":0,"output_mask":0,"sel":{"src":"0.0.0.0/0","dst":"0.0.0.0/0","proto":0,"sport":null,"dport":null},"kern":false}]'
	assert_json policy "$ev" '.policy|{index,dir,action,src,dst,proto,sport,dport,type,if_id,mark,mask,socket,dead}' \
		"{\"index\":$index,\"dir\":\"in\",\"action\":\"allow\",\"src\":\"10.0.1.0/24\",\"dst\":\"10.0.0.0/24\",\"proto\":0,\"sport\":null,\"dport\":null,\"type\":\"main\",\"if_id\":0,\"mark\":0,\"mask\":0,\"socket\":false,\"dead\":false}"
	assert_json main_policy "$ev" .main_policy null
	# ip xfrm sets every algorithm bit, which the kernel takes as allalgs.
	assert_json templates "$ev" .templates \
		'[{"src":"192.0.2.2","dst":"192.0.2.1","proto":"esp","spi":0,"reqid":16385,"mode":"tunnel","optional":false,"aalgos":4294967295,"allalgs":true,"compared":0,"mismatch":["reqid"],"evaluated":true}]'
	assert_json not_shown "$ev" .not_shown 0
}

t_seed_all_same() {
	# All eight events are the same drop: only seq, time and cpu differ.
	assert_eq "distinct events" \
		"$(jq -c 'del(.seq,.time_ns,.cpu)' <<<"$events" | sort -u | wc -l)" 1
	assert_eq "seq strictly increasing" \
		"$(jq -s '[.[].seq] | . == (sort | unique)' <<<"$events")" true
}

t_seed_text() {
	local txt
	in_ns gwa ping -c 1 -W 1 -I 10.0.0.1 10.0.1.1 >/dev/null 2>&1
	txt=$("$XFRMWHY" drain --netns gwa)
	assert_match "names the SA used" "$txt" "spi 0x9ce44e77 reqid 16389"
	assert_match "names the policy" "$txt" "10\.0\.1\.0/24 -> 10\.0\.0\.0/24 \(index $index\)"
	assert_match "names the required reqid" "$txt" "requires reqid 16385"
	assert_match "names the expected SA" "$txt" "0x11111111"
	assert_match "hint" "$txt" "different tunnel"
	# The details, in ip xfrm words; the same facts as the JSON above.
	assert_match "flow line" "$txt" $'\n  flow: src 10\\.0\\.1\\.1 dst 10\\.0\\.0\\.1 proto 1 type 0 code 0\n'
	assert_match "sa line" "$txt" $'\n  sa 0: src 192\\.0\\.2\\.2 dst 192\\.0\\.2\\.1 proto esp spi 0x9ce44e77 reqid 16389 mode tunnel auth hmac\\(sha256\\) sel src 0\\.0\\.0\\.0/0 dst 0\\.0\\.0\\.0/0\n'
	assert_match "policy line" "$txt" $'\n  policy: src 10\\.0\\.1\\.0/24 dst 10\\.0\\.0\\.0/24 dir in priority [0-9]+ index '"$index"$' action allow\n'
	assert_match "tmpl line" "$txt" $'\n  tmpl 0: src 192\\.0\\.2\\.2 dst 192\\.0\\.2\\.1 proto esp reqid 16385 mode tunnel, compared with sa 0, differs in reqid(\n|$)'
}

t_seed_fixed() {
	seed_fix 16385
	"$XFRMWHY" clear >/dev/null
	local b a r
	b=$(xfrm_stat gwa XfrmInTmplMismatch)
	r=$(in_ns gwa ping -c 3 -W 1 -I 10.0.0.1 10.0.1.1 2>/dev/null |
		sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	a=$(xfrm_stat gwa XfrmInTmplMismatch)
	assert_eq "replies after the fix" "$r" 3
	assert_eq "counter rise after the fix" "$((a - b))" 0
	assert_eq "events after the fix" "$(xw_events gwa | grep -c .)" 0
}

run_case seed_drop_counted t_seed_drop
run_case seed_event_fields t_seed_event
run_case seed_events_identical t_seed_all_same
run_case seed_text_explanation t_seed_text
run_case seed_fix_stops_drops t_seed_fixed
ktap_finish
