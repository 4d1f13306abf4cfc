#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Reload under load: a bounded infinite_rx replay runs while the relay is sent
# SIGHUP after each rewrite of its --config: a shard added, one removed, the
# list reordered and re-weighted, a bad file (rejected, the running state
# untouched), a shard renamed with a bigger table, another hash. check_reload.py
# then requires from the output: every line sent once per loop, each by one
# configuration in the order they were applied (never a third address), the
# counters consistent and following their shard. Once with one poller, once
# with two (each its own RX/TX queue and output file).
#   tests/replay/reload.sh BUILD_DIR
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/checker_tally.sh"
BUILD=$(realpath "${1:-build}")
TMP=$(mktemp -d)
PY=/usr/bin/python3
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
PASSED=0
FAILED=0

# 512 datagrams of 1 to 8 lines (single-line ones leave in place), each line unique.
$PY - "$TMP/in.pcap" <<'PY' 2>/dev/null
import sys
from scapy.all import IP, UDP, Ether, Raw, wrpcap
frames = []
for i in range(512):
    body = b''.join(b'reload.s%d.l%d:%d|c|#env:e%d\n' % (i, j, j + 1, (i + j) % 3)
                    for j in range(i % 8 + 1))
    frames.append(Ether(src='02:00:00:00:00:0a', dst='02:70:63:61:70:00') /
                  IP(src='198.18.0.10', dst='198.18.0.1') /
                  UDP(sport=4000 + i % 16, dport=8125) / Raw(body))
wrpcap(sys.argv[1], frames)
PY

shard() { # NAME ADDRESS MAC [KEY=VALUE...]
	printf '\n[shard %s]\naddress = %s\nmac = %s\n' "$1" "$2" "$3"
	shift 3
	for kv in "$@"; do printf '%s\n' "${kv/=/ = }"; done
}
relay_section() { # [KEY=VALUE...]
	printf '[relay]\nlisten = 198.18.0.1:8125\nmax-payload = 1432\n'
	for kv in "$@"; do printf '%s\n' "${kv/=/ = }"; done
}
A=(a 198.18.1.1:8125 02:00:00:00:01:01)
B=(b 198.18.1.2:8125 02:00:00:00:01:02)
C=(c 198.18.1.3:8125 02:00:00:00:01:03)
D=(d 198.18.1.4:8125 02:00:00:00:01:04)
E=(e 198.18.1.5:9125 02:00:00:00:01:05)
{ relay_section; shard "${A[@]}"; shard "${B[@]}"; shard "${C[@]}"; shard "${D[@]}"; } >"$TMP/c0.ini"
{ relay_section; shard "${A[@]}"; shard "${B[@]}"; shard "${C[@]}"; shard "${D[@]}"; shard "${E[@]}"; } >"$TMP/c1.ini"
{ relay_section; shard "${A[@]}"; shard "${C[@]}"; shard "${D[@]}"; shard "${E[@]}"; } >"$TMP/c2.ini"
{ relay_section; shard "${E[@]}"; shard "${D[@]}" weight=3; shard "${C[@]}"; shard "${A[@]}"; } >"$TMP/c3.ini"
{ relay_section; shard "${E[@]}"; shard "${D[@]}"; shard "${D[@]}"; } >"$TMP/bad.ini" # a shard twice
{ relay_section table-size=131071; shard "${E[@]}"; shard "${D[@]}" weight=3; shard "${C[@]}" name=gamma; shard "${A[@]}"; } >"$TMP/c4.ini"
{ relay_section hash=jump flush-us=200; shard "${E[@]}"; shard "${D[@]}"; shard "${C[@]}" name=gamma; shard "${A[@]}"; } >"$TMP/c5.ini"

# wait_log FILE PATTERN COUNT: until PATTERN is in FILE COUNT times (at most 10 s)
wait_log() {
	local i
	for i in $(seq 100); do
		[ "$(grep -c -- "$2" "$1")" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# run_case NAME LCORES POLLER_FLAGS N_QUEUES
run_case() {
	local name=$1 lcores=$2 flags=$3 nq=$4 d=$TMP/$1 q vdev gen=1 failures=0 step outs=() rc=0
	mkdir -p "$d"
	cp "$TMP/c0.ini" "$d/relay.ini"
	vdev="net_pcap0,infinite_rx=1"
	for q in $(seq 0 $((nq - 1))); do
		cp "$TMP/in.pcap" "$d/in$q.pcap"
		vdev+=",rx_pcap=$d/in$q.pcap,tx_pcap=$d/out$q.pcap"
		outs+=(--out "$d/out$q.pcap")
	done
	"$BUILD/app/statsd-relay" --no-huge --no-pci -m 512 --file-prefix "sr_reload_$$_$name" -l "$lcores" \
		--log-level=error --vdev "$vdev" -- --health-interval 0 --config "$d/relay.ini" --stats-json "$d/stats.json" \
		$flags >"$d/relay.log" 2>&1 &
	pid=$!
	wait_log "$d/relay.log" 'ring fingerprint' 1 || rc=1
	for step in c1 c2 c3 bad c4 c5; do
		sleep 0.15
		cp "$TMP/$step.ini" "$d/relay.ini.new" && mv "$d/relay.ini.new" "$d/relay.ini"
		kill -HUP "$pid"
		if [ "$step" = bad ]; then
			failures=$((failures + 1))
			wait_log "$d/relay.log" 'reload rejected' "$failures" || rc=1
		else
			gen=$((gen + 1))
			wait_log "$d/relay.log" "reload applied, generation $gen" 1 || rc=1
		fi
	done
	sleep 0.15
	kill -INT "$pid"
	wait "$pid" || rc=1
	pid=
	rm -rf "/var/run/dpdk/sr_reload_$$_$name"
	if [ $rc -ne 0 ]; then
		echo "FAIL reload $name-relay-run"
		tail -n 5 "$d/relay.log" | sed 's/^/    /'
		FAILED=$((FAILED + 1))
		return
	fi
	echo "PASS reload $name-relay-run"
	PASSED=$((PASSED + 1))
	grep -E 'reload (applied|rejected)' "$d/relay.log" | sed 's/^/    /'
	$PY "$HERE/check_reload.py" --where "$BUILD/app/statsd-relay-where" --input "$TMP/in.pcap" \
		--stats "$d/stats.json" "${outs[@]}" --reloads $((gen - 1)) --failures "$failures" \
		--config "$TMP/c0.ini" "$TMP/c1.ini" "$TMP/c2.ini" "$TMP/c3.ini" "$TMP/c4.ini" "$TMP/c5.ini" \
		>"$d/check.log" 2>&1
	tally_checker reload "$name" "$d/check.log"
	# the rejected file named its reason and changed nothing
	if grep -q 'reload rejected: .*given twice\|reload rejected: .*twice\|reload rejected: .*duplicate' "$d/relay.log"; then
		echo "PASS reload $name-bad-file-reason"
		PASSED=$((PASSED + 1))
	else
		echo "FAIL reload $name-bad-file-reason"
		grep 'rejected' "$d/relay.log" | sed 's/^/    /'
		FAILED=$((FAILED + 1))
	fi
}

run_case one-poller 0 "" 1
run_case two-pollers 0-1 --main-polls 2
echo "reload: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
