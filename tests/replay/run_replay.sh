#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Replay tests: runs every fixture of pcap/ through the relay (net_pcap vdev, no NIC, no
# hugepages) and checks its output and counters with check_replay.py. Then spoils one good
# output in several ways and requires the checker to catch each (the checker can fail).
#
#   tests/replay/run_replay.sh BUILD_DIR        e.g. tests/replay/run_replay.sh build
#   RELAY=tests/replay/fake_relay.py tests/replay/run_replay.sh build
#                                               (the harness against the reference model)
#
# Prints "PASS name" / "FAIL name" per case (a failure's details indented below it) and
# ends with exactly one line "replay: N passed, N failed"; exits 1 on any failure.
# KEEP=1 keeps the temporary directory (outputs, stats, logs) and prints its path.
# Every series' and every shard's lines must leave in input order (check_replay.py
# --strict-order): the relay keeps order per shard, which gauge deltas need. STRICT_ORDER=0
# turns that check off. ONLY=REGEX runs only the cases whose name matches (grep -E), and the
# self-tests whose base case is one of them.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
PCAP=$ROOT/pcap
CFG=$HERE/configs

BUILD=${1:?usage: run_replay.sh BUILD_DIR}
[ -d "$BUILD" ] || BUILD=$ROOT/$BUILD
RELAY=${RELAY:-$BUILD/app/statsd-relay}

TMP=$(mktemp -d)
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then echo "replay: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

PASSED=0
FAILED=0
pass() { echo "PASS $1"; PASSED=$((PASSED + 1)); }
fail() {
	echo "FAIL $1"
	shift
	[ $# -gt 0 ] && sed 's/^/    /' "$@" | head -n 30
	FAILED=$((FAILED + 1))
}

SHARDS2=(--shard "198.18.2.1:8125,mac=02:00:00:00:02:01" --shard "198.18.2.2:9125,mac=02:00:00:00:02:02")

# name | fixture | expectations | config the relay reads | config the checker reads | relay flags | checker flags
CASES=(
	"foreign|foreign|foreign|main.ini|main.ini||"
	"lines|lines|lines|main.ini|main.ini||"
	"lines_mp512|lines|lines.mp512|main.ini|main.ini|--max-payload 512|--max-payload 512"
	"demo|demo|demo|main.ini|main.ini||"
	"demo_mp512|demo|demo|main.ini|main.ini|--max-payload 512|--max-payload 512"
	"demo_cli_shards|demo|demo|main.ini|cli_shards.check.ini|SHARDS2|"
	"demo_one_shard|demo|demo|one_shard.ini|one_shard.ini||"
	"demo_flush0|demo|demo|main.ini|main.ini|--flush-us 0|"
	"shuffled_tags|shuffled_tags|shuffled_tags|main.ini|main.ini||"
	"coalesce|coalesce|coalesce|main.ini|main.ini||"
	"coalesce_mp512|coalesce|coalesce|main.ini|main.ini|--max-payload 512|--max-payload 512"
	"fragments|fragments|fragments|ipv6.ini|ipv6.ini||"
	"fragments_flush0|fragments|fragments|ipv6.ini|ipv6.ini|--flush-us 0|"
	"ipv6|ipv6|ipv6|ipv6.ini|ipv6.ini||"
	"ipv6_mtu1480|ipv6|ipv6|ipv6.ini|ipv6.ini|--mtu 1480|--mtu 1480"
	"acl|acl|acl|acl.ini|acl.ini||"
	"neighbours|neighbours|neighbours|neighbours.ini|neighbours.ini||"
	"garp|garp|garp|announce.ini|announce.ini||"
	"unsolicited_na|unsolicited_na|unsolicited_na|announce.ini|announce.ini||"
	"hold_order|hold_order|hold_order|announce.ini|announce.ini||"
	"nd_no_option|nd_no_option|nd_no_option|ipv6.ini|ipv6.ini||"
	"atomic_fragment|atomic_fragment|atomic_fragment|ipv6.ini|ipv6.ini||"
	"bad_source|bad_source|bad_source|bad_source.ini|bad_source.ini||"
	"fragment_duplicate|fragment_duplicate|fragment_duplicate|ipv6.ini|ipv6.ini||"
	"fragment_duplicate_flush0|fragment_duplicate|fragment_duplicate|ipv6.ini|ipv6.ini|--flush-us 0|"
	"long_lines|long_lines|long_lines|ipv6.ini|ipv6.ini||"
	"long_lines_mp512|long_lines|long_lines|ipv6.ini|ipv6.ini|--max-payload 512|--max-payload 512"
	"long_lines_mtu1480|long_lines|long_lines|ipv6.ini|ipv6.ini|--mtu 1480|--mtu 1480"
	"long_lines_v4|long_lines|long_lines|one_v4_shard.ini|one_v4_shard.ini||"
	"long_lines_v6|long_lines|long_lines|one_v6_shard.ini|one_v6_shard.ini||"
	"long_lines_v6_flush0|long_lines|long_lines|one_v6_shard.ini|one_v6_shard.ini|--flush-us 0|"
)

# Spoiled copies of one case's output: name | base case | mutation | check that must fail
SELFTESTS=(
	"selftest_drop_line|shuffled_tags|drop-line|lines_missing"
	"selftest_dup_line|shuffled_tags|dup-line|lines_extra"
	"selftest_bad_udp_csum|shuffled_tags|bad-udp-csum|headers"
	"selftest_bad_ip_csum|shuffled_tags|bad-ip-csum|headers"
	"selftest_wrong_shard|shuffled_tags|wrong-shard|shard_consistency"
	"selftest_oversize|coalesce|oversize|max_payload"
	"selftest_stats_lines_out|shuffled_tags|stats-lines-out|invariant"
	"selftest_bad_icmp_csum|foreign|bad-icmp-csum|answers_icmp"
	"selftest_drop_answer|foreign|drop-answer|answers_missing"
	"selftest_dup_answer|ipv6|dup-answer|answers_extra"
	"selftest_bad_na|ipv6|bad-na|answers_nd"
	"selftest_bad_udp6_csum|ipv6|bad-udp6-csum|headers"
	"selftest_wrong_mac|neighbours|wrong-mac|headers"
	"selftest_bad_probe|neighbours|bad-probe|probes"
	"selftest_stats_control|fragments|stats-reassembled|datagrams_reassembled"
	"selftest_frag_drop|long_lines|frag-drop|fragments"
	"selftest_frag_ip_csum|long_lines_v4|frag-ip-csum|fragments"
	"selftest_frag_mf|long_lines_v4|frag-mf|fragments"
	"selftest_frag_id_reuse|long_lines_v4|frag-id-reuse|fragments"
	"selftest_frag6_offset|long_lines_v6|frag6-offset|fragments"
	"selftest_unfragment|long_lines_v6|unfragment|mtu"
	"selftest_not_alone|long_lines_v4|not-alone|max_payload"
	"selftest_shard_order|long_lines_v6|shard-reorder|shard_order"
	"selftest_stats_fragments_out|long_lines|stats-fragments-out|fragments_out"
)

if [ ! -x "$RELAY" ]; then
	echo "FAIL setup"
	echo "    no relay binary at $RELAY (build it first)"
	echo "replay: 0 passed, 1 failed"
	exit 1
fi

declare -A CHECK_ARGS

# run_case NAME FIXTURE EXPECT CFG CHECKCFG FLAGS CHECKFLAGS: the relay, then the checker;
# leaves $TMP/NAME/check.log and returns the checker's status (2: the relay failed).
run_case() {
	local name=$1 fixture=$2 expect=$3 cfg=$4 checkcfg=$5 flags=$6 checkflags=$7
	local d=$TMP/$name prefix rc
	local -a extra cflags
	mkdir -p "$d"
	if [ "$flags" = SHARDS2 ]; then extra=("${SHARDS2[@]}"); else read -r -a extra <<<"$flags"; fi
	read -r -a cflags <<<"$checkflags"
	[ "${STRICT_ORDER:-1}" = 1 ] && cflags+=(--strict-order)
	prefix=sr_replay_$$_$name
	timeout 300 "$RELAY" --no-huge --no-pci -m 256 --file-prefix "$prefix" -l 0 --log-level=error \
		--vdev "net_pcap0,rx_pcap=$PCAP/$fixture.pcap,tx_pcap=$d/out.pcap" -- --health-interval 0 \
		--config "$CFG/$cfg" --stats-json "$d/stats.json" --exit-idle 300 "${extra[@]}" \
		>"$d/relay.log" 2>&1
	rc=$?
	rm -rf "/var/run/dpdk/$prefix" "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk/$prefix"
	if [ $rc -ne 0 ]; then
		echo "relay exited $rc" >>"$d/relay.log"
		cp "$d/relay.log" "$d/check.log"
		return 2
	fi
	CHECK_ARGS[$name]="--expect $PCAP/$expect.expect.json --config $CFG/$checkcfg ${cflags[*]}"
	# shellcheck disable=SC2086
	$PY "$HERE/check_replay.py" ${CHECK_ARGS[$name]} --stats "$d/stats.json" --out "$d/out.pcap" \
		>"$d/check.log" 2>&1
}

for row in "${CASES[@]}"; do
	IFS='|' read -r name fixture expect cfg checkcfg flags checkflags <<<"$row"
	[ -n "${ONLY:-}" ] && ! grep -Eq -- "$ONLY" <<<"$name" && continue
	if run_case "$name" "$fixture" "$expect" "$cfg" "$checkcfg" "$flags" "$checkflags"; then
		pass "$name"
	else
		fail "$name" "$TMP/$name/check.log"
	fi
done

for row in "${SELFTESTS[@]}"; do
	IFS='|' read -r name base mode check <<<"$row"
	[ -n "${ONLY:-}" ] && ! grep -Eq -- "$ONLY" <<<"$base" && continue
	b=$TMP/$base
	d=$TMP/$name
	mkdir -p "$d"
	if [ -z "${CHECK_ARGS[$base]:-}" ]; then
		echo "base case $base did not run" >"$d/check.log"
		fail "$name" "$d/check.log"
		continue
	fi
	if ! $PY "$HERE/mutate_output.py" "$mode" "$b/out.pcap" "$b/stats.json" "$d/out.pcap" "$d/stats.json" \
		>"$d/check.log" 2>&1; then
		fail "$name" "$d/check.log"
		continue
	fi
	# shellcheck disable=SC2086
	$PY "$HERE/check_replay.py" ${CHECK_ARGS[$base]} --stats "$d/stats.json" --out "$d/out.pcap" \
		>"$d/check.log" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q "^FAIL $check:" "$d/check.log"; then
		pass "$name"
	else
		echo "checker exited $rc on output spoiled by $mode; expected it to fail check $check" >>"$d/check.log"
		fail "$name" "$d/check.log"
	fi
done

echo "replay: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
