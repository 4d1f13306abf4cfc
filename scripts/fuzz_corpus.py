#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seed corpora for the fuzzers, made from the pcap fixtures.

fuzz_packet: b'\\x01' + whole frame, and b'\\x00' / b'\\x02' / b'\\x04' + UDP payload
(wrapped in valid headers by the target, one per dialect).
fuzz_line: one file per distinct line, prefixed with the dialect byte 0, 1, 2.
Only the standard library: runs wherever python3 does.
"""
import hashlib
import struct
import sys
from pathlib import Path


def frames(path):
    data = path.read_bytes()
    magic = struct.unpack('<I', data[:4])[0]
    endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + 'IIII', data[off:off + 16])
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def udp_payload(f):
    l2 = 14
    if len(f) < 14:
        return None
    etype = struct.unpack('>H', f[12:14])[0]
    if etype == 0x8100 and len(f) >= 18:
        etype = struct.unpack('>H', f[16:18])[0]
        l2 = 18
    if etype != 0x0800 or len(f) < l2 + 20 or f[l2 + 9] != 17:
        return None
    ihl = (f[l2] & 0x0f) * 4
    u = l2 + ihl
    if len(f) < u + 8:
        return None
    ulen = struct.unpack('>H', f[u + 4:u + 6])[0]
    return f[u + 8:u + max(ulen, 8)]


def write(dirpath, blob):
    name = hashlib.sha1(blob).hexdigest()
    (dirpath / name).write_bytes(blob)


def main():
    pcaps = Path(sys.argv[1])
    out = Path(sys.argv[2])
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    pkt_dir, line_dir = out / 'fuzz_packet', out / 'fuzz_line'
    pkt_dir.mkdir(parents=True, exist_ok=True)
    line_dir.mkdir(parents=True, exist_ok=True)
    lines, n_pkt = set(), 0
    for p in sorted(pcaps.glob('*.pcap')):
        for f in frames(p):
            if n_pkt < limit:
                write(pkt_dir, b'\x01' + f)
                n_pkt += 1
            pl = udp_payload(f)
            if pl is None:
                continue
            if n_pkt < limit:
                for mode in (0, 2, 4):
                    write(pkt_dir, bytes([mode]) + pl)
                n_pkt += 1
            for line in pl.split(b'\n'):
                lines.add(line.rstrip(b'\r'))
    for line in sorted(lines)[:limit]:
        for d in (0, 1, 2):
            write(line_dir, bytes([d]) + line)
    print(f'corpus: {len(list(pkt_dir.iterdir()))} packet seeds, '
          f'{len(list(line_dir.iterdir()))} line seeds')


if __name__ == '__main__':
    main()
