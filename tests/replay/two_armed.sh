#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two-armed relay: clients on port 0 (net_pcap0), shards behind port 1
# (net_pcap1, --egress-port 1 --egress-address 198.19.0.1/24). The shards are
# resolved on the egress port (their ARP announcements arrive there), StatsD
# leaves there from its MAC and address, ARP and ping are answered on each
# port for its own address.
#   tests/replay/two_armed.sh BUILD_DIR
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(realpath "${1:-build}")/app/statsd-relay
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

/usr/bin/python3 - "$TMP" <<'PY' 2>/dev/null
import sys
from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw, wrpcap
d = sys.argv[1]
P0, P1 = '02:70:63:61:70:00', '02:70:63:61:70:01'
cli = '02:00:00:00:00:0a'
ingress = [Ether(src=cli, dst='ff:ff:ff:ff:ff:ff') / ARP(op=1, hwsrc=cli, psrc='198.18.0.10', pdst='198.18.0.1')]
for i in range(30):
    lines = '\n'.join('svc.m%d,host=h%d:%d|c' % (i, j, j) for j in range(10)) + '\n'
    ingress.append(Ether(src=cli, dst=P0) / IP(src='198.18.0.10', dst='198.18.0.1') /
                   UDP(sport=4000 + i, dport=8125) / Raw(lines.encode()))
egress = []
for k in (11, 12, 13):  # the shards announce themselves (gratuitous ARP replies)
    mac = '02:00:00:00:13:%02x' % k
    egress.append(Ether(src=mac, dst='ff:ff:ff:ff:ff:ff') /
                  ARP(op=2, hwsrc=mac, psrc='198.19.0.%d' % k, hwdst='ff:ff:ff:ff:ff:ff', pdst='198.19.0.%d' % k))
egress.append(Ether(src='02:00:00:00:13:0b', dst='ff:ff:ff:ff:ff:ff') /
              ARP(op=1, hwsrc='02:00:00:00:13:0b', psrc='198.19.0.11', pdst='198.19.0.1'))
egress.append(Ether(src='02:00:00:00:13:0c', dst=P1) / IP(src='198.19.0.12', dst='198.19.0.1') / ICMP(id=7, seq=1))
egress.append(Ether(src='02:00:00:00:13:0c', dst=P1) / IP(src='198.19.0.12', dst='198.19.0.1') /
              UDP(sport=5, dport=8125) / Raw(b'sneaky:1|c\n'))
# a first fragment to the egress address: nothing is reassembled on that side
egress.append(Ether(src='02:00:00:00:13:0c', dst=P1) / IP(src='198.19.0.12', dst='198.19.0.1', flags='MF', id=9) /
              UDP(sport=5, dport=8125, len=1000) / Raw(b'x' * 64))
wrpcap(d + '/in.pcap', ingress)
wrpcap(d + '/eg.pcap', egress)
PY

timeout 60 "$BIN" --no-huge --no-pci -m 256 --file-prefix sr_2arm_$$ -l 0 --log-level=error \
	--vdev "net_pcap0,rx_pcap=$TMP/in.pcap,tx_pcap=$TMP/out_in.pcap" \
	--vdev "net_pcap1,rx_pcap=$TMP/eg.pcap,tx_pcap=$TMP/out_eg.pcap" -- --health-interval 0 \
	--listen 198.18.0.1/24:8125 --egress-port 1 --egress-address 198.19.0.1/24 \
	--shard 198.19.0.11:8125 --shard 198.19.0.12:8125 --shard 198.19.0.13:8125 \
	--exit-idle 500 --stats-json "$TMP/stats.json" >"$TMP/relay.log" 2>&1
rc=$?

/usr/bin/python3 - "$TMP" "$rc" <<'PY' 2>/dev/null
import json, sys
from scapy.all import ARP, ICMP, IP, UDP, rdpcap
d, rc = sys.argv[1], int(sys.argv[2])
P0, P1 = '02:70:63:61:70:00', '02:70:63:61:70:01'
ok = fail = 0
def check(name, cond, detail=''):
    global ok, fail
    if cond:
        ok += 1; print('PASS two-armed ' + name)
    else:
        fail += 1; print('FAIL two-armed %s %s' % (name, detail))
check('relay-exit', rc == 0, 'exit %d: %s' % (rc, open(d + '/relay.log').read()[-300:]))
st = json.load(open(d + '/stats.json')) if rc == 0 else {'lines_in': 0, 'lines_out': -1, 'drops': {}}
out_in, out_eg = rdpcap(d + '/out_in.pcap'), rdpcap(d + '/out_eg.pcap')
statsd = [p for p in out_eg if UDP in p]
check('all-lines-out', st['lines_in'] == 300 and st['lines_out'] == 300, '%s/%s' % (st['lines_out'], st['lines_in']))
check('no-line-held', st['drops'].get('line_no_neighbour', -1) == 0)
check('statsd-from-egress', statsd and all(p.src == P1 and p[IP].src == '198.19.0.1' for p in statsd))
macs = {'198.19.0.%d' % k: '02:00:00:00:13:%02x' % k for k in (11, 12, 13)}
check('statsd-to-learned-macs', statsd and all(macs.get(p[IP].dst) == p.dst for p in statsd))
check('nothing-statsd-on-ingress', not [p for p in out_in if UDP in p])
arp_in = [p for p in out_in if ARP in p and p[ARP].op == 2]
check('arp-answered-on-ingress', len(arp_in) == 1 and arp_in[0][ARP].psrc == '198.18.0.1' and arp_in[0][ARP].hwsrc == P0)
arp_eg = [p for p in out_eg if ARP in p and p[ARP].op == 2]
check('arp-answered-on-egress', len(arp_eg) == 1 and arp_eg[0][ARP].psrc == '198.19.0.1' and arp_eg[0][ARP].hwsrc == P1)
pong = [p for p in out_eg if ICMP in p and p[ICMP].type == 0]
check('ping-answered-on-egress', len(pong) == 1 and pong[0][IP].src == '198.19.0.1')
check('no-statsd-taken-on-egress', st['drops'].get('frame_other_port', 0) == 1,
      'frame_other_port %s' % st['drops'].get('frame_other_port'))
check('egress-fragment-counted-as-fragment', st['drops'].get('frame_ip_fragment', 0) == 1,
      'frame_ip_fragment %s' % st['drops'].get('frame_ip_fragment'))
print('two-armed: %d passed, %d failed' % (ok, fail))
sys.exit(1 if fail else 0)
PY
