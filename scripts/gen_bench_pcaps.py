#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Traffic shapes for scripts/bench.sh (written to a build folder, not committed).

single.pcap   one line per datagram (~60-byte payload), many series
mixed20.pcap  20 lines per datagram to mixed shards (~1.2 KB payload)
tags5.pcap    DogStatsD lines with 6 tags, 12 per datagram
All to 198.18.0.1:8125 from 198.18.0.0/24 clients, deterministic.
"""
import random
import sys
from pathlib import Path

from scapy.all import IP, UDP, Ether, Raw, wrpcap  # noqa: E402

PORT_MAC = '02:70:63:61:70:00'
N = 512  # datagrams per file (infinite_rx loops over them)


def frame(rng, payload):
    src = '198.18.0.%d' % rng.randint(10, 250)
    return Ether(src='02:00:00:00:00:0a', dst=PORT_MAC) / IP(src=src, dst='198.18.0.1') / \
        UDP(sport=rng.randint(1024, 65000), dport=8125) / Raw(payload)


def name(rng):
    return '%s.%s.%s' % (rng.choice(['api', 'web', 'db', 'cache', 'queue']),
                         rng.choice(['http.requests', 'query.time', 'hits', 'latency', 'errors']),
                         'h%04d' % rng.randint(0, 9999))


def single(rng):
    return ('%s:%d|c|@0.5' % (name(rng), rng.randint(1, 99))).encode()


def mixed20(rng):
    lines = []
    for _ in range(20):
        t = rng.choice(['c', 'g', 'ms', 'h'])
        lines.append('%s,env=prod,dc=fra1:%d|%s' % (name(rng), rng.randint(1, 999), t))
    return ('\n'.join(lines) + '\n').encode()


def tags5(rng):
    lines = []
    for _ in range(12):
        lines.append('%s:%d|ms|#env:prod,dc:fra1,host:web-%d,route:/v1/r%d,method:GET,status:%d'
                     % (name(rng), rng.randint(1, 999), rng.randint(1, 300), rng.randint(1, 50),
                        rng.choice([200, 404, 500])))
    return ('\n'.join(lines) + '\n').encode()


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for fname, fn in (('single', single), ('mixed20', mixed20), ('tags5', tags5)):
        rng = random.Random(fname)
        wrpcap(str(out / (fname + '.pcap')), [frame(rng, fn(rng)) for _ in range(N)])


if __name__ == '__main__':
    main()
