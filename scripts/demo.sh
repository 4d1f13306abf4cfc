#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job on a fresh machine: install what is missing, build, and relay a
# shipped capture of realistic StatsD traffic to 4 shards through the net_pcap
# vdev (no NIC, no hugepages), then print the per-shard summary and the drops.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
out=build/demo
mkdir -p "$out"
echo "demo: relaying pcap/demo.pcap (3090 frames of a service fleet's StatsD) to the 4 shards of config/demo.ini"
build/app/statsd-relay --no-huge --no-pci -m 256 --file-prefix sr_demo_$$ -l 0 \
	--log-level=error --vdev "net_pcap0,rx_pcap=pcap/demo.pcap,tx_pcap=$out/out.pcap" -- --health-interval 0 \
	--config config/demo.ini --exit-idle 300 --stats-json "$out/stats.json"
echo
echo "demo: what went to the shards is in $out/out.pcap ($(stat -c %s "$out/out.pcap") bytes),"
echo "      every counter in $out/stats.json. Where does a line go?"
build/app/statsd-relay-where --config config/demo.ini -- \
	'http.request.duration:12|ms|#route:/api/v1/users,method:GET' \
	'http.request.duration,method=GET,route=/api/v1/users:48|ms'
