#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Spoil one good replay output in one way, so the checker can be shown to fail.

  mutate_output.py MODE OUT.pcap STATS.json NEW_OUT.pcap NEW_STATS.json

MODE (and the check that must then fail):
  drop-line         remove one line from one packet                 lines_missing
  dup-line          send one line twice in its packet               lines_extra
  bad-udp-csum      spoil one UDP checksum                          headers
  bad-ip-csum       spoil one IPv4 header checksum                  headers
  wrong-shard       send one packet to another shard                shard_consistency
  oversize          merge two packets of a shard beyond 1432 bytes  max_payload
  stats-lines-out   lines_out one too high in the stats             invariant
  bad-icmp-csum     spoil one ICMP echo reply's checksum            answers_icmp
  drop-answer       remove one answer (the first ARP reply)         answers_missing
  dup-answer        send one NA twice                               answers_extra
  bad-na            an NA for another target (checksum made right)  answers_nd
  bad-udp6-csum     spoil one UDP checksum over IPv6                headers
  wrong-mac         one StatsD packet to another shard's MAC        headers
  bad-probe         an ARP request of the relay with a wrong sender  probes
  stats-reassembled datagrams_reassembled one too high              datagrams_reassembled
Headers, lengths and checksums of a changed packet are made right again (except the one
spoiled on purpose), and the stats are left alone unless the mode is about them.
"""

import json
import struct
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'scripts'))
from sr_wire import inet_sum, read_pcap, write_pcap  # noqa: E402





def is_udp4(f):
    return len(f) >= 42 and f[12:14] == b'\x08\x00' and f[23] == 17


def is_udp6(f):
    return len(f) >= 62 and f[12:14] == b'\x86\xdd' and f[20] == 17


def is_icmp6(f, typ):
    return len(f) >= 58 and f[12:14] == b'\x86\xdd' and f[20] == 58 and f[54] == typ


def payload(f):
    return f[42:14 + struct.unpack('!H', f[16:18])[0]]


def rebuild(f, new_payload, dst=None):
    """IPv4 StatsD packet f with another payload and, if dst=(mac, ip, port) is given, another
    destination."""
    eth, ip, udp = bytearray(f[:14]), bytearray(f[14:34]), bytearray(f[34:42])
    if dst:
        eth[0:6], ip[16:20], udp[2:4] = dst[0], dst[1], dst[2]
    ip[2:4] = struct.pack('!H', 28 + len(new_payload))
    ip[10:12] = b'\0\0'
    ip[10:12] = struct.pack('!H', 0xffff - inet_sum(bytes(ip)))
    udp[4:6] = struct.pack('!H', 8 + len(new_payload))
    udp[6:8] = b'\0\0'
    s = inet_sum(bytes(ip[12:20]) + struct.pack('!BBH', 0, 17, 8 + len(new_payload)) + bytes(udp) + new_payload)
    udp[6:8] = struct.pack('!H', (0xffff - s) or 0xffff)
    return bytes(eth + ip + udp) + new_payload


def icmp6_fix(f):
    """Recompute the ICMPv6 checksum of an untagged IPv6 frame."""
    b = bytearray(f)
    plen = struct.unpack('!H', b[18:20])[0]
    b[56:58] = b'\0\0'
    s = inet_sum(bytes(b[22:54]) + struct.pack('!IxxxB', plen, 58) + bytes(b[54:54 + plen]))
    b[56:58] = struct.pack('!H', 0xffff - s)
    return bytes(b)


def lines_of(p):
    return [ln for ln in p.split(b'\n') if ln.strip(b'\r')]


def dest(f):
    return (f[0:6], f[30:34], f[36:38])


def pick(frames, test, what):
    idx = [i for i, f in enumerate(frames) if test(f)]
    if not idx:
        sys.exit('mutate_output: no %s to spoil' % what)
    return idx[len(idx) // 2]


def main():
    mode, out_in, stats_in, out_out, stats_out = sys.argv[1:6]
    frames = read_pcap(out_in)
    with open(stats_in) as fh:
        stats = json.load(fh)
    multi = [i for i, f in enumerate(frames)
             if is_udp4(f) and len(lines_of(payload(f))) >= 2 and payload(f).split(b'\n')[0].strip(b'\r')]
    if mode in ('drop-line', 'dup-line', 'bad-udp-csum', 'bad-ip-csum', 'wrong-shard'):
        if not multi:
            sys.exit('mutate_output: %s has no packet with two lines to spoil' % out_in)
        i = multi[len(multi) // 2]
        f = frames[i]
        p = payload(f)
    if mode == 'drop-line':
        first = p.index(b'\n') + 1
        frames[i] = rebuild(f, p[first:])
    elif mode == 'dup-line':
        first = p.index(b'\n') + 1
        frames[i] = rebuild(f, p[:first] + p)
    elif mode == 'bad-udp-csum':
        b = bytearray(f)
        b[40] ^= 0x40
        frames[i] = bytes(b)
    elif mode == 'bad-ip-csum':
        b = bytearray(f)
        b[24] ^= 0x40
        frames[i] = bytes(b)
    elif mode == 'wrong-shard':
        udp4 = [g for g in frames if is_udp4(g)]
        others = sorted({dest(g) for g in udp4} - {dest(f)})
        if not others:
            sys.exit('mutate_output: only one shard in %s' % out_in)
        # The packet with the most lines: its series surely have lines elsewhere too.
        i = max(multi, key=lambda j: len(lines_of(payload(frames[j]))))
        frames[i] = rebuild(frames[i], payload(frames[i]), others[0])
    elif mode == 'oversize':
        by = {}
        for j, g in enumerate(frames):
            if is_udp4(g):
                by.setdefault(dest(g), []).append(j)
        js = max(by.values(), key=len)
        a, b = sorted(js, key=lambda j: len(payload(frames[j])))[-2:]
        pa, pb = payload(frames[a]), payload(frames[b])
        if not pa.endswith(b'\n'):
            pa += b'\n'
        if len(pa) + len(pb) <= 1432:
            sys.exit('mutate_output: no two packets of a shard add up to more than 1432 bytes')
        frames[a] = rebuild(frames[a], pa + pb)
        del frames[b]
    elif mode == 'stats-lines-out':
        stats['lines_out'] += 1
    elif mode == 'bad-icmp-csum':
        i = pick(frames, lambda g: g[12:14] == b'\x08\x00' and g[23] == 1, 'ICMP echo reply')
        b = bytearray(frames[i])
        b[14 + (b[14] & 15) * 4 + 2] ^= 0x08
        frames[i] = bytes(b)
    elif mode == 'drop-answer':
        i = pick(frames, lambda g: g[12:14] == b'\x08\x06' and g[20:22] == b'\x00\x02', 'ARP reply')
        del frames[i]
    elif mode == 'dup-answer':
        i = pick(frames, lambda g: is_icmp6(g, 136), 'NA')
        frames.insert(i, frames[i])
    elif mode == 'bad-na':
        i = pick(frames, lambda g: is_icmp6(g, 136), 'NA')
        b = bytearray(frames[i])
        b[77] ^= 0x01                      # last byte of the target address
        frames[i] = icmp6_fix(bytes(b))
    elif mode == 'bad-udp6-csum':
        i = pick(frames, is_udp6, 'UDP over IPv6 packet')
        b = bytearray(frames[i])
        b[60] ^= 0x40
        frames[i] = bytes(b)
    elif mode == 'wrong-mac':
        udp = [j for j, g in enumerate(frames) if is_udp4(g) or is_udp6(g)]
        macs = sorted({frames[j][0:6] for j in udp})
        if len(macs) < 2:
            sys.exit('mutate_output: StatsD packets to one MAC only in %s' % out_in)
        i = udp[len(udp) // 2]
        frames[i] = [m for m in macs if m != frames[i][0:6]][0] + frames[i][6:]
    elif mode == 'bad-probe':
        i = pick(frames, lambda g: g[12:14] == b'\x08\x06' and g[20:22] == b'\x00\x01', 'ARP request')
        b = bytearray(frames[i])
        b[31] ^= 0x01                      # last byte of the sender IP
        frames[i] = bytes(b)
    elif mode == 'stats-reassembled':
        stats['datagrams_reassembled'] += 1
    else:
        sys.exit('mutate_output: unknown mode %s' % mode)
    write_pcap(out_out, frames)
    with open(stats_out, 'w') as fh:
        json.dump(stats, fh)
    return 0


if __name__ == '__main__':
    sys.exit(main())
