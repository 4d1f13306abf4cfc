#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Traffic shapes for scripts/bench.sh (written to a build folder, not committed).

single.pcap   one line per datagram (~60-byte payload), many series
mixed20.pcap  20 lines per datagram to mixed shards (~1.2 KB payload)
tags5.pcap    DogStatsD lines with 6 tags, 12 per datagram
tags2x20.pcap 20 lines per datagram, each with two DogStatsD tags
mix.pcap      half the datagrams single-line, half 2-20 lines; tags in both
              styles (DogStatsD |#k:v, influx ,k=v) or none; 4 % of lines
              invalid; 3 % of frames foreign (another port, another host's
              MAC, not UDP)
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


def tags2x20(rng):
    lines = []
    for _ in range(20):
        lines.append('%s:%d|%s|#env:prod,host:web-%d' % (name(rng), rng.randint(1, 999),
                                                        rng.choice(['c', 'g', 'ms']),
                                                        rng.randint(1, 300)))
    return ('\n'.join(lines) + '\n').encode()


def mix_line(rng):
    if rng.random() < 0.04:  # invalid: no type, a bad value, an unknown type
        return rng.choice(['%s:12' % name(rng), '%s:x1|c' % name(rng), '%s:1|q' % name(rng)])
    style = rng.choice(['dog', 'influx', 'plain'])
    value, typ = rng.randint(1, 999), rng.choice(['c', 'g', 'ms', 'h', 'c|@0.1'])
    if style == 'dog':
        return '%s:%d|%s|#env:prod,host:web-%d' % (name(rng), value, typ, rng.randint(1, 300))
    if style == 'influx':
        return '%s,env=prod,host=web-%d:%d|%s' % (name(rng), rng.randint(1, 300), value, typ)
    return '%s:%d|%s' % (name(rng), value, typ)


def mix_frame(rng):
    if rng.random() < 0.03:  # foreign: another port, another host's MAC, TCP
        kind = rng.randrange(3)
        payload = mix_line(rng).encode()
        if kind == 0:
            return Ether(src='02:00:00:00:00:0a', dst=PORT_MAC) / IP(src='198.18.0.9', dst='198.18.0.1') / \
                UDP(sport=4000, dport=9999) / Raw(payload)
        if kind == 1:
            return Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:99:99') / \
                IP(src='198.18.0.9', dst='198.18.0.77') / UDP(sport=4000, dport=8125) / Raw(payload)
        return Ether(src='02:00:00:00:00:0a', dst=PORT_MAC) / IP(src='198.18.0.9', dst='198.18.0.1', proto=6) / \
            Raw(bytes(20) + payload)
    n = 1 if rng.random() < 0.5 else rng.randint(2, 20)
    return frame(rng, ('\n'.join(mix_line(rng) for _ in range(n)) + '\n').encode())


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for fname, fn in (('single', single), ('mixed20', mixed20), ('tags5', tags5),
                      ('tags2x20', tags2x20)):
        rng = random.Random(fname)
        wrpcap(str(out / (fname + '.pcap')), [frame(rng, fn(rng)) for _ in range(N)])
    rng = random.Random('mix')
    wrpcap(str(out / 'mix.pcap'), [mix_frame(rng) for _ in range(4 * N)])


if __name__ == '__main__':
    main()
