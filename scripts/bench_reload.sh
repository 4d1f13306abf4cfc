#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# What a reload costs the pollers: the longest time between two RX bursts of
# a poller (the relay's rx_gap_max_us), with 64 shards and a 65537-entry
# Maglev table, in a run without reloads and in one reloaded every 0.3 s
# (64 -> 63 -> 64 shards: each reload builds and publishes a whole new
# table). Traffic: demo.pcap from net_pcap infinite_rx to net_null, one
# poller (lcore 0), the control thread on the other core. Prints a table.
#   scripts/bench_reload.sh [RELOADS]     (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
RELOADS=${1:-20}
bash scripts/setup.sh >/dev/null
bash scripts/build.sh build-release -Dbuildtype=release -Dtests=false >/dev/null
BIN=build-release/app/statsd-relay
OUT=build-release/bench-reload
mkdir -p "$OUT"

shards() { # N: an INI with N shards
	printf '[relay]\nlisten = 198.18.0.1:8125\n'
	for i in $(seq 1 "$1"); do
		printf '[shard s%d]\naddress = 198.18.%d.%d:8125\nmac = 02:00:00:00:%02x:%02x\n' \
			"$i" $((1 + i / 250)) $((1 + i % 250)) $((i / 256)) $((i % 256))
	done
}
shards 64 >"$OUT/s64.ini"
shards 63 >"$OUT/s63.ini"

# run NAME RELOADS: the relay for 1 + 0.3 x max(RELOADS, 10) s, stats in $OUT/NAME.json
run() {
	local name=$1 n=$2 i pid
	cp "$OUT/s64.ini" "$OUT/relay.ini"
	"$BIN" --no-huge --no-pci -m 1024 --file-prefix "sr_bench_reload_$$" -l 0 --log-level=error \
		--vdev "net_pcap0,rx_pcap=pcap/demo.pcap,infinite_rx=1" --vdev net_null0 -- --health-interval 0 \
		--config "$OUT/relay.ini" --egress-port 1 --stats-json "$OUT/$name.json" \
		>"$OUT/$name.log" 2>&1 &
	pid=$!
	# this script's own processes (cp, kill, sleep) on the other core: they
	# would otherwise preempt the poller and be measured as its gap
	taskset -pc 1 $$ >/dev/null
	for i in $(seq 100); do grep -q 'ring fingerprint' "$OUT/$name.log" && break; sleep 0.1; done
	sleep 1
	for i in $(seq 1 "$(( n > 10 ? n : 10 ))"); do
		if [ "$i" -le "$n" ]; then
			cp "$OUT/s$(( i % 2 ? 63 : 64 )).ini" "$OUT/relay.ini"
			kill -HUP "$pid"
		fi
		sleep 0.3
	done
	kill -INT "$pid"
	wait "$pid"
	rm -rf "/var/run/dpdk/sr_bench_reload_$$"
}
run quiet 0
run reloaded "$RELOADS"

/usr/bin/python3 - "$OUT" "$RELOADS" <<'PY'
import json, sys
out, n = sys.argv[1], int(sys.argv[2])
print('one poller, demo.pcap -> net_null, 64 shards, Maglev table 65537 entries')
print('%-12s %8s %8s %10s %16s %18s' % ('run', 'reloads', 'states', 'M lines/s', 'longest RX gap',
                                        'longest state take'))
for name in ('quiet', 'reloaded'):
    d = json.load(open('%s/%s.json' % (out, name)))
    p = d['pollers'][0]
    print('%-12s %8d %8d %10.2f %13.0f us %15.1f us' % (
        name, d['reloads'], p['states_taken'], d['lines_in'] / d['elapsed_s'] / 1e6,
        p['rx_gap_max_us'], p['state_take_max_us']))
PY
