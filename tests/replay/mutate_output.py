#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Spoil one good replay output in one way, so the checker can be shown to fail.

  mutate_output.py MODE OUT.pcap STATS.json NEW_OUT.pcap NEW_STATS.json

MODE (and the check that must then fail):
  drop-line       remove one line from one packet                 lines_missing
  dup-line        send one line twice in its packet               lines_extra
  bad-udp-csum    spoil one UDP checksum                          headers
  bad-ip-csum     spoil one IPv4 header checksum                  headers
  wrong-shard     send one packet to another shard                shard_consistency
  oversize        merge two packets of a shard beyond 1432 bytes  max_payload
  stats-lines-out lines_out one too high in the stats             invariant
Headers, lengths and checksums of a changed packet are made right again (except the one
spoiled on purpose), and the stats are left alone unless the mode is about them.
"""

import json
import struct
import sys


def read_pcap(path):
    with open(path, 'rb') as fh:
        data = fh.read()
    end = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    frames, off = [], 24
    while off < len(data):
        caplen = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        frames.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return frames


def write_pcap(path, frames):
    with open(path, 'wb') as fh:
        fh.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, f in enumerate(frames):
            fh.write(struct.pack('<IIII', 1, i, len(f), len(f)) + f)


def inet_sum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def payload(f):
    return f[42:14 + struct.unpack('!H', f[16:18])[0]]


def rebuild(f, new_payload, dst=None):
    """f with another payload and, if dst=(mac, ip, port) is given, another destination."""
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


def lines_of(p):
    return [ln for ln in p.split(b'\n') if ln.strip(b'\r')]


def dest(f):
    return (f[0:6], f[30:34], f[36:38])


def main():
    mode, out_in, stats_in, out_out, stats_out = sys.argv[1:6]
    frames = read_pcap(out_in)
    with open(stats_in) as fh:
        stats = json.load(fh)
    multi = [i for i, f in enumerate(frames)
             if len(lines_of(payload(f))) >= 2 and payload(f).split(b'\n')[0].strip(b'\r')]
    if not frames or not multi:
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
        others = sorted({dest(g) for g in frames} - {dest(f)})
        if not others:
            sys.exit('mutate_output: only one shard in %s' % out_in)
        # The packet with the most lines: its series surely have lines elsewhere too.
        i = max(multi, key=lambda j: len(lines_of(payload(frames[j]))))
        frames[i] = rebuild(frames[i], payload(frames[i]), others[0])
    elif mode == 'oversize':
        by = {}
        for j, g in enumerate(frames):
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
    else:
        sys.exit('mutate_output: unknown mode %s' % mode)
    write_pcap(out_out, frames)
    with open(stats_out, 'w') as fh:
        json.dump(stats, fh)
    return 0


if __name__ == '__main__':
    sys.exit(main())
