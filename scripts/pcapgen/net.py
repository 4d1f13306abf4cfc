# SPDX-License-Identifier: BSD-3-Clause
"""The replay network as the fixtures see it (the relay port's MAC, its listen addresses
and port) and the byte-level helpers the model and the frame builders both use: address
and MAC text to bytes and back, the checksums. Standard library only."""

import ipaddress
import struct

from sr_wire import inet_sum

PORT_MAC = '02:70:63:61:70:00'
BCAST_MAC = 'ff:ff:ff:ff:ff:ff'
LISTEN_IP = '198.18.0.1'
LISTEN_IP6 = '2001:db8::1'
LISTEN_PORT = 8125


def u16(b, o):
    """The big-endian 16-bit word at offset o."""
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


def _pseudo_header(src, dst, proto, length):
    """The IPv4 or IPv6 pseudo header (by the length of src) of an L4 message."""
    if len(src) == 4:
        return src + dst + struct.pack('!BBH', 0, proto, length)
    return src + dst + struct.pack('!IxxxB', length, proto)


def pseudo_sum_ok(src, dst, proto, l4):
    """Does l4 (UDP or ICMPv6 header + data) check against the IPv4 or IPv6 pseudo header?"""
    return inet_sum(_pseudo_header(src, dst, proto, len(l4)) + l4) == 0xffff


def l4_csum(src, dst, proto, l4):
    """The checksum l4 (its checksum field zero) must carry; 0 is sent as 0xffff."""
    return csum(_pseudo_header(src, dst, proto, len(l4)) + l4) or 0xffff


def multicast_mac6(ip16):
    """33:33 + the group's last four bytes (RFC 2464 7)."""
    return b'\x33\x33' + ip16[12:]


ALL_NODES6 = ip_aton('ff02::1')
UNSPEC6 = bytes(16)
