#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Throughput benchmark: builds with release flags and prints one table, every
# row measured in this run on this machine. Traffic comes from net_pcap with
# infinite_rx=1 (payload preloaded, no disk I/O) and leaves to net_null
# (--egress-port 1); each row runs SECONDS (default 4) and is stopped by
# SIGTERM. Cycles are the relay's own --record-cycles counts (TSC cycles spent
# on bursts that carried frames), since perf has no hardware counters here.
# Each row is the best of REPEAT runs (default 3; by cycles a frame): on a
# shared VM a neighbour slows a whole run, by up to 2x, now and then.
#   [REPEAT=N] scripts/bench.sh [SECONDS] [--no-rss]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-4}
REPEAT=${REPEAT:-3}
RSS=1
[ "${2:-}" = "--no-rss" ] && RSS=0
bash scripts/setup.sh >/dev/null
bash scripts/build.sh build-release -Dbuildtype=release -Dtests=false >/dev/null
ninja -C build-release tests/bench/line_bench tests/bench/udp_blast tests/bench/cksum_bench >/dev/null
BIN=build-release/app/statsd-relay
OUT=build-release/bench
mkdir -p "$OUT"
/usr/bin/python3 scripts/gen_bench_pcaps.py "$OUT" 2>/dev/null

cat >"$OUT/bench.ini" <<'INI'
[relay]
listen = 198.18.0.1:8125
[shard a]
address = 198.18.1.1:8125
mac = 02:00:00:00:01:01
[shard b]
address = 198.18.1.2:8125
mac = 02:00:00:00:01:02
[shard c]
address = 198.18.1.3:8125
mac = 02:00:00:00:01:03
[shard d]
address = 198.18.1.4:8125
mac = 02:00:00:00:01:04
INI

# shards N: an INI with N shards (static MACs) on 198.18.1.0/16
shards_ini() {
	printf '[relay]\nlisten = 198.18.0.1:8125\n'
	for i in $(seq 1 "$1"); do
		printf '[shard s%d]\naddress = 198.18.%d.%d:8125\nmac = 02:00:00:00:%02x:%02x\n' \
			"$i" $((1 + i / 250)) $((1 + i % 250)) $((i / 256)) $((i % 256))
	done
}

# run NAME PCAP POLLERS MODE [SECONDS] [CONFIG]: one measured run, stats in $OUT/NAME.json
# (the telegraf dialect, or $DIALECT)
run() {
	local name=$1 pcap=$2 pollers=$3 mode=$4 secs=${5:-$SECS} cfg=${6:-$OUT/bench.ini} lcores=0 rx="rx_pcap=$2" extra=()
	if [ "$pollers" -eq 2 ]; then
		lcores=0,1
		rx="rx_pcap=$pcap,rx_pcap=$pcap"
		extra=(--main-polls)
	fi
	"$BIN" --no-huge --no-pci -m 1024 --file-prefix "sr_bench_$$" -l "$lcores" --log-level=error \
		--vdev "net_pcap0,$rx,infinite_rx=1" --vdev net_null0 -- --health-interval 0 \
		--config "$cfg" --egress-port 1 --mode "$mode" --dialect "${DIALECT:-telegraf}" --record-cycles \
		--stats-json "$OUT/$name.json" "${extra[@]}" >"$OUT/$name.log" 2>&1 &
	local pid=$!
	if [ "$name" = rss ]; then
		sleep 10
		grep VmRSS /proc/$pid/status | awk '{print $2}' >"$OUT/rss10"
		sleep $((secs - 10))
		grep VmRSS /proc/$pid/status | awk '{print $2}' >"$OUT/rss60"
	else
		sleep "$secs"
	fi
	kill -TERM "$pid"
	wait "$pid" || { echo "bench: $name failed:"; cat "$OUT/$name.log"; exit 1; }
}

# row NAME CEILING_JSON RELAY_JSON PCAP: the figures of one run, its ratio to its
# own shape's io ceiling and to the io ceiling on single-line packets (same run),
# and its packet rate over the 10 GbE line rate for the pcap's frame sizes
# (each frame, at least 60 bytes, plus 24: preamble, FCS, inter-frame gap)
row() {
	PYTHONPATH=scripts /usr/bin/python3 - "$@" "$OUT/ceiling_single.json" <<'PY'
import json, sys
from sr_wire import read_pcap
name, ceil, relay, pcap, single = sys.argv[1:6]
r = json.load(open(relay))
t = r['elapsed_s']
busy = sum(p['busy_cycles'] for p in r['pollers'])
lines_ok = r['lines_out'] + sum(v for k, v in r['drops'].items()
                                if k.startswith('line_') and k not in
                                ('line_tx_dropped', 'line_no_mbuf', 'line_no_neighbour'))
lost = r['lines_in'] - lines_ok + r['port']['imissed']
mpps = r['frames_in'] / t / 1e6
ratio = '-'
if ceil != '-':
    c = json.load(open(ceil))
    ratio = '%.2f' % (mpps / (c['frames_in'] / c['elapsed_s'] / 1e6))
cpl = '%.1f' % (busy / r['lines_in']) if r['lines_in'] else '-'
mls = '%.2f' % (r['lines_in'] / t / 1e6) if r['lines_in'] else '-'
s = json.load(open(single))
vs_single = mpps / (s['frames_in'] / s['elapsed_s'] / 1e6)
sizes = [max(len(f), 60) + 24 for f in read_pcap(pcap)]
line_rate_mpps = 10e9 / 8 / (sum(sizes) / len(sizes)) / 1e6
print('| %-38s | %7.2f | %8s | %9.1f | %9s | %5s | %6.2f | %6.2f | %6d |' % (
    name, mpps, mls, busy / max(r['frames_in'], 1), cpl, ratio, vs_single,
    mpps / line_rate_mpps, lost))
PY
}

# best NAME ARGS...: REPEAT runs of `run NAME ARGS...`, the one of fewest cycles a frame kept
best() {
	local name=$1 k
	shift
	for k in $(seq "$REPEAT"); do
		run "${name}_try$k" "$@"
	done
	/usr/bin/python3 - "$OUT" "$name" "$REPEAT" <<'PY'
import json, shutil, sys
out, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def cost(k):
    r = json.load(open('%s/%s_try%d.json' % (out, name, k)))
    return sum(p['busy_cycles'] for p in r['pollers']) / max(r['frames_in'], 1)
k = min(range(1, n + 1), key=cost)
shutil.copy('%s/%s_try%d.json' % (out, name, k), '%s/%s.json' % (out, name))
PY
}

for shape in single mixed20 tags5 tags2x20 mix demo; do
	pcap=$OUT/$shape.pcap
	[ "$shape" = demo ] && pcap=pcap/demo.pcap
	best "ceiling_$shape" "$pcap" 1 io
	best "relay_$shape" "$pcap" 1 relay
done
DIALECT=dogstatsd best relay_tags5_dd "$OUT/tags5.pcap" 1 relay
best relay_demo_2 pcap/demo.pcap 2 relay
best ceiling_demo_2 pcap/demo.pcap 2 io
for n in 64 256 1024; do # cost as the shard count grows (the table past L2 at 1024)
	shards_ini "$n" >"$OUT/shards$n.ini"
	best "relay_demo_n$n" pcap/demo.pcap 1 relay "$SECS" "$OUT/shards$n.ini"
done
[ "$RSS" = 1 ] && run rss pcap/demo.pcap 1 relay 60

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo
echo "statsd-relay benchmark: $(nproc) cores ($cpu), $(date -u +%Y-%m-%d), ${SECS} s per run,"
echo "each row the best of $REPEAT runs; net_pcap infinite_rx -> relay -> net_null, 4 shards, --no-huge."
echo
echo "ratio: to the io ceiling of the same traffic; vs io 1-line: to the io ceiling on single-line"
echo "packets (same run); of 10 GbE: the packet rate over 10 GbE line rate for these frames."
echo
echo "| row                                    | Mpps in | M lines/s | cycles/pkt | cycles/line | ratio | vs io 1-line | of 10 GbE | lost |"
echo "|----------------------------------------|---------|-----------|------------|-------------|-------|--------|--------|------|"
B=$OUT
row "ceiling (io), single-line packets" - "$B/ceiling_single.json" "$B/single.pcap"
row "relay, single-line (~60 B)" "$B/ceiling_single.json" "$B/relay_single.json" "$B/single.pcap"
row "ceiling (io), 20-line packets" - "$B/ceiling_mixed20.json" "$B/mixed20.pcap"
row "relay, 20 lines mixed shards (~1.2 KB)" "$B/ceiling_mixed20.json" "$B/relay_mixed20.json" "$B/mixed20.pcap"
row "ceiling (io), DogStatsD 6 tags" - "$B/ceiling_tags5.json" "$B/tags5.pcap"
row "relay, DogStatsD 6 tags x 12 lines" "$B/ceiling_tags5.json" "$B/relay_tags5.json" "$B/tags5.pcap"
row "  the same, --dialect dogstatsd" "$B/ceiling_tags5.json" "$B/relay_tags5_dd.json" "$B/tags5.pcap"
row "ceiling (io), 20 lines x 2 tags" - "$B/ceiling_tags2x20.json" "$B/tags2x20.pcap"
row "relay, 20 lines x 2 DogStatsD tags" "$B/ceiling_tags2x20.json" "$B/relay_tags2x20.json" "$B/tags2x20.pcap"
row "ceiling (io), mix" - "$B/ceiling_mix.json" "$B/mix.pcap"
row "relay, mix 1-line/tags/bad/foreign" "$B/ceiling_mix.json" "$B/relay_mix.json" "$B/mix.pcap"
row "ceiling (io), realistic mix (demo)" - "$B/ceiling_demo.json" pcap/demo.pcap
row "relay, realistic mix (demo.pcap)" "$B/ceiling_demo.json" "$B/relay_demo.json" pcap/demo.pcap
row "ceiling (io), demo, 2 pollers" - "$B/ceiling_demo_2.json" pcap/demo.pcap
row "relay, demo, 2 pollers" "$B/ceiling_demo_2.json" "$B/relay_demo_2.json" pcap/demo.pcap
echo
echo "Scale in shards (realistic mix, one poller; the Maglev table: 65537 entries to 655 shards,"
echo "102407 at 1024):"
echo
echo "| row                                    | Mpps in | M lines/s | cycles/pkt | cycles/line | ratio | vs io 1-line | of 10 GbE | lost |"
echo "|----------------------------------------|---------|-----------|------------|-------------|-------|--------|--------|------|"
row "relay, demo, 4 shards" "$B/ceiling_demo.json" "$B/relay_demo.json" pcap/demo.pcap
for n in 64 256 1024; do
	row "relay, demo, $n shards" "$B/ceiling_demo.json" "$B/relay_demo_n$n.json" pcap/demo.pcap
done
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
o = sys.argv[1]
one = json.load(open(o + '/relay_demo.json')); two = json.load(open(o + '/relay_demo_2.json'))
s = (two['lines_in'] / two['elapsed_s']) / (one['lines_in'] / one['elapsed_s'])
print('\nScaling: 2 pollers / 1 poller on the realistic mix = %.2fx lines/s' % s)
PY
if [ "$RSS" = 1 ]; then
	echo "Memory: RSS $(cat "$OUT/rss10") kB after 10 s, $(cat "$OUT/rss60") kB after 60 s (relay, demo)"
fi
echo
echo "A kernel client over a veth (udp_blast, 20 lines a datagram, core 0) into the relay"
echo "(core 1), ${SECS} s each; what the relay sends goes to a sink namespace holding the shards:"
echo
bash scripts/bench_veth.sh build-release "$SECS" 20
echo
echo "Line path alone (tests/bench/line_bench: split, validate, key, shard, copy; no I/O):"
build-release/tests/bench/line_bench 1000
echo
echo "The payload checksum alone (tests/bench/cksum_bench):"
build-release/tests/bench/cksum_bench
