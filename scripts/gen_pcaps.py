#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Generate the replay fixtures in pcap/ (see pcap/README.md).

For every fixture X this writes X.pcap (the frames the relay reads), X.expect.json
(what the relay must do with them) and X.txt (a one-line-per-frame manifest for humans).
The expectations are computed by the reference model below (parse_frame,
split_lines, classify_line, series_key), which follows the relay's stated rules;
every crafted frame and line also carries the verdict it was built to get, and the
generator stops if the model disagrees with it.

Deterministic: fixed seeds, fixed timestamps, no dependence on the host (scapy
never picks an address or MAC here). Running it twice gives identical bytes.

Usage: gen_pcaps.py [--out pcap/]
"""

import argparse
import base64
import json
import os
import random
import re
import struct
import sys

from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption_EOL, IPOption_NOP, IPOption_Router_Alert
from scapy.layers.inet6 import UDP as UDP6  # same class; keeps the import list explicit
from scapy.layers.inet6 import ICMPv6ND_NS, IPv6
from scapy.layers.l2 import ARP, Dot1Q, Ether
from scapy.packet import Raw

assert UDP6 is UDP

PORT_MAC = '02:70:63:61:70:00'
BCAST_MAC = 'ff:ff:ff:ff:ff:ff'
LISTEN_IP = '198.18.0.1'
LISTEN_PORT = 8125
MAX_PAYLOAD = 1432
MAX_UDP_PAYLOAD = 1472          # keeps every input frame at or under 1514 bytes
TS_BASE = 1700000000            # 2023-11-14T22:13:20Z, fixed

FRAME_REASONS = [
    'frame_truncated', 'frame_other_mac', 'frame_other_ethertype', 'frame_bad_ip_header',
    'frame_bad_ip_checksum', 'frame_ip_fragment', 'frame_other_protocol', 'frame_other_address',
    'frame_other_port', 'frame_bad_udp_length', 'frame_bad_udp_checksum',
]
LINE_REASONS = [
    'line_too_long', 'line_control_char', 'line_bad_utf8', 'line_bad_format', 'line_bad_name',
    'line_unknown_type', 'line_bad_value', 'line_bad_rate', 'line_bad_tags', 'line_too_many_tags',
    'line_tx_dropped', 'line_no_mbuf',
]
TYPES = {b'c', b'g', b'ms', b'h', b's', b'd'}
SIGNED_TYPES = {b'c', b'g'}
# The numbers the fixtures use. Forms where parsers differ (".5", "5.", "inf", "nan", hex,
# "1_000") are never generated, valid or not.
NUMBER = re.compile(rb'[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\Z')
MAX_TAGS = 64                   # the relay's documented limit (README: line_too_many_tags)


# ----------------------------------------------------------------------------------------------
# Reference model
# ----------------------------------------------------------------------------------------------

def _u16(b, o):
    return (b[o] << 8) | b[o + 1]


def inet_sum(data):
    """One's-complement sum of 16-bit words (not inverted)."""
    if len(data) % 2:
        data = data + b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def ip_aton(s):
    return bytes(int(x) for x in s.split('.'))


def udp_csum_ok(ip_src, ip_dst, udp):
    pseudo = ip_src + ip_dst + struct.pack('!BBH', 0, 17, len(udp))
    return inet_sum(pseudo + udp) == 0xffff


def parse_frame(f, listen_ip=LISTEN_IP, listen_port=LISTEN_PORT, port_mac=PORT_MAC):
    """Frame-level verdict: (reason or None, payload offset, payload length)."""
    lip = ip_aton(listen_ip)
    pmac = bytes.fromhex(port_mac.replace(':', ''))
    n = len(f)
    if n < 14:
        return 'frame_truncated', 0, 0
    if f[0:6] != pmac and not f[0] & 1:          # broadcast is a multicast address too
        return 'frame_other_mac', 0, 0
    et, off = _u16(f, 12), 14
    if et == 0x8100:
        if n < 18:
            return 'frame_truncated', 0, 0
        et, off = _u16(f, 16), 18
    if et != 0x0800:
        return 'frame_other_ethertype', 0, 0
    if n < off + 20:
        return 'frame_truncated', 0, 0
    ver, ihl = f[off] >> 4, f[off] & 15
    if ver != 4 or ihl < 5:
        return 'frame_bad_ip_header', 0, 0
    hl = ihl * 4
    if n < off + hl:
        return 'frame_truncated', 0, 0
    tot = _u16(f, off + 2)
    if tot < hl or tot > n - off:
        return 'frame_bad_ip_header', 0, 0
    if inet_sum(f[off:off + hl]) != 0xffff:
        return 'frame_bad_ip_checksum', 0, 0
    frag = _u16(f, off + 6)
    if frag & 0x2000 or frag & 0x1fff:
        return 'frame_ip_fragment', 0, 0
    if f[off + 9] != 17:
        return 'frame_other_protocol', 0, 0
    if f[off + 16:off + 20] != lip:
        return 'frame_other_address', 0, 0
    u = off + hl
    if tot < hl + 8:
        raise ValueError('ambiguous frame: IP payload shorter than a UDP header')
    if _u16(f, u + 2) != listen_port:
        return 'frame_other_port', 0, 0
    ulen = _u16(f, u + 4)
    if ulen < 8 or ulen > tot - hl:
        return 'frame_bad_udp_length', 0, 0
    if _u16(f, u + 6) != 0 and not udp_csum_ok(f[off + 12:off + 16], f[off + 16:off + 20], f[u:u + ulen]):
        return 'frame_bad_udp_checksum', 0, 0
    return None, u + 8, ulen - 8


def split_lines(payload):
    """Lines of a datagram: split on LF, drop one trailing CR, skip empty ones."""
    out = []
    for raw in payload.split(b'\n'):
        if raw.endswith(b'\r'):
            raw = raw[:-1]
        if raw:
            out.append(raw)
    return out


def classify_line(line, max_payload=MAX_PAYLOAD):
    """(reason, None) for a rejected line, (None, canonical series key) for a valid one."""
    if len(line) > max_payload:
        return 'line_too_long', None
    if any(b < 0x20 or b == 0x7f for b in line):
        return 'line_control_char', None
    try:
        line.decode('utf-8')
    except UnicodeDecodeError:
        return 'line_bad_utf8', None
    if line.startswith(b' ') or line.endswith(b' '):
        raise ValueError('ambiguous line: spaces at an end (Telegraf trims them): %r' % line)
    # Telegraf's datadog extensions: pipe-separated segments starting with '#' are tags,
    # segments starting with 'c:' are a container id (ignored); the rest is parsed.
    segs = line.split(b'|')
    if segs[0].startswith(b'c:'):
        raise ValueError('ambiguous line: metric "c" reads as a container id: %r' % line)
    dd = [s[1:] for s in segs if s.startswith(b'#')]
    rest = b'|'.join(s for s in segs if not s.startswith(b'#') and not s.startswith(b'c:'))
    if b':' not in rest:
        return 'line_bad_format', None
    head, *parts = rest.split(b':')
    if any(b'|' not in p for p in parts):
        return 'line_bad_format', None
    name, *influx = head.split(b',')
    if not name:
        return 'line_bad_name', None
    for p in parts:
        if p.split(b'|')[1] not in TYPES:
            return 'line_unknown_type', None
    for p in parts:
        value, mtype = p.split(b'|')[0:2]
        if value[:1] in (b'+', b'-') and mtype not in SIGNED_TYPES:
            return 'line_bad_value', None
        if mtype == b's':
            if not value:
                raise ValueError('ambiguous line: empty set value: %r' % line)
        elif not NUMBER.match(value):
            return 'line_bad_value', None
    tags = {}
    ntags = 0
    for t in influx:
        k, eq, v = t.partition(b'=')
        if not (k and eq and v):
            raise ValueError('ambiguous line: influx tag without key or value: %r' % line)
        tags[k] = v
        ntags += 1
    for seg in dd:
        for t in seg.split(b','):
            k, _, v = t.partition(b':')
            if not k:
                raise ValueError('ambiguous line: datadog tag without key: %r' % line)
            tags[k] = v or b'true'
            ntags += 1
    if ntags > MAX_TAGS:
        return 'line_too_many_tags', None
    key = name + b''.join(b',' + k + b'=' + tags[k] for k in sorted(tags))
    return None, key.decode('utf-8')


# ----------------------------------------------------------------------------------------------
# Frame building
# ----------------------------------------------------------------------------------------------

def client_mac(ip):
    return '02:00:c6:12:%02x:%02x' % tuple(int(x) for x in ip.split('.')[2:])


def fix_ip_csum(b, off):
    """Recompute the IPv4 header checksum of the header at off (IHL taken from the header)."""
    hl = (b[off] & 15) * 4 or 20
    b[off + 10:off + 12] = b'\0\0'
    b[off + 10:off + 12] = struct.pack('!H', 0xffff - inet_sum(bytes(b[off:off + max(hl, 20)])))


def statsd_frame(payload, src_ip='198.18.0.10', sport=40000, *, dst_mac=PORT_MAC, vlan=None,
                 ip_opts=None, df=False, ip_id=1, tos=0, ttl=64, dst_ip=LISTEN_IP, dport=LISTEN_PORT,
                 udp_csum='ok', pad_to=None, trailer=b'', src_mac=None):
    """A UDP datagram to the relay as frame bytes. udp_csum: 'ok', 'zero' or an int.
    trailer: bytes after the IP datagram (Ethernet padding); pad_to: then zero-pad to that size."""
    eth = Ether(src=src_mac or client_mac(src_ip), dst=dst_mac)
    if vlan is not None:
        eth = eth / Dot1Q(vlan=vlan, prio=3)
    ip = IP(src=src_ip, dst=dst_ip, id=ip_id, flags='DF' if df else 0, tos=tos, ttl=ttl)
    if ip_opts is not None:
        ip.options = ip_opts
    udp = UDP(sport=sport, dport=dport)
    if udp_csum == 'zero':
        udp.chksum = 0
    elif isinstance(udp_csum, int):
        udp.chksum = udp_csum
    b = bytes(eth / ip / udp / Raw(payload)) + trailer
    if pad_to is not None and len(b) < pad_to:
        b += bytes(pad_to - len(b))
    return b


def ip_offset(b):
    return 18 if _u16(b, 12) == 0x8100 else 14


class Fixture:
    """Frames of one pcap, each with the verdict it was built to get and a description."""

    def __init__(self, name, ts_step_us=997):
        self.name = name
        self.frames = []
        self.notes = []
        self.ts_step_us = ts_step_us
        self.singles = set()     # frame indexes whose payload is one line sent alone, no terminator

    def add(self, frame, want=None, note=''):
        frame = bytes(frame)
        got = parse_frame(frame)[0]
        if got != want:
            raise AssertionError('%s frame %d (%s): built for %s, model says %s'
                                 % (self.name, len(self.frames), note, want, got))
        self.frames.append(frame)
        self.notes.append('%s  %s' % (want or 'accept', note))
        return len(self.frames) - 1

    def add_datagram(self, lines, want_lines, note='', term=b'\n', final=True, **kw):
        """Join lines into one datagram; want_lines gives each line's intended reason (None=valid)."""
        for ln, want in zip(lines, want_lines):
            ln = ln[:-1] if ln.endswith(b'\r') else ln
            got = classify_line(ln)[0] if ln else None
            if got != want:
                raise AssertionError('%s: line %r built for %s, model says %s' % (self.name, ln, want, got))
        payload = term.join(lines) + (term if final else b'')
        if len(payload) > MAX_UDP_PAYLOAD:
            raise AssertionError('%s: datagram of %d bytes' % (self.name, len(payload)))
        idx = self.add(statsd_frame(payload, **kw), None, note or '%d line(s)' % len(lines))
        if len(lines) == 1 and not final:
            self.singles.add(idx)
        return idx

    def write(self, outdir):
        out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
        for i, f in enumerate(self.frames):
            t = i * self.ts_step_us
            out.append(struct.pack('<IIII', TS_BASE + t // 1000000, t % 1000000, len(f), len(f)))
            out.append(f)
        with open(os.path.join(outdir, self.name + '.pcap'), 'wb') as fh:
            fh.write(b''.join(out))
        with open(os.path.join(outdir, self.name + '.txt'), 'w', encoding='utf-8') as fh:
            fh.write('# SPDX-License-Identifier: BSD-3-Clause\n')
            fh.write('# %s.pcap: frame index, length, intended verdict, what it is. '
                     'Made by scripts/gen_pcaps.py; do not edit.\n' % self.name)
            for i, (f, n) in enumerate(zip(self.frames, self.notes)):
                fh.write('%5d %5d  %s\n' % (i, len(f), n))

    def expectation(self, max_payload=MAX_PAYLOAD, require_coalescing=False):
        drops = {}
        valid = []
        keys = {}
        asis = []
        lines_in = 0
        lo, hi = 1, 65535
        for i, f in enumerate(self.frames):
            reason, off, ln = parse_frame(f)
            if reason:
                drops[reason] = drops.get(reason, 0) + 1
                continue
            payload = f[off:off + ln]
            lines = split_lines(payload)
            idxs = []
            all_valid = bool(lines)
            for line in lines:
                lines_in += 1
                r, key = classify_line(line, max_payload)
                if r == 'line_too_long':
                    hi = min(hi, len(line) - 1)
                else:
                    # This line keeps its verdict for any max-payload that still lets it through
                    # unchanged: alone and unterminated it needs len, else len + its LF.
                    lo = max(lo, len(line) if i in self.singles else len(line) + 1)
                if r:
                    drops[r] = drops.get(r, 0) + 1
                    all_valid = False
                    continue
                e = {'key': keys.setdefault(key, len(keys))}
                if all(0x20 <= b < 0x7f for b in line):
                    e['line'] = line.decode('ascii')
                else:
                    e['line_b64'] = base64.b64encode(line).decode('ascii')
                idxs.append(len(valid))
                valid.append(e)
            if all_valid:
                asis.append([i, off, ln, idxs])
        if not lo <= max_payload <= hi:
            raise AssertionError('%s: max-payload %d outside its own range %d..%d'
                                 % (self.name, max_payload, lo, hi))
        return {
            'SPDX-License-Identifier': 'BSD-3-Clause',
            'pcap': self.name + '.pcap',
            'max_payload': max_payload,
            'max_payload_range': [lo, hi],
            'frames_in': len(self.frames),
            'lines_in': lines_in,
            'drops': dict(sorted(drops.items())),
            'require_coalescing': require_coalescing,
            'keys': list(keys),
            'valid_lines': valid,
            'asis': asis,
        }


def write_expect(path, exp):
    """Deterministic JSON, one list element per line (diffable)."""
    items = []
    for k in sorted(exp):
        v = exp[k]
        if k in ('keys', 'valid_lines', 'asis') and v:
            inner = ',\n'.join('  ' + json.dumps(e, sort_keys=True, ensure_ascii=False,
                                                 separators=(',', ':')) for e in v)
            items.append(' %s: [\n%s\n ]' % (json.dumps(k), inner))
        else:
            items.append(' %s: %s' % (json.dumps(k), json.dumps(v, sort_keys=True, ensure_ascii=False)))
    with open(path, 'w', encoding='utf-8') as fh:
        fh.write('{\n' + ',\n'.join(items) + '\n}\n')


# ----------------------------------------------------------------------------------------------
# Foreign frames: one maker per kind, each returning (frame bytes, intended verdict, note)
# ----------------------------------------------------------------------------------------------

def _ok_payload(rng):
    return b'foreign.probe:%d|c\n' % rng.randint(1, 99)


def _client(rng):
    ip = '198.18.0.%d' % rng.randint(10, 200)
    return ip, rng.randint(32768, 60999)


def f_truncated_eth(rng):
    ip, sp = _client(rng)
    n = rng.choice([6, 10, 13])
    return statsd_frame(_ok_payload(rng), ip, sp)[:n], 'frame_truncated', 'cut to %d bytes, inside the Ethernet header' % n


def f_truncated_vlan(rng):
    ip, sp = _client(rng)
    return statsd_frame(_ok_payload(rng), ip, sp, vlan=7)[:16], 'frame_truncated', '802.1Q frame cut inside the tag'


def f_truncated_ip(rng):
    ip, sp = _client(rng)
    n = 14 + rng.choice([0, 1, 9, 19])
    return statsd_frame(_ok_payload(rng), ip, sp)[:n], 'frame_truncated', 'cut to %d bytes, inside the IPv4 header' % n


def f_other_mac(rng):
    ip, sp = _client(rng)
    mac = rng.choice(['02:00:00:00:99:99', '00:11:22:33:44:55', '02:70:63:61:70:01'])
    return statsd_frame(_ok_payload(rng), ip, sp, dst_mac=mac), 'frame_other_mac', 'StatsD to unicast %s' % mac


def f_arp(rng):
    ip, _ = _client(rng)
    target = '198.18.0.%d' % rng.randint(2, 250)
    if target == LISTEN_IP:
        target = '198.18.0.2'
    b = Ether(src=client_mac(ip), dst=BCAST_MAC) / ARP(op=1, hwsrc=client_mac(ip), psrc=ip,
                                                      hwdst='00:00:00:00:00:00', pdst=target)
    return bytes(b), 'frame_other_ethertype', 'ARP who-has %s tell %s (broadcast)' % (target, ip)


def f_ipv6_udp(rng):
    _, sp = _client(rng)
    b = Ether(src='02:00:00:00:66:01', dst=PORT_MAC) / IPv6(src='2001:db8::10', dst='2001:db8::1') / \
        UDP(sport=sp, dport=LISTEN_PORT) / Raw(_ok_payload(rng))
    return bytes(b), 'frame_other_ethertype', 'StatsD over IPv6'


def f_ipv6_ns(rng):
    b = Ether(src='02:00:00:00:66:02', dst='33:33:ff:00:00:01') / \
        IPv6(src='fe80::2', dst='ff02::1:ff00:1', hlim=255) / ICMPv6ND_NS(tgt='2001:db8::1')
    return bytes(b), 'frame_other_ethertype', 'IPv6 neighbour solicitation (multicast MAC)'


def f_lldp_like(rng):
    b = Ether(src='02:00:00:00:77:01', dst='01:80:c2:00:00:0e', type=0x88cc) / Raw(bytes(46))
    return bytes(b), 'frame_other_ethertype', 'ethertype 0x88cc (LLDP) to a multicast MAC'


def f_qinq(rng):
    ip, sp = _client(rng)
    b = Ether(src=client_mac(ip), dst=PORT_MAC) / Dot1Q(vlan=100) / Dot1Q(vlan=200) / \
        IP(src=ip, dst=LISTEN_IP) / UDP(sport=sp, dport=LISTEN_PORT) / Raw(_ok_payload(rng))
    return bytes(b), 'frame_other_ethertype', 'two 802.1Q tags (only one is skipped)'


def f_vlan_arp(rng):
    ip, _ = _client(rng)
    b = Ether(src=client_mac(ip), dst=BCAST_MAC) / Dot1Q(vlan=10) / \
        ARP(op=1, hwsrc=client_mac(ip), psrc=ip, hwdst='00:00:00:00:00:00', pdst='198.18.0.77')
    return bytes(b), 'frame_other_ethertype', '802.1Q-tagged ARP request for another host'


def _patch_ip(b, off, pos, value, fmt='!B'):
    b = bytearray(b)
    struct.pack_into(fmt, b, off + pos, value)
    fix_ip_csum(b, off)
    return bytes(b)


def f_ip_version6(rng):
    ip, sp = _client(rng)
    b = statsd_frame(_ok_payload(rng), ip, sp)
    return _patch_ip(b, 14, 0, 0x65), 'frame_bad_ip_header', 'ethertype IPv4, version nibble 6'


def f_ip_ihl4(rng):
    ip, sp = _client(rng)
    b = statsd_frame(_ok_payload(rng), ip, sp)
    return _patch_ip(b, 14, 0, 0x44), 'frame_bad_ip_header', 'IHL 4'


def f_ip_totlen_small(rng):
    ip, sp = _client(rng)
    b = statsd_frame(_ok_payload(rng), ip, sp)
    return _patch_ip(b, 14, 2, 19, '!H'), 'frame_bad_ip_header', 'total length 19 < header length'


def f_ip_totlen_big(rng):
    ip, sp = _client(rng)
    b = statsd_frame(_ok_payload(rng), ip, sp)
    tot = _u16(b, 16)
    return _patch_ip(b, 14, 2, tot + 40, '!H'), 'frame_bad_ip_header', 'total length 40 bytes past the frame'


def f_ip_snapped(rng):
    ip, sp = _client(rng)
    payload = b''.join(b'snap.metric.%d:%d|c\n' % (i, i) for i in range(20))
    b = statsd_frame(payload, ip, sp)
    return b[:200], 'frame_bad_ip_header', 'StatsD frame of %d bytes captured to 200 (total length > captured)' % len(b)


def f_ip_bad_csum(rng):
    ip, sp = _client(rng)
    b = bytearray(statsd_frame(_ok_payload(rng), ip, sp, ip_id=rng.randint(1, 65535)))
    b[24] ^= 0x5a
    return bytes(b), 'frame_bad_ip_checksum', 'IPv4 header checksum off'


def f_ip_bad_csum_vlan(rng):
    ip, sp = _client(rng)
    b = bytearray(statsd_frame(_ok_payload(rng), ip, sp, vlan=10))
    b[18 + 11] ^= 0x01
    return bytes(b), 'frame_bad_ip_checksum', '802.1Q-tagged, IPv4 header checksum off by one bit'


def _fragments(rng):
    ip, sp = _client(rng)
    payload = b''.join(b'frag.metric.%02d:%d|ms\n' % (i, i) for i in range(12))
    whole = IP(src=ip, dst=LISTEN_IP, id=rng.randint(1, 65535)) / UDP(sport=sp, dport=LISTEN_PORT) / Raw(payload)
    raw = bytes(whole)
    ipid = _u16(raw, 4)
    l4 = raw[20:]
    first = IP(src=ip, dst=LISTEN_IP, id=ipid, flags='MF', frag=0, proto=17) / Raw(l4[:104])
    second = IP(src=ip, dst=LISTEN_IP, id=ipid, flags=0, frag=13, proto=17) / Raw(l4[104:])
    eth = Ether(src=client_mac(ip), dst=PORT_MAC)
    return bytes(eth / first), bytes(eth / second)


def f_frag_first(rng):
    return _fragments(rng)[0], 'frame_ip_fragment', 'first fragment (MF, offset 0) of a StatsD datagram'


def f_frag_last(rng):
    return _fragments(rng)[1], 'frame_ip_fragment', 'last fragment (offset 104) of a StatsD datagram'


def f_tcp(rng):
    ip, sp = _client(rng)
    b = Ether(src=client_mac(ip), dst=PORT_MAC) / IP(src=ip, dst=LISTEN_IP, flags='DF') / \
        TCP(sport=sp, dport=LISTEN_PORT, flags='PA', seq=1000, ack=1) / Raw(b'tcp.metric:1|c\n')
    return bytes(b), 'frame_other_protocol', 'TCP to port 8125 carrying a StatsD line'


def f_icmp(rng):
    ip, _ = _client(rng)
    b = Ether(src=client_mac(ip), dst=PORT_MAC) / IP(src=ip, dst=LISTEN_IP) / \
        ICMP(type=8, id=rng.randint(1, 65535), seq=1) / Raw(b'ping' * 8)
    return bytes(b), 'frame_other_protocol', 'ICMP echo request to the relay'


def f_igmp_like(rng):
    ip, _ = _client(rng)
    b = Ether(src=client_mac(ip), dst=PORT_MAC) / IP(src=ip, dst=LISTEN_IP, proto=2, ttl=1) / \
        Raw(b'\x16\x00\xfa\x04\xe0\x00\x00\xfb')
    return bytes(b), 'frame_other_protocol', 'IP protocol 2 (IGMP-shaped)'


def f_other_address(rng):
    ip, sp = _client(rng)
    dst = rng.choice(['198.18.0.2', '198.18.1.1', '10.0.0.1'])
    return statsd_frame(_ok_payload(rng), ip, sp, dst_ip=dst), 'frame_other_address', 'StatsD to %s:8125' % dst


def f_other_address_bcast(rng):
    ip, sp = _client(rng)
    b = statsd_frame(_ok_payload(rng), ip, sp, dst_ip='255.255.255.255', dst_mac=BCAST_MAC)
    return b, 'frame_other_address', 'StatsD to 255.255.255.255:8125 (broadcast MAC)'


def f_other_port(rng):
    ip, sp = _client(rng)
    port = rng.choice([8126, 53, 8124, 18125])
    return statsd_frame(_ok_payload(rng), ip, sp, dport=port), 'frame_other_port', 'StatsD to 198.18.0.1:%d' % port


def _patch_udp_len(b, ulen):
    b = bytearray(b)
    off = ip_offset(b)
    u = off + (b[off] & 15) * 4
    struct.pack_into('!HH', b, u + 4, ulen, 0)     # checksum 0: only the length is wrong
    return bytes(b)


def f_udp_len_small(rng):
    ip, sp = _client(rng)
    ulen = rng.choice([0, 4, 7])
    return _patch_udp_len(statsd_frame(_ok_payload(rng), ip, sp), ulen), 'frame_bad_udp_length', \
        'UDP length %d (< 8), checksum 0' % ulen


def f_udp_len_big(rng):
    ip, sp = _client(rng)
    p = _ok_payload(rng)
    return _patch_udp_len(statsd_frame(p, ip, sp), 8 + len(p) + 1), 'frame_bad_udp_length', \
        'UDP length one past the IP payload, checksum 0'


def f_udp_bad_csum(rng):
    ip, sp = _client(rng)
    b = bytearray(statsd_frame(_ok_payload(rng), ip, sp))
    c = _u16(b, 40)
    c2 = c ^ (1 << rng.randint(0, 15))
    if c2 == 0:
        c2 = 0x1234
    struct.pack_into('!H', b, 40, c2)
    return bytes(b), 'frame_bad_udp_checksum', 'UDP checksum 0x%04x, should be 0x%04x' % (c2, c)


def f_udp_bad_csum_payload(rng):
    ip, sp = _client(rng)
    b = bytearray(statsd_frame(b'corrupted.in.flight:1|c\n', ip, sp))
    b[42 + 3] ^= 0x20                                  # one payload bit flipped after checksumming
    return bytes(b), 'frame_bad_udp_checksum', 'payload bit flipped after the checksum was computed'


FOREIGN_MAKERS = [
    f_truncated_eth, f_truncated_vlan, f_truncated_ip, f_other_mac, f_arp,
    f_ipv6_udp, f_ipv6_ns, f_lldp_like, f_qinq, f_vlan_arp, f_ip_version6, f_ip_ihl4,
    f_ip_totlen_small, f_ip_totlen_big, f_ip_snapped, f_ip_bad_csum, f_ip_bad_csum_vlan,
    f_frag_first, f_frag_last, f_tcp, f_icmp, f_igmp_like, f_other_address, f_other_address_bcast,
    f_other_port, f_udp_len_small, f_udp_len_big, f_udp_bad_csum, f_udp_bad_csum_payload,
]


def payload_with_udp_csum_ffff(prefix, suffix, src_ip, sport):
    """A payload prefix+XXXXXXXX+suffix (X alphanumeric) whose UDP checksum computes to 0, so it
    travels as 0xffff. Eight free bytes, four in each byte lane, reach every residue."""
    src, dst = ip_aton(src_ip), ip_aton(LISTEN_IP)
    alphabet = b'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
    rng = random.Random(0xFFFF)
    for _ in range(5000000):
        p = prefix + bytes(rng.choice(alphabet) for _ in range(8)) + suffix
        udp = struct.pack('!HHHH', sport, LISTEN_PORT, 8 + len(p), 0) + p
        if inet_sum(src + dst + struct.pack('!BBH', 0, 17, len(udp)) + udp) == 0xffff:
            return p
    raise AssertionError('no payload found')


# ----------------------------------------------------------------------------------------------
# Fixture: foreign.pcap
# ----------------------------------------------------------------------------------------------

def gen_foreign():
    rng = random.Random(0xF0)
    fx = Fixture('foreign')
    for maker in FOREIGN_MAKERS:
        for _ in range(2 if maker in (f_arp, f_other_mac, f_udp_bad_csum, f_other_port) else 1):
            b, want, note = maker(rng)
            fx.add(b, want, note)

    def ok(lines, note, **kw):
        fx.add_datagram([ln.encode() for ln in lines], [None] * len(lines), note, **kw)

    ok(['vlan.tagged:1|c'], '802.1Q tag (VLAN 10) around a valid datagram', vlan=10,
       src_ip='198.18.0.11')
    ok(['vlan.zero:1|c', 'vlan.zero.gauge:3|g'], 'priority tag (VLAN 0), two lines', vlan=0,
       src_ip='198.18.0.12')
    ok(['ipopt.router_alert:1|c'], 'IPv4 option Router Alert (IHL 6)',
       ip_opts=[IPOption_Router_Alert()], src_ip='198.18.0.13')
    ok(['ipopt.nops:2|c'], 'IPv4 options: 39 NOPs + EOL (IHL 15)',
       ip_opts=[IPOption_NOP()] * 39 + [IPOption_EOL()], src_ip='198.18.0.14')
    ok(['ipopt.vlan:3|c'], '802.1Q and IPv4 Router Alert together', vlan=20,
       ip_opts=[IPOption_Router_Alert()], src_ip='198.18.0.15')
    ok(['zero.csum:1|c', 'zero.csum.t:12|ms'], 'UDP checksum 0 (none)', udp_csum='zero',
       src_ip='198.18.0.16')
    ok(['bcast.mac:1|c'], 'broadcast destination MAC', dst_mac=BCAST_MAC, src_ip='198.18.0.17')
    ok(['mcast.mac:1|c'], 'multicast destination MAC 01:00:5e:00:00:01',
       dst_mac='01:00:5e:00:00:01', src_ip='198.18.0.18')
    ok(['df.set:1|c'], 'DF set (not a fragment)', df=True, src_ip='198.18.0.19')
    ok(['tos.ttl:1|c'], 'TOS 0xb8, TTL 1', tos=0xb8, ttl=1, src_ip='198.18.0.20')
    fx.add_datagram([b'pad.zero:1|c'], [None], 'datagram of 12 bytes, padded with zeros to 60', final=False,
                    pad_to=60, src_ip='198.18.0.21')
    fx.add_datagram([b'p:1|c'], [None], 'datagram of 6 bytes, padded to 60 with "\\nghost:1|c\\n\\0"',
                    trailer=b'\nghost:1|c\n', pad_to=60, src_ip='198.18.0.22')
    assert len(fx.frames[-1]) == 60
    # Valid checksum that computes to 0 and so travels as 0xffff.
    p = payload_with_udp_csum_ffff(b'users.csum:', b'|s\n', '198.18.0.23', 41000)
    b = statsd_frame(p, '198.18.0.23', 41000)
    assert _u16(b, 40) == 0xffff, hex(_u16(b, 40))
    fx.add(b, None, 'UDP checksum field 0xffff (computed 0): valid')
    # UDP length shorter than the IP payload: the bytes past the UDP length are not payload.
    for csum in ('zero', 'ok'):
        inner = b'udp.short.%s:1|c\n' % csum.encode()
        b = bytearray(statsd_frame(inner + b'ghost.past.udp.length:1|c\n', '198.18.0.24', 41001,
                                   udp_csum='zero'))
        struct.pack_into('!H', b, 38, 8 + len(inner))
        if csum == 'ok':
            udp = bytes(b[34:42 + len(inner)])
            s = inet_sum(ip_aton('198.18.0.24') + ip_aton(LISTEN_IP) + struct.pack('!BBH', 0, 17, len(udp)) + udp)
            struct.pack_into('!H', b, 40, (0xffff - s) or 0xffff)
        fx.add(b, None, 'UDP length < IP payload, checksum %s: only %d payload bytes count' % (csum, len(inner)))
    return fx


# ----------------------------------------------------------------------------------------------
# Fixture: lines.pcap
# ----------------------------------------------------------------------------------------------

VALID_FORMS = [
    b'plain.counter:1|c', b'counter.neg:-1|c', b'counter.plus:+4|c', b'counter.float:0.5|c',
    b'counter.exp:1e3|c', b'counter.big:12345678901|c',
    b'gauge.plain:42|g', b'gauge.neg:-3|g', b'gauge.plus:+4|g', b'gauge.float:+1.5|g',
    b'gauge.exp:1.5E-2|g', b'gauge.exp2:2e+3|g', b'gauge.zero:0|g',
    b'timer.ms:12.5|ms', b'timer.zero:0|ms', b'hist.h:250|h', b'dist.d:19.99|d', b'dist.exp:3E2|d',
    b'users:alice|s', b'users:u-123.x@example.org|s', b'users:123|s', b'users:bob|s',
    b'rate.counter:1|c|@0.1', b'rate.timer:32|ms|@0.25', b'rate.tags:1|c|@0.5|#env:prod,region:eu',
    b'dd.tags:1|c|#env:prod,region:eu-west-1', b'dd.notvalue:1|c|#canary', b'dd.empty:1|c|#canary:',
    b'influx.tags,env=prod,region=eu:1|c', b'mixed.tags,env=prod:1|c|#region:eu',
    b'multi.value:1|c:2|ms:3|g', b'multi.value.tags,host=a:1|c:2|c|#env:prod', b'multi.value2:1|ms:2|h:3|g',
    b'multi.value2.tags,host=b:1|g:-2|g|#env:prod',
    b'container.id:1|c|#env:prod|c:4f0d1e2a', b'container.only:5|g|c:abc123', b'container.rate:3|ms|@0.5|c:deadbeef',
    b'rate.ignored:1|c|@abc', b'rate.ignored2:5|ms|@0.5x',
    b'space in name:1|c', b'under_score-dash/slash:1|c', b'x:1|c', b'y:0|g',
    'temp.°C:21.5|g'.encode(), 'city.latency,city=München:12|ms'.encode(), 'deploy.🚀:1|c'.encode(),
    'users.名前:たなか|s'.encode(), 'dd.utf8:1|c|#unit:µs,name:Zoë'.encode(),
    b'graphite.style.web-01.cpu.load:0.75|g', b'tilde~and!bang:1|c',
    b'users:alice smith|s', b'users:a#b|s', b'rate.empty:1|c|@',
    b'tags.64:1|c|#' + b','.join(b't%02d:v' % i for i in range(64)),
    b'tags.64.mixed' + b''.join(b',i%02d=v' % i for i in range(30)) + b':1|g|#' +
    b','.join(b'd%02d:v' % i for i in range(34)),
]

REJECT_FORMS = [
    # (line, reason)
    (b'ctl.nul:1\x00|c', 'line_control_char'), (b'ctl\x00nul:1|c', 'line_control_char'),
    (b'ctl.tab\t:1|c', 'line_control_char'), (b'ctl.tab:1|c|#env:\tprod', 'line_control_char'),
    (b'\x1b[31mctl.esc:1|c', 'line_control_char'), (b'ctl.del:1|c\x7f', 'line_control_char'),
    (b'ctl.cr\rinside:1|c', 'line_control_char'), (b'\x01ctl.soh:1|c', 'line_control_char'),
    (b'utf8.ff\xff:1|c', 'line_bad_utf8'), (b'utf8.trunc\xc3:1|c', 'line_bad_utf8'),
    (b'utf8.cont\x80:1|c', 'line_bad_utf8'), (b'utf8.overlong\xc0\xaf:1|c', 'line_bad_utf8'),
    (b'utf8.surrogate\xed\xa0\x80:1|c', 'line_bad_utf8'), (b'utf8.f5\xf5\x80\x80\x80:1|c', 'line_bad_utf8'),
    (b'utf8.tag:1|c|#unit:\xb5s', 'line_bad_utf8'), (b'users:\xe9lise|s', 'line_bad_utf8'),
    (b'utf8.end:1|c\xe2\x82', 'line_bad_utf8'),
    (b'format.nocolon', 'line_bad_format'), (b'format.notype:1', 'line_bad_format'),
    (b'format.pipe|c', 'line_bad_format'), (b'format.second:1|c:2', 'line_bad_format'),
    (b'format spaces 1 c', 'line_bad_format'), (b'format.eq=1|c', 'line_bad_format'),
    (b':1|c', 'line_bad_name'), (b',env=prod:1|c', 'line_bad_name'), (b':5|g|#env:prod', 'line_bad_name'),
    (b'type.x:1|x', 'line_unknown_type'), (b'type.upper:1|C', 'line_unknown_type'),
    (b'type.word:1|counter', 'line_unknown_type'), (b'type.m:1|m', 'line_unknown_type'),
    (b'type.mss:1|mss', 'line_unknown_type'), (b'type.second:1|c:2|zz', 'line_unknown_type'),
    (b'type.tags:1|timer|#env:prod', 'line_unknown_type'),
    (b'value.word:abc|c', 'line_bad_value'), (b'value.dots:1.2.3|g', 'line_bad_value'),
    (b'value.empty:|c', 'line_bad_value'), (b'value.empty.ms:|ms', 'line_bad_value'),
    (b'value.neg.ms:-5|ms', 'line_bad_value'), (b'value.plus.h:+1|h', 'line_bad_value'),
    (b'value.neg.d:-2.5|d', 'line_bad_value'), (b'value.sign.set:-alice|s', 'line_bad_value'),
    (b'value.unit:12ms|ms', 'line_bad_value'), (b'value.double.sign:--1|g', 'line_bad_value'),
    (b'value.exp.cut:1e|g', 'line_bad_value'), (b'value.lead.space: 1|c', 'line_bad_value'),
    (b'value.trail.space:1 |c', 'line_bad_value'), (b'value.second:1|g:x|g', 'line_bad_value'),
    (b'container.bad:1|c:abc', 'line_bad_format'),
    (b'value.sign.only:-|c', 'line_bad_value'),
    (b'tags.65:1|c|#' + b','.join(b't%02d:v' % i for i in range(65)), 'line_too_many_tags'),
    (b'tags.65.mixed' + b''.join(b',i%02d=v' % i for i in range(40)) + b':1|c|#' +
     b','.join(b'd%02d:v' % i for i in range(25)), 'line_too_many_tags'),
    # Order of the checks: the first failure wins.
    (b'order.long.ctl\x00:' + b'1' * 1420 + b'|g', 'line_too_long'),
    (b'order.ctl.utf8\xff\x01:1|c', 'line_control_char'),
    (b'order.utf8.format\xff', 'line_bad_utf8'),
    (b':1', 'line_bad_format'),
    (b':1|x', 'line_bad_name'),
    (b'order.type.value:abc|zz', 'line_unknown_type'),
]


def sized_line(n, name=b'exact.len'):
    """A valid set line of exactly n bytes."""
    fill = n - len(name) - 3
    assert fill > 0
    line = name + b':' + (b'0123456789abcdefghijklmnopqrstuvwxyz' * 64)[:fill] + b'|s'
    assert len(line) == n
    return line


def gen_lines():
    fx = Fixture('lines')
    n = [0]

    def src():
        n[0] += 1
        return dict(src_ip='198.18.0.%d' % (10 + n[0] % 190), sport=42000 + n[0])

    # Every valid form alone, terminated.
    for ln in VALID_FORMS:
        fx.add_datagram([ln], [None], 'valid: %r' % ln, **src())
    # Every reject alone, terminated.
    for ln, r in REJECT_FORMS:
        fx.add_datagram([ln], [r], '%s: %r' % (r, ln[:60]), **src())
    # Mixed datagrams: rejects between valid lines, valid lines must still be forwarded.
    rejects = [ln for ln, _ in REJECT_FORMS if len(ln) < 200]
    reasons = {ln: r for ln, r in REJECT_FORMS}
    for i in range(0, len(rejects), 4):
        lines, wants = [], []
        for j, rj in enumerate(rejects[i:i + 4]):
            v = VALID_FORMS[(i + j) % len(VALID_FORMS)]
            lines += [v, rj]
            wants += [None, reasons[rj]]
        lines.append(VALID_FORMS[(i + 7) % len(VALID_FORMS)])
        wants.append(None)
        fx.add_datagram(lines, wants, 'mixed valid and rejected lines', **src())
    # A valid line after a NUL-bearing one and after a 0xff one (no C-string handling).
    fx.add_datagram([b'nul.before\x00x:1|c', b'after.nul:1|c'], ['line_control_char', None],
                    'valid line after a NUL line', **src())
    fx.add_datagram([b'\xff\xfe\xfd', b'after.ff:1|c'], ['line_bad_utf8', None],
                    'valid line after 0xff bytes', **src())
    # All valid forms in one datagram (mixed shards), CRLF-terminated, then LF, no final newline.
    half = len(VALID_FORMS) // 2
    fx.add_datagram(VALID_FORMS[:half], [None] * half, 'all valid forms 1/2, CRLF', term=b'\r\n', **src())
    fx.add_datagram(VALID_FORMS[half:], [None] * (len(VALID_FORMS) - half),
                    'all valid forms 2/2, no final newline', final=False, **src())
    # Lines at the very end without a newline.
    fx.add_datagram([b'end.a:1|c', b'end.b:2|c'], [None, None], 'last line unterminated', final=False, **src())
    fx.add_datagram([b'end.c:1|c', b'end.bad:1|x'], [None, 'line_unknown_type'],
                    'unterminated reject at the end', final=False, **src())
    fx.add_datagram([b'end.alone:1|c'], [None], 'single unterminated line', final=False, **src())
    fx.add_datagram([b'end.crlf:1|c'], [None], 'single line, CRLF', term=b'\r\n', **src())
    fx.add_datagram([b'end.cr.only:1|c\r'], [None], 'single line ending in CR, no LF', final=False, **src())
    # Empty lines, CR-only lines and a CR CR LF ending.
    p = b'\n\nempty.around:1|c\n\n\r\nempty.between:2|c\n\r\n\n'
    fx.add(statsd_frame(p, **src()), None, 'empty and CR-only lines around two valid lines')
    p = b'crcr.end:1|c\r\r\nafter.crcr:1|c\n'
    fx.add(statsd_frame(p, **src()), None, 'line ending CR CR LF (one CR stays: control char)')
    p = b'\r\r\n'
    fx.add(statsd_frame(p, **src()), None, 'datagram CR CR LF: one line "\\r" (control char)')
    # 1-byte payloads.
    fx.add(statsd_frame(b'x', **src()), None, '1-byte payload "x" (bad format)')
    fx.add(statsd_frame(b'\n', **src()), None, '1-byte payload "\\n" (no line at all)')
    # Lengths around both max-payloads used by the cases (512 and 1432).
    for length, final in ((511, True), (512, False), (513, False), (1431, True), (1432, False)):
        ln = sized_line(length, b'len.%d' % length)
        fx.add_datagram([ln], [None], 'line of exactly %d bytes%s' % (length, '' if final else ', unterminated'),
                        final=final, **src())
    fx.add_datagram([sized_line(511, b'len.511.pair'), b'pair.short:1|c'], [None, None],
                    '511-byte line + short line', **src())
    fx.add_datagram([sized_line(1431, b'len.1431.pair'), b'pair.short2:1|c'], [None, None],
                    '1431-byte line + short line', **src())
    fx.add_datagram([sized_line(1433, b'len.1433')], ['line_too_long'], 'line of 1433 bytes', **src())
    fx.add_datagram([sized_line(1460, b'len.1460')], ['line_too_long'], 'line of 1460 bytes, unterminated',
                    final=False, **src())
    fx.add_datagram([sized_line(1440, b'len.1440.crlf')], ['line_too_long'], 'line of 1440 bytes + CRLF',
                    term=b'\r\n', **src())
    fx.add_datagram([b'before.long:1|c', sized_line(1433, b'len.1433.mid'), b'after.long:1|c'],
                    [None, 'line_too_long', None], 'too-long line between two valid ones', **src())
    # One series filling a datagram: exactly max-payload bytes (forwarded as it is), and
    # 1460 bytes (too big to forward as it is: its lines must be split over two packets).
    for size in (1432, 1460):
        body = b''
        k = 0
        while len(body) + 60 < size:
            body += b'one.series.fill,host=a:%d|c\n' % k
            k += 1
        last = b'one.series.fill,host=a:'
        body += last + b'x' * (size - len(body) - len(last) - 3) + b'|s\n'
        assert len(body) == size, (len(body), size)
        lines = body[:-1].split(b'\n')
        fx.add_datagram(lines, [None] * len(lines), 'one series, %d lines, datagram of %d bytes'
                        % (len(lines), size), **src())
    # 1432 bytes + CR + LF: the CR is not part of the line, so it is exactly max-payload long;
    # datagram 1434 bytes does not fit, and the line + LF would not either: left out (ambiguous).
    return fx


# ----------------------------------------------------------------------------------------------
# Fixture: demo.pcap
# ----------------------------------------------------------------------------------------------

def demo_catalog():
    """~130 series of a small service fleet: (name, [(tag, value)...], type)."""
    cat = []
    routes = {
        'checkout': ['/api/v1/checkout', '/api/v1/checkout/{id}'],
        'cart': ['/api/v1/cart', '/api/v1/cart/items'],
        'search': ['/api/v1/search'],
        'auth': ['/oauth/token', '/api/v1/session'],
    }
    for svc, rs in routes.items():
        for route in rs:
            for method in ('GET', 'POST'):
                for status in ('200', '500'):
                    tags = [('service', svc), ('route', route), ('method', method), ('status', status)]
                    cat.append(('http.request.duration', tags, 'ms'))
                    if status == '200':
                        cat.append(('http.requests', tags, 'c'))
                    else:
                        cat.append(('http.errors', tags + [('canary', 'true')] if svc == 'cart' else tags, 'c'))
    for svc in routes:
        cat.append(('http.response.size', [('service', svc)], 'h'))
    for db in ('orders', 'users'):
        for op in ('select', 'insert', 'update'):
            for table in ('items', 'accounts'):
                cat.append(('db.query.duration', [('db', db), ('op', op), ('table', table)], 'h'))
    for cache in ('sessions', 'catalog'):
        for host in ('web-01', 'web-02', 'web-03'):
            cat.append(('cache.hits', [('cache', cache), ('host', host)], 'c'))
            cat.append(('cache.misses', [('cache', cache), ('host', host)], 'c'))
    for q in ('emails', 'invoices', 'thumbnails'):
        cat.append(('queue.depth', [('queue', q)], 'g'))
        cat.append(('worker.jobs', [('queue', q), ('status', 'ok')], 'c'))
        cat.append(('worker.jobs', [('queue', q), ('status', 'failed')], 'c'))
        cat.append(('worker.job.duration', [('queue', q)], 'd'))
    for host in ('web-01', 'web-02', 'web-03', 'api-01', 'api-02', 'batch-01'):
        cat.append(('jvm.heap.used', [('host', host), ('env', 'prod')], 'g'))
        cat.append(('stats.%s.cpu.load' % host, [], 'g'))
    for svc in ('checkout', 'search', 'auth'):
        cat.append(('users.active', [('service', svc)], 's'))
    for cur in ('EUR', 'USD', 'GBP', 'JPY'):
        cat.append(('payments.amount', [('currency', cur), ('provider', 'stripe')], 'd'))
    for topic in ('orders', 'clicks'):
        for part in range(4):
            cat.append(('kafka.consumer.lag', [('topic', topic), ('partition', str(part)),
                                               ('group', 'etl')], 'g'))
    for rack in ('a1', 'a2', 'b1'):
        cat.append(('temp.°C', [('rack', rack), ('dc', 'fra')], 'g'))
    cat.append(('build.info', [('version', '2.4.1'), ('commit', 'a1b2c3d')], 'g'))
    cat.append(('request.size', [], 'h'))
    cat.append(('logins', [('method', 'sso'), ('region', 'eu-west-1')], 'c'))
    return cat


def demo_value(rng, mtype):
    r = rng.random()
    if mtype == 'c':
        if r < 0.75:
            return '1'
        if r < 0.9:
            return str(rng.randint(2, 50))
        return rng.choice(['-1', '+3', '0.5', '1e2'])
    if mtype == 'g':
        if r < 0.7:
            return '%.2f' % rng.uniform(0, 5000)
        if r < 0.9:
            return rng.choice(['+', '-']) + str(rng.randint(1, 20))
        return rng.choice(['1e3', '2.5E-1', '0', '-0.5'])
    if mtype == 'ms':
        return '%.3f' % rng.lognormvariate(3, 1) if r < 0.8 else str(rng.randint(0, 900))
    if mtype == 'h':
        return str(rng.randint(0, 100000))
    if mtype == 'd':
        return '%.2f' % rng.uniform(0.5, 500) if r < 0.9 else '3e1'
    if mtype == 's':
        return rng.choice(['u%d' % rng.randint(1000, 1200), 'alice', 'bob', 'carol', 'svc-42',
                           'dave@example.org'])
    raise ValueError(mtype)


def render(rng, name, tags, mtype, values, rate=None, style=None, decoy=False):
    """Render one line of a series, tag order shuffled, tags split between both styles."""
    tags = list(tags)
    rng.shuffle(tags)
    style = style or rng.choice(['influx', 'dd', 'mixed', 'dd'])
    if not tags:
        style = 'none'
    if style == 'influx':
        inf, dd = tags, []
    elif style == 'dd':
        inf, dd = [], tags
    elif style == 'mixed':
        cut = rng.randint(0, len(tags))
        inf, dd = tags[:cut], tags[cut:]
    else:
        inf, dd = [], []
    inf = [(k, v) for k, v in inf]
    dd = [(k, v) for k, v in dd]
    if decoy and tags:
        # A repeated key that must lose: an earlier influx value, or any influx value when the
        # datadog tags carry the key, or an earlier datadog value.
        k, v = rng.choice(tags)
        fake = 'decoy%d' % rng.randint(0, 9)
        if any(k == x for x, _ in dd):
            if rng.random() < 0.5:
                inf.insert(rng.randint(0, len(inf)), (k, fake))
            else:
                dd.insert([x for x, _ in dd].index(k), (k, fake))
        else:
            inf.insert([x for x, _ in inf].index(k), (k, fake))
    s = name + ''.join(',%s=%s' % kv for kv in inf) + ':' + ':'.join('%s|%s' % (v, mtype) for v in values)
    if rate:
        s += '|@' + rate
    if dd:
        parts = []
        for k, v in dd:
            if v == 'true':
                parts.append(rng.choice([k, k + ':', k + ':true']))
            else:
                parts.append('%s:%s' % (k, v))
        s += '|#' + ','.join(parts)
    return s.encode('utf-8')


def demo_line(rng, series):
    name, tags, mtype = series
    nvals = 2 if rng.random() < 0.03 else 1
    values = [demo_value(rng, mtype) for _ in range(nvals)]
    rate = rng.choice(['0.1', '0.5', '0.25']) if mtype in ('c', 'ms') and rng.random() < 0.2 else None
    return render(rng, name, tags, mtype, values, rate, decoy=rng.random() < 0.02)


def insert_at(line, pos, junk):
    return line[:pos] + junk + line[pos:]


def demo_reject(rng, series):
    """A line with exactly one fault: (line, reason)."""
    name, tags, mtype = series
    base = render(rng, name, tags, mtype, [demo_value(rng, mtype)])
    reason = rng.choice(['line_control_char', 'line_bad_utf8', 'line_bad_format', 'line_bad_name',
                         'line_unknown_type', 'line_bad_value', 'line_too_long'])
    nlen = len(name.encode())
    if reason == 'line_control_char':
        junk = rng.choice([b'\x00', b'\t', b'\x1b', b'\x7f', b'\x01', b'\r', b'\x0b'])
        line = insert_at(base, rng.randint(1, len(base) - 1), junk)
    elif reason == 'line_bad_utf8':
        junk = rng.choice([b'\xff', b'\xc3', b'\xe2\x82', b'\x80', b'\xc0\xaf', b'\xed\xa0\x80', b'\xfe'])
        line = insert_at(base, rng.randint(1, nlen), junk)
    elif reason == 'line_bad_format':
        line = rng.choice([name.encode(), name.encode() + b':' + demo_value(rng, mtype).encode(),
                           name.encode() + b' 1 c', base.split(b'|')[0]])
    elif reason == 'line_bad_name':
        line = base[nlen:] if base[nlen:nlen + 1] in (b':', b',') else b':1|c'
    elif reason == 'line_unknown_type':
        t = rng.choice([b'x', b'C', b'timer', b'gauge', b'G', b'mss', b'hh'])
        line = name.encode() + b':1|' + t
    elif reason == 'line_bad_value':
        v = rng.choice([b'abc', b'1.2.3', b'', b'12ms', b'--1', b'1e', b'NaN%', b'0x'])
        if mtype == 's' or (mtype not in ('c', 'g') and rng.random() < 0.4):
            v = rng.choice([b'-5', b'+2', b'-alice'] if mtype == 's' else [b'-5', b'+2'])
        line = name.encode() + b':' + v + b'|' + mtype.encode()
    else:
        line = name.encode() + b':' + b'v' * (rng.randint(1440, 1460) - nlen - 3) + b'|s'
    return line, reason


def gen_demo():
    rng = random.Random(20231114)
    fx = Fixture('demo')
    cat = demo_catalog()
    clients = ['198.18.0.%d' % i for i in range(10, 201)]
    ports = {c: rng.randint(32768, 60999) for c in clients}
    n_packets = 3000
    foreign_at = set(rng.sample(range(n_packets), 90))
    for i in range(n_packets):
        if i in foreign_at:
            b, want, note = rng.choice(FOREIGN_MAKERS)(rng)
            fx.add(b, want, note)
        client = rng.choice(clients)
        kw = dict(src_ip=client, sport=ports[client] if rng.random() < 0.8 else rng.randint(32768, 60999),
                  ip_id=rng.randint(0, 65535), df=rng.random() < 0.5)
        r = rng.random()
        if r < 0.02:
            kw['dst_mac'] = BCAST_MAC
        elif r < 0.05:
            kw['vlan'] = rng.choice([10, 20])
        elif r < 0.06:
            kw['ip_opts'] = [IPOption_Router_Alert()]
        if rng.random() < 0.05:
            kw['udp_csum'] = 'zero'
        r = rng.random()
        n = 1 if r < 0.45 else rng.randint(2, 5) if r < 0.8 else rng.randint(6, 20)
        one_series = n > 1 and rng.random() < 0.12
        s0 = rng.choice(cat)
        lines, wants = [], []
        size = 0
        for _ in range(n):
            s = s0 if one_series else rng.choice(cat)
            if rng.random() < 0.03:
                ln, want = demo_reject(rng, s)
                if want == 'line_too_long':
                    if lines:
                        continue
                    lines, wants = [ln], [want]
                    break
            else:
                ln, want = demo_line(rng, s), None
            if size + len(ln) + 2 > MAX_UDP_PAYLOAD:
                break
            lines.append(ln)
            wants.append(want)
            size += len(ln) + 2
        r = rng.random()
        term = b'\r\n' if r < 0.12 else b'\n'
        final = rng.random() < 0.85 or len(lines[-1]) > 1400
        if rng.random() < 0.03 and len(lines) > 1:
            pos = rng.randint(1, len(lines) - 1)
            lines.insert(pos, b'')
            wants.insert(pos, None)
        fx.add_datagram(lines, wants, '%d line(s)%s' % (len(lines), ', one series' if one_series else ''),
                        term=term, final=final, **kw)
    return fx


# ----------------------------------------------------------------------------------------------
# Fixture: shuffled_tags.pcap
# ----------------------------------------------------------------------------------------------

def gen_shuffled():
    rng = random.Random(0x5A6)
    fx = Fixture('shuffled_tags')
    names = ['svc.req', 'svc.latency', 'svc.errors', 'db.pool.size', 'cache.ratio', 'feature.flag',
             'edge.bytes', 'mq.lag']
    types = {'svc.req': 'c', 'svc.latency': 'ms', 'svc.errors': 'c', 'db.pool.size': 'g',
             'cache.ratio': 'g', 'feature.flag': 'c', 'edge.bytes': 'h', 'mq.lag': 'd'}
    keys = ['env', 'region', 'host', 'az', 'team', 'version', 'canary', 'shard', 'pod']
    vals = {'env': ['prod', 'staging'], 'region': ['eu', 'us', 'ap'], 'host': ['h%02d' % i for i in range(12)],
            'az': ['a', 'b', 'c'], 'team': ['core', 'growth'], 'version': ['1.0', '1.1', '2.0'],
            'canary': ['true'], 'shard': [str(i) for i in range(8)], 'pod': ['p-%d' % i for i in range(30)]}
    series = set()
    while len(series) < 200:
        name = rng.choice(names)
        ks = rng.sample(keys, rng.randint(1, 5))
        tags = tuple(sorted((k, rng.choice(vals[k])) for k in ks))
        series.add((name, tags))
    series = sorted(series)
    emissions = []
    for name, tags in series:
        for _ in range(rng.randint(5, 10)):
            mtype = types[name]
            ln = render(rng, name, list(tags), mtype, [demo_value(rng, mtype)],
                        decoy=rng.random() < 0.25)
            if rng.random() < 0.05:
                ln += b'|c:%08x' % rng.getrandbits(32)     # DogStatsD container id: not a tag
            emissions.append(ln)
    rng.shuffle(emissions)
    i = 0
    while i < len(emissions):
        n = 1 if rng.random() < 0.4 else rng.randint(2, 12)
        chunk = emissions[i:i + n]
        i += n
        fx.add_datagram(chunk, [None] * len(chunk), '%d line(s)' % len(chunk),
                        src_ip='198.18.0.%d' % rng.randint(10, 200), sport=rng.randint(32768, 60999),
                        final=rng.random() < 0.9)
    return fx


# ----------------------------------------------------------------------------------------------
# Fixture: coalesce.pcap
# ----------------------------------------------------------------------------------------------

def gen_coalesce():
    rng = random.Random(0xC0A1)
    fx = Fixture('coalesce')
    series = []
    for i in range(120):
        tags = [('az', rng.choice('abc'))] if i % 3 == 0 else []
        series.append(('app.m%03d' % i, tags, rng.choice(['c', 'g', 'ms'])))
    for p in range(120):
        lines = []
        size = 0
        for _ in range(rng.randint(30, 60)):
            name, tags, mtype = rng.choice(series)
            ln = render(rng, name, tags, mtype, [demo_value(rng, mtype)], style='influx')
            if size + len(ln) + 1 > MAX_UDP_PAYLOAD:
                break
            lines.append(ln)
            size += len(ln) + 1
        fx.add_datagram(lines, [None] * len(lines), '%d lines, mixed shards' % len(lines),
                        src_ip='198.18.0.%d' % (10 + p % 8), sport=50000 + p % 8)
    return fx


# ----------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'pcap'))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    def emit(fx, name=None, **kw):
        write_expect(os.path.join(args.out, (name or fx.name) + '.expect.json'), fx.expectation(**kw))

    foreign = gen_foreign()
    foreign.write(args.out)
    emit(foreign)

    lines = gen_lines()
    lines.write(args.out)
    emit(lines)
    emit(lines, 'lines.mp512', max_payload=512)

    demo = gen_demo()
    demo.write(args.out)
    e1432, e512 = demo.expectation(), demo.expectation(512)
    for k in ('frames_in', 'lines_in', 'drops', 'keys', 'valid_lines', 'asis'):
        assert e1432[k] == e512[k], 'demo expectations differ at max-payload 512: ' + k
    emit(demo)

    shuffled = gen_shuffled()
    shuffled.write(args.out)
    emit(shuffled)

    coalesce = gen_coalesce()
    coalesce.write(args.out)
    emit(coalesce, require_coalescing=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
