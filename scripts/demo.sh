#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job on a fresh machine: install what is missing, build, and relay a
# shipped capture of realistic StatsD traffic to 4 shards through the net_pcap
# vdev (no NIC, no hugepages), then print the per-shard summary and the drops.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "demo: relaying pcap/demo.pcap with config/demo.ini"
build/app/statsd-relay --no-huge --no-pci -m 256 --file-prefix sr_demo_$$ -l 0 \
	--log-level=error --vdev "net_pcap0,rx_pcap=pcap/demo.pcap,tx_pcap=$out/out.pcap" -- \
	--config config/demo.ini --exit-idle 300 --stats-json "$out/stats.json"
echo
echo "demo: $(stat -c %s "$out/out.pcap") bytes written to the shards' side (pcap); counters JSON:"
cat "$out/stats.json"
