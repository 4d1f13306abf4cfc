# SPDX-License-Identifier: BSD-3-Clause
"""Wire-level helpers the fixture generator and the replay tools share: classic
pcap files, the Internet checksum, StatsD line splitting and address syntax."""
import ipaddress
import re
import struct


def read_pcap(path):
    """Frames of a classic pcap file (either byte order, micro- or nanosecond)."""
    with open(path, 'rb') as fh:
        data = fh.read()
    if len(data) < 24:
        raise ValueError('%s: %d bytes, not a pcap file' % (path, len(data)))
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        raise ValueError('%s: bad pcap magic %s' % (path, magic.hex()))
    linktype = struct.unpack(end + 'I', data[20:24])[0]
    if linktype != 1:
        raise ValueError('%s: link type %d, not Ethernet' % (path, linktype))
    frames, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise ValueError('%s: truncated record header at %d' % (path, off))
        _, _, caplen, wirelen = struct.unpack(end + 'IIII', data[off:off + 16])
        off += 16
        if off + caplen > len(data):
            raise ValueError('%s: truncated record at %d' % (path, off))
        if caplen != wirelen:
            raise ValueError('%s: frame %d captured %d of %d bytes' % (path, len(frames), caplen, wirelen))
        frames.append(data[off:off + caplen])
        off += caplen
    return frames


def write_pcap(path, frames, stamps=None):
    """A little-endian microsecond pcap, Ethernet; stamps: (seconds, microseconds) of each
    frame, by default frame i at 1 s + i us."""
    with open(path, 'wb') as fh:
        fh.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, f in enumerate(frames):
            sec, usec = stamps[i] if stamps is not None else (1, i)
            fh.write(struct.pack('<IIII', sec, usec, len(f), len(f)) + f)


def inet_sum(data):
    """One's-complement sum of 16-bit words (not inverted)."""
    if len(data) % 2:
        data = data + b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def split_lines(payload):
    """Lines of a datagram: split on LF, drop one trailing CR, skip empty ones."""
    out = []
    for raw in payload.split(b'\n'):
        if raw.endswith(b'\r'):
            raw = raw[:-1]
        if raw:
            out.append(raw)
    return out


def solicited_node(ip16):
    """ff02::1:ffXX:XXXX of an IPv6 address (RFC 4291 2.7.1)."""
    return bytes.fromhex('ff0200000000000000000001ff') + ip16[13:]


def parse_endpoint(text, default_port=8125):
    """A.B.C.D[/LEN][:PORT], [IPv6][/LEN][:PORT] or [IPv6/LEN][:PORT] -> (ip bytes, prefix, port)."""
    m = re.fullmatch(r'\[([0-9A-Fa-f:.]+)(?:/(\d+))?\](?:/(\d+))?(?::(\d+))?|'
                     r'([0-9.]+)(?:/(\d+))?(?::(\d+))?', text.strip())
    if not m:
        raise ValueError('bad address %r' % text)
    if m.group(1):
        ip, plen, port = m.group(1), m.group(2) or m.group(3), m.group(4)
    else:
        ip, plen, port = m.group(5), m.group(6), m.group(7)
    b = ipaddress.ip_address(ip).packed
    return b, int(plen) if plen else 8 * len(b), int(port or default_port)


def in_prefix(ip, net, plen):
    """Is address ip (bytes) inside net/plen (same family only)?"""
    if len(ip) != len(net):
        return False
    if plen == 0:
        return True
    return (int.from_bytes(ip, 'big') ^ int.from_bytes(net, 'big')) >> (8 * len(ip) - plen) == 0
