#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Generate the replay fixtures in pcap/ (see pcap/README.md).

For every fixture X this writes X.pcap (the frames the relay reads), X.expect.json
(what the relay must do with them) and X.txt (a one-line-per-frame manifest for humans).
The expectations are computed by the reference model below (classify_frame, FragTable,
simulate, split_lines, classify_line), which follows the relay's stated rules; every
crafted frame and line also carries the verdict it was built to get, and the generator
stops if the model disagrees with it.

The relay's configuration as far as frames go (listen addresses, allow list, gateway,
shards and their MACs) is read from the replay configs, tests/replay/configs/*.ini, so
the model and the relay always run with the same one.

Deterministic: fixed seeds, fixed timestamps, no dependence on the host (scapy
never picks an address or MAC here). Running it twice gives identical bytes.

Usage: gen_pcaps.py [--out pcap/]
"""

import argparse
import base64
import configparser
import ipaddress
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

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = os.path.join(HERE, '..', 'tests', 'replay', 'configs')

PORT_MAC = '02:70:63:61:70:00'
BCAST_MAC = 'ff:ff:ff:ff:ff:ff'
LISTEN_IP = '198.18.0.1'
LISTEN_IP6 = '2001:db8::1'
LISTEN_PORT = 8125
MAX_PAYLOAD = 1432
MAX_UDP_PAYLOAD = 1472          # keeps every input frame at or under 1514 bytes
TS_BASE = 1700000000            # 2023-11-14T22:13:20Z, fixed

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also when loaded as a module
from sr_wire import in_prefix, inet_sum, parse_endpoint, solicited_node, split_lines  # noqa: E402
# What a frame the relay answers gets back (the expectations' "answers").
ANSWER_KINDS = ['arp_reply', 'icmp_echo_reply', 'icmp6_echo_reply', 'nd_advert']
TYPES = {b'c', b'g', b'ms', b'h', b's', b'd'}
SIGNED_TYPES = {b'c', b'g'}
# The numbers the fixtures use. Forms where parsers differ (".5", "5.", "inf", "nan", hex,
# "1_000") are never generated, valid or not.
NUMBER = re.compile(rb'[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\Z')
MAX_TAGS = 64                   # the relay's documented limit (README: line_too_many_tags)
MAX_FRAGMENTS = 8               # fragments per reassembled datagram (DPDK rte_ip_frag)


# ----------------------------------------------------------------------------------------------
# Reference model: addresses, checksums, the relay's configuration
# ----------------------------------------------------------------------------------------------

def _u16(b, o):
    return (b[o] << 8) | b[o + 1]



def csum(data):
    """The Internet checksum of data (the value to store)."""
    return 0xffff - inet_sum(data)


def ip_aton(s):
    """IPv4 or IPv6 text to its 4 or 16 bytes."""
    return ipaddress.ip_address(s).packed


def ip_ntoa(b):
    return str(ipaddress.ip_address(bytes(b)))


def mac_aton(s):
    b = bytes.fromhex(s.replace(':', ''))
    assert len(b) == 6, s
    return b


def mac_ntoa(b):
    return ':'.join('%02x' % x for x in b)


def pseudo_sum_ok(src, dst, proto, l4):
    """Does l4 (UDP or ICMPv6 header + data) check against the IPv4 or IPv6 pseudo header?"""
    if len(src) == 4:
        pseudo = src + dst + struct.pack('!BBH', 0, proto, len(l4))
    else:
        pseudo = src + dst + struct.pack('!IxxxB', len(l4), proto)
    return inet_sum(pseudo + l4) == 0xffff


def l4_csum(src, dst, proto, l4):
    """The checksum l4 (its checksum field zero) must carry; 0 is sent as 0xffff."""
    if len(src) == 4:
        pseudo = src + dst + struct.pack('!BBH', 0, proto, len(l4))
    else:
        pseudo = src + dst + struct.pack('!IxxxB', len(l4), proto)
    return csum(pseudo + l4) or 0xffff


def udp_csum_ok(ip_src, ip_dst, udp):
    return pseudo_sum_ok(ip_src, ip_dst, 17, udp)



def multicast_mac6(ip16):
    """33:33 + the group's last four bytes (RFC 2464 7)."""
    return b'\x33\x33' + ip16[12:]


ALL_NODES6 = ip_aton('ff02::1')
UNSPEC6 = bytes(16)



def parse_prefix(text):
    ip, _, plen = text.strip().strip('[]').partition('/')
    ip = ip.strip('[]')
    b = ip_aton(ip)
    return b, int(plen) if plen else 8 * len(b)



def ini_list(v):
    return [x.strip() for x in v.split(',') if x.strip()]


class Ctx:
    """The relay's configuration as far as frames go: listen endpoints (one per family), the
    allow list, gateways and the shards' next hops. Built from a replay config file."""

    def __init__(self, name, listen, allow=(), gateway=(), shards=()):
        self.name = name
        self.port_mac = mac_aton(PORT_MAC)
        self.listen = {4: None, 6: None}          # family -> (ip bytes, prefix, port)
        self.listen_text = list(listen)
        for text in listen:
            ip, plen, port = parse_endpoint(text)
            self.listen[4 if len(ip) == 4 else 6] = (ip, plen, port)
        self.allow_text = list(allow)
        self.allow = [parse_prefix(p) for p in allow]
        self.gateway = {}
        for g in gateway:
            ip = ip_aton(g)
            self.gateway[4 if len(ip) == 4 else 6] = ip
        self.shards = []                          # (ip, port, mac bytes or None, next hop)
        for addr, mac in shards:
            ip, _, port = parse_endpoint(addr)
            fam = 4 if len(ip) == 4 else 6
            hop = ip
            lst = self.listen[fam]
            if mac is None and fam in self.gateway and lst and not in_prefix(ip, lst[0], lst[1]):
                hop = self.gateway[fam]
            self.shards.append((ip, port, mac_aton(mac) if mac else None, hop))
        # Next hops the relay must resolve (shards without mac=), by ARP or NS.
        self.resolve = sorted({hop for _, _, mac, hop in self.shards if mac is None})

    @classmethod
    def from_ini(cls, filename):
        cp = configparser.ConfigParser(interpolation=None, comment_prefixes=(';',),
                                       inline_comment_prefixes=(';',))
        with open(os.path.join(CONFIGS, filename), encoding='utf-8') as fh:
            cp.read_file(fh)
        r = cp['relay']
        shards = [(cp[s]['address'], cp[s].get('mac')) for s in cp.sections() if s.startswith('shard ')]
        return cls(filename, ini_list(r['listen']), ini_list(r.get('allow', '')),
                   ini_list(r.get('gateway', '')), shards)

    def ours(self, fam, ip):
        lst = self.listen[fam]
        return lst is not None and ip == lst[0]

    def port(self, fam):
        return self.listen[fam][2]

    def allowed(self, src):
        return not self.allow or any(in_prefix(src, net, plen) for net, plen in self.allow)

    def context(self):
        """What the expectations were computed for (the checker compares it with its config)."""
        c = {'listen': sorted('%s:%d' % (ip_ntoa(ip), port) if len(ip) == 4 else
                              '[%s]:%d' % (ip_ntoa(ip), port) for ip, _, port in
                              (v for v in self.listen.values() if v))}
        if self.allow:
            c['allow'] = ['%s/%d' % (ip_ntoa(ip), plen) for ip, plen in self.allow]
        if self.resolve:
            c['resolve'] = [ip_ntoa(ip) for ip in self.resolve]
        return c


# ----------------------------------------------------------------------------------------------
# Reference model: frames
# ----------------------------------------------------------------------------------------------

class Verdict:
    """What the relay does with one frame.

    kind: 'statsd' (off, ln: the UDP payload), 'control' (ctl: what it is; answer: the frame
    sent back, or None), 'fragment' (frag: what reassembly needs) or 'drop' (reason).
    learn: (ip, mac) a neighbour the frame shows, whatever its kind (rule: the relay learns a
    next hop's MAC from any ARP request/reply or NS/NA naming it)."""

    def __init__(self, kind, reason=None, **kw):
        self.kind = kind
        self.reason = reason
        self.off = self.ln = 0
        self.ctl = None
        self.answer = None
        self.learn = None
        self.frag = None
        self.__dict__.update(kw)

    @property
    def want(self):
        """The short form add() compares with what a frame was built for."""
        if self.kind == 'statsd':
            return None
        if self.kind == 'control':
            return 'answer' if self.answer is not None else 'control'
        if self.kind == 'fragment':
            return 'fragment'
        return self.reason


def drop(reason, **kw):
    return Verdict('drop', reason, **kw)


def parse_udp(f, ctx, fam, u, l4_len, src, dst):
    """UDP to the listen port: length, port, allow list, checksum (mandatory over IPv6)."""
    if l4_len < 8:
        return drop('frame_truncated')
    ulen = _u16(f, u + 4)
    if ulen < 8 or ulen > l4_len:
        return drop('frame_bad_udp_length')
    if _u16(f, u + 2) != ctx.port(fam):
        return drop('frame_other_port')
    if not ctx.allowed(src):
        return drop('frame_not_allowed')
    ck = _u16(f, u + 6)
    if ck != 0 or fam == 6:
        if ck == 0 or not udp_csum_ok(src, dst, bytes(f[u:u + ulen])):
            return drop('frame_bad_udp_checksum')
    return Verdict('statsd', off=u + 8, ln=ulen - 8)


def classify_arp(f, ctx, l2):
    n = len(f)
    if ctx.listen[4] is None:
        return drop('frame_other_ethertype')
    if n < l2 + 28:
        return drop('frame_truncated')
    htype, ptype, hlen, plen, op = struct.unpack('!HHBBH', f[l2:l2 + 8])
    sha, spa, tpa = f[l2 + 8:l2 + 14], f[l2 + 14:l2 + 18], f[l2 + 24:l2 + 28]
    ether_ipv4 = htype == 1 and ptype == 0x0800 and hlen == 6 and plen == 4
    learn = (spa, sha) if ether_ipv4 and op in (1, 2) else None
    if not ether_ipv4 or not ctx.ours(4, tpa) or op not in (1, 2):
        return drop('frame_arp_other', learn=learn)
    if op == 2:
        return Verdict('control', ctl='arp_reply', learn=learn)
    if f[6:12] != sha:
        raise ValueError('ambiguous frame: ARP request whose Ethernet source is not its sender')
    return Verdict('control', ctl='arp_request', learn=learn, answer=arp_reply(f, ctx, l2))


def classify_ipv4(f, ctx, l2, reassembled):
    n = len(f)
    if n < l2 + 20:
        return drop('frame_truncated')
    ver, ihl = f[l2] >> 4, f[l2] & 15
    if ver != 4 or ihl < 5:
        return drop('frame_bad_ip_header')
    hl = ihl * 4
    if n < l2 + hl:
        return drop('frame_truncated')
    tot = _u16(f, l2 + 2)
    if tot < hl or tot > n - l2:
        return drop('frame_bad_ip_header')
    if not reassembled and inet_sum(f[l2:l2 + hl]) != 0xffff:
        return drop('frame_bad_ip_checksum')
    src, dst = bytes(f[l2 + 12:l2 + 16]), bytes(f[l2 + 16:l2 + 20])
    ours = ctx.ours(4, dst)
    flags = _u16(f, l2 + 6)
    if flags & 0x3fff:
        if not ours:
            return drop('frame_ip_fragment')
        if not ctx.allowed(src):
            return drop('frame_not_allowed')
        return Verdict('fragment', frag={
            'key': (4, src, dst, _u16(f, l2 + 4)), 'ofs': (flags & 0x1fff) * 8,
            'more': bool(flags & 0x2000), 'data': bytes(f[l2 + hl:l2 + tot]), 'head': bytes(f[:l2 + hl]),
            'l2': l2})
    proto = f[l2 + 9]
    if proto == 1:
        if tot - hl < 8:
            return drop('frame_truncated')
        if f[l2 + hl] != 8 or f[l2 + hl + 1] != 0 or not ours:
            return drop('frame_other_protocol')
        if not ctx.allowed(src):
            return drop('frame_not_allowed')
        if inet_sum(f[l2 + hl:l2 + tot]) != 0xffff:
            return drop('frame_bad_icmp')
        if reassembled:
            raise ValueError('ambiguous: a reassembled ICMP echo request')
        return Verdict('control', ctl='icmp_echo', answer=icmp_echo_reply(f, l2, hl, tot))
    if proto != 17:
        return drop('frame_other_protocol')
    if not ours:
        return drop('frame_other_address')
    return parse_udp(f, ctx, 4, l2 + hl, tot - hl, src, dst)


def classify_icmp6(f, ctx, l2, plen, src, dst, hlim):
    m = bytes(f[l2 + 40:l2 + 40 + plen])
    if plen < 4:
        return drop('frame_truncated')
    if not pseudo_sum_ok(src, dst, 58, m):
        return drop('frame_bad_icmp')
    typ, code = m[0], m[1]
    if typ == 128 and code == 0 and plen >= 8 and ctx.ours(6, dst):
        if not ctx.allowed(src):
            return drop('frame_not_allowed')
        return Verdict('control', ctl='icmp6_echo', answer=icmp6_echo_reply(f, l2, plen))
    if typ not in (135, 136) or code != 0 or plen < 24 or hlim != 255:
        return drop('frame_other_protocol')
    ll = None
    o = 24
    while o + 8 <= plen and m[o + 1] != 0:
        if m[o] == (1 if typ == 135 else 2) and m[o + 1] == 1:
            ll = m[o + 2:o + 8]
        elif m[o] in (1, 2):
            raise ValueError('ambiguous frame: ND with the other link-layer option')
        o += m[o + 1] * 8
    target = m[8:24]
    if typ == 135:
        if not ctx.ours(6, target):
            return drop('frame_other_address')
        learn = (src, ll) if ll and src != UNSPEC6 else None
        return Verdict('control', ctl='nd_solicit', learn=learn, answer=nd_advert(f, ctx, l2, ll))
    return Verdict('control', ctl='nd_advert', learn=(target, ll) if ll else None)


def classify_ipv6(f, ctx, l2):
    n = len(f)
    if ctx.listen[6] is None:
        return drop('frame_other_ethertype')
    if n < l2 + 40:
        return drop('frame_truncated')
    plen = _u16(f, l2 + 4)
    if f[l2] >> 4 != 6 or plen > n - l2 - 40:
        return drop('frame_bad_ip_header')
    nh, hlim = f[l2 + 6], f[l2 + 7]
    src, dst = bytes(f[l2 + 8:l2 + 24]), bytes(f[l2 + 24:l2 + 40])
    lip = ctx.listen[6][0]
    if dst != lip and dst != solicited_node(lip):
        if dst == ALL_NODES6 and nh == 58 and plen >= 1 and f[l2 + 40] == 136:
            # An unsolicited Neighbor Advertisement goes to all nodes (RFC 4861 7.2.6); the
            # relay learns next hops from NAs (rule 6), so it is the relay's as well.
            return classify_icmp6(f, ctx, l2, plen, src, dst, hlim)
        return drop('frame_other_address')
    if nh == 58:
        return classify_icmp6(f, ctx, l2, plen, src, dst, hlim)
    if nh == 44:
        if plen < 8:
            return drop('frame_truncated')
        if dst != lip:
            return drop('frame_other_address')
        if not ctx.allowed(src):
            return drop('frame_not_allowed')
        fo = _u16(f, l2 + 42)
        return Verdict('fragment', frag={
            'key': (6, src, dst, struct.unpack('!I', f[l2 + 44:l2 + 48])[0]), 'ofs': fo & 0xfff8,
            'more': bool(fo & 1), 'data': bytes(f[l2 + 48:l2 + 40 + plen]), 'head': bytes(f[:l2 + 40]),
            'nh': f[l2 + 40], 'l2': l2})
    if nh == 17:
        if dst != lip:
            return drop('frame_other_address')
        return parse_udp(f, ctx, 6, l2 + 40, plen, src, dst)
    return drop('frame_other_protocol')


def classify_frame(f, ctx, reassembled=False):
    """The relay's verdict on one frame (lib/sr_frame.c's order of checks)."""
    f = bytes(f)
    n = len(f)
    if n < 14:
        return drop('frame_truncated')
    if f[0:6] != ctx.port_mac and not f[0] & 1:      # broadcast is a multicast address too
        return drop('frame_other_mac')
    et, l2 = _u16(f, 12), 14
    if et == 0x8100:
        if n < 18:
            return drop('frame_truncated')
        et, l2 = _u16(f, 16), 18
    if et == 0x0800:
        return classify_ipv4(f, ctx, l2, reassembled)
    if et == 0x86dd:
        return classify_ipv6(f, ctx, l2)
    if et == 0x0806:
        return classify_arp(f, ctx, l2)
    return drop('frame_other_ethertype')


# ---- the frames the relay sends for itself

def arp_reply(f, ctx, l2):
    """ARP reply to a request for our address: to the requester, from the port's MAC."""
    sha, spa = f[l2 + 8:l2 + 14], f[l2 + 14:l2 + 18]
    return (sha + ctx.port_mac + f[12:l2] + f[l2:l2 + 6] + struct.pack('!H', 2) +
            ctx.port_mac + ctx.listen[4][0] + sha + spa)


def icmp_echo_reply(f, l2, hl, tot):
    """Echo reply: MACs and addresses swapped, TTL 64, type 0, checksums recomputed, the rest kept."""
    ip = bytearray(f[l2:l2 + hl])
    ip[12:16], ip[16:20] = f[l2 + 16:l2 + 20], f[l2 + 12:l2 + 16]
    ip[8] = 64
    ip[10:12] = b'\0\0'
    ip[10:12] = struct.pack('!H', csum(bytes(ip)))
    icmp = bytearray(f[l2 + hl:l2 + tot])
    icmp[0] = 0
    icmp[2:4] = b'\0\0'
    icmp[2:4] = struct.pack('!H', csum(bytes(icmp)))
    return bytes(f[6:12] + mac_aton(PORT_MAC) + f[12:l2] + ip + icmp)


def icmp6_echo_reply(f, l2, plen):
    ip = bytearray(f[l2:l2 + 40])
    ip[8:24], ip[24:40] = f[l2 + 24:l2 + 40], f[l2 + 8:l2 + 24]
    ip[7] = 64
    m = bytearray(f[l2 + 40:l2 + 40 + plen])
    m[0] = 129
    m[2:4] = b'\0\0'
    m[2:4] = struct.pack('!H', l4_csum(bytes(ip[8:24]), bytes(ip[24:40]), 58, bytes(m)))
    return bytes(f[6:12] + mac_aton(PORT_MAC) + f[12:l2] + ip + m)


def nd_advert(f, ctx, l2, sll):
    """Neighbor Advertisement answering an NS for our address (RFC 4861 7.2.4): to the
    solicitor (its link-layer option, else the frame's source), solicited + override; to
    all nodes, override only, when the solicitor has no address yet (DAD)."""
    src = f[l2 + 8:l2 + 24]
    lip = ctx.listen[6][0]
    if src == UNSPEC6:
        dmac, dip, flags = multicast_mac6(ALL_NODES6), ALL_NODES6, 0x20
    else:
        dmac, dip, flags = sll or f[6:12], src, 0x60
    ip = struct.pack('!IHBB', 6 << 28, 32, 58, 255) + lip + dip
    na = bytearray(struct.pack('!BBHB3x', 136, 0, 0, flags) + lip + b'\x02\x01' + ctx.port_mac)
    na[2:4] = struct.pack('!H', l4_csum(lip, dip, 58, bytes(na)))
    return bytes(dmac + ctx.port_mac + f[12:l2] + ip + na)


def arp_request(ctx, target):
    """The relay asking for a next hop (broadcast), padded to the Ethernet minimum."""
    f = (b'\xff' * 6 + ctx.port_mac + b'\x08\x06' + struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) +
         ctx.port_mac + ctx.listen[4][0] + bytes(6) + target)
    return f + bytes(60 - len(f))


def nd_solicit(ctx, target):
    """The relay asking for an IPv6 next hop: NS to its solicited-node group."""
    lip, grp = ctx.listen[6][0], solicited_node(target)
    ip = struct.pack('!IHBB', 6 << 28, 32, 58, 255) + lip + grp
    ns = bytearray(struct.pack('!BBH4x', 135, 0, 0) + target + b'\x01\x01' + ctx.port_mac)
    ns[2:4] = struct.pack('!H', l4_csum(lip, grp, 58, bytes(ns)))
    return multicast_mac6(grp) + ctx.port_mac + b'\x86\xdd' + ip + bytes(ns)


# ---- reassembly

class FragTable:
    """IPv4/IPv6 reassembly as DPDK's rte_ip_frag does it (lib/ip_frag, 22.11): per datagram
    key (src, dst, id) a first slot, a last slot and at most 6 middle ones; the bytes held are
    summed, and when they reach the size the last fragment gives, the pieces are chained from
    the last one back to the first by offsets. A second first or last fragment, a seventh
    middle one, too many bytes (overlap) or a hole: every fragment held is dropped
    (frame_ip_fragment) and the key starts afresh. What never completes is dropped at exit.
    An IPv6 atomic fragment (offset 0, M clear) is a whole datagram (RFC 6946)."""

    def __init__(self):
        self.t = {}

    def add(self, idx, fr):
        """Returns ('held', []), ('done', (frame bytes, [fragment frame indexes])) or
        ('dropped', [fragment frame indexes])."""
        if not fr['data']:
            return 'dropped', [idx]
        if fr['key'][0] == 6 and fr['ofs'] == 0 and not fr['more']:
            return 'done', (self._build(fr, fr['data']), [idx])
        e = self.t.setdefault(fr['key'], {'first': None, 'last': None, 'mids': [], 'size': 0, 'total': None})
        ln = len(fr['data'])
        e['size'] += ln
        item = (fr['ofs'], ln, fr, idx)
        err = False
        if fr['ofs'] == 0:
            err = e['first'] is not None
            if not err:
                e['first'] = item
        elif not fr['more']:
            e['total'] = fr['ofs'] + ln
            err = e['last'] is not None
            if not err:
                e['last'] = item
        elif len(e['mids']) < MAX_FRAGMENTS - 2:
            e['mids'].append(item)
        else:
            err = True
        held = [x[3] for x in [e['first'], e['last']] + e['mids'] if x]
        if err:
            del self.t[fr['key']]
            return 'dropped', held + [idx]
        if e['total'] is None or e['size'] < e['total']:
            return 'held', []
        del self.t[fr['key']]
        if e['size'] > e['total'] or e['first'] is None:
            return 'dropped', held
        # chain from the last fragment back to the first (ipv4_frag_reassemble)
        slots = [e['last'], e['first']] + e['mids']
        first_len = e['first'][1]
        order = [0]
        ofs = e['last'][0]
        cur = 0
        while ofs != first_len:
            prev = cur
            i = len(slots) - 1
            while i != 1 and ofs != first_len:
                if slots[i][0] + slots[i][1] == ofs:
                    order.append(i)
                    cur = i
                    ofs = slots[i][0]
                i -= 1
            if cur == prev:
                return 'dropped', held
        order.append(1)
        if len(set(order)) != len(order):
            raise ValueError('ambiguous reassembly: a fragment used twice')
        data = b''.join(slots[i][2]['data'] for i in reversed(order))
        return 'done', (self._build(e['first'][2], data), held)

    @staticmethod
    def _build(first, data):
        head = bytearray(first['head'])
        l2 = first['l2']
        if first['key'][0] == 4:
            hl = len(head) - l2
            struct.pack_into('!H', head, l2 + 2, hl + len(data))
            struct.pack_into('!H', head, l2 + 6, _u16(head, l2 + 6) & 0x4000)
            struct.pack_into('!H', head, l2 + 10, 0)
        else:
            struct.pack_into('!H', head, l2 + 4, len(data))
            head[l2 + 6] = first['nh']
        return bytes(head) + data

    def leftover(self):
        """Fragments held at exit (dropped then), as frame indexes."""
        out = []
        for e in self.t.values():
            out += [x[3] for x in [e['first'], e['last']] + e['mids'] if x]
        self.t = {}
        return out


def simulate(frames, ctx):
    """Run the frames through the model in order. Returns a dict:
    verdicts  [Verdict per frame]
    datagrams [(frame index, payload, asis)]: StatsD payloads in processing order; asis:
              (offset, length) in the frame when it arrived whole, None when reassembled
    answers   [(frame index, kind, frame bytes)]
    learned   {next-hop ip: mac} (the last MAC shown wins)
    counters  frames_control, fragments_in, datagrams_reassembled, drops{}
    fates     {fragment frame index: ('reassembled', completing frame) or ('dropped', None)}"""
    res = {'verdicts': [], 'datagrams': [], 'answers': [], 'learned': {}, 'fates': {},
           'frames_control': 0, 'fragments_in': 0, 'datagrams_reassembled': 0, 'drops': {}}
    table = FragTable()
    resolve = set(ctx.resolve)
    kinds = {'arp_request': 'arp_reply', 'icmp_echo': 'icmp_echo_reply', 'icmp6_echo': 'icmp6_echo_reply',
             'nd_solicit': 'nd_advert'}

    def count(reason, n=1):
        res['drops'][reason] = res['drops'].get(reason, 0) + n

    def handle(i, f, v, reassembled):
        if v.learn and v.learn[0] in resolve:
            res['learned'][v.learn[0]] = v.learn[1]
        if v.kind == 'drop':
            count(v.reason)
        elif v.kind == 'statsd':
            res['datagrams'].append((i, f[v.off:v.off + v.ln], None if reassembled else (v.off, v.ln)))
        elif v.kind == 'control':
            res['frames_control'] += 1
            if v.answer is not None:
                res['answers'].append((i, kinds[v.ctl], v.answer))
        elif v.kind == 'fragment':
            res['fragments_in'] += 1
            state, what = table.add(i, v.frag)
            if state == 'dropped':
                count('frame_ip_fragment', len(what))
                for j in what:
                    res['fates'][j] = ('dropped', None)
            elif state == 'done':
                whole, used = what
                res['datagrams_reassembled'] += 1
                for j in used:
                    res['fates'][j] = ('reassembled', i)
                handle(i, whole, classify_frame(whole, ctx, reassembled=True), True)

    for i, f in enumerate(frames):
        v = classify_frame(f, ctx)
        res['verdicts'].append(v)
        handle(i, f, v, False)
    left = table.leftover()
    count('frame_ip_fragment', len(left)) if left else None
    for j in left:
        res['fates'][j] = ('dropped', None)
    res['drops'] = {k: v for k, v in res['drops'].items() if v}
    return res


# ----------------------------------------------------------------------------------------------
# Reference model: lines
# ----------------------------------------------------------------------------------------------


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
    if ':' in ip:
        b = ip_aton(ip)
        return '02:00:00:66:%02x:%02x' % (b[14], b[15])
    return '02:00:c6:12:%02x:%02x' % tuple(int(x) for x in ip.split('.')[2:])


def fix_ip_csum(b, off):
    """Recompute the IPv4 header checksum of the header at off (IHL taken from the header)."""
    hl = (b[off] & 15) * 4 or 20
    b[off + 10:off + 12] = b'\0\0'
    b[off + 10:off + 12] = struct.pack('!H', 0xffff - inet_sum(bytes(b[off:off + max(hl, 20)])))


def statsd_frame(payload, src_ip='198.18.0.10', sport=40000, *, dst_mac=PORT_MAC, vlan=None,
                 ip_opts=None, df=False, ip_id=1, tos=0, ttl=64, dst_ip=None, dport=LISTEN_PORT,
                 udp_csum='ok', pad_to=None, trailer=b'', src_mac=None):
    """A UDP datagram to the relay as frame bytes, over IPv4 or IPv6 (by src_ip).
    udp_csum: 'ok', 'zero' or an int. trailer: bytes after the IP datagram (Ethernet
    padding); pad_to: then zero-pad to that size."""
    v6 = ':' in src_ip
    if dst_ip is None:
        dst_ip = LISTEN_IP6 if v6 else LISTEN_IP
    eth = Ether(src=src_mac or client_mac(src_ip), dst=dst_mac)
    if vlan is not None:
        eth = eth / Dot1Q(vlan=vlan, prio=3)
    if v6:
        ip = IPv6(src=src_ip, dst=dst_ip, hlim=ttl, tc=tos, fl=0)
    else:
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


def eth_header(src_mac, dst_mac, ethertype, vlan=None):
    h = mac_aton(dst_mac) + mac_aton(src_mac)
    if vlan is not None:
        h += struct.pack('!HH', 0x8100, (3 << 13) | vlan)
    return h + struct.pack('!H', ethertype)


def ipv4_header(src, dst, proto, data_len, ip_id=1, frag=0, ttl=64, tos=0, opts=b''):
    """IPv4 header bytes (checksum right); frag: flags and offset field as sent."""
    assert len(opts) % 4 == 0
    h = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45 + len(opts) // 4, tos, 20 + len(opts) + data_len,
                              ip_id, frag, ttl, proto, 0, ip_aton(src), ip_aton(dst)) + opts)
    h[10:12] = struct.pack('!H', csum(bytes(h)))
    return bytes(h)


def ipv6_header(src, dst, nh, plen, hlim=64):
    return struct.pack('!IHBB', 6 << 28, plen, nh, hlim) + ip_aton(src) + ip_aton(dst)


def udp_datagram(src, dst, sport, dport, payload, csum_mode='ok'):
    """UDP header + payload; csum_mode 'ok', 'zero', 'bad' or an int."""
    u = bytearray(struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload)
    if csum_mode != 'zero':
        c = l4_csum(ip_aton(src), ip_aton(dst), 17, bytes(u))
        if csum_mode == 'bad':
            c ^= 0x0100
        elif isinstance(csum_mode, int):
            c = csum_mode
        u[6:8] = struct.pack('!H', c)
    return bytes(u)


def arp_frame(op, sha, spa, tpa, tha='00:00:00:00:00:00', *, eth_src=None, eth_dst=None, vlan=None,
              htype=1, ptype=0x0800, hlen=6, plen=4):
    """An ARP frame; Ethernet source = sender, destination broadcast for requests, the target
    for replies, unless given."""
    if eth_dst is None:
        eth_dst = tha if op == 2 else BCAST_MAC
    body = struct.pack('!HHBBH', htype, ptype, hlen, plen, op) + mac_aton(sha) + ip_aton(spa) + \
        mac_aton(tha) + ip_aton(tpa)
    return eth_header(eth_src or sha, eth_dst, 0x0806, vlan) + body


def icmp_echo(src, seq, data, *, dst=LISTEN_IP, ident=0x5252, typ=8, code=0, bad_csum=False,
              vlan=None, dst_mac=PORT_MAC, opts=b'', ip_id=7, ttl=64):
    m = bytearray(struct.pack('!BBHHH', typ, code, 0, ident, seq) + data)
    m[2:4] = struct.pack('!H', csum(bytes(m)) ^ (0x0040 if bad_csum else 0))
    return eth_header(client_mac(src), dst_mac, 0x0800, vlan) + \
        ipv4_header(src, dst, 1, len(m), ip_id=ip_id, ttl=ttl, opts=opts) + bytes(m)


def icmp6_msg(src, dst, typ, code, body, bad_csum=False):
    m = bytearray(struct.pack('!BBH', typ, code, 0) + body)
    c = l4_csum(ip_aton(src), ip_aton(dst), 58, bytes(m))
    m[2:4] = struct.pack('!H', c ^ (0x0040 if bad_csum else 0))
    return bytes(m)


def icmp6_frame(src, dst, typ, code, body, *, hlim=64, vlan=None, dst_mac=PORT_MAC, src_mac=None,
                bad_csum=False):
    m = icmp6_msg(src, dst, typ, code, body, bad_csum)
    return eth_header(src_mac or client_mac(src), dst_mac, 0x86dd, vlan) + \
        ipv6_header(src, dst, 58, len(m), hlim) + m


def icmp6_echo(src, seq, data, *, dst=LISTEN_IP6, ident=0x6666, typ=128, **kw):
    return icmp6_frame(src, dst, typ, 0, struct.pack('!HH', ident, seq) + data, **kw)


def ns_frame(src, target, *, dst=None, sll='auto', hlim=255, code=0, src_mac=None, nonce=None, **kw):
    """Neighbor Solicitation for target: to its solicited-node group unless dst is given;
    sll: the source link-layer option ('auto': the sender's MAC; None: no option)."""
    t = ip_aton(target)
    if dst is None:
        dst = ip_ntoa(solicited_node(t))
        kw.setdefault('dst_mac', mac_ntoa(multicast_mac6(solicited_node(t))))
    src_mac = src_mac or (client_mac(src) if src != '::' else '02:00:00:66:da:d0')
    body = bytes(4) + t
    if sll == 'auto':
        sll = src_mac
    if sll:
        body += b'\x01\x01' + mac_aton(sll)
    if nonce:
        body += b'\x0e\x01' + nonce
    return icmp6_frame(src, dst, 135, code, body, hlim=hlim, src_mac=src_mac, **kw)


def na_frame(src, target, tll, *, dst=LISTEN_IP6, flags=0x60, hlim=255, dst_mac=PORT_MAC, src_mac=None,
             **kw):
    """Neighbor Advertisement of target at tll (target link-layer option; None: no option)."""
    body = struct.pack('!B3x', flags) + ip_aton(target)
    if tll:
        body += b'\x02\x01' + mac_aton(tll)
    return icmp6_frame(src, dst, 136, 0, body, hlim=hlim, dst_mac=dst_mac, src_mac=src_mac or tll, **kw)


def ipv4_fragments(src, payload, pieces, *, ip_id, dst=LISTEN_IP, sport=41000, dport=LISTEN_PORT,
                   udp_csum='ok', vlan=None, dst_mac=PORT_MAC, proto=17, whole=None):
    """The fragments of one UDP datagram: pieces are (offset, length, more) over the UDP header +
    payload (offsets multiples of 8; length None: to the end). Returns frame bytes in the order
    of pieces."""
    whole = whole if whole is not None else udp_datagram(src, dst, sport, dport, payload, udp_csum)
    out = []
    for ofs, ln, more in pieces:
        assert ofs % 8 == 0
        data = whole[ofs:] if ln is None else whole[ofs:ofs + ln]
        frag = (0x2000 if more else 0) | ofs // 8
        out.append(eth_header(client_mac(src), dst_mac, 0x0800, vlan) +
                   ipv4_header(src, dst, proto, len(data), ip_id=ip_id, frag=frag) + data)
    return out


def ipv6_fragments(src, payload, pieces, *, ident, dst=LISTEN_IP6, sport=41000, dport=LISTEN_PORT,
                   udp_csum='ok', vlan=None, dst_mac=PORT_MAC, whole=None):
    whole = whole if whole is not None else udp_datagram(src, dst, sport, dport, payload, udp_csum)
    out = []
    for ofs, ln, more in pieces:
        assert ofs % 8 == 0
        data = whole[ofs:] if ln is None else whole[ofs:ofs + ln]
        fh = struct.pack('!BBHI', 17, 0, ofs | (1 if more else 0), ident)
        out.append(eth_header(client_mac(src), dst_mac, 0x86dd, vlan) +
                   ipv6_header(src, dst, 44, 8 + len(data)) + fh + data)
    return out


def split_pieces(total, n, rng, align=8, most=1448):
    """n pieces (offset, length, more) covering total bytes, boundaries on align, none longer
    than most (every frame fits 1514 bytes)."""
    for _ in range(10000):
        cuts = sorted(rng.sample(range(1, (total - 1) // align + 1), n - 1))
        bounds = [0] + [c * align for c in cuts] + [total]
        pieces = [(bounds[i], bounds[i + 1] - bounds[i], i < n - 1) for i in range(n)]
        if max(p[1] for p in pieces) <= most:
            return pieces
    raise AssertionError('cannot cut %d bytes in %d pieces of at most %d' % (total, n, most))


class Fixture:
    """Frames of one pcap, each with the verdict it was built to get and a description.

    want (add): None (StatsD for the relay), 'answer' (a control frame it answers),
    'control' (one it takes without answering: an ARP reply, an NA), 'fragment' (taken for
    reassembly) or a frame_* drop reason."""

    def __init__(self, name, ctx, ts_step_us=997):
        self.name = name
        self.ctx = ctx
        self.frames = []
        self.notes = []
        self.ts_step_us = ts_step_us
        self.singles = set()     # frame indexes whose payload is one line sent alone, no terminator
        self.fates = {}          # fragment frame index -> 'reassembled' or 'dropped' (intended)

    def add(self, frame, want=None, note=''):
        frame = bytes(frame)
        got = classify_frame(frame, self.ctx).want
        if got != want:
            raise AssertionError('%s frame %d (%s): built for %s, model says %s'
                                 % (self.name, len(self.frames), note, want, got))
        self.frames.append(frame)
        self.notes.append('%s  %s' % (want or 'accept', note))
        return len(self.frames) - 1

    def add_fragment(self, frame, fate, note):
        """A fragment for the relay, with what must become of it: 'reassembled' or 'dropped'."""
        i = self.add(frame, 'fragment', note)
        self.fates[i] = fate
        return i

    def check_lines(self, lines, want_lines):
        for ln, want in zip(lines, want_lines):
            ln = ln[:-1] if ln.endswith(b'\r') else ln
            got = classify_line(ln)[0] if ln else None
            if got != want:
                raise AssertionError('%s: line %r built for %s, model says %s' % (self.name, ln, want, got))

    def add_datagram(self, lines, want_lines, note='', term=b'\n', final=True, **kw):
        """Join lines into one datagram; want_lines gives each line's intended reason (None=valid)."""
        self.check_lines(lines, want_lines)
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
        sim = simulate(self.frames, self.ctx)
        with open(os.path.join(outdir, self.name + '.txt'), 'w', encoding='utf-8') as fh:
            fh.write('# SPDX-License-Identifier: BSD-3-Clause\n')
            fh.write('# %s.pcap: frame index, length, intended verdict, what it is. '
                     'Made by scripts/gen_pcaps.py; do not edit.\n' % self.name)
            for i, (f, n) in enumerate(zip(self.frames, self.notes)):
                fate = sim['fates'].get(i)
                if fate:
                    n += ' -> %s' % ('reassembled at frame %d' % fate[1] if fate[0] == 'reassembled'
                                     else 'frame_ip_fragment')
                fh.write('%5d %5d  %s\n' % (i, len(f), n))

    def expectation(self, max_payload=MAX_PAYLOAD, require_coalescing=False):
        sim = simulate(self.frames, self.ctx)
        for i, fate in sorted(self.fates.items()):
            if sim['fates'].get(i, (None,))[0] != fate:
                raise AssertionError('%s frame %d: fragment built to be %s, model says %s'
                                     % (self.name, i, fate, sim['fates'].get(i)))
        drops = dict(sim['drops'])
        valid = []
        keys = {}
        asis = []
        lines_in = 0
        lo, hi = 1, 65535
        for i, payload, whole in sim['datagrams']:
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
                    lo = max(lo, len(line) if i in self.singles and whole else len(line) + 1)
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
            if all_valid and whole:
                asis.append([i, whole[0], whole[1], idxs])
        if not lo <= max_payload <= hi:
            raise AssertionError('%s: max-payload %d outside its own range %d..%d'
                                 % (self.name, max_payload, lo, hi))
        exp = {
            'SPDX-License-Identifier': 'BSD-3-Clause',
            'pcap': self.name + '.pcap',
            'config': self.ctx.name,
            'context': self.ctx.context(),
            'max_payload': max_payload,
            'max_payload_range': [lo, hi],
            'frames_in': len(self.frames),
            'frames_control': sim['frames_control'],
            'fragments_in': sim['fragments_in'],
            'datagrams_reassembled': sim['datagrams_reassembled'],
            'lines_in': lines_in,
            'drops': dict(sorted(drops.items())),
            'require_coalescing': require_coalescing,
            'answers': [[i, kind] for i, kind, _ in sim['answers']],
            'keys': list(keys),
            'valid_lines': valid,
            'asis': asis,
        }
        if self.ctx.resolve:
            exp['neighbours'] = {ip_ntoa(ip): mac_ntoa(mac) for ip, mac in sorted(sim['learned'].items())}
            exp['unresolved'] = [ip_ntoa(ip) for ip in self.ctx.resolve if ip not in sim['learned']]
        return exp


def write_expect(path, exp):
    """Deterministic JSON, one list element per line (diffable)."""
    items = []
    for k in sorted(exp):
        v = exp[k]
        if k in ('keys', 'valid_lines', 'asis', 'answers') and v:
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
    return bytes(b), 'frame_arp_other', 'ARP who-has %s tell %s (broadcast)' % (target, ip)


def f_ipv6_udp(rng):
    _, sp = _client(rng)
    b = Ether(src='02:00:00:00:66:01', dst=PORT_MAC) / IPv6(src='2001:db8::10', dst='2001:db8::1') / \
        UDP(sport=sp, dport=LISTEN_PORT) / Raw(_ok_payload(rng))
    return bytes(b), 'frame_other_ethertype', 'StatsD over IPv6 (the relay has no IPv6 address)'


def f_ipv6_ns(rng):
    b = Ether(src='02:00:00:00:66:02', dst='33:33:ff:00:00:01') / \
        IPv6(src='fe80::2', dst='ff02::1:ff00:1', hlim=255) / ICMPv6ND_NS(tgt='2001:db8::1')
    return bytes(b), 'frame_other_ethertype', 'IPv6 neighbour solicitation (no IPv6 address)'


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
    return bytes(b), 'frame_arp_other', '802.1Q-tagged ARP request for another host'


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
    return _fragments(rng)[0], 'fragment', 'first fragment (MF, offset 0) of a StatsD datagram, alone'


def f_frag_last(rng):
    return _fragments(rng)[1], 'fragment', 'last fragment (offset 104) of a StatsD datagram, alone'


def f_tcp(rng):
    ip, sp = _client(rng)
    b = Ether(src=client_mac(ip), dst=PORT_MAC) / IP(src=ip, dst=LISTEN_IP, flags='DF') / \
        TCP(sport=sp, dport=LISTEN_PORT, flags='PA', seq=1000, ack=1) / Raw(b'tcp.metric:1|c\n')
    return bytes(b), 'frame_other_protocol', 'TCP to port 8125 carrying a StatsD line'


def f_icmp(rng):
    ip, _ = _client(rng)
    b = Ether(src=client_mac(ip), dst=PORT_MAC) / IP(src=ip, dst=LISTEN_IP) / \
        ICMP(type=8, id=rng.randint(1, 65535), seq=1) / Raw(b'ping' * 8)
    return bytes(b), 'answer', 'ICMP echo request to the relay'


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
    src, dst = ip_aton(src_ip), ip_aton(LISTEN_IP6 if ':' in src_ip else LISTEN_IP)
    alphabet = b'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
    rng = random.Random(0xFFFF)
    for _ in range(5000000):
        p = prefix + bytes(rng.choice(alphabet) for _ in range(8)) + suffix
        udp = struct.pack('!HHHH', sport, LISTEN_PORT, 8 + len(p), 0) + p
        if pseudo_sum_ok(src, dst, 17, udp):
            return p
    raise AssertionError('no payload found')

# ----------------------------------------------------------------------------------------------
# Fixture: foreign.pcap
# ----------------------------------------------------------------------------------------------

def gen_foreign():
    rng = random.Random(0xF0)
    fx = Fixture('foreign', ctx_of('main.ini'))
    for maker in FOREIGN_MAKERS:
        for _ in range(2 if maker in (f_arp, f_other_mac, f_udp_bad_csum, f_other_port) else 1):
            b, want, note = maker(rng)
            add_made(fx, b, want, note)

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
    for ck in ('zero', 'ok'):
        inner = b'udp.short.%s:1|c\n' % ck.encode()
        b = bytearray(statsd_frame(inner + b'ghost.past.udp.length:1|c\n', '198.18.0.24', 41001,
                                   udp_csum='zero'))
        struct.pack_into('!H', b, 38, 8 + len(inner))
        if ck == 'ok':
            udp = bytes(b[34:42 + len(inner)])
            s = inet_sum(ip_aton('198.18.0.24') + ip_aton(LISTEN_IP) + struct.pack('!BBH', 0, 17, len(udp)) + udp)
            struct.pack_into('!H', b, 40, (0xffff - s) or 0xffff)
        fx.add(b, None, 'UDP length < IP payload, checksum %s: only %d payload bytes count' % (ck, len(inner)))
    foreign_control(fx, rng)
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
    fx = Fixture('lines', ctx_of('main.ini'))
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
    fx = Fixture('demo', ctx_of('main.ini'))
    cat = demo_catalog()
    clients = ['198.18.0.%d' % i for i in range(10, 201)]
    ports = {c: rng.randint(32768, 60999) for c in clients}
    n_packets = 3000
    foreign_at = set(rng.sample(range(n_packets), 90))
    for i in range(n_packets):
        if i in foreign_at:
            b, want, note = rng.choice(FOREIGN_MAKERS)(rng)
            add_made(fx, b, want, note)
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
    fx = Fixture('shuffled_tags', ctx_of('main.ini'))
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
    fx = Fixture('coalesce', ctx_of('main.ini'))
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
# Helpers shared by the fixtures below
# ----------------------------------------------------------------------------------------------

_CTX = {}


def ctx_of(filename):
    """The model's view of tests/replay/configs/FILENAME (read once)."""
    if filename not in _CTX:
        _CTX[filename] = Ctx.from_ini(filename)
    return _CTX[filename]


def add_made(fx, b, want, note):
    """Add a frame from a maker; a fragment made alone is built to be dropped."""
    if want == 'fragment':
        fx.add_fragment(b, 'dropped', note)
    else:
        fx.add(b, want, note)


def filler(i):
    """A frame the relay drops at once (to another unicast MAC), to space frames out."""
    return statsd_frame(b'filler.%d:1|c\n' % i, '198.18.0.9', 40999, dst_mac='02:00:00:00:99:99')


def ping_data(rng, n):
    return bytes(rng.randrange(256) for _ in range(n))


def v6_udp_frame(payload, src, *, dst=LISTEN_IP6, sport=40000, dport=LISTEN_PORT, ulen=None, plen=None,
                 nh=17, ext=b'', csum_mode='ok', dst_mac=PORT_MAC, vlan=None, ver=6):
    """StatsD over IPv6 built by hand, for the malformed ones: ulen/plen override the lengths,
    ext goes between the IPv6 and UDP headers (nh then names it)."""
    u = bytearray(udp_datagram(src, dst, sport, dport, payload, csum_mode))
    if ulen is not None:
        u[4:6] = struct.pack('!H', ulen)
    body = ext + bytes(u)
    ip = bytearray(ipv6_header(src, dst, nh, len(body) if plen is None else plen))
    ip[0] = (ver << 4) | (ip[0] & 15)
    return eth_header(client_mac(src), dst_mac, 0x86dd, vlan) + bytes(ip) + body


def statsd_lines(rng, cat, n, reject_rate=0.0):
    lines, wants = [], []
    for _ in range(n):
        s = rng.choice(cat)
        if rng.random() < reject_rate:
            ln, want = demo_reject(rng, s)
            if want == 'line_too_long':
                continue
        else:
            ln, want = demo_line(rng, s), None
        lines.append(ln)
        wants.append(want)
    return lines, wants


# ----------------------------------------------------------------------------------------------
# Fixture: foreign.pcap, its control frames (appended after the frame-level drops)
# ----------------------------------------------------------------------------------------------

def foreign_control(fx, rng):
    """ARP and ICMP the relay now answers or drops by its new reasons, and fragments of one
    datagram that reassemble (the relay on 198.18.0.1 only: main.ini)."""
    mac = client_mac('198.18.0.30')
    fx.add(arp_frame(1, mac, '198.18.0.30', LISTEN_IP), 'answer', 'ARP who-has 198.18.0.1 (broadcast): answered')
    fx.add(arp_frame(1, client_mac('198.18.0.31'), '198.18.0.31', LISTEN_IP, eth_dst=PORT_MAC), 'answer',
           'ARP who-has 198.18.0.1 unicast to the port (refresh): answered')
    fx.add(arp_frame(1, client_mac('198.18.0.32'), '198.18.0.32', LISTEN_IP, vlan=10), 'answer',
           '802.1Q-tagged ARP who-has 198.18.0.1: answered, tagged')
    b = arp_frame(1, client_mac('198.18.0.33'), '198.18.0.33', LISTEN_IP)
    fx.add(b + bytes(60 - len(b)), 'answer', 'ARP who-has 198.18.0.1 padded to 60 bytes: answered')
    fx.add(arp_frame(1, client_mac('198.18.0.34'), '0.0.0.0', LISTEN_IP), 'answer',
           'ARP probe for 198.18.0.1 (sender 0.0.0.0, RFC 5227): answered')
    fx.add(arp_frame(2, client_mac('198.18.0.35'), '198.18.0.35', LISTEN_IP, tha=PORT_MAC), 'control',
           'ARP reply to the relay (no shard next hop: nothing learned, nothing sent)')
    fx.add(arp_frame(2, client_mac('198.18.0.36'), '198.18.0.36', '198.18.0.77', tha='02:00:c6:12:00:4d'),
           'frame_other_mac', 'ARP reply to another host, unicast to its MAC')
    fx.add(arp_frame(2, client_mac('198.18.0.36'), '198.18.0.36', '198.18.0.77', tha='02:00:c6:12:00:4d',
                     eth_dst=BCAST_MAC), 'frame_arp_other', 'ARP reply to 198.18.0.77, broadcast')
    fx.add(arp_frame(3, client_mac('198.18.0.37'), '198.18.0.37', LISTEN_IP), 'frame_arp_other',
           'ARP opcode 3 (RARP request) naming 198.18.0.1')
    fx.add(arp_frame(1, client_mac('198.18.0.38'), '198.18.0.38', LISTEN_IP, htype=6), 'frame_arp_other',
           'ARP hardware type 6 (IEEE 802) for 198.18.0.1')
    fx.add(arp_frame(1, client_mac('198.18.0.39'), '198.18.0.39', LISTEN_IP, ptype=0x0801), 'frame_arp_other',
           'ARP protocol type 0x0801 for 198.18.0.1')
    fx.add(arp_frame(1, client_mac('198.18.0.40'), '198.18.0.40', LISTEN_IP)[:34], 'frame_truncated',
           'ARP request cut to 34 bytes')
    fx.add(arp_frame(1, client_mac('198.18.0.41'), '198.18.0.41', '198.18.0.41'), 'frame_arp_other',
           'gratuitous ARP of a client (not a shard)')
    src = '198.18.0.42'
    fx.add(icmp_echo(src, 1, ping_data(rng, 56)), 'answer', 'ICMP echo request, 56 data bytes: answered')
    fx.add(icmp_echo(src, 2, b'\x01'), 'answer', 'ICMP echo request, 1 data byte (odd length)')
    fx.add(icmp_echo(src, 3, b''), 'answer', 'ICMP echo request, no data')
    fx.add(icmp_echo(src, 4, ping_data(rng, 1400)), 'answer', 'ICMP echo request, 1400 data bytes')
    fx.add(icmp_echo(src, 5, b'pad', vlan=20), 'answer', '802.1Q-tagged ICMP echo request: answered, tagged')
    b = icmp_echo(src, 6, b'padded')
    fx.add(b + bytes(60 - len(b)), 'answer', 'ICMP echo request in a frame padded to 60 bytes')
    fx.add(icmp_echo(src, 7, b'opts', opts=b'\x94\x04\x00\x00'), 'answer',
           'ICMP echo request with IPv4 option Router Alert (IHL 6)')
    fx.add(icmp_echo(src, 8, b'bcast', dst_mac=BCAST_MAC), 'answer',
           'ICMP echo request to 198.18.0.1 at the broadcast MAC')
    fx.add(icmp_echo('198.18.0.43', 9, ping_data(rng, 32), bad_csum=True), 'frame_bad_icmp',
           'ICMP echo request, checksum off by one bit')
    fx.add(icmp_echo(src, 10, b'code', code=1), 'frame_other_protocol', 'ICMP echo request with code 1')
    fx.add(icmp_echo(src, 11, b'other', dst='198.18.0.2'), 'frame_other_protocol',
           'ICMP echo request to 198.18.0.2')
    fx.add(icmp_echo(src, 12, b'bcast', dst='255.255.255.255', dst_mac=BCAST_MAC), 'frame_other_protocol',
           'ICMP echo request to 255.255.255.255')
    fx.add(icmp_echo(src, 13, b'reply', typ=0), 'frame_other_protocol', 'ICMP echo reply to the relay')
    fx.add(icmp_echo(src, 14, bytes(28), typ=3, code=3), 'frame_other_protocol',
           'ICMP port unreachable to the relay')
    fx.add(icmp_echo(src, 15, bytes(12), typ=13), 'frame_other_protocol', 'ICMP timestamp request')
    b = bytearray(icmp_echo(src, 16, b''))
    b = b[:38]
    struct.pack_into('!H', b, 16, 24)
    fix_ip_csum(b, 14)
    fx.add(b, 'frame_truncated', 'ICMP message of 4 bytes (IP total length 24)')
    # One datagram in two fragments, and one in three sent last piece first: reassembled.
    for i, (src, order) in enumerate((('198.18.0.44', (0, 1)), ('198.18.0.45', (2, 0, 1)))):
        lines = [b'frag.reassembled.%d.m%02d:%d|c' % (i, k, k) for k in range(10)]
        payload = b'\n'.join(lines) + b'\n'
        fx.check_lines(lines, [None] * len(lines))
        n = len(order)
        pieces = split_pieces(8 + len(payload), n, random.Random(i))
        frs = ipv4_fragments(src, payload, pieces, ip_id=0x4242 + i)
        for k in order:
            fx.add_fragment(frs[k], 'reassembled', 'fragment %d/%d (offset %d) of a datagram of %d lines'
                            % (k + 1, n, pieces[k][0], len(lines)))


# ----------------------------------------------------------------------------------------------
# Fixture: ipv6.pcap (ipv6.ini: the relay on 198.18.0.1 and 2001:db8::1, an IPv6 shard)
# ----------------------------------------------------------------------------------------------

V6_CLIENTS = ['2001:db8::%x' % i for i in range(0x10, 0x24)]
V4_CLIENTS = ['198.18.0.%d' % i for i in range(10, 30)]


def ipv6_specials(rng):
    """(frame, want, note) for everything but plain StatsD in ipv6.pcap."""
    out = []

    def add(b, want, note):
        out.append((bytes(b), want, note))

    c = '2001:db8::40'
    p = b'v6.special:1|c\n'
    add(v6_udp_frame(p, c, csum_mode='bad'), 'frame_bad_udp_checksum', 'StatsD over IPv6, UDP checksum off')
    add(v6_udp_frame(p, c, csum_mode='zero'), 'frame_bad_udp_checksum',
        'StatsD over IPv6, UDP checksum 0 (mandatory over IPv6)')
    q = payload_with_udp_csum_ffff(b'v6.users.csum:', b'|s\n', c, 41000)
    b = v6_udp_frame(q, c, sport=41000)
    assert _u16(b, 60) == 0xffff
    add(b, None, 'StatsD over IPv6, UDP checksum field 0xffff (computed 0): valid')
    add(v6_udp_frame(p, c, dst='2001:db8::2'), 'frame_other_address', 'StatsD to [2001:db8::2]:8125')
    add(v6_udp_frame(p, c, dst='ff02::1:ff00:1', dst_mac='33:33:ff:00:00:01'), 'frame_other_address',
        'StatsD to the relay\'s solicited-node group ff02::1:ff00:1')
    add(v6_udp_frame(p, c, dst='ff02::1', dst_mac='33:33:00:00:00:01'), 'frame_other_address',
        'StatsD to all nodes ff02::1')
    add(v6_udp_frame(p, c, dport=8126), 'frame_other_port', 'StatsD to [2001:db8::1]:8126')
    add(v6_udp_frame(p, c, ulen=8 + len(p) + 1, csum_mode='zero'), 'frame_bad_udp_length',
        'UDP length one past the IPv6 payload')
    add(v6_udp_frame(p, c, ulen=4, csum_mode='zero'), 'frame_bad_udp_length', 'UDP length 4')
    add(v6_udp_frame(p, c, plen=8 + len(p) + 40), 'frame_bad_ip_header', 'IPv6 payload length 40 past the frame')
    add(v6_udp_frame(p, c, ver=4), 'frame_bad_ip_header', 'ethertype IPv6, version nibble 4')
    add(v6_udp_frame(p, c)[:44], 'frame_truncated', 'IPv6 frame cut to 44 bytes')
    b = bytearray(v6_udp_frame(b'', c))[:14 + 40 + 4]
    struct.pack_into('!H', b, 18, 4)
    add(b, 'frame_truncated', 'IPv6 payload of 4 bytes: a cut UDP header')
    inner = b'v6.udp.short:1|c\n'
    b = bytearray(v6_udp_frame(inner + b'ghost.past.udp.length:1|c\n', c, csum_mode='zero'))
    struct.pack_into('!HH', b, 58, 8 + len(inner), 0)
    struct.pack_into('!H', b, 60, l4_csum(ip_aton(c), ip_aton(LISTEN_IP6), 17, bytes(b[54:62 + len(inner)])))
    add(b, None, 'UDP length < IPv6 payload: only %d payload bytes count' % len(inner))
    hbh = bytes([17, 0, 1, 4, 0, 0, 0, 0])        # hop-by-hop: PadN
    add(v6_udp_frame(p, c, nh=0, ext=hbh), 'frame_other_protocol', 'hop-by-hop options header, then UDP')
    add(v6_udp_frame(p, c, nh=60, ext=hbh), 'frame_other_protocol', 'destination options header, then UDP')
    add(v6_udp_frame(p, c, nh=43, ext=bytes([17, 0, 0, 0, 0, 0, 0, 0])), 'frame_other_protocol',
        'routing header (type 0, no segments left), then UDP')
    add(v6_udp_frame(p, c, nh=6), 'frame_other_protocol', 'next header 6 (TCP)')
    add(v6_udp_frame(b'', c, nh=59), 'frame_other_protocol', 'next header 59 (none)')
    add(v6_udp_frame(p, c, dst_mac='02:00:00:00:99:98'), 'frame_other_mac', 'StatsD over IPv6 to another MAC')
    # Neighbor Discovery for the relay's address
    add(ns_frame('2001:db8::41', LISTEN_IP6), 'answer', 'NS for 2001:db8::1 to ff02::1:ff00:1, with SLLA')
    add(ns_frame('2001:db8::42', LISTEN_IP6, dst=LISTEN_IP6, dst_mac=PORT_MAC), 'answer',
        'NS for 2001:db8::1 unicast (reachability), with SLLA')
    add(ns_frame('fe80::43', LISTEN_IP6, src_mac='02:00:00:66:fe:43'), 'answer',
        'NS for 2001:db8::1 from link-local fe80::43')
    add(ns_frame('::', LISTEN_IP6, sll=None, nonce=b'\x11\x22\x33\x44\x55\x66'), 'answer',
        'DAD NS for 2001:db8::1 (source ::, nonce option): answered to all nodes')
    add(ns_frame('2001:db8::44', LISTEN_IP6, vlan=30), 'answer', '802.1Q-tagged NS for 2001:db8::1')
    add(ns_frame('2001:db8::45', LISTEN_IP6, sll='02:00:00:66:aa:45'), 'answer',
        'NS for 2001:db8::1 whose SLLA differs from the frame source: the NA goes to the SLLA')
    add(ns_frame('2001:db8::46', LISTEN_IP6, hlim=64), 'frame_other_protocol', 'NS for 2001:db8::1, hop limit 64')
    add(ns_frame('2001:db8::47', LISTEN_IP6, bad_csum=True), 'frame_bad_icmp', 'NS for 2001:db8::1, bad checksum')
    add(ns_frame('2001:db8::48', LISTEN_IP6, code=1), 'frame_other_protocol', 'NS for 2001:db8::1 with code 1')
    add(ns_frame('2001:db8::49', '2001:db8::2'), 'frame_other_address',
        'NS for 2001:db8::2 to its group ff02::1:ff00:2')
    add(ns_frame('2001:db8::4a', '2001:db8:5::1', dst='ff02::1:ff00:1', dst_mac='33:33:ff:00:00:01'),
        'frame_other_address', 'NS for 2001:db8:5::1 (same solicited-node group as the relay)')
    add(na_frame('2001:db8::104', '2001:db8::104', '02:00:00:00:bb:04'), 'control',
        'NA of shard 2001:db8::104 at another MAC: its mac= is static, nothing changes')
    add(na_frame('2001:db8::4b', '2001:db8::4b', client_mac('2001:db8::4b')), 'control',
        'NA of a client to the relay (not a next hop)')
    # ICMPv6 echo
    add(icmp6_echo('2001:db8::50', 1, ping_data(rng, 56)), 'answer', 'ICMPv6 echo request, 56 data bytes')
    add(icmp6_echo('2001:db8::50', 2, b'v', vlan=30), 'answer', '802.1Q-tagged ICMPv6 echo request, 1 data byte')
    add(icmp6_echo('2001:db8::51', 3, ping_data(rng, 1200)), 'answer', 'ICMPv6 echo request, 1200 data bytes')
    add(icmp6_echo('fe80::52', 4, b'll', src_mac='02:00:00:66:fe:52'), 'answer',
        'ICMPv6 echo request from link-local fe80::52')
    add(icmp6_echo('2001:db8::53', 5, b'bad', bad_csum=True), 'frame_bad_icmp', 'ICMPv6 echo request, bad checksum')
    add(icmp6_echo('2001:db8::53', 6, b'x', dst='2001:db8::2'), 'frame_other_address',
        'ICMPv6 echo request to 2001:db8::2')
    add(icmp6_echo('2001:db8::53', 7, b'x', dst='ff02::1', dst_mac='33:33:00:00:00:01'), 'frame_other_address',
        'ICMPv6 echo request to all nodes')
    add(icmp6_echo('2001:db8::53', 8, b'x', typ=129), 'frame_other_protocol', 'ICMPv6 echo reply to the relay')
    add(icmp6_frame('2001:db8::53', LISTEN_IP6, 1, 4, bytes(52)), 'frame_other_protocol',
        'ICMPv6 port unreachable to the relay')
    add(icmp6_frame('fe80::54', LISTEN_IP6, 134, 0, bytes(12), hlim=255), 'frame_other_protocol',
        'router advertisement to the relay')
    b = bytearray(icmp6_echo('2001:db8::53', 9, b''))[:14 + 40 + 2]
    struct.pack_into('!H', b, 18, 2)
    add(b, 'frame_truncated', 'ICMPv6 message of 2 bytes')
    # IPv4 control
    add(arp_frame(1, client_mac('198.18.0.60'), '198.18.0.60', LISTEN_IP), 'answer', 'ARP who-has 198.18.0.1')
    add(arp_frame(1, '02:00:00:00:bb:01', '198.18.1.1', LISTEN_IP), 'answer',
        'ARP who-has 198.18.0.1 from shard 198.18.1.1 at another MAC: answered; its mac= is static')
    add(arp_frame(1, client_mac('198.18.0.61'), '198.18.0.61', '198.18.0.62'), 'frame_arp_other',
        'ARP who-has 198.18.0.62')
    add(arp_frame(2, client_mac('198.18.0.63'), '198.18.0.63', LISTEN_IP, tha=PORT_MAC), 'control',
        'ARP reply to the relay')
    add(icmp_echo('198.18.0.64', 1, ping_data(rng, 48)), 'answer', 'ICMP echo request')
    add(icmp_echo('198.18.0.64', 2, b'bad', bad_csum=True), 'frame_bad_icmp', 'ICMP echo request, bad checksum')
    return out


def gen_ipv6():
    rng = random.Random(0x1B6)
    fx = Fixture('ipv6', ctx_of('ipv6.ini'))
    cat = demo_catalog()
    specials = ipv6_specials(rng)
    n = 160
    at = {}
    for pos, sp in zip(sorted(rng.sample(range(n), len(specials))), specials):
        at[pos] = sp
    ports = {}
    for i in range(n):
        if i in at:
            fx.add(*at[i])
        v6 = rng.random() < 0.6
        client = rng.choice(V6_CLIENTS if v6 else V4_CLIENTS)
        sport = ports.setdefault(client, rng.randint(32768, 60999))
        kw = dict(src_ip=client, sport=sport)
        r = rng.random()
        if r < 0.05:
            kw['vlan'] = 40
        elif r < 0.08:
            kw['dst_mac'] = '33:33:00:00:00:01' if v6 else BCAST_MAC
        if not v6 and rng.random() < 0.1:
            kw['udp_csum'] = 'zero'
        if rng.random() < 0.15:
            s = rng.choice(cat)
            lines = [demo_line(rng, s) for _ in range(rng.randint(1, 6))]
            wants = [None] * len(lines)
            note = 'one series'
        else:
            lines, wants = statsd_lines(rng, cat, rng.randint(1, 8), reject_rate=0.03)
            note = 'mixed'
        if not lines:
            lines, wants = [b'v6.fill:1|c'], [None]
        fx.add_datagram(lines, wants, '%d line(s) from %s, %s' % (len(lines), client, note), **kw)
    return fx


# ----------------------------------------------------------------------------------------------
# Fixture: fragments.pcap (ipv6.ini)
# ----------------------------------------------------------------------------------------------

def frag_payload(rng, cat, size):
    """StatsD lines of about size bytes (valid ones)."""
    lines = []
    total = 0
    while total < size:
        ln = demo_line(rng, rng.choice(cat))
        lines.append(ln)
        total += len(ln) + 1
    return lines, b'\n'.join(lines) + b'\n'


def gen_fragments():
    rng = random.Random(0xF7A6)
    fx = Fixture('fragments', ctx_of('ipv6.ini'))
    cat = demo_catalog()
    ids = iter(range(0x1000, 0x10000, 7))
    # (list of (frame, fate, note)) per group; groups are interleaved with each other and with
    # whole datagrams, keeping each group's own order.
    groups = []

    def datagram(v6, src, size, n, order='in', fate='reassembled', udp_csum='ok', dport=LISTEN_PORT, vlan=None,
                 what=''):
        lines, payload = frag_payload(rng, cat, size)
        fx.check_lines(lines, [None] * len(lines))
        pieces = split_pieces(8 + len(payload), n, rng)
        maker = ipv6_fragments if v6 else ipv4_fragments
        idkw = {'ident': next(ids) * 4099} if v6 else {'ip_id': next(ids)}
        frs = maker(src, payload, pieces, udp_csum=udp_csum, dport=dport, vlan=vlan, **idkw)
        idx = list(range(n))
        if order == 'reversed':
            idx.reverse()
        elif order == 'shuffled':
            while idx == sorted(idx):
                rng.shuffle(idx)
        return [(frs[k], fate, '%s fragment %d/%d (offset %d, %d bytes) of a datagram of %d lines%s'
                 % ('IPv6' if v6 else 'IPv4', k + 1, n, pieces[k][0], pieces[k][1], len(lines), what))
                for k in idx]

    for i in range(10):
        groups.append(datagram(False, V4_CLIENTS[i], rng.randint(150, 2600), rng.randint(2, 5), 'in'))
    for i in range(8):
        groups.append(datagram(False, V4_CLIENTS[10 + i], rng.randint(150, 2600), rng.randint(2, 5),
                               rng.choice(['reversed', 'shuffled'])))
    groups.append(datagram(False, '198.18.0.50', 2900, 8, 'in', what=' (8 fragments: the most)'))
    groups.append(datagram(False, '198.18.0.51', 2900, 8, 'shuffled', what=' (8 fragments: the most)'))
    groups.append(datagram(False, '198.18.0.52', 2900, 9, 'in', fate='dropped', what=' (9 fragments: too many)'))
    groups.append(datagram(False, '198.18.0.53', 1200, 3, 'in', udp_csum='bad',
                           what=' whose UDP checksum is wrong'))
    groups.append(datagram(False, '198.18.0.54', 600, 2, 'in', dport=8126, what=' to port 8126'))
    groups.append(datagram(False, '198.18.0.55', 700, 3, 'reversed', udp_csum='zero',
                           what=' with UDP checksum 0'))
    groups.append(datagram(False, '198.18.0.56', 900, 2, 'in', vlan=10, what=', 802.1Q-tagged'))
    for i in range(6):
        groups.append(datagram(True, V6_CLIENTS[i], rng.randint(150, 2600), rng.randint(2, 4), 'in'))
    for i in range(4):
        groups.append(datagram(True, V6_CLIENTS[6 + i], rng.randint(150, 2600), rng.randint(2, 4),
                               rng.choice(['reversed', 'shuffled'])))
    groups.append(datagram(True, '2001:db8::60', 1000, 3, 'shuffled', udp_csum='bad',
                           what=' whose UDP checksum is wrong'))
    groups.append(datagram(True, '2001:db8::61', 800, 2, 'in', udp_csum='zero',
                           what=' with UDP checksum 0 (refused over IPv6)'))
    groups.append(datagram(True, '2001:db8::62', 800, 2, 'in', vlan=10, what=', 802.1Q-tagged'))
    # The same IP id from two sources at once: two datagrams.
    shared = []
    for src in ('198.18.0.57', '198.18.0.58'):
        lines, payload = frag_payload(rng, cat, 500)
        fx.check_lines(lines, [None] * len(lines))
        frs = ipv4_fragments(src, payload, split_pieces(8 + len(payload), 2, rng), ip_id=0x7777)
        shared.append([(f, 'reassembled', 'IPv4 fragment %d/2 of a datagram from %s with IP id 0x7777'
                        % (k + 1, src)) for k, f in enumerate(frs)])
    groups.append([shared[0][0], shared[1][0], shared[0][1], shared[1][1]])
    # Fragments that never make a datagram.
    lines, payload = frag_payload(rng, cat, 1000)
    frs = ipv4_fragments('198.18.0.59', payload, [(0, 504, True), (504, 248, True), (752, None, False)],
                         ip_id=next(ids))
    groups.append([(frs[0], 'dropped', 'IPv4 first fragment alone (the rest never comes)')])
    frs = ipv4_fragments('198.18.0.59', payload, [(0, 504, True), (504, 248, True), (752, None, False)],
                         ip_id=next(ids))
    groups.append([(frs[1], 'dropped', 'IPv4 middle fragment alone')])
    frs = ipv4_fragments('198.18.0.59', payload, [(0, 504, True), (504, 248, True), (752, None, False)],
                         ip_id=next(ids))
    groups.append([(frs[2], 'dropped', 'IPv4 last fragment alone')])
    frs = ipv4_fragments('198.18.0.60', payload, [(0, 504, True), (504, 248, True), (752, None, False)],
                         ip_id=next(ids))
    groups.append([(frs[0], 'dropped', 'IPv4 fragment 1/3, the last one never comes'),
                   (frs[1], 'dropped', 'IPv4 fragment 2/3, the last one never comes')])
    frs = ipv4_fragments('198.18.0.61', payload, [(0, 504, True), (752, None, False)], ip_id=next(ids))
    groups.append([(frs[0], 'dropped', 'IPv4 fragment 1/3, the middle one never comes (a hole)'),
                   (frs[1], 'dropped', 'IPv4 fragment 3/3, the middle one never comes (a hole)')])
    # Overlapping garbage
    whole = udp_datagram('198.18.0.62', LISTEN_IP, 41000, LISTEN_PORT, payload)
    tot = len(whole)
    frs = ipv4_fragments('198.18.0.62', payload, [(0, 504, True), (496, 504, True), (1000, None, False)],
                         ip_id=next(ids), whole=whole)
    groups.append([(frs[0], 'dropped', 'IPv4 fragment 0..504 (overlapping garbage)'),
                   (frs[1], 'dropped', 'IPv4 fragment 496..1000, overlaps the first by 8 bytes'),
                   (frs[2], 'dropped', 'IPv4 last fragment 1000..%d: the pieces add up to more than the datagram' % tot)])
    frs = ipv4_fragments('198.18.0.63', payload, [(0, 504, True), (248, 504, True), (1008, None, False)],
                         ip_id=next(ids), whole=whole)
    groups.append([(frs[0], 'dropped', 'IPv4 fragment 0..504 (overlap and hole that add up)'),
                   (frs[1], 'dropped', 'IPv4 fragment 248..752: overlaps the first, leaves 752..1008 empty'),
                   (frs[2], 'dropped', 'IPv4 last fragment 1008..%d' % tot)])
    frs = ipv4_fragments('198.18.0.64', payload, [(0, 504, True), (0, 256, True), (504, None, False)],
                         ip_id=next(ids), whole=whole)
    groups.append([(frs[0], 'dropped', 'IPv4 first fragment 0..504'),
                   (frs[1], 'dropped', 'IPv4 second first fragment 0..256, different length (overlap)'),
                   (frs[2], 'dropped', 'IPv4 last fragment 504..%d' % tot)])
    w6 = udp_datagram('2001:db8::63', LISTEN_IP6, 41000, LISTEN_PORT, payload)
    frs = ipv6_fragments('2001:db8::63', payload, [(0, 504, True), (496, 504, True), (1000, None, False)],
                         ident=next(ids) * 4099, whole=w6)
    groups.append([(frs[0], 'dropped', 'IPv6 fragment 0..504 (overlapping garbage)'),
                   (frs[1], 'dropped', 'IPv6 fragment 496..1000, overlaps the first'),
                   (frs[2], 'dropped', 'IPv6 last fragment 1000..%d' % len(w6))])
    frs = ipv6_fragments('2001:db8::64', payload, [(0, 504, True), (504, None, False)], ident=next(ids) * 4099)
    groups.append([(frs[1], 'dropped', 'IPv6 last fragment alone')])
    b = bytearray(ipv4_fragments('198.18.0.65', b'', [(8, 0, True)], ip_id=next(ids),
                                 whole=bytes(16))[0])
    groups.append([(bytes(b), 'dropped', 'IPv4 fragment without data (offset 8, MF)')])
    # Fragments the relay does not take.
    frs = ipv4_fragments('198.18.0.66', payload, [(0, 504, True), (504, None, False)], ip_id=next(ids),
                         dst='198.18.0.2')
    groups.append([(frs[0], 'frame_ip_fragment', 'IPv4 fragment 1/2 to 198.18.0.2'),
                   (frs[1], 'frame_ip_fragment', 'IPv4 fragment 2/2 to 198.18.0.2')])
    frs = ipv6_fragments('2001:db8::65', payload, [(0, 504, True), (504, None, False)], ident=next(ids) * 4099,
                         dst='2001:db8::2')
    groups.append([(frs[0], 'frame_other_address', 'IPv6 fragment 1/2 to 2001:db8::2'),
                   (frs[1], 'frame_other_address', 'IPv6 fragment 2/2 to 2001:db8::2')])
    frs = ipv6_fragments('2001:db8::66', payload, [(0, 504, True)], ident=next(ids) * 4099,
                         dst='ff02::1:ff00:1', dst_mac='33:33:ff:00:00:01')
    groups.append([(frs[0], 'frame_other_address', 'IPv6 fragment to the solicited-node group ff02::1:ff00:1')])
    frs = ipv4_fragments('198.18.0.67', payload, [(0, 504, True), (504, None, False)], ip_id=next(ids))
    b = bytearray(frs[1])
    b[24] ^= 0x10
    groups.append([(frs[0], 'dropped', 'IPv4 fragment 1/2; 2/2 arrives with a bad header checksum'),
                   (bytes(b), 'frame_bad_ip_checksum', 'IPv4 fragment 2/2, header checksum off')])

    # Interleave: each step takes the next frame of a random open group, or a whole datagram.
    wholes = 40
    open_groups = [list(g) for g in groups]
    while open_groups or wholes:
        if wholes and rng.random() < 0.15 or not open_groups:
            wholes -= 1
            v6 = rng.random() < 0.4
            client = rng.choice(V6_CLIENTS if v6 else V4_CLIENTS)
            lines, wants = statsd_lines(rng, cat, rng.randint(1, 6))
            fx.add_datagram(lines, wants, 'whole datagram, %d line(s)' % len(lines), src_ip=client,
                            sport=40000 + wholes)
            continue
        g = rng.choice(open_groups)
        b, fate, note = g.pop(0)
        if not g:
            open_groups.remove(g)
        if fate in ('reassembled', 'dropped'):
            fx.add_fragment(b, fate, note)
        else:
            fx.add(b, fate, note)
    return fx


# ----------------------------------------------------------------------------------------------
# Fixture: acl.pcap (acl.ini: allow = 198.18.0.0/25, 2001:db8::/64)
# ----------------------------------------------------------------------------------------------

def gen_acl():
    rng = random.Random(0xAC1)
    fx = Fixture('acl', ctx_of('acl.ini'))
    cat = demo_catalog()
    allowed = ['198.18.0.10', '198.18.0.77', '198.18.0.127', '2001:db8::10', '2001:db8::ffff:ffff:ffff:ffff',
               '2001:db8::abcd']
    denied = ['198.18.0.128', '198.18.0.200', '10.9.8.7', '198.19.0.10', '2001:db8:1::10', '2001:db8:0:1::',
              'fe80::5', '2001:db9::10']
    specials = []
    for ip in allowed:
        if ':' in ip:
            specials.append((icmp6_echo(ip, 1, b'acl'), 'answer', 'ICMPv6 echo request from %s (allowed)' % ip))
        else:
            specials.append((icmp_echo(ip, 1, b'acl'), 'answer', 'ICMP echo request from %s (allowed)' % ip))
    for ip in denied:
        if ':' in ip:
            specials.append((icmp6_echo(ip, 1, b'acl', src_mac='02:00:00:66:de:01'), 'frame_not_allowed',
                             'ICMPv6 echo request from %s (denied)' % ip))
            specials.append((ns_frame(ip, LISTEN_IP6, dst=LISTEN_IP6, dst_mac=PORT_MAC, src_mac='02:00:00:66:de:02'),
                             'answer', 'NS for 2001:db8::1 from %s (denied; ND is not filtered)' % ip))
        else:
            specials.append((icmp_echo(ip, 1, b'acl'), 'frame_not_allowed', 'ICMP echo request from %s (denied)' % ip))
            specials.append((arp_frame(1, '02:00:00:00:de:%02x' % (len(specials) % 256), ip, LISTEN_IP), 'answer',
                             'ARP who-has 198.18.0.1 from %s (denied; ARP is not filtered)' % ip))
    for src, fate in (('198.18.0.20', 'reassembled'), ('198.18.0.220', 'frame_not_allowed'),
                      ('2001:db8::20', 'reassembled'), ('2001:db8:2::20', 'frame_not_allowed')):
        lines, payload = frag_payload(rng, cat, 1500)
        fx.check_lines(lines, [None] * len(lines))
        pieces = split_pieces(8 + len(payload), 2, rng)
        if ':' in src:
            frs = ipv6_fragments(src, payload, pieces, ident=0x5000 + len(specials))
        else:
            frs = ipv4_fragments(src, payload, pieces, ip_id=0x5000 + len(specials))
        for k, f in enumerate(frs):
            specials.append((f, fate, 'fragment %d/2 from %s (%s)' % (k + 1, src,
                                                                      'allowed' if fate == 'reassembled' else 'denied')))
    n = 120
    pos = sorted(rng.sample(range(n), len(specials)))
    at = dict(zip(pos, specials))
    for i in range(n):
        if i in at:
            b, want, note = at[i]
            if want == 'reassembled':
                fx.add_fragment(b, want, note)
            else:
                fx.add(b, want, note)
        ok = rng.random() < 0.6
        client = rng.choice(allowed if ok else denied)
        lines, wants = statsd_lines(rng, cat, rng.randint(1, 5))
        kw = dict(src_ip=client, sport=42000 + i)
        if ok:
            fx.add_datagram(lines, wants, '%d line(s) from %s (allowed)' % (len(lines), client), **kw)
        else:
            fx.check_lines(lines, wants)
            fx.add(statsd_frame(b'\n'.join(lines) + b'\n', src_mac='02:00:00:00:de:ff', **kw), 'frame_not_allowed',
                   '%d line(s) from %s (denied)' % (len(lines), client))
    return fx


# ----------------------------------------------------------------------------------------------
# Fixture: neighbours.pcap (neighbours.ini: shards without mac=, resolved by ARP and ND)
# ----------------------------------------------------------------------------------------------

NEIGH_MACS = {'198.18.0.101': '02:00:00:00:0a:01', '198.18.0.102': '02:00:00:00:0a:02',
              '198.18.0.254': '02:00:00:00:0a:fe', '2001:db8::104': '02:00:00:00:0a:06',
              '198.18.0.111': '02:00:00:00:0b:01', '198.18.0.112': '02:00:00:00:0b:02',
              '2001:db8::112': '02:00:00:00:0b:06'}


def announce(fx, ip, how):
    """A next hop shows its MAC: 'reply' (ARP reply to the relay), 'request' (ARP who-has the
    relay's address, answered), 'garp' (gratuitous ARP request), 'garp-reply' (gratuitous ARP
    reply, broadcast), 'na' (NA unicast to the relay), 'na-all' (unsolicited NA to all nodes)."""
    mac = NEIGH_MACS[ip]
    if how == 'reply':
        fx.add(arp_frame(2, mac, ip, LISTEN_IP, tha=PORT_MAC), 'control', 'ARP reply %s is-at %s to the relay' % (ip, mac))
    elif how == 'request':
        fx.add(arp_frame(1, mac, ip, LISTEN_IP), 'answer', 'ARP who-has 198.18.0.1 tell %s (%s): answered, learned'
               % (ip, mac))
    elif how == 'garp':
        fx.add(arp_frame(1, mac, ip, ip), 'frame_arp_other', 'gratuitous ARP request of %s at %s (broadcast)' % (ip, mac))
    elif how == 'garp-reply':
        fx.add(arp_frame(2, mac, ip, ip, tha=mac, eth_dst=BCAST_MAC), 'frame_arp_other',
               'gratuitous ARP reply of %s at %s (broadcast)' % (ip, mac))
    elif how == 'na':
        fx.add(na_frame(ip, ip, mac), 'control', 'NA %s is-at %s to 2001:db8::1 (solicited, override)' % (ip, mac))
    elif how == 'na-all':
        fx.add(na_frame(ip, ip, mac, dst='ff02::1', flags=0x20, dst_mac='33:33:00:00:00:01'), 'control',
               'unsolicited NA %s is-at %s to all nodes ff02::1 (override)' % (ip, mac))
    else:
        raise ValueError(how)


def statsd_run(fx, rng, n, clients, cat, note=''):
    for i in range(n):
        client = rng.choice(clients)
        lines, wants = statsd_lines(rng, cat, rng.randint(1, 6), reject_rate=0.02)
        if not lines:
            continue
        fx.add_datagram(lines, wants, '%d line(s) from %s%s' % (len(lines), client, note), src_ip=client,
                        sport=43000 + i % 50)


def pad_to(fx, n):
    while len(fx.frames) < n:
        fx.add(filler(len(fx.frames)), 'frame_other_mac', 'filler: StatsD to another MAC')


def gen_neighbours():
    rng = random.Random(0x4E16)
    fx = Fixture('neighbours', ctx_of('neighbours.ini'))
    cat = demo_catalog()
    # First, while the relay reads its first burst: the next hops that answer show their MACs.
    announce(fx, '198.18.0.101', 'reply')
    announce(fx, '198.18.0.102', 'request')
    announce(fx, '198.18.0.254', 'reply')          # the gateway, next hop of 198.18.9.4
    announce(fx, '2001:db8::104', 'na')
    # 198.18.0.103 never answers. Control traffic of clients (not next hops).
    fx.add(arp_frame(1, client_mac('198.18.0.20'), '198.18.0.20', LISTEN_IP), 'answer', 'ARP who-has 198.18.0.1')
    fx.add(arp_frame(1, client_mac('198.18.0.21'), '198.18.0.21', '198.18.0.103'), 'frame_arp_other',
           'ARP who-has 198.18.0.103 (the silent shard) from a client')
    fx.add(icmp_echo('198.18.0.22', 1, b'neigh'), 'answer', 'ICMP echo request')
    fx.add(ns_frame('2001:db8::22', LISTEN_IP6), 'answer', 'NS for 2001:db8::1')
    fx.add(icmp6_echo('2001:db8::23', 1, b'neigh'), 'answer', 'ICMPv6 echo request')
    # StatsD only after the first 32 frames (one RX burst): the relay learns what that burst
    # showed before it sends anything (packets of a shard still unresolved are held).
    pad_to(fx, 40)
    statsd_run(fx, rng, 120, V4_CLIENTS + V6_CLIENTS, cat)
    exp = fx.expectation()
    want = {'198.18.0.101', '198.18.0.102', '198.18.0.254', '2001:db8::104'}
    assert set(exp['neighbours']) == want and exp['unresolved'] == ['198.18.0.103'], exp['neighbours']
    return fx


# ----------------------------------------------------------------------------------------------
# Known relay bugs (tests/replay/run_replay.sh KNOWN_BUGS): fixtures by the rules that the
# relay of this tree fails; each says which rule.
# ----------------------------------------------------------------------------------------------

def neighbours_then_statsd(name, hows, n=40):
    rng = random.Random(sum(name.encode()))
    fx = Fixture(name, ctx_of('announce.ini'))
    for ip, how in hows:
        announce(fx, ip, how)
    pad_to(fx, 40)
    statsd_run(fx, rng, n, V4_CLIENTS + V6_CLIENTS, demo_catalog())
    exp = fx.expectation()
    assert exp['unresolved'] == [], exp
    return fx


def gen_garp():
    """Rule 6: a next hop's MAC is learned from any ARP request/reply naming it (RFC 826:
    the sender's entry is updated whoever is the target): gratuitous ARP announcements."""
    return neighbours_then_statsd('garp', [('198.18.0.111', 'garp'), ('198.18.0.112', 'garp-reply'),
                                           ('2001:db8::112', 'na')])


def gen_unsolicited_na():
    """Rule 6 for IPv6: an unsolicited NA goes to all nodes (RFC 4861 7.2.6)."""
    return neighbours_then_statsd('unsolicited_na', [('198.18.0.111', 'reply'), ('198.18.0.112', 'request'),
                                                     ('2001:db8::112', 'na-all')])


def gen_hold_order():
    """Rule 6 + per-shard order: packets held while a next hop resolves leave before any
    later packet of that shard."""
    fx = Fixture('hold_order', ctx_of('announce.ini'))
    announce(fx, '198.18.0.111', 'reply')
    announce(fx, '198.18.0.112', 'request')
    announce(fx, '2001:db8::112', 'na')
    k = 0
    for _ in range(6):          # in the first RX burst: held until the burst's MACs are learned
        k += 1
        fx.add_datagram([b'hold.order.gauge:+%d|g' % k], [None], 'gauge delta %d (first burst)' % k,
                        src_ip='198.18.0.10', sport=44000)
    pad_to(fx, 40)
    for _ in range(10):         # later bursts: the MAC is known
        k += 1
        fx.add_datagram([b'hold.order.gauge:+%d|g' % k], [None], 'gauge delta %d' % k,
                        src_ip='198.18.0.10', sport=44000)
    return fx


def gen_nd_no_option():
    """Rule 3: an NS for the relay's address is answered; RFC 4861 lets a unicast NS and a
    DAD NS carry no option (a 78-byte frame)."""
    fx = Fixture('nd_no_option', ctx_of('ipv6.ini'))
    fx.add(ns_frame('2001:db8::30', LISTEN_IP6), 'answer', 'NS for 2001:db8::1 with SLLA (86 bytes)')
    fx.add(ns_frame('2001:db8::31', LISTEN_IP6, dst=LISTEN_IP6, dst_mac=PORT_MAC, sll=None), 'answer',
           'unicast NS for 2001:db8::1 without SLLA (78 bytes): the NA goes to the frame source')
    fx.add(ns_frame('::', LISTEN_IP6, sll=None), 'answer',
           'DAD NS for 2001:db8::1 (source ::) without options (78 bytes): NA to all nodes')
    fx.add_datagram([b'nd.no.option:1|c'], [None], 'a StatsD line', src_ip='2001:db8::30')
    return fx


def gen_atomic_fragment():
    """Rule 4: an IPv6 fragment to the relay is reassembled; an atomic fragment (offset 0,
    M clear) is a whole datagram (RFC 6946: processed in isolation)."""
    rng = random.Random(0xA70)
    fx = Fixture('atomic_fragment', ctx_of('ipv6.ini'))
    cat = demo_catalog()
    lines, payload = frag_payload(rng, cat, 300)
    fx.check_lines(lines, [None] * len(lines))
    frs = ipv6_fragments('2001:db8::70', payload, [(0, None, False)], ident=0xa70a70)
    fx.add_fragment(frs[0], 'reassembled', 'IPv6 atomic fragment (offset 0, M clear) of %d lines' % len(lines))
    lines, payload = frag_payload(rng, cat, 300)
    frs = ipv6_fragments('2001:db8::71', payload, [(0, 160, True), (160, None, False)], ident=0xa70a71)
    for k, f in enumerate(frs):
        fx.add_fragment(f, 'reassembled', 'IPv6 fragment %d/2 of %d lines' % (k + 1, len(lines)))
    fx.add_datagram([b'atomic.whole:1|c'], [None], 'a whole datagram', src_ip='2001:db8::72')
    return fx


# ----------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'pcap'))
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
    for k in ('frames_in', 'lines_in', 'drops', 'keys', 'valid_lines', 'asis', 'answers'):
        assert e1432[k] == e512[k], 'demo expectations differ at max-payload 512: ' + k
    emit(demo)

    shuffled = gen_shuffled()
    shuffled.write(args.out)
    emit(shuffled)

    coalesce = gen_coalesce()
    coalesce.write(args.out)
    emit(coalesce, require_coalescing=True)

    for gen in (gen_ipv6, gen_fragments, gen_acl, gen_neighbours, gen_garp, gen_unsolicited_na,
                gen_hold_order, gen_nd_no_option, gen_atomic_fragment):
        fx = gen()
        fx.write(args.out)
        emit(fx)
    return 0


if __name__ == '__main__':
    sys.exit(main())
