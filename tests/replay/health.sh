#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Downstream health, replayed live: the relay runs in a network namespace on
# net_pcap (rx_iface_in= one end of a veth pair, tx_pcap= a file), passive
# checks (--health-interval 0: one a second, no probes), fall 1, rise 1. A
# paced scapy injector on the other end sends StatsD datagrams of unique
# lines in three phases: A (1.5 s) traffic only; B (2.5 s) traffic and an
# ICMP port unreachable for shard b (198.18.1.2:8125) every 100 ms; C (3.5 s)
# traffic only (the 1.5 s quiet time, a check, the rise). check_health.py
# then requires from the output, in send order: every line once, the packets
# explained by the states full -> failed over (b's series to where a map
# without b sends them, nothing else moved) -> full, in that order, each
# visited, at the times the checks allow; and the counters and log lines.
#   reshard  the default --on-shard-down: as above
#   keep     --on-shard-down keep: nothing moves, lines_while_down counted
#   drain    no ICMP: b drained by telemetry at the start of B, given back
#            (auto) at the start of C: it takes effect at once
#   tests/replay/health.sh BUILD_DIR
# HEALTH_RELAY_ARGS: more relay flags (e.g. "--health-rise 100": b never comes
# back, and the checks must fail); KEEP=1 keeps the work directory.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/checker_tally.sh"
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$(realpath "${1:-build}")
TMP=$(mktemp -d)
PY=/usr/bin/python3
NS=sr_health_$$
VA=srh$$a # the relay's end
VB=srh$$b # the injector's end
PREFIX=sr_health_$$
DOWN=198.18.1.2:8125
pid=
inj=
# stop PID: SIGINT, at most 5 s to exit, then SIGKILL; its exit status (137: killed)
stop() {
	kill -INT "$1" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
}
cleanup() {
	local p
	for p in $pid $inj; do stop "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf /var/run/dpdk/"$PREFIX"_* 2>/dev/null
	if [ "${KEEP:-0}" = 1 ]; then echo "health: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
PASSED=0
FAILED=0
pass() {
	echo "PASS health $1"
	PASSED=$((PASSED + 1))
}
fail() {
	echo "FAIL health $1"
	FAILED=$((FAILED + 1))
}

# the configurations: in force, and the one the failover must match (b left out)
cp "$HERE/configs/main.ini" "$TMP/full.ini"
awk '/^\[/ { skip = ($0 == "[shard b]") } !skip' "$TMP/full.ini" >"$TMP/without_b.ini"

# The injector, in the namespace: a bounded schedule of 20 ms ticks, each a
# datagram of 10 lines (300 series, every line unique by its value); in phase
# B an ICMP error every 5th tick, or the drain/auto commands at B's and C's
# first tick. It logs what it sent and when (s from its start) as JSON.
cat >"$TMP/inject.py" <<'PY'
import json
import subprocess
import sys
import time

from scapy.all import ICMP, IP, UDP, Ether, Raw, conf

iface, mode, out_json, relay_stats, prefix, down = sys.argv[1:7]
TICK, A, B, C, PER, SERIES = 0.02, 75, 125, 175, 10, 300
RELAY_MAC, CLIENT_MAC, SHARD_MAC = '02:70:63:61:70:00', '02:00:00:00:00:0a', '02:00:00:00:01:02'
down_ip, down_port = down.split(':')
quote = bytes(IP(src='198.18.0.1', dst=down_ip, id=7) /
              UDP(sport=8125, dport=int(down_port)) / Raw(b'health.q:1|c\n'))[:28]
icmp = bytes(Ether(src=SHARD_MAC, dst=RELAY_MAC) / IP(src=down_ip, dst='198.18.0.1') /
             ICMP(type=3, code=3) / Raw(quote))  # scapy fills both checksums
dgrams, frames = [], []
for k in range(A + B + C):
    lines = ['health.s%d:%d|c' % ((k * PER + j) * 7 % SERIES, k * PER + j + 1) for j in range(PER)]
    dgrams.append(lines)
    frames.append(bytes(Ether(src=CLIENT_MAC, dst=RELAY_MAC) / IP(src='198.18.0.10', dst='198.18.0.1') /
                        UDP(sport=4000 + k % 16, dport=8125) / Raw(('\n'.join(lines) + '\n').encode())))
sock = conf.L2socket(iface=iface)
log = {'mode': mode, 'tick': TICK, 'phases': [A, B, C], 'datagrams': [], 'icmp': [], 'commands': []}
cmds = []


def command(what):
    t = time.monotonic() - t0
    p = subprocess.Popen([sys.executable, relay_stats, '--file-prefix', prefix, '--timeout', '3',
                          '/statsd_relay/shard_state,%s,%s' % (down, what)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    cmds.append({'what': what, 'sent': t, 'proc': p})


def reap(wait):
    for c in cmds:
        if 'proc' in c and (wait or c['proc'].poll() is not None):
            out = c['proc'].communicate(timeout=5)[0].decode(errors='replace')
            c.update(done=time.monotonic() - t0, rc=c['proc'].returncode, answer=out)
            del c['proc']


t0 = time.monotonic()
for k, f in enumerate(frames):
    delay = t0 + k * TICK - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    if mode == 'drain' and k in (A, A + B):
        command('drain' if k == A else 'auto')
    if mode != 'drain' and A <= k < A + B and (k - A) % 5 == 0:
        sock.send(icmp)
        log['icmp'].append(time.monotonic() - t0)
    sock.send(f)
    log['datagrams'].append({'t': time.monotonic() - t0, 'lines': dgrams[k]})
    reap(False)
reap(True)
sock.close()
log['commands'] = cmds
json.dump(log, open(out_json, 'w'))
PY

# wait_log FILE PATTERN: until PATTERN is in FILE (at most 5 s)
wait_log() {
	for _ in $(seq 50); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.1
	done
	return 1
}

# run_case NAME MODE [RELAY FLAGS...]
run_case() {
	local name=$1 mode=$2 d=$TMP/$1 rc=0 inj_rc
	shift 2
	mkdir -p "$d"
	ip netns exec "$NS" "$BUILD/app/statsd-relay" --no-huge --no-pci -m 256 --file-prefix "${PREFIX}_$name" \
		-l 0 --log-level=error --vdev "net_pcap0,rx_iface_in=$VA,tx_pcap=$d/out.pcap" -- \
		--config "$TMP/full.ini" --health-interval 0 --health-fall 1 --health-rise 1 \
		--stats-json "$d/stats.json" "$@" >"$d/relay.log" 2>&1 &
	pid=$!
	wait_log "$d/relay.log" 'ring fingerprint' || rc=1
	if [ $rc -eq 0 ]; then
		timeout 20 ip netns exec "$NS" $PY "$TMP/inject.py" "$VB" "$mode" "$d/sent.json" \
			"$ROOT/scripts/relay_stats.py" "${PREFIX}_$name" "$DOWN" >"$d/inject.log" 2>&1 &
		inj=$!
		wait "$inj"
		inj_rc=$?
		inj=
		[ $inj_rc -eq 0 ] || rc=1
		sleep 0.2 # the last datagrams through the relay
	fi
	stop "$pid" || rc=1
	pid=
	rm -rf "/var/run/dpdk/${PREFIX}_$name"
	if [ $rc -ne 0 ]; then
		fail "$name-run"
		tail -n 5 "$d/relay.log" "$d/inject.log" 2>/dev/null | sed 's/^/    /'
		return
	fi
	pass "$name-run"
	grep -E 'shard .* (down|up):|placed anew' "$d/relay.log" | sed 's/^/    /'
	$PY "$HERE/check_health.py" --where "$BUILD/app/statsd-relay-where" --mode "$mode" --down "$DOWN" \
		--full "$TMP/full.ini" --without "$TMP/without_b.ini" --sent "$d/sent.json" \
		--out "$d/out.pcap" --stats "$d/stats.json" --log "$d/relay.log" \
		>"$d/check.log" 2>&1
	tally_checker health "$name" "$d/check.log"
}

# the namespace: one veth pair, both ends in it, up; no IPv6 (no kernel chatter)
if ip netns add "$NS" 2>"$TMP/netns.err" &&
	ip -n "$NS" link set lo up &&
	ip -n "$NS" link add "$VA" type veth peer name "$VB" &&
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 &&
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$VA.disable_ipv6=1" "net.ipv6.conf.$VB.disable_ipv6=1" &&
	ip -n "$NS" link set "$VA" up && ip -n "$NS" link set "$VB" up; then
	pass namespace
	read -ra EXTRA <<<"${HEALTH_RELAY_ARGS:-}"
	run_case reshard reshard "${EXTRA[@]}"
	run_case keep keep --on-shard-down keep "${EXTRA[@]}"
	run_case drain drain "${EXTRA[@]}"
else
	fail namespace
	sed 's/^/    /' "$TMP/netns.err"
fi
echo "health: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
