# SPDX-License-Identifier: BSD-3-Clause
"""Foreign frames: one maker per kind of frame the relay must drop, take or answer instead
of forwarding (a cut header, another MAC, address or port, a bad checksum or length, ARP,
ICMP, a lone fragment...). Each maker takes a random.Random and returns (frame bytes,
intended verdict, note); foreign.pcap has every kind, demo.pcap a sample among its
datagrams (Fixture.add_made adds one)."""

import struct

from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.inet6 import ICMPv6ND_NS, IPv6
from scapy.layers.l2 import ARP, Dot1Q, Ether
from scapy.packet import Raw

from .frames import client_mac, fix_ip_csum, ip_offset, statsd_frame
from .net import BCAST_MAC, LISTEN_IP, LISTEN_PORT, PORT_MAC, u16


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
    tot = u16(b, 16)
    return _patch_ip(b, 14, 2, tot + 40, '!H'), 'frame_truncated', 'total length 40 bytes past the frame'


def f_ip_snapped(rng):
    ip, sp = _client(rng)
    payload = b''.join(b'snap.metric.%d:%d|c\n' % (i, i) for i in range(20))
    b = statsd_frame(payload, ip, sp)
    return b[:200], 'frame_truncated', 'StatsD frame of %d bytes captured to 200 (total length > captured)' % len(b)


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
    ipid = u16(raw, 4)
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
    c = u16(b, 40)
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
