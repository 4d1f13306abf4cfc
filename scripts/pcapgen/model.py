# SPDX-License-Identifier: BSD-3-Clause
"""The reference model: what the relay must do with each frame and line, from which every
X.expect.json is computed (pcap/README.md, "How the expectations are made").

  Ctx, ctx_of     the relay's configuration as far as frames go, read from
                  tests/replay/configs/*.ini (the files the replay tests run the relay with)
  classify_frame  one frame's verdict, in lib/net/sr_frame.c's order of checks, and the answer
                  the relay sends (arp_reply, icmp_echo_reply, icmp6_echo_reply, nd_advert)
  arp_request, nd_solicit
                  the relay asking for a next hop it must resolve
  FragGuard       the filter in front of reassembly (lib/net/sr_frag_guard.c): duplicate
                  fragments dropped alone, overlaps give their datagram up
  FragTable       IPv4/IPv6 reassembly as DPDK's rte_ip_frag does it
  simulate        the frames in order: verdicts, reassembly, answers, neighbours learned
  classify_line   one StatsD line: its drop reason or its canonical series key
  goes_alone, fragment, fragment_size
                  what the relay sends in a datagram of its own (a line longer than a packet
                  holds) and how it cuts a datagram larger than the MTU into IP fragments

Standard library only (tests/replay/fake_relay.py runs the replay harness on it).
"""

import configparser
import os
import re
import struct

from sr_wire import in_prefix, inet_sum, parse_endpoint, solicited_node

from .net import (ALL_NODES6, PORT_MAC, UNSPEC6, csum, ip_aton, ip_ntoa, l4_csum, mac_aton,
                  multicast_mac6, pseudo_sum_ok, u16)

CONFIGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'replay', 'configs')

MAX_PAYLOAD = 1432              # the relay's default max-payload
MAX_LINE = 8192                 # the relay's default max-line (SR_DEFAULT_MAX_LINE): longer is
                                # line_too_long, whatever max-payload is
MTU = 1500                      # the relay's default --mtu: a larger IP packet leaves in fragments
TYPES = {b'c', b'g', b'ms', b'h', b's', b'd'}
SIGNED_TYPES = {b'c', b'g'}
# The numbers the fixtures use. Forms where parsers differ (".5", "5.", "inf", "nan", hex,
# "1_000") are never generated, valid or not.
NUMBER = re.compile(rb'[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\Z')
MAX_TAGS = 64                   # the relay's documented limit (README: line_too_many_tags)
MAX_FRAGMENTS = 8               # fragments per reassembled datagram (DPDK rte_ip_frag)
FRAG_GUARD_SLOTS = 1024         # SR_FRAG_ENTRIES (app/relay.h): the guard's slots per poller
FRAG_GUARD_RANGES = 8           # SR_FRAG_GUARD_RANGES (lib/net/sr_frag_guard.h)
# The control frames the relay answers, and the kind of answer each gets (the expectations'
# "answers").
ANSWERS = {'arp_request': 'arp_reply', 'icmp_echo': 'icmp_echo_reply', 'icmp6_echo': 'icmp6_echo_reply',
           'nd_solicit': 'nd_advert'}


# ----------------------------------------------------------------------------------------------
# The relay's configuration
# ----------------------------------------------------------------------------------------------

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


_CTX = {}


def ctx_of(filename):
    """The model's view of tests/replay/configs/FILENAME (read once)."""
    if filename not in _CTX:
        _CTX[filename] = Ctx.from_ini(filename)
    return _CTX[filename]


# ----------------------------------------------------------------------------------------------
# Frames
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


def udp_csum_ok(ip_src, ip_dst, udp):
    return pseudo_sum_ok(ip_src, ip_dst, 17, udp)


def parse_udp(f, ctx, fam, u, l4_len, src, dst):
    """UDP to the listen port: length, port, allow list, checksum (mandatory over IPv6)."""
    if l4_len < 8:
        return drop('frame_truncated')
    ulen = u16(f, u + 4)
    if ulen < 8 or ulen > l4_len:
        return drop('frame_bad_udp_length')
    if u16(f, u + 2) != ctx.port(fam):
        return drop('frame_other_port')
    if not ctx.allowed(src):
        return drop('frame_not_allowed')
    ck = u16(f, u + 6)
    if ck != 0 or fam == 6:
        if ck == 0 or not udp_csum_ok(src, dst, bytes(f[u:u + ulen])):
            return drop('frame_bad_udp_checksum')
    return Verdict('statsd', off=u + 8, ln=ulen - 8)


def bad_source_v4(ctx, src):
    """Sources nothing real sends from, for IPv4 addressed to us (sr_frame.c bad_source_v4,
    RFC 1122 3.2.1.3, RFC 1812 5.3.7): 0.0.0.0, multicast and class E (224.0.0.0/3, which
    holds 255.255.255.255), the listen subnet's broadcast (prefix at most 30, from --listen
    IP/LEN; without /LEN the prefix is 32: none) and our own address. The broadcast is the
    one of our subnet only: 198.19.0.255 is a host like any when we are 198.18.0.1/24."""
    lip, plen, _ = ctx.listen[4]
    a = int.from_bytes(src, 'big')
    host = 0xffffffff >> plen
    ours = int.from_bytes(lip, 'big') & ~host & 0xffffffff
    subnet_bcast = plen <= 30 and a & ~host & 0xffffffff == ours and a & host == host
    return a == 0 or a >> 28 >= 0xe or subnet_bcast or src == lip


def bad_source_v6(ctx, src, nh, first):
    """IPv6 (sr_frame.c bad_source_v6, RFC 4291 2.7, RFC 4861 7.2.4): a multicast source,
    our own address, or :: unless the packet is an ICMPv6 Neighbor Solicitation (DAD).
    first: the first byte after the IPv6 header (None: no payload)."""
    if src[0] == 0xff or src == ctx.listen[6][0]:
        return True
    return src == UNSPEC6 and not (nh == 58 and first == 135)


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
    tot = u16(f, l2 + 2)
    if tot < hl:
        return drop('frame_bad_ip_header')
    if tot > n - l2:  # fewer bytes than the header says: cut on the way
        return drop('frame_truncated')
    if not reassembled and inet_sum(f[l2:l2 + hl]) != 0xffff:
        return drop('frame_bad_ip_checksum')
    src, dst = bytes(f[l2 + 12:l2 + 16]), bytes(f[l2 + 16:l2 + 20])
    ours = ctx.ours(4, dst)
    if ours and bad_source_v4(ctx, src):
        return drop('frame_bad_source')
    flags = u16(f, l2 + 6)
    if flags & 0x3fff:
        if not ours:
            return drop('frame_ip_fragment')
        if not ctx.allowed(src):
            return drop('frame_not_allowed')
        return Verdict('fragment', frag={
            'key': (4, src, dst, u16(f, l2 + 4)), 'proto': f[l2 + 9], 'ofs': (flags & 0x1fff) * 8,
            'more': bool(flags & 0x2000), 'data': bytes(f[l2 + hl:l2 + tot]), 'head': bytes(f[:l2 + hl]),
            'l2': l2})
    proto = f[l2 + 9]
    if proto == 1:
        if tot - hl < 8:
            return drop('frame_truncated')
        typ, code = f[l2 + hl], f[l2 + hl + 1]
        if ours and ((typ, code) == (0, 0) or (typ, code) == (3, 3)):
            if inet_sum(f[l2 + hl:l2 + tot]) != 0xffff:
                return drop('frame_bad_icmp')
            return classify_health(ctx, 4, bytes(f[l2 + hl:l2 + tot]), src)
        if f[l2 + hl] != 8 or f[l2 + hl + 1] != 0 or not ours:
            return drop('frame_other_protocol')
        if not ctx.allowed(src):
            return drop('frame_not_allowed')
        if inet_sum(f[l2 + hl:l2 + tot]) != 0xffff:
            return drop('frame_bad_icmp')
        answer = icmp_echo_reply(f, l2, hl, tot)
        if reassembled:
            big_echo_answerable(answer, l2, hl)
        return Verdict('control', ctl='icmp_echo', answer=answer)
    if proto != 17:
        return drop('frame_other_protocol')
    if not ours:
        return drop('frame_other_address')
    return parse_udp(f, ctx, 4, l2 + hl, tot - hl, src, dst)


def classify_health(ctx, fam, m, src):
    """What the health checks hear: an echo reply to us, or a port unreachable quoting a
    UDP datagram from our address (its IP header and at least its UDP header)."""
    if len(m) < 8:
        return drop('frame_truncated')
    if m[0] == (129 if fam == 6 else 0):
        return Verdict('control', ctl='echo_reply')
    q = m[8:]
    if fam == 4:
        if len(q) < 20:
            return drop('frame_truncated')
        ihl = (q[0] & 15) * 4
        if q[0] >> 4 != 4 or ihl < 20 or q[9] != 17 or not ctx.ours(4, bytes(q[12:16])):
            return drop('frame_other_protocol')
        if len(q) < ihl + 8:
            return drop('frame_truncated')
    else:
        if len(q) < 48:
            return drop('frame_truncated')
        if q[0] >> 4 != 6 or q[6] != 17 or not ctx.ours(6, bytes(q[8:24])):
            return drop('frame_other_protocol')
        ihl = 40
    # from the host the datagram went to, about a datagram from our port
    if bytes(q[16:20] if fam == 4 else q[24:40]) != bytes(src) or \
            int.from_bytes(q[ihl:ihl + 2], 'big') != ctx.port(fam):
        return drop('frame_other_protocol')
    return Verdict('control', ctl='port_unreachable')


def big_echo_answerable(answer, l2, hl, v6=False):
    """A reassembled echo request is answered, the answer (as large) cut into fragments like
    any datagram larger than the MTU (fragment()). Refused: a request whose answer fits the
    MTU (the relay sends it as one "fragment", an IPv6 atomic one, counted as fragmented),
    and a tagged one or one with IPv4 options (the relay's fragmenter assumes a 14-byte
    Ethernet header and a 20-byte IPv4 header)."""
    if len(answer) - l2 <= MTU:
        raise ValueError('ambiguous: a reassembled echo request whose answer fits the MTU')
    if l2 != 14 or hl != (40 if v6 else 20):
        raise ValueError('ambiguous: a reassembled echo request with an 802.1Q tag or IPv4 options')


def classify_icmp6(f, ctx, l2, plen, src, dst, hlim, reassembled=False):
    m = bytes(f[l2 + 40:l2 + 40 + plen])
    if plen < 4:
        return drop('frame_truncated')
    if not pseudo_sum_ok(src, dst, 58, m):
        return drop('frame_bad_icmp')
    typ, code = m[0], m[1]
    if typ == 128 and code == 0 and plen >= 8 and ctx.ours(6, dst):
        if not ctx.allowed(src):
            return drop('frame_not_allowed')
        answer = icmp6_echo_reply(f, l2, plen)
        if reassembled:
            big_echo_answerable(answer, l2, 40, v6=True)
        return Verdict('control', ctl='icmp6_echo', answer=answer)
    if ((typ, code) == (129, 0) or (typ, code) == (1, 4)) and ctx.ours(6, dst):
        return classify_health(ctx, 6, m, src)
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


def classify_ipv6(f, ctx, l2, reassembled=False):
    n = len(f)
    if ctx.listen[6] is None:
        return drop('frame_other_ethertype')
    if n < l2 + 40:
        return drop('frame_truncated')
    plen = u16(f, l2 + 4)
    if f[l2] >> 4 != 6:
        return drop('frame_bad_ip_header')
    if plen > n - l2 - 40:
        return drop('frame_truncated')
    nh, hlim = f[l2 + 6], f[l2 + 7]
    src, dst = bytes(f[l2 + 8:l2 + 24]), bytes(f[l2 + 24:l2 + 40])
    lip = ctx.listen[6][0]
    first = f[l2 + 40] if plen >= 1 else None
    # An unsolicited Neighbor Advertisement goes to all nodes (RFC 4861 7.2.6); the relay
    # learns next hops from NAs, so it is the relay's as well.
    if (dst != lip and dst != solicited_node(lip) and
            not (dst == ALL_NODES6 and nh == 58 and first == 136)):
        return drop('frame_other_address')
    if bad_source_v6(ctx, src, nh, first):
        return drop('frame_bad_source')
    if nh == 58:
        return classify_icmp6(f, ctx, l2, plen, src, dst, hlim, reassembled)
    if nh == 44:
        if plen < 8:
            return drop('frame_truncated')
        if dst != lip:
            return drop('frame_other_address')
        if not ctx.allowed(src):
            return drop('frame_not_allowed')
        fo = u16(f, l2 + 42)
        return Verdict('fragment', frag={
            'key': (6, src, dst, struct.unpack('!I', f[l2 + 44:l2 + 48])[0]), 'proto': 0, 'ofs': fo & 0xfff8,
            'more': bool(fo & 1), 'data': bytes(f[l2 + 48:l2 + 40 + plen]), 'head': bytes(f[:l2 + 40]),
            'nh': f[l2 + 40], 'l2': l2})
    if nh == 17:
        if dst != lip:
            return drop('frame_other_address')
        return parse_udp(f, ctx, 6, l2 + 40, plen, src, dst)
    return drop('frame_other_protocol')


def classify_frame(f, ctx, reassembled=False):
    """The relay's verdict on one frame (lib/net/sr_frame.c's order of checks)."""
    f = bytes(f)
    n = len(f)
    if n < 14:
        return drop('frame_truncated')
    if f[0:6] != ctx.port_mac and not f[0] & 1:      # broadcast is a multicast address too
        return drop('frame_other_mac')
    if f[6] & 1:                                      # no frame comes from a group address
        return drop('frame_bad_source')
    et, l2 = u16(f, 12), 14
    if et == 0x8100:
        if n < 18:
            return drop('frame_truncated')
        et, l2 = u16(f, 16), 18
    if et == 0x0800:
        return classify_ipv4(f, ctx, l2, reassembled)
    if et == 0x86dd:
        return classify_ipv6(f, ctx, l2, reassembled)
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

_M64 = (1 << 64) - 1


class FragGuard:
    """The filter in front of reassembly, as lib/net/sr_frag_guard.c does it (one per poller;
    the replay runs one). Per datagram, keyed by (source, destination, id, IPv4 protocol; 0
    for IPv6), the byte ranges [offset, offset + data length) received are kept, merged when
    they touch, at most 8 (a ninth disjoint one is not recorded). A fragment:
      wholly inside one kept range: 'duplicate', dropped alone (frame_fragment_duplicate,
        not in fragments_in);
      partly overlapping one: 'overlap', its datagram is poisoned: it and every later
        fragment of the datagram are dropped as frame_ip_fragment (not in fragments_in);
        what the table holds of it then expires (frame_ip_fragment);
      else 'take': its range is recorded and it goes to the reassembly table.
    A completed reassembly frees the entry. The entries live in 1024 slots chosen by a hash
    of the key: a datagram whose key lands in a slot another one holds takes the slot over
    and the other's ranges (and poison) are forgotten. An entry times out 1 s after its
    first fragment, as the table's do: a replay is far shorter, so the model has no time."""

    def __init__(self, n_slots=FRAG_GUARD_SLOTS):
        self.n_slots = n_slots
        self.slots = {}           # slot -> {'key', 'ranges': [[start, end)], 'poisoned'}

    @staticmethod
    def key(fr):
        fam, src, dst, ident = fr['key']
        return (fam, bytes(src), bytes(dst), ident, fr['proto'])

    def slot_of(self, key):
        """sr_frag_guard.c slot_of: the key's addresses (16 bytes each, IPv4 in the first
        4) read as four little-endian 64-bit words, mixed into a hash of id and protocol."""
        _, src, dst, ident, proto = key
        a = src.ljust(16, b'\0') + dst.ljust(16, b'\0')
        h = 0x9e3779b97f4a7c15 ^ ident ^ (proto << 32)
        for i in range(0, 32, 8):
            h = ((h ^ int.from_bytes(a[i:i + 8], 'little')) * 0xbf58476d1ce4e5b9) & _M64
            h ^= h >> 31
        return (h >> 32) % self.n_slots

    def check(self, fr):
        """'take', 'duplicate' or 'overlap' for fragment fr (sr_frag_guard_check)."""
        k = self.key(fr)
        start = fr['ofs']
        end = start + len(fr['data'])
        slot = self.slot_of(k)
        e = self.slots.get(slot)
        if e is None or e['key'] != k:
            e = self.slots[slot] = {'key': k, 'ranges': [], 'poisoned': False}
        if e['poisoned']:
            return 'overlap'
        for rs, re_ in e['ranges']:
            if start >= rs and end <= re_:
                return 'duplicate'
            if start < re_ and end > rs:
                e['poisoned'] = True
                return 'overlap'
        # add_range: merge every range it touches (adjacent; an empty one can be inside)
        r = e['ranges']
        i = 0
        while i < len(r):
            if r[i][1] < start or r[i][0] > end:
                i += 1
                continue
            start, end = min(r[i][0], start), max(r[i][1], end)
            r[i] = r[-1]
            r.pop()
        if len(r) < FRAG_GUARD_RANGES:
            r.append([start, end])
        return 'take'

    def done(self, fr):
        """fr completed its datagram: the entry is free (if the slot is still its)."""
        k = self.key(fr)
        slot = self.slot_of(k)
        if slot in self.slots and self.slots[slot]['key'] == k:
            del self.slots[slot]


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
            struct.pack_into('!H', head, l2 + 6, u16(head, l2 + 6) & 0x4000)
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
    answers   [(frame index, kind, frame bytes, fragments)]: fragments, the frame indexes of
              a reassembled request (None when it came whole); the answer is the whole
              datagram (one larger than the MTU leaves in fragments: fragment())
    learned   {next-hop ip: mac} (the last MAC shown wins)
    counters  frames_control, fragments_in, datagrams_reassembled, drops{}
    fates     {fragment frame index: ('reassembled', completing frame), ('dropped', None)
              (frame_ip_fragment) or ('duplicate', None) (frame_fragment_duplicate)}"""
    res = {'verdicts': [], 'datagrams': [], 'answers': [], 'learned': {}, 'fates': {},
           'frames_control': 0, 'fragments_in': 0, 'datagrams_reassembled': 0, 'drops': {}}
    guard = FragGuard()
    table = FragTable()
    resolve = set(ctx.resolve)

    def count(reason, n=1):
        res['drops'][reason] = res['drops'].get(reason, 0) + n

    def handle(i, f, v, reassembled, used=None):
        if v.learn and v.learn[0] in resolve:
            res['learned'][v.learn[0]] = v.learn[1]
        if v.kind == 'drop':
            count(v.reason)
        elif v.kind == 'statsd':
            res['datagrams'].append((i, f[v.off:v.off + v.ln], None if reassembled else (v.off, v.ln)))
        elif v.kind == 'control':
            res['frames_control'] += 1
            if v.answer is not None:
                res['answers'].append((i, ANSWERS[v.ctl], v.answer, used))
        elif v.kind == 'fragment':
            fr = v.frag
            # An IPv6 atomic fragment carrying UDP is parsed as a whole datagram before any
            # of this (sr_frame.c); other fragments meet the guard first (worker.c).
            atomic_udp = fr['key'][0] == 6 and fr['ofs'] == 0 and not fr['more'] and fr.get('nh') == 17
            g = 'take' if atomic_udp else guard.check(fr)
            if g != 'take':
                count('frame_fragment_duplicate' if g == 'duplicate' else 'frame_ip_fragment')
                res['fates'][i] = ('duplicate' if g == 'duplicate' else 'dropped', None)
                return
            res['fragments_in'] += 1
            state, what = table.add(i, fr)
            if state == 'dropped':
                count('frame_ip_fragment', len(what))
                for j in what:
                    res['fates'][j] = ('dropped', None)
            elif state == 'done':
                whole, used = what
                if not atomic_udp:
                    guard.done(fr)
                res['datagrams_reassembled'] += 1
                for j in used:
                    res['fates'][j] = ('reassembled', i)
                handle(i, whole, classify_frame(whole, ctx, reassembled=True), True, sorted(used))

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
# What the relay sends: long lines alone, IP fragments
# ----------------------------------------------------------------------------------------------

def in_place(payload, all_valid, one_shard, whole, max_payload=MAX_PAYLOAD):
    """Does a datagram leave as it came, its headers rewritten (sr_coalesce_datagram)? It
    arrived whole (one segment: never a reassembled one), every line is valid, they all go
    to one shard, and it fits max-payload. Otherwise its valid lines are copied."""
    return whole and all_valid and one_shard and len(payload) <= max_payload


def goes_alone(line, max_payload=MAX_PAYLOAD):
    """A valid line that is copied (not in place) and longer than a packet holds (its length
    + the LF it gets > max-payload) goes to its shard in a datagram of its own, payload the
    line + LF (sr_coalesce_line, worker.c send_alone), after the shard's open packet is sent:
    the shard's lines keep their order. Its frame may then exceed the MTU: fragment()."""
    return len(line) + 1 > max_payload


def fragment_size(v6, mtu=MTU):
    """IP payload bytes each fragment but the last carries (lib/net/sr_fragment.c): what the
    MTU leaves after the IPv4 header, or after the IPv6 header and a Fragment header, in
    8-byte units."""
    return (mtu - (48 if v6 else 20)) & ~7


def fragment(frame, ident, mtu=MTU):
    """The fragments of a datagram the relay sends whose IP packet is larger than the MTU
    (frame: Ethernet, untagged, then an IPv4 header without options or an IPv6 header, then
    the whole IP payload), as frame bytes, in order; [frame] when it fits. The relay does it
    to a long line's datagram and to the answer of a large echo request, each datagram with
    a fresh identification (a per-poller counter from a random start; ident here).
      IPv4 (RFC 791 3.2): the header copied, total length and checksum recomputed, DF off,
        MF on all but the last, the offset in 8-byte units; the identification its low 16
        bits.
      IPv6 (RFC 8200 4.5): a Fragment header (next header: the upper layer's; offset; M on
        all but the last; the identification) after the fixed header, whose next header
        becomes 44 and payload length the fragment's.
    Each fragment but the last carries fragment_size() bytes of the IP payload (the UDP or
    ICMP header only in the first), the last the rest."""
    if len(frame) - 14 <= mtu:
        return [frame]
    v6 = frame[14] >> 4 == 6
    hl = 40 if v6 else 20
    head, data = frame[:14 + hl], frame[14 + hl:]
    per = fragment_size(v6, mtu)
    out = []
    for ofs in range(0, len(data), per):
        piece = data[ofs:ofs + per]
        more = ofs + len(piece) < len(data)
        ip = bytearray(head[14:])
        if v6:
            nh = ip[6]
            ip[6] = 44
            struct.pack_into('!H', ip, 4, 8 + len(piece))
            ip += struct.pack('!BBHI', nh, 0, ofs | (1 if more else 0), ident & 0xffffffff)
        else:
            struct.pack_into('!HHH', ip, 2, 20 + len(piece), ident & 0xffff, (0x2000 if more else 0) | ofs // 8)
            struct.pack_into('!H', ip, 10, 0)
            struct.pack_into('!H', ip, 10, csum(bytes(ip)))
        out.append(bytes(head[:14]) + bytes(ip) + piece)
    return out


# ----------------------------------------------------------------------------------------------
# Lines
# ----------------------------------------------------------------------------------------------

def classify_line(line, max_line=MAX_LINE):
    """(reason, None) for a rejected line, (None, canonical series key) for a valid one.
    Too long means longer than --max-line (default 8192), not --max-payload: a valid line
    longer than a packet holds goes alone (goes_alone)."""
    if len(line) > max_line:
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
