#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A kernel client over a veth into the relay, as an operator without a DPDK
# NIC runs it: namespaces made here (a bridge, the client, the relay's port,
# one sink holding the four shards' addresses), the relay on net_af_xdp or
# net_af_packet pinned to core 1, tests/bench/udp_blast pinned to core 0.
# Bounded: DATAGRAMS datagrams or SECONDS, whichever first. Test ranges only.
# Prints one table row per vdev kind; run by scripts/bench.sh.
#   scripts/bench_veth.sh BUILD_DIR [SECONDS] [LINES_PER_DATAGRAM]
set -uo pipefail
BUILD=$(realpath "${1:-build-release}")
SECS=${2:-4}
LINES=${3:-20}
DATAGRAMS=20000000
BIN=$BUILD/app/statsd-relay
BLAST=$BUILD/tests/bench/udp_blast
NSP=sr-bv-$$
TMP=$(mktemp -d)
MADE=()
cleanup() {
	[ -n "${RPID:-}" ] && kill -TERM "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	for ns in "${MADE[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench_veth: needs root (namespaces); rows skipped"; exit 0; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
mk() { ip netns add "$1" && MADE+=("$1") && ip -n "$1" link set lo up; }
plug() { # NS IF PORT
	ip -n "$NSP-sw" link add "$3" type veth peer name "$2" netns "$1" &&
		ip -n "$NSP-sw" link set "$3" master br0 up
}
R_MAC=02:be:0c:00:00:01
SINK_MAC=02:be:0c:00:01:01
setup() {
	mk "$NSP-sw" && ip -n "$NSP-sw" link add br0 type bridge && ip -n "$NSP-sw" link set br0 up || return 1
	mk "$NSP-r" && plug "$NSP-r" r0 p-r || return 1
	nsx "$NSP-r" sysctl -qw net.ipv6.conf.r0.disable_ipv6=1
	ip -n "$NSP-r" link set r0 address "$R_MAC" up
	mk "$NSP-c" && plug "$NSP-c" eth0 p-c || return 1
	ip -n "$NSP-c" addr add 198.18.0.10/24 dev eth0 && ip -n "$NSP-c" link set eth0 up
	nsx "$NSP-c" ethtool -K eth0 tx off >/dev/null 2>&1
	ip -n "$NSP-c" neigh replace 198.18.0.1 lladdr "$R_MAC" dev eth0 nud permanent
	mk "$NSP-s" && plug "$NSP-s" eth0 p-s || return 1
	ip -n "$NSP-s" link set eth0 address "$SINK_MAC" up
	for i in 1 2 3 4; do ip -n "$NSP-s" addr add "198.18.0.10$i/24" dev eth0; done
}
if ! setup; then echo "bench_veth: cannot make the namespaces; rows skipped"; exit 0; fi
{
	echo "[relay]"
	echo "listen = 198.18.0.1/24:8125"
	for i in 1 2 3 4; do
		printf '[shard s%d]\naddress = 198.18.0.10%d:8125\nmac = %s\n' "$i" "$i" "$SINK_MAC"
	done
} >"$TMP/relay.ini"

# row KIND VDEV
row() {
	local kind=$1 vdev=$2 sink0 sink1 out
	ip netns exec "$NSP-r" taskset -c 1 "$BIN" --no-huge --no-pci -m 512 -l 1 --file-prefix "$NSP" \
		--log-level=error --vdev "$vdev" -- --config "$TMP/relay.ini" --health-interval 0 --record-cycles \
		--stats-json "$TMP/$kind.json" >"$TMP/$kind.log" 2>&1 &
	RPID=$!
	sleep 2
	if ! kill -0 "$RPID" 2>/dev/null; then
		echo "| kernel client -> veth -> relay ($kind) | skipped: $(grep -m1 -iE 'error|fail|not' "$TMP/$kind.log") |"
		RPID=
		return
	fi
	sink0=$(ip -n "$NSP-s" -j -s link show eth0 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])')
	out=$(nsx "$NSP-c" taskset -c 0 "$BLAST" 198.18.0.1 8125 "$DATAGRAMS" "$SECS" "$LINES")
	sleep 0.5
	sink1=$(ip -n "$NSP-s" -j -s link show eth0 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])')
	kill -TERM "$RPID"
	wait "$RPID"
	RPID=
	/usr/bin/python3 - "$kind" "$TMP/$kind.json" "$out" "$((sink1 - sink0))" <<'PY'
import json, sys
kind, path, out, sink_pkts = sys.argv[1], sys.argv[2], sys.argv[3].split(), int(sys.argv[4])
r = json.load(open(path))
sent_lines, secs = int(out[3]), float(out[6])
busy = sum(p['busy_cycles'] for p in r['pollers'])
delivered = r['lines_out']
lost = sent_lines - delivered
port = r['port']
print('| kernel client -> veth -> relay (%-10s | %6.2f | %6.2f | %9.2f | %6.2f%% | %8.1f | %d | %d |' % (
    kind + ')', sent_lines / secs / 1e6, r['lines_in'] / secs / 1e6, delivered / secs / 1e6,
    100.0 * lost / max(sent_lines, 1), busy / max(r['lines_in'], 1), sink_pkts,
    port['imissed'] + port.get('ring_drops', 0)))
PY
}
echo "| row | sent M lines/s | relay in M lines/s | delivered M lines/s | loss | cycles/line (relay) | packets at the shards | port missed (imissed + ring) |"
echo "|---|---|---|---|---|---|---|---|"
row af_xdp net_af_xdp0,iface=r0
row af_packet net_af_packet0,iface=r0
