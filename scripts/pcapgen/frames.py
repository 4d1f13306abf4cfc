# SPDX-License-Identifier: BSD-3-Clause
"""Frame builders: Ethernet (802.1Q), IPv4, IPv6, UDP, ARP, ICMP, ICMPv6 echo, Neighbor
Solicitation/Advertisement and IPv4/IPv6 fragments, as the bytes of one frame each.

Every address and MAC is given (client_mac() derives a client's from its address): scapy
never picks one, so the frames do not depend on the host. Defaults send to the relay
(net.PORT_MAC, LISTEN_IP / LISTEN_IP6, LISTEN_PORT).
"""

import random
import struct

from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Dot1Q, Ether
from scapy.packet import Raw

from sr_wire import solicited_node

from .net import (BCAST_MAC, LISTEN_IP, LISTEN_IP6, LISTEN_PORT, PORT_MAC, csum, ip_aton, ip_ntoa, l4_csum,
                  mac_aton, mac_ntoa, multicast_mac6, pseudo_sum_ok, u16)


# ----------------------------------------------------------------------------------------------
# Addresses and headers
# ----------------------------------------------------------------------------------------------

def client_mac(ip):
    """A client's MAC (text), made from its IPv4 or IPv6 address (text)."""
    if ':' in ip:
        b = ip_aton(ip)
        return '02:00:00:66:%02x:%02x' % (b[14], b[15])
    return '02:00:c6:12:%02x:%02x' % tuple(int(x) for x in ip.split('.')[2:])


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


def fix_ip_csum(b, off):
    """Recompute the IPv4 header checksum of the header at off (IHL taken from the header)."""
    hl = (b[off] & 15) * 4 or 20
    b[off + 10:off + 12] = b'\0\0'
    b[off + 10:off + 12] = struct.pack('!H', csum(bytes(b[off:off + max(hl, 20)])))


def ip_offset(b):
    """Where the IP header of frame b starts (after one 802.1Q tag, if any)."""
    return 18 if u16(b, 12) == 0x8100 else 14


# ----------------------------------------------------------------------------------------------
# StatsD datagrams
# ----------------------------------------------------------------------------------------------

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
# ARP, ICMP, ICMPv6 and Neighbor Discovery
# ----------------------------------------------------------------------------------------------

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


# ----------------------------------------------------------------------------------------------
# Fragments
# ----------------------------------------------------------------------------------------------

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
                   udp_csum='ok', vlan=None, dst_mac=PORT_MAC, whole=None, nh=17):
    """As ipv4_fragments, over IPv6 (nh: the Fragment header's next header, the upper layer's)."""
    whole = whole if whole is not None else udp_datagram(src, dst, sport, dport, payload, udp_csum)
    out = []
    for ofs, ln, more in pieces:
        assert ofs % 8 == 0
        data = whole[ofs:] if ln is None else whole[ofs:ofs + ln]
        fh = struct.pack('!BBHI', nh, 0, ofs | (1 if more else 0), ident)
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


def even_pieces(total, most):
    """Pieces (offset, length, more) of most bytes each (a multiple of 8), the last the rest:
    how a sender with an MTU cuts a datagram (most: 1480 over IPv4, 1448 over IPv6 at 1500)."""
    assert most % 8 == 0
    return [(o, min(most, total - o), o + most < total) for o in range(0, total, most)]
