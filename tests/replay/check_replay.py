#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check one statsd-relay replay run against a fixture's X.expect.json.

  check_replay.py --expect X.expect.json --stats STATS.json --out OUT.pcap --config CFG.ini
                  [--in X.pcap] [--max-payload N] [--max-line N] [--mtu N] [--strict-order]

CFG.ini is the configuration the relay really ran with (listen addresses, allow list,
gateway, shards in index order, their MACs if given); --max-payload, --max-line and --mtu
override its max-payload, max-line and mtu as the flags did. IP fragments in the output
are checked one by one (offsets in 8-byte units, contiguous, MF on all but the last, DF
off, IPv4 header checksum, each at most the MTU, each but the last as large as the MTU
allows, headers the same in all) and put together by (source, destination, protocol,
identification); a fragmented datagram must be larger than the MTU, a whole one no larger,
and the identifications of fragmented datagrams differ. Every output datagram (put together or whole) must be one of: a StatsD packet to a shard
(Ethernet + IPv4 or IPv6 + UDP, from the listen address, to the shard's MAC: its mac= or
the one its next hop showed in the input), an answer to a request of the input (ARP reply,
ICMP or ICMPv6 echo reply, Neighbor Advertisement; exactly the ones the expectations list,
each checked field by field against its request: answers_arp, answers_icmp,
answers_icmp6, answers_nd), or a request of the relay's own for a
next hop it must resolve (ARP request, Neighbor Solicitation). Prints one line
"FAIL <check>: <detail>" per failed check and exits 1, or one "OK ..." line and exits 0.
Standalone on purpose: it does not share code with the generator.
"""

import argparse
import base64
import collections
import configparser
import ipaddress
import json
import os
import struct
import sys

PORT_MAC = bytes.fromhex('027063617000')
BCAST = b'\xff' * 6
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'scripts'))
from sr_reasons import FRAME_REASONS, LINE_REASONS  # noqa: E402  (lib/sr_counters.h)
from sr_wire import (in_prefix, inet_sum, parse_endpoint, read_pcap, solicited_node,  # noqa: E402
                     split_lines)
PORT_COUNTERS = ['imissed', 'ierrors', 'rx_nombuf', 'oerrors']
ALL_NODES = ipaddress.ip_address('ff02::1').packed
# The check that fails when an answer of a kind is wrong.
ANSWER_CHECK = {'arp_reply': 'answers_arp', 'icmp_echo_reply': 'answers_icmp',
                'icmp6_echo_reply': 'answers_icmp6', 'nd_advert': 'answers_nd'}
EXAMPLES = 4




def pseudo_ok(src, dst, proto, l4):
    """Does l4 check against its IPv4/IPv6 pseudo header?"""
    if len(src) == 4:
        pseudo = src + dst + struct.pack('!BBH', 0, proto, len(l4))
    else:
        pseudo = src + dst + struct.pack('!IxxxB', len(l4), proto)
    return inet_sum(pseudo + l4) == 0xffff


def u16(b, o):
    return struct.unpack('!H', b[o:o + 2])[0]


def ntoa(b):
    return str(ipaddress.ip_address(bytes(b)))


def mac(b):
    return bytes(b).hex(':')



# ---- configuration



def parse_mac(text):
    b = bytes.fromhex(text.strip().replace(':', ''))
    if len(b) != 6:
        raise ValueError('bad MAC %r' % text)
    return b


def items(v):
    return [x.strip() for x in (v or '').split(',') if x.strip()]


def addr_text(ip, port):
    return ('[%s]:%d' if len(ip) == 16 else '%s:%d') % (ntoa(ip), port)


def load_config(path, max_payload=None, max_line=None, mtu=None):
    cp = configparser.ConfigParser(interpolation=None, comment_prefixes=(';', '#'),
                                   inline_comment_prefixes=(';',), strict=True)
    with open(path, encoding='utf-8') as fh:
        cp.read_file(fh)
    relay = cp['relay']
    cfg = {'listen': {}, 'max_payload': int(relay.get('max-payload', '1432')), 'shards': [],
           'allow': [], 'gateway': {}, 'max_line': int(relay.get('max-line', '8192')),
           'mtu': int(relay.get('mtu', '1500'))}
    for text in items(relay['listen']):
        ip, plen, port = parse_endpoint(text)
        cfg['listen'][len(ip)] = (ip, plen, port)           # keyed by address length: 4 or 16
    for text in items(relay.get('allow')):
        ip, _, plen = text.strip('[]').partition('/')
        b = ipaddress.ip_address(ip.strip('[]')).packed
        cfg['allow'].append('%s/%d' % (ntoa(b), int(plen) if plen else 8 * len(b)))
    for text in items(relay.get('gateway')):
        b = ipaddress.ip_address(text.strip('[]')).packed
        cfg['gateway'][len(b)] = b
    if max_payload is not None:
        cfg['max_payload'] = max_payload
    if max_line is not None:
        cfg['max_line'] = max_line
    if mtu is not None:
        cfg['mtu'] = mtu
    for sec in cp.sections():
        if not sec.startswith('shard '):
            continue
        ip, _, port = parse_endpoint(cp[sec]['address'])
        if len(ip) not in cfg['listen']:
            raise ValueError('%s: shard %s has no listen address of its family' % (path, sec))
        lip, lplen, _ = cfg['listen'][len(ip)]
        static = parse_mac(cp[sec]['mac']) if 'mac' in cp[sec] else None
        hop = ip
        if static is None and len(ip) in cfg['gateway'] and not in_prefix(ip, lip, lplen):
            hop = cfg['gateway'][len(ip)]
        cfg['shards'].append({'name': sec[6:].strip(), 'ip': ip, 'port': port, 'static': static,
                              'hop': hop, 'address': addr_text(ip, port)})
    if not cfg['shards']:
        raise ValueError('%s: no [shard ...] section' % path)
    return cfg


def show(b, n=70):
    r = repr(bytes(b))
    return r if len(r) <= n else r[:n] + '...'


class Checker:
    def __init__(self):
        self.failures = []

    def fail(self, check, detail):
        self.failures.append((check, detail))

    def expect_eq(self, check, what, got, want):
        if got != want:
            self.fail(check, '%s is %r, expected %r' % (what, got, want))



# ---- output frames

def l2(f):
    """(header length, ethertype, tag bytes or b'') of an Ethernet frame, or None."""
    if len(f) < 14:
        return None
    et = u16(f, 12)
    if et == 0x8100:
        if len(f) < 18:
            return None
        return 18, u16(f, 16), f[12:16]
    return 14, et, b''


def padding_ok(f, end):
    """Bytes past end are at most padding to the 60-byte minimum, zeros."""
    return len(f) == end or (len(f) <= 60 and not any(f[end:]))


def kind_of(f):
    """What an output frame claims to be: statsd4, statsd6, arp_reply, arp_request,
    icmp_echo_reply, icmp6_echo_reply, nd_advert, nd_solicit, or None."""
    h = l2(f)
    if not h:
        return None
    off, et, _ = h
    if et == 0x0806 and len(f) >= off + 8:
        return {1: 'arp_request', 2: 'arp_reply'}.get(u16(f, off + 6))
    if et == 0x0800 and len(f) >= off + 20:
        proto = f[off + 9]
        if proto == 17:
            return 'statsd4'
        if proto == 1 and len(f) > off + (f[off] & 15) * 4 and f[off + (f[off] & 15) * 4] == 0:
            return 'icmp_echo_reply'
        return None
    if et == 0x86dd and len(f) >= off + 41:
        nh = f[off + 6]
        if nh == 17:
            return 'statsd6'
        if nh == 58:
            return {129: 'icmp6_echo_reply', 136: 'nd_advert', 135: 'nd_solicit'}.get(f[off + 40])
    return None


def check_statsd(f, cfg, by_ipport, dst_macs):
    """Header problems of one StatsD packet (list of strings), its shard index and payload."""
    probs = []
    fam4 = u16(f, 12) == 0x0800
    hl = 42 if fam4 else 62
    if len(f) < hl:
        return ['only %d bytes' % len(f)], None, b''
    if f[6:12] != PORT_MAC:
        probs.append('src MAC %s' % mac(f[6:12]))
    ip = f[14:]
    listen = cfg['listen'].get(4 if fam4 else 16)
    if listen is None:
        return ['IPv%d, but the relay has no such listen address' % (4 if fam4 else 6)], None, b''
    lip, _, lport = listen
    if fam4:
        if ip[0] != 0x45:
            return probs + ['version/IHL byte 0x%02x' % ip[0]], None, b''
        tot, frag = u16(ip, 2), u16(ip, 6)
        if tot < 28 or tot > len(ip):
            return probs + ['IP total length %d, frame carries %d' % (tot, len(ip))], None, b''
        if len(ip) > tot and len(f) > 60:
            probs.append('%d bytes after the IP datagram in a frame of %d' % (len(ip) - tot, len(f)))
        if frag & 0x3fff:
            probs.append('fragment bits 0x%04x' % frag)
        if ip[8] != 64:
            probs.append('TTL %d' % ip[8])
        if inet_sum(ip[:20]) != 0xffff:
            probs.append('bad IP checksum 0x%04x' % u16(ip, 10))
        src, dst, l4 = ip[12:16], ip[16:20], ip[20:tot]
    else:
        if ip[0] >> 4 != 6:
            return probs + ['IP version %d' % (ip[0] >> 4)], None, b''
        plen = u16(ip, 4)
        if plen < 8 or plen > len(ip) - 40:
            return probs + ['IPv6 payload length %d, frame carries %d' % (plen, len(ip) - 40)], None, b''
        if len(ip) > 40 + plen:
            probs.append('%d bytes after the IPv6 datagram' % (len(ip) - 40 - plen))
        if ip[7] != 64:
            probs.append('hop limit %d' % ip[7])
        src, dst, l4 = ip[8:24], ip[24:40], ip[40:40 + plen]
    if src != lip:
        probs.append('src IP %s' % ntoa(src))
    sport, dport, ulen, ucs = struct.unpack('!HHHH', l4[:8])
    if sport != lport:
        probs.append('UDP sport %d' % sport)
    if ulen != len(l4):
        probs.append('UDP length %d, IP payload %d' % (ulen, len(l4)))
        ulen = min(max(ulen, 8), len(l4))
    udp = l4[:ulen]
    if ucs == 0:
        probs.append('UDP checksum 0')
    elif not pseudo_ok(src, dst, 17, udp):
        probs.append('bad UDP checksum 0x%04x' % ucs)
    shard = by_ipport.get((bytes(dst), dport))
    if shard is None:
        probs.append('to %s, not a shard' % addr_text(dst, dport))
    else:
        want = dst_macs[shard]
        sh = cfg['shards'][shard]
        if want is None:
            probs.append('to shard %s, whose next hop %s never showed its MAC' % (sh['address'], ntoa(sh['hop'])))
        elif f[0:6] != want:
            probs.append('dst MAC %s, shard %s has %s' % (mac(f[0:6]), sh['address'], mac(want)))
    return probs, shard, udp[8:]


# ---- IP fragments: checked one by one, then put together

def fragment_of(f):
    """The IP fragment an output frame is, as a dict, or None for a frame that is not one:
    l2 (header bytes), fam (4/6), key (fam, src, dst, protocol, identification), ofs, more,
    data, hdr (the fields all fragments of a datagram share), ip (the header as sent)."""
    h = l2(f)
    if not h:
        return None
    off, et, _ = h
    ip = f[off:]
    if et == 0x0800 and len(ip) >= 20 and ip[0] >> 4 == 4:
        hl = (ip[0] & 15) * 4
        frag = u16(ip, 6)
        if not frag & 0x3fff or hl < 20 or len(ip) < hl:
            return None
        tot = u16(ip, 2)
        return {'l2': f[:off], 'fam': 4, 'key': (4, ip[12:16], ip[16:20], ip[9], u16(ip, 4)),
                'ofs': (frag & 0x1fff) * 8, 'more': bool(frag & 0x2000), 'df': bool(frag & 0x4000),
                'data': ip[hl:tot], 'hdr': ip[0:2] + ip[8:10] + ip[12:hl], 'ip': ip[:hl], 'tot': tot,
                'len': len(ip)}
    if et == 0x86dd and len(ip) >= 48 and ip[6] == 44:
        plen = u16(ip, 4)
        fo = u16(ip, 42)
        return {'l2': f[:off], 'fam': 6, 'key': (6, ip[8:24], ip[24:40], ip[40], struct.unpack('!I', ip[44:48])[0]),
                'ofs': fo & 0xfff8, 'more': bool(fo & 1), 'res': ip[41] or fo & 6, 'data': ip[48:40 + plen],
                'hdr': ip[0:4] + ip[7:40] + ip[40:41], 'ip': ip[:40], 'tot': 40 + plen, 'len': len(ip)}
    return None


def fragment_size(fam, mtu):
    """IP payload bytes of each fragment but the last: what the MTU leaves after the IPv4
    header, or after the IPv6 header and its Fragment header, in 8-byte units."""
    return (mtu - (48 if fam == 6 else 20)) & ~7


def join_fragments(pieces):
    """The datagram of fragments (dicts of fragment_of, offset order): the first's headers,
    lengths made whole, not a fragment any more."""
    first = pieces[0]
    data = b''.join(p['data'] for p in pieces)
    ip = bytearray(first['ip'])
    if first['fam'] == 4:
        struct.pack_into('!HH', ip, 2, len(ip) + len(data), u16(ip, 4))
        struct.pack_into('!H', ip, 6, 0)
        struct.pack_into('!H', ip, 10, 0)
        struct.pack_into('!H', ip, 10, 0xffff - inet_sum(bytes(ip)))
    else:
        ip[6] = first['key'][3]
        struct.pack_into('!H', ip, 4, len(data))
    return bytes(first['l2']) + bytes(ip) + data


def fragment_problems(fr, mtu):
    """What is wrong with one fragment by itself."""
    p = []
    if fr['len'] > mtu:
        p.append('IP packet of %d bytes, over the MTU %d' % (fr['len'], mtu))
    if fr['tot'] > fr['len']:
        return p + ['IP length %d, frame carries %d' % (fr['tot'], fr['len'])]
    if fr['tot'] < fr['len'] and len(fr['l2']) + fr['len'] > 60:
        p.append('%d bytes after the IP packet' % (fr['len'] - fr['tot']))
    if fr['fam'] == 4:
        if inet_sum(fr['ip']) != 0xffff:
            p.append('bad IP header checksum 0x%04x' % u16(fr['ip'], 10))
        if fr['df']:
            p.append('DF set')
        if len(fr['ip']) != 20:
            p.append('IP header of %d bytes' % len(fr['ip']))
    elif fr['res']:
        p.append('Fragment header reserved bits set')
    per = fragment_size(fr['fam'], mtu)
    if fr['more'] and len(fr['data']) != per:
        p.append('MF set and %d bytes at offset %d: each fragment but the last carries %d at MTU %d'
                 % (len(fr['data']), fr['ofs'], per, mtu))
    if not fr['data'] or len(fr['data']) > per:
        p.append('%d bytes at offset %d (1..%d)' % (len(fr['data']), fr['ofs'], per))
    return p


def reassemble_output(frames, mtu):
    """The output as datagrams, in the order their first frame left: [(frame index, datagram
    bytes, number of fragments; 0 when it left whole)], and what is wrong with the fragments
    (a datagram incomplete, overlapping pieces, an identification used twice, a datagram
    fragmented that fits the MTU, a fragment wrong by itself)."""
    out, probs, groups, used = [], [], {}, {}
    for i, f in enumerate(frames):
        fr = fragment_of(f)
        if fr is None:
            out.append((i, f, 0))
            continue
        fr['index'] = i
        probs += ['frame %d: %s' % (i, x) for x in fragment_problems(fr, mtu)]
        g = groups.setdefault(fr['key'], [])
        if g and (g[0]['l2'] != fr['l2'] or g[0]['hdr'] != fr['hdr']):
            probs.append('frame %d: its headers differ from those of frame %d, a fragment with the same '
                         'identification' % (i, g[0]['index']))
        end = fr['ofs'] + len(fr['data'])
        clash = [q for q in g if q['ofs'] < end and fr['ofs'] < q['ofs'] + len(q['data'])]
        if clash or (not fr['more'] and any(not q['more'] for q in g)):
            probs.append('frame %d: overlaps frame %d of the datagram of identification 0x%x being put together'
                         % (i, (clash or g)[0]['index'], fr['key'][4]))
            continue
        g.append(fr)
        g.sort(key=lambda q: q['ofs'])
        if g[-1]['more'] or g[0]['ofs'] != 0 or any(a['ofs'] + len(a['data']) != b['ofs'] for a, b in zip(g, g[1:])):
            continue
        del groups[fr['key']]
        whole = join_fragments(g)
        first = min(q['index'] for q in g)
        fam, ident = fr['key'][0], fr['key'][4]
        if ident in used.setdefault(fam, {}):
            probs.append('frame %d: identification 0x%x of a fragmented datagram already used by the one at '
                         'frame %d' % (first, ident, used[fam][ident]))
        used[fam][ident] = first
        size = len(whole) - len(g[0]['l2'])
        if size <= mtu:
            probs.append('frames %s: a datagram of %d bytes, which fits the MTU %d, sent in %d fragment(s)'
                         % ([q['index'] for q in g], size, mtu, len(g)))
        out.append((first, whole, len(g)))
    for key, g in groups.items():
        probs.append('frames %s: fragments of identification 0x%x to %s that never make a datagram '
                     '(offsets %s)' % ([q['index'] for q in g], key[4], ntoa(key[2]),
                                       ', '.join('%d%s' % (q['ofs'], '+' if q['more'] else '') for q in g)))
    out.sort(key=lambda x: x[0])
    return out, probs


def join_input(frames):
    """A request that came in fragments (input frames), as it was put together."""
    pieces = sorted((fragment_of(f) for f in frames), key=lambda q: q['ofs'])
    return join_fragments(pieces)


# ---- answers: the request (an input frame) and the output frame that must answer it

def request_fields(f):
    """What an answered request says, for matching and checking its answer."""
    off, et, tag = l2(f)
    r = {'l2': off, 'tag': tag, 'eth_src': f[6:12]}
    if et == 0x0806:
        r.update(sha=f[off + 8:off + 14], spa=f[off + 14:off + 18], tpa=f[off + 24:off + 28])
    elif et == 0x0800:
        hl = (f[off] & 15) * 4
        tot = u16(f, off + 2)
        r.update(src=f[off + 12:off + 16], dst=f[off + 16:off + 20], hl=hl, tot=tot,
                 icmp=f[off + hl:off + tot])
    else:
        plen = u16(f, off + 4)
        m = f[off + 40:off + 40 + plen]
        r.update(src=f[off + 8:off + 24], dst=f[off + 24:off + 40], plen=plen, icmp=m)
        if m and m[0] == 135:
            sll, o = None, 24
            while o + 8 <= len(m) and m[o + 1]:
                if m[o] == 1 and m[o + 1] == 1:
                    sll = m[o + 2:o + 8]
                o += m[o + 1] * 8
            r.update(sll=sll, target=m[8:24])
    return r


def answer_key(kind, r=None, f=None):
    """How an answer is found: from its request r, or from an output frame f."""
    if f is not None:
        off, _, _ = l2(f)
        if kind == 'arp_reply':
            return kind, f[0:6], f[off + 24:off + 28]
        if kind == 'icmp_echo_reply':
            hl = (f[off] & 15) * 4
            return kind, f[off + 16:off + 20], f[off + hl + 4:off + hl + 8]
        if kind == 'icmp6_echo_reply':
            return kind, f[off + 24:off + 40], f[off + 44:off + 48]
        return kind, f[off + 24:off + 40]
    if kind == 'arp_reply':
        return kind, r['sha'], r['spa']
    if kind in ('icmp_echo_reply', 'icmp6_echo_reply'):
        return kind, r['src'], r['icmp'][4:8]
    return kind, ALL_NODES if r['src'] == bytes(16) else r['src']


def check_answer(kind, r, f, cfg):
    """Problems of output frame f as the answer of request r."""
    p = []
    h = l2(f)
    off, et, tag = h
    if f[6:12] != PORT_MAC:
        p.append('src MAC %s' % mac(f[6:12]))
    if tag != r['tag']:
        p.append('802.1Q tag %s, the request had %s' % (tag.hex() or 'none', r['tag'].hex() or 'none'))
    if kind == 'arp_reply':
        lip = cfg['listen'][4][0]
        want = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 2) + PORT_MAC + lip + r['sha'] + r['spa']
        if f[0:6] != r['sha']:
            p.append('dst MAC %s, the requester is %s' % (mac(f[0:6]), mac(r['sha'])))
        if et != 0x0806:
            p.append('ethertype 0x%04x' % et)
        got = f[off:off + 28]
        names = ['htype', 'ptype', 'hlen', 'plen', 'opcode', 'sha', 'spa', 'tha', 'tpa']
        spans = [(0, 2), (2, 4), (4, 5), (5, 6), (6, 8), (8, 14), (14, 18), (18, 24), (24, 28)]
        for name, (a, b) in zip(names, spans):
            if got[a:b] != want[a:b]:
                p.append('%s %s, expected %s' % (name, got[a:b].hex(), want[a:b].hex()))
        if not padding_ok(f, off + 28):
            p.append('%d bytes after the ARP message' % (len(f) - off - 28))
        return p
    if f[0:6] != (r.get('sll') or r['eth_src']) and not (kind == 'nd_advert' and r['src'] == bytes(16)):
        p.append('dst MAC %s, the requester is %s' % (mac(f[0:6]), mac(r.get('sll') or r['eth_src'])))
    if kind == 'icmp_echo_reply':
        if et != 0x0800:
            return p + ['ethertype 0x%04x' % et]
        ip = f[off:]
        hl = (ip[0] & 15) * 4
        if ip[0] >> 4 != 4 or hl < 20 or len(ip) < hl:
            return p + ['version/IHL byte 0x%02x' % ip[0]]
        tot = u16(ip, 2)
        if tot != r['tot'] or hl != r['hl']:
            p.append('IP total/header length %d/%d, the request had %d/%d' % (tot, hl, r['tot'], r['hl']))
        if tot > len(ip):
            return p + ['IP total length %d, frame carries %d' % (tot, len(ip))]
        if not padding_ok(f, off + tot):
            p.append('%d bytes after the IP datagram' % (len(ip) - tot))
        if inet_sum(ip[:hl]) != 0xffff:
            p.append('bad IP header checksum 0x%04x' % u16(ip, 10))
        if u16(ip, 6) & 0x3fff:
            p.append('fragment bits 0x%04x' % u16(ip, 6))
        if ip[8] != 64:
            p.append('TTL %d' % ip[8])
        if ip[12:16] != r['dst'] or ip[16:20] != r['src']:
            p.append('addresses %s > %s, expected %s > %s' % (ntoa(ip[12:16]), ntoa(ip[16:20]),
                                                               ntoa(r['dst']), ntoa(r['src'])))
        m = ip[hl:tot]
        if m[:2] != b'\0\0':
            p.append('ICMP type/code %d/%d' % (m[0], m[1]))
        if inet_sum(m) != 0xffff:
            p.append('bad ICMP checksum 0x%04x' % u16(m, 2))
        if m[4:] != r['icmp'][4:]:
            p.append('identifier, sequence or data differ from the request (%d vs %d bytes)'
                     % (len(m) - 4, len(r['icmp']) - 4))
        return p
    # IPv6 answers
    if et != 0x86dd:
        return p + ['ethertype 0x%04x' % et]
    ip = f[off:]
    if len(ip) < 40 or ip[0] >> 4 != 6:
        return p + ['not IPv6']
    plen = u16(ip, 4)
    if plen > len(ip) - 40:
        return p + ['payload length %d, frame carries %d' % (plen, len(ip) - 40)]
    if not padding_ok(f, off + 40 + plen):
        p.append('%d bytes after the IPv6 datagram' % (len(ip) - 40 - plen))
    src, dst, m = ip[8:24], ip[24:40], ip[40:40 + plen]
    if ip[6] != 58:
        p.append('next header %d' % ip[6])
    if not pseudo_ok(src, dst, 58, m):
        p.append('bad ICMPv6 checksum 0x%04x' % u16(m, 2))
    lip = cfg['listen'][16][0]
    if kind == 'icmp6_echo_reply':
        if plen != r['plen']:
            p.append('payload length %d, the request had %d' % (plen, r['plen']))
        if ip[7] != 64:
            p.append('hop limit %d' % ip[7])
        if src != r['dst'] or dst != r['src']:
            p.append('addresses %s > %s, expected %s > %s' % (ntoa(src), ntoa(dst), ntoa(r['dst']), ntoa(r['src'])))
        if m[:2] != bytes([129, 0]):
            p.append('ICMPv6 type/code %d/%d' % (m[0], m[1]))
        if m[4:] != r['icmp'][4:]:
            p.append('identifier, sequence or data differ from the request')
        return p
    # nd_advert (RFC 4861 4.4, 7.2.4)
    dad = r['src'] == bytes(16)
    if dad and f[0:6] != b'\x33\x33\x00\x00\x00\x01':
        p.append('dst MAC %s, a DAD answer goes to all nodes 33:33:00:00:00:01' % mac(f[0:6]))
    if ip[7] != 255:
        p.append('hop limit %d' % ip[7])
    want_dst = ALL_NODES if dad else r['src']
    if src != lip or dst != want_dst:
        p.append('addresses %s > %s, expected %s > %s' % (ntoa(src), ntoa(dst), ntoa(lip), ntoa(want_dst)))
    if plen != 32:
        return p + ['NA of %d bytes, expected 32 (with the target link-layer option)' % plen]
    if m[:2] != bytes([136, 0]):
        p.append('ICMPv6 type/code %d/%d' % (m[0], m[1]))
    flags = 0x20 if dad else 0x60
    if m[4] != flags or m[5:8] != b'\0\0\0':
        p.append('flags 0x%02x, expected 0x%02x (%s)' % (m[4], flags, 'override' if dad else 'solicited, override'))
    if m[8:24] != lip:
        p.append('target %s' % ntoa(m[8:24]))
    if m[24:26] != b'\x02\x01' or m[26:32] != PORT_MAC:
        p.append('target link-layer option %s, expected 0201%s' % (m[24:32].hex(), PORT_MAC.hex()))
    return p


def check_probe(kind, f, cfg):
    """Problems of an ARP request / NS the relay sent, and the next hop it asks for."""
    p = []
    off, et, tag = l2(f)
    if tag:
        p.append('802.1Q-tagged')
    if f[6:12] != PORT_MAC:
        p.append('src MAC %s' % mac(f[6:12]))
    if kind == 'arp_request':
        if 4 not in cfg['listen']:
            return p + ['ARP without an IPv4 listen address'], None
        a = f[off:off + 28]
        want = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + PORT_MAC + cfg['listen'][4][0] + bytes(6)
        if len(a) < 28 or a[:24] != want:
            p.append('ARP header %s, expected %s + target' % (a[:24].hex(), want.hex()))
        if f[0:6] != BCAST:
            p.append('dst MAC %s (not broadcast)' % mac(f[0:6]))
        if not padding_ok(f, off + 28):
            p.append('%d bytes after the ARP message' % (len(f) - off - 28))
        return p, a[24:28]
    if 16 not in cfg['listen']:
        return p + ['NS without an IPv6 listen address'], None
    ip = f[off:]
    plen = u16(ip, 4)
    if plen > len(ip) - 40:
        return p + ['payload length %d, frame carries %d' % (plen, len(ip) - 40)], None
    src, dst, m = ip[8:24], ip[24:40], ip[40:40 + plen]
    if len(m) < 24:
        return p + ['NS of %d bytes' % len(m)], None
    target = m[8:24]
    lip = cfg['listen'][16][0]
    if src != lip:
        p.append('src IP %s' % ntoa(src))
    if dst != solicited_node(target):
        p.append('to %s, not the target\'s solicited-node group %s' % (ntoa(dst), ntoa(solicited_node(target))))
    if f[0:6] != b'\x33\x33' + dst[12:16]:
        p.append('dst MAC %s for group %s' % (mac(f[0:6]), ntoa(dst)))
    if ip[7] != 255:
        p.append('hop limit %d' % ip[7])
    if not pseudo_ok(src, dst, 58, m):
        p.append('bad ICMPv6 checksum 0x%04x' % u16(m, 2))
    if m[1] != 0 or m[4:8] != bytes(4):
        p.append('code %d, reserved %s' % (m[1], m[4:8].hex()))
    if m[24:32] != b'\x01\x01' + PORT_MAC:
        p.append('source link-layer option %s, expected 0101%s' % (m[24:32].hex(), PORT_MAC.hex()))
    if not padding_ok(f, off + 40 + plen):
        p.append('%d bytes after the IPv6 datagram' % (len(ip) - 40 - plen))
    return p, target


def main():
    ap = argparse.ArgumentParser(description='Check a statsd-relay replay run.')
    ap.add_argument('--expect', required=True)
    ap.add_argument('--stats', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--config', required=True)
    ap.add_argument('--in', dest='inp', help='input pcap (default: the expect file\'s "pcap", next to it)')
    ap.add_argument('--max-payload', type=int, help='the --max-payload flag the relay ran with')
    ap.add_argument('--max-line', type=int, help='the --max-line flag the relay ran with')
    ap.add_argument('--mtu', type=int, help='the --mtu flag the relay ran with')
    ap.add_argument('--strict-order', action='store_true',
                    help='also require the lines of each series and of each shard in input order')
    args = ap.parse_args()
    ck = Checker()

    cfg = load_config(args.config, args.max_payload, args.max_line, args.mtu)
    maxp = cfg['max_payload']
    with open(args.expect, encoding='utf-8') as fh:
        exp = json.load(fh)
    inp = args.inp or os.path.join(os.path.dirname(os.path.abspath(args.expect)), exp['pcap'])
    keys = exp['keys']
    valid = []      # (line bytes, key index)
    for e in exp['valid_lines']:
        line = e['line'].encode('latin-1') if 'line' in e else base64.b64decode(e['line_b64'])
        valid.append((line, e['key']))
    key_of = {}
    for line, k in valid:
        key_of[line] = k

    lo, hi = exp['max_payload_range']
    if not lo <= maxp <= hi:
        ck.fail('setup', 'max-payload %d: the expectations hold only for %d..%d' % (maxp, lo, hi))
    lo, hi = exp['max_line_range']
    if not lo <= cfg['max_line'] <= hi:
        ck.fail('setup', 'max-line %d: the expectations hold only for %d..%d' % (cfg['max_line'], lo, hi))

    # ---- the configuration the expectations were computed for
    ctx = exp.get('context', {})
    listen = sorted(addr_text(ip, port) for ip, _, port in cfg['listen'].values())
    if 'listen' in ctx and ctx['listen'] != listen:
        ck.fail('context', 'the relay listens on %s, the expectations are for %s' % (listen, ctx['listen']))
    if ctx.get('allow', []) != cfg['allow']:
        ck.fail('context', 'allow list %s, the expectations are for %s' % (cfg['allow'], ctx.get('allow', [])))
    resolve = sorted({s['hop'] for s in cfg['shards'] if s['static'] is None})
    if sorted(ctx.get('resolve', [])) != sorted(ntoa(h) for h in resolve):
        ck.fail('context', 'next hops to resolve %s, the expectations are for %s'
                % ([ntoa(h) for h in resolve], ctx.get('resolve', [])))
    learned = {ipaddress.ip_address(k).packed: parse_mac(v) for k, v in exp.get('neighbours', {}).items()}
    unresolved = {ipaddress.ip_address(k).packed for k in exp.get('unresolved', [])}
    if set(learned) | unresolved != set(resolve) or set(learned) & unresolved:
        ck.fail('context', 'neighbours %s and unresolved %s do not split the next hops %s'
                % (exp.get('neighbours'), exp.get('unresolved'), [ntoa(h) for h in resolve]))
    dst_macs = [s['static'] if s['static'] is not None else learned.get(s['hop']) for s in cfg['shards']]

    try:
        in_frames = read_pcap(inp)
    except (OSError, ValueError) as e:
        ck.fail('in_pcap', str(e))
        in_frames = None

    # ---- output frames
    by_ipport = {(s['ip'], s['port']): i for i, s in enumerate(cfg['shards'])}
    try:
        out_frames = read_pcap(args.out)
    except (OSError, ValueError) as e:
        ck.fail('out_pcap', str(e))
        out_frames = []
    mtu = cfg['mtu']
    datagrams, frag_probs = reassemble_output(out_frames, mtu)
    if frag_probs:
        ck.fail('fragments', '%d problem(s) with IP fragments; %s' % (len(frag_probs), '; '.join(frag_probs[:EXAMPLES])))
    frame_at = {i: f for i, f, _ in datagrams}  # a datagram by its (first) frame index
    n_fragmented = sum(1 for _, _, n in datagrams if n)
    n_fragments = sum(n for _, _, n in datagrams)
    nshards = len(cfg['shards'])
    seen = [{'lines': 0, 'packets': 0, 'bytes': 0} for _ in range(nshards)]
    got_lines = []                              # (line, shard)
    got_payloads = collections.Counter()        # (shard, payload)
    bad_headers, oversize, empty, over_mtu = [], [], [], []
    controls = []                               # (output index, kind)
    n_statsd = 0
    for i, f, nfrags in datagrams:
        where = 'frame %d' % i if not nfrags else 'frame %d (in %d fragments)' % (i, nfrags)
        kind = kind_of(f)
        h = l2(f)
        if not nfrags and h and h[1] in (0x0800, 0x86dd) and len(f) - h[0] > mtu:
            over_mtu.append('%s: IP packet of %d bytes' % (where, len(f) - h[0]))
        if kind is None:
            bad_headers.append('%s: neither a StatsD packet nor a control frame: %s' % (where, show(f, 60)))
            continue
        if not kind.startswith('statsd'):
            controls.append((i, kind))
            continue
        n_statsd += 1
        if h[2]:
            bad_headers.append('%s: StatsD packet with an 802.1Q tag' % where)
            continue
        probs, shard, payload = check_statsd(f, cfg, by_ipport, dst_macs)
        if probs:
            bad_headers.append('%s: %s' % (where, ', '.join(probs)))
        if shard is None:
            continue
        lines = split_lines(payload)
        # Over max-payload only a line that does not fit a packet, alone (the line + LF).
        if len(payload) > maxp and not (len(lines) == 1 and payload == lines[0] + b'\n'):
            oversize.append('%s: %d bytes, %d line(s)' % (where, len(payload), len(lines)))
        if not lines:
            empty.append('%s: payload %s' % (where, show(payload)))
        seen[shard]['packets'] += 1
        seen[shard]['bytes'] += len(payload)
        seen[shard]['lines'] += len(lines)
        got_payloads[(shard, payload)] += 1
        got_lines.extend((ln, shard) for ln in lines)
    if bad_headers:
        ck.fail('headers', '%d frame(s) with bad headers; %s' % (len(bad_headers), '; '.join(bad_headers[:EXAMPLES])))
    if over_mtu:
        ck.fail('mtu', '%d datagram(s) sent whole over the MTU %d; %s' % (len(over_mtu), mtu, '; '.join(over_mtu[:EXAMPLES])))
    if oversize:
        ck.fail('max_payload', '%d payload(s) over %d bytes that are not one line too long for a packet, alone; %s'
                % (len(oversize), maxp, '; '.join(oversize[:EXAMPLES])))
    if empty:
        ck.fail('empty_packets', '%d packet(s) without a line; %s' % (len(empty), '; '.join(empty[:EXAMPLES])))

    # ---- control frames: the answers the expectations list, once each, and the relay's own
    # requests for the next hops it has to resolve
    probes = collections.Counter()
    if in_frames is not None:
        pending = collections.defaultdict(list)   # answer key -> [(input index, request fields)]
        for fi, kind, *frags in exp.get('answers', []):
            # a request that came in fragments: as it was put together
            r = request_fields(join_input([in_frames[j] for j in frags[0]]) if frags else in_frames[fi])
            pending[answer_key(kind, r)].append((fi, r))
        extra, wrong, bad_probes = [], [], []
        for oi, kind in controls:
            f = frame_at[oi]
            if kind in ('arp_request', 'nd_solicit'):
                probs, target = check_probe(kind, f, cfg)
                if target is not None and target not in resolve:
                    probs.append('asks for %s, not a next hop to resolve' % ntoa(target))
                elif target is not None:
                    probes[target] += 1
                if probs:
                    bad_probes.append('frame %d (%s): %s' % (oi, kind, ', '.join(probs)))
                continue
            try:
                k = answer_key(kind, f=f)
            except (IndexError, struct.error):
                k = None
            if not pending.get(k):
                extra.append('frame %d: %s %s' % (oi, kind, show(f, 50)))
                continue
            fi, r = pending[k].pop(0)
            probs = check_answer(kind, r, f, cfg)
            if probs:
                wrong.append((ANSWER_CHECK[kind], 'frame %d (%s to input frame %d): %s'
                              % (oi, kind, fi, ', '.join(probs))))
        missing = ['input frame %d (%s)' % (fi, k[0]) for k, v in pending.items() for fi, _ in v]
        for check in sorted({c for c, _ in wrong}):
            w = [d for c, d in wrong if c == check]
            ck.fail(check, '%d answer(s) wrong; %s' % (len(w), '; '.join(w[:EXAMPLES])))
        if missing:
            ck.fail('answers_missing', '%d request(s) not answered; %s' % (len(missing), ', '.join(sorted(missing)[:EXAMPLES])))
        if extra:
            ck.fail('answers_extra', '%d control frame(s) that answer nothing expected; %s'
                    % (len(extra), '; '.join(extra[:EXAMPLES])))
        if bad_probes:
            ck.fail('probes', '%d bad ARP request(s)/NS; %s' % (len(bad_probes), '; '.join(bad_probes[:EXAMPLES])))

    # ---- lines: multiset equality; lines of a shard whose next hop never resolved are
    # line_no_neighbour (whole series: a series has one shard)
    want = collections.Counter(line for line, _ in valid)
    got = collections.Counter(line for line, _ in got_lines)
    missing = want - got
    extra = got - want
    no_neigh = 0
    if unresolved and missing:
        out_keys = {key_of[ln] for ln, _ in got_lines if ln in key_of}
        partial = [ln for ln in missing if key_of[ln] in out_keys]
        if partial:
            ck.fail('lines_missing', '%d line(s) missing of series that were sent; e.g. %s' % (
                len(partial), ', '.join(show(ln) for ln in partial[:EXAMPLES])))
        no_neigh = sum(n for ln, n in missing.items() if key_of[ln] not in out_keys)
    elif missing:
        ck.fail('lines_missing', '%d expected line(s) not sent; e.g. %s' % (
            sum(missing.values()), ', '.join('%s x%d' % (show(ln), n) for ln, n in list(missing.items())[:EXAMPLES])))
    if extra:
        ck.fail('lines_extra', '%d line(s) sent that were not expected (or too often); e.g. %s' % (
            sum(extra.values()), ', '.join('%s x%d' % (show(ln), n) for ln, n in list(extra.items())[:EXAMPLES])))
    if unresolved and no_neigh == 0:
        ck.fail('neighbours', 'no series missing though next hop(s) %s never resolved'
                % ', '.join(ntoa(h) for h in sorted(unresolved)))

    # ---- lines longer than a packet holds: each alone in a datagram, the line + LF
    alone_got = collections.Counter(p for (_, p) in got_payloads.elements())
    alone_missing = []
    for i, n in collections.Counter(exp.get('alone', [])).items():
        line = valid[i][0]
        if line in missing:             # reported above (or a series without a neighbour)
            continue
        if alone_got[line + b'\n'] < n:
            alone_missing.append(show(line))
        alone_got[line + b'\n'] -= n
    if alone_missing:
        ck.fail('alone', '%d line(s) longer than a packet holds not sent alone (payload: the line + LF); e.g. %s'
                % (len(alone_missing), ', '.join(alone_missing[:EXAMPLES])))

    # ---- one shard per series
    key_shards = collections.defaultdict(set)
    for line, shard in got_lines:
        if line in key_of:
            key_shards[key_of[line]].add(shard)
    split = [(keys[k], sorted(s)) for k, s in key_shards.items() if len(s) > 1]
    if split:
        ck.fail('shard_consistency', '%d series on more than one shard; e.g. %s' % (
            len(split), ', '.join('%r on shards %s' % kv for kv in split[:EXAMPLES])))
    used = sorted({next(iter(s)) for s in key_shards.values() if len(s) == 1})
    reachable = sum(1 for m in dst_macs if m is not None)
    if len(key_shards) >= 20 * nshards and len(used) < reachable:
        ck.fail('shard_spread', '%d series all on shard(s) %s of %d' % (len(key_shards), used, nshards))

    # ---- datagrams forwarded as they are
    if in_frames is not None:
        pool = got_payloads.copy()
        miss, n_asis = [], 0
        for fi, off, ln, idxs in exp['asis']:
            if ln > maxp:
                continue
            shards = set()
            for i in idxs:
                shards |= key_shards.get(valid[i][1], {None})
            if len(shards) != 1 or None in shards:
                continue
            payload = in_frames[fi][off:off + ln]
            k = (next(iter(shards)), payload)
            n_asis += 1
            if pool[k] > 0:
                pool[k] -= 1
            else:
                miss.append('input frame %d %s' % (fi, show(payload, 50)))
        if miss:
            ck.fail('as_is', '%d of %d single-shard datagrams not forwarded unchanged; %s' % (
                len(miss), n_asis, '; '.join(miss[:EXAMPLES])))

    # ---- per-series order (optional)
    if args.strict_order:
        want_seq, got_seq = collections.defaultdict(list), collections.defaultdict(list)
        for line, k in valid:
            want_seq[k].append(line)
        for line, _ in got_lines:
            if line in key_of:
                got_seq[key_of[line]].append(line)
        reordered = [keys[k] for k in want_seq if got_seq[k] != want_seq[k] and
                     collections.Counter(got_seq[k]) == collections.Counter(want_seq[k])]
        if reordered:
            ck.fail('order', '%d series with lines out of input order; e.g. %s' % (
                len(reordered), ', '.join(repr(k) for k in reordered[:EXAMPLES])))
        # A shard's lines leave in the order they came, whatever their series (long lines sent
        # alone after the shard's open packet, datagrams forwarded in place after it).
        shard_of = {k: next(iter(v)) for k, v in key_shards.items() if len(v) == 1}
        want_sh, got_sh = collections.defaultdict(list), collections.defaultdict(list)
        for line, k in valid:
            if k in shard_of:
                want_sh[shard_of[k]].append(line)
        for line, shard in got_lines:
            if key_of.get(line) in shard_of:
                got_sh[shard].append(line)
        bad = []
        for sh, seq in sorted(want_sh.items()):
            if got_sh[sh] != seq and collections.Counter(got_sh[sh]) == collections.Counter(seq):
                at = next(j for j, (a, b) in enumerate(zip(got_sh[sh], seq)) if a != b)
                bad.append('shard %s: line %d is %s, expected %s' % (cfg['shards'][sh]['address'], at,
                                                                     show(got_sh[sh][at], 50), show(seq[at], 50)))
        if bad:
            ck.fail('shard_order', '%d shard(s) with lines out of input order; %s' % (len(bad), '; '.join(bad[:EXAMPLES])))

    # ---- counters
    try:
        with open(args.stats, encoding='utf-8') as fh:
            st = json.load(fh)
    except (OSError, ValueError) as e:
        ck.fail('stats', 'cannot read %s: %s' % (args.stats, e))
        st = None
    if st is not None:
        check_stats(ck, st, exp, cfg, seen, n_statsd, len(valid) - no_neigh, no_neigh, bool(unresolved))
        if 'packets_fragmented' in st and 'fragments_out' in st:
            ck.expect_eq('packets_fragmented', 'packets_fragmented (datagrams sent in fragments)',
                         st['packets_fragmented'], n_fragmented)
            ck.expect_eq('fragments_out', 'fragments_out (the fragments in the output)', st['fragments_out'], n_fragments)
        if unresolved:
            elapsed = st.get('elapsed_s', 0) if isinstance(st.get('elapsed_s'), (int, float)) else 0
            most = int(elapsed) + 2             # one request a second, and one at start
            for h in resolve:
                n = probes.get(h, 0)
                if h in unresolved and n == 0:
                    ck.fail('probes', 'no ARP request/NS for %s, which never answered' % ntoa(h))
                if n > most:
                    ck.fail('probes', '%d requests for %s in %.3f s' % (n, ntoa(h), elapsed))

    if exp.get('require_coalescing') and n_statsd >= len(valid):
        ck.fail('coalescing', '%d packets for %d lines' % (n_statsd, len(valid)))

    grouped = {}
    for check, detail in ck.failures:
        grouped.setdefault(check, []).append(detail)
    for check, details in grouped.items():
        print('FAIL %s: %s' % (check, '; '.join(details)))
    if ck.failures:
        return 1
    fill = sum(s['bytes'] for s in seen) / max(1, n_statsd)
    extra_text = ''
    if controls:
        extra_text = ', %d answer(s) and %d request(s) of its own' % (len(exp.get('answers', [])), sum(probes.values()))
    if no_neigh:
        extra_text += ', %d line(s) without a neighbour' % no_neigh
    if n_fragmented:
        extra_text += ', %d datagram(s) in %d IP fragments' % (n_fragmented, n_fragments)
    print('OK %s: %d frames in, %d lines out in %d packets (avg payload %.0f of %d), %d series on %d shard(s)%s'
          % (exp['pcap'], exp['frames_in'], len(valid) - no_neigh, n_statsd, fill, maxp, len(key_shards), len(used),
             extra_text))
    return 0


def check_stats(ck, st, exp, cfg, seen, n_out, n_valid, no_neigh, has_unresolved):
    for k in ('frames_in', 'lines_in', 'lines_out', 'packets_out', 'elapsed_s', 'drops', 'port', 'shards',
              'frames_control', 'fragments_in', 'datagrams_reassembled', 'packets_fragmented', 'fragments_out'):
        if k not in st:
            ck.fail('stats_format', 'key %r missing' % k)
    if any(f[0] == 'stats_format' for f in ck.failures):
        return
    if not isinstance(st['elapsed_s'], (int, float)) or st['elapsed_s'] < 0:
        ck.fail('stats_format', 'elapsed_s is %r' % st['elapsed_s'])
    drops = st['drops']
    absent = [r for r in FRAME_REASONS + LINE_REASONS if r not in drops]
    if absent:
        ck.fail('stats_format', 'drop reasons missing: %s' % ', '.join(absent))
    ck.expect_eq('frames_in', 'frames_in', st['frames_in'], exp['frames_in'])
    for k in ('frames_control', 'fragments_in', 'datagrams_reassembled'):
        if k in exp:
            ck.expect_eq(k, k, st[k], exp[k])
    want_drops = dict(exp['drops'])
    if has_unresolved:
        want_drops['line_no_neighbour'] = no_neigh
    bad = []
    for r in sorted(set(drops) | set(want_drops)):
        if drops.get(r, 0) != want_drops.get(r, 0):
            bad.append('%s %d (expected %d)' % (r, drops.get(r, 0), want_drops.get(r, 0)))
    if bad:
        ck.fail('drops', ', '.join(bad))
    ck.expect_eq('lines_in', 'lines_in', st['lines_in'], exp['lines_in'])
    ck.expect_eq('lines_out', 'lines_out', st['lines_out'], n_valid)
    line_drops = sum(v for r, v in drops.items() if r.startswith('line_'))
    if st['lines_in'] != st['lines_out'] + line_drops:
        ck.fail('invariant', 'lines_in %d != lines_out %d + line drops %d'
                % (st['lines_in'], st['lines_out'], line_drops))
    shards = st['shards']
    if sum(s.get('lines', 0) for s in shards) != st['lines_out']:
        ck.fail('invariant', 'lines_out %d != sum(shards[].lines) %d'
                % (st['lines_out'], sum(s.get('lines', 0) for s in shards)))
    if not st['packets_out'] == n_out == sum(s.get('packets', 0) for s in shards):
        ck.fail('invariant', 'packets_out %d, StatsD datagrams in the output pcap (fragments put together) %d, sum(shards[].packets) %d'
                % (st['packets_out'], n_out, sum(s.get('packets', 0) for s in shards)))
    port = st['port']
    nz = ['%s %r' % (k, port.get(k)) for k in PORT_COUNTERS if port.get(k) != 0]
    if nz:
        ck.fail('port', 'port counters not 0: %s' % ', '.join(nz))
    if len(shards) != len(cfg['shards']):
        ck.fail('shards', '%d shards in the stats, %d configured' % (len(shards), len(cfg['shards'])))
    for i, (s, c) in enumerate(zip(shards, cfg['shards'])):
        if s.get('address') != c['address']:
            ck.fail('shards', 'shards[%d].address %r, configured %r' % (i, s.get('address'), c['address']))
        for k in ('lines', 'packets', 'bytes'):
            if s.get(k) != seen[i][k]:
                ck.fail('shards', 'shards[%d] (%s).%s is %r, the output pcap has %d'
                        % (i, c['address'], k, s.get(k), seen[i][k]))


if __name__ == '__main__':
    sys.exit(main())
