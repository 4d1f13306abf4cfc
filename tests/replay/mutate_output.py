#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Spoil one good replay output in one way, so the checker can be shown to fail.

  mutate_output.py MODE OUT.pcap STATS.json NEW_OUT.pcap NEW_STATS.json

MODE (and the check that must then fail):
  drop-line         remove one line from one packet                 lines_missing
  dup-line          send one line twice in its packet               lines_extra
  bad-udp-csum      spoil one UDP checksum                          headers
  bad-ip-csum       spoil one IPv4 header checksum                  headers
  wrong-shard       send one packet to another shard                shard_consistency
  oversize          merge two packets of a shard beyond 1432 bytes  max_payload
  stats-lines-out   lines_out one too high in the stats             invariant
  bad-icmp-csum     spoil one ICMP echo reply's checksum            answers_icmp
  drop-answer       remove one answer (the first ARP reply)         answers_missing
  dup-answer        send one NA twice                               answers_extra
  bad-na            an NA for another target (checksum made right)  answers_nd
  bad-udp6-csum     spoil one UDP checksum over IPv6                headers
  wrong-mac         one StatsD packet to another shard's MAC        headers
  bad-probe         an ARP request of the relay with a wrong sender  probes
  stats-reassembled datagrams_reassembled one too high              datagrams_reassembled
  frag-drop         remove a middle fragment of a datagram           fragments
  frag-ip-csum      spoil one IPv4 fragment's header checksum        fragments
  frag-mf           clear MF on an IPv4 fragment that is not the last  fragments
  frag-id-reuse     give a fragmented IPv4 datagram the identification of an earlier one
                                                                     fragments
  frag6-offset      move an IPv6 fragment (not the first) 8 bytes on  fragments
  unfragment        send a fragmented datagram whole, over the MTU   mtu
  not-alone         add a short line to a long line's lone datagram  max_payload
  shard-reorder     swap two packets of one shard whose series differ  shard_order
  stats-fragments-out  fragments_out one too high                    fragments_out
Headers, lengths and checksums of a changed packet are made right again (except the one
spoiled on purpose), and the stats are left alone unless the mode is about them.
"""

import json
import struct
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'scripts'))
from sr_wire import inet_sum, read_pcap, write_pcap  # noqa: E402





def is_udp4(f):
    return len(f) >= 42 and f[12:14] == b'\x08\x00' and f[23] == 17


def is_udp6(f):
    return len(f) >= 62 and f[12:14] == b'\x86\xdd' and f[20] == 17


def is_icmp6(f, typ):
    return len(f) >= 58 and f[12:14] == b'\x86\xdd' and f[20] == 58 and f[54] == typ


def payload(f):
    return f[42:14 + struct.unpack('!H', f[16:18])[0]]


def rebuild(f, new_payload, dst=None):
    """IPv4 StatsD packet f with another payload and, if dst=(mac, ip, port) is given, another
    destination."""
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


def icmp6_fix(f):
    """Recompute the ICMPv6 checksum of an untagged IPv6 frame."""
    b = bytearray(f)
    plen = struct.unpack('!H', b[18:20])[0]
    b[56:58] = b'\0\0'
    s = inet_sum(bytes(b[22:54]) + struct.pack('!IxxxB', plen, 58) + bytes(b[54:54 + plen]))
    b[56:58] = struct.pack('!H', 0xffff - s)
    return bytes(b)


def lines_of(p):
    return [ln for ln in p.split(b'\n') if ln.strip(b'\r')]


def is_frag4(f):
    return len(f) >= 34 and f[12:14] == b'\x08\x00' and struct.unpack('!H', f[20:22])[0] & 0x3fff


def is_frag6(f):
    return len(f) >= 62 and f[12:14] == b'\x86\xdd' and f[20] == 44


def frag_groups(frames, test):
    """Fragmented datagrams of frames (those test accepts): [[frame indexes in order]], one list
    from each first fragment (offset 0) up to the last (MF clear) (the relay sends a datagram's
    fragments one after the other)."""
    groups, cur = [], None
    for i, f in enumerate(frames):
        if not test(f):
            continue
        v6 = is_frag6(f)
        fo = struct.unpack('!H', f[56:58] if v6 else f[20:22])[0]
        ofs, more = (fo & 0xfff8, fo & 1) if v6 else ((fo & 0x1fff) * 8, fo & 0x2000)
        if ofs == 0:
            cur = [i]
            groups.append(cur)
        elif cur is not None:
            cur.append(i)
        if not more:
            cur = None
    if not groups:
        sys.exit('mutate_output: no fragmented datagram to spoil')
    return groups


def fix4(b):
    b[24:26] = b'\0\0'
    b[24:26] = struct.pack('!H', 0xffff - inet_sum(bytes(b[14:34])))
    return bytes(b)


def join(frames, idx):
    """The whole frame of the fragments frames[idx] (untagged, in order)."""
    first = bytearray(frames[idx[0]])
    if is_frag6(first):
        data = b''.join(frames[i][62:] for i in idx)
        head = first[:54]
        head[20] = first[54]
        head[18:20] = struct.pack('!H', len(data))
        return bytes(head) + data
    data = b''.join(frames[i][34:] for i in idx)
    head = first[:34]
    head[16:18] = struct.pack('!H', 20 + len(data))
    head[20:22] = b'\0\0'
    return fix4(head) + data


def pick_first(idx, what):
    if not idx:
        sys.exit('mutate_output: no %s to spoil' % what)
    return idx[0]


def dest(f):
    return (f[0:6], f[30:34], f[36:38])


def pick(frames, test, what):
    idx = [i for i, f in enumerate(frames) if test(f)]
    if not idx:
        sys.exit('mutate_output: no %s to spoil' % what)
    return idx[len(idx) // 2]


def main():
    mode, out_in, stats_in, out_out, stats_out = sys.argv[1:6]
    frames = read_pcap(out_in)
    with open(stats_in) as fh:
        stats = json.load(fh)
    multi = [i for i, f in enumerate(frames)
             if is_udp4(f) and len(lines_of(payload(f))) >= 2 and payload(f).split(b'\n')[0].strip(b'\r')]
    if mode in ('drop-line', 'dup-line', 'bad-udp-csum', 'bad-ip-csum', 'wrong-shard'):
        if not multi:
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
        udp4 = [g for g in frames if is_udp4(g)]
        others = sorted({dest(g) for g in udp4} - {dest(f)})
        if not others:
            sys.exit('mutate_output: only one shard in %s' % out_in)
        # The packet with the most lines: its series surely have lines elsewhere too.
        i = max(multi, key=lambda j: len(lines_of(payload(frames[j]))))
        frames[i] = rebuild(frames[i], payload(frames[i]), others[0])
    elif mode == 'oversize':
        by = {}
        for j, g in enumerate(frames):
            if is_udp4(g):
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
    elif mode == 'bad-icmp-csum':
        i = pick(frames, lambda g: g[12:14] == b'\x08\x00' and g[23] == 1, 'ICMP echo reply')
        b = bytearray(frames[i])
        b[14 + (b[14] & 15) * 4 + 2] ^= 0x08
        frames[i] = bytes(b)
    elif mode == 'drop-answer':
        i = pick(frames, lambda g: g[12:14] == b'\x08\x06' and g[20:22] == b'\x00\x02', 'ARP reply')
        del frames[i]
    elif mode == 'dup-answer':
        i = pick(frames, lambda g: is_icmp6(g, 136), 'NA')
        frames.insert(i, frames[i])
    elif mode == 'bad-na':
        i = pick(frames, lambda g: is_icmp6(g, 136), 'NA')
        b = bytearray(frames[i])
        b[77] ^= 0x01                      # last byte of the target address
        frames[i] = icmp6_fix(bytes(b))
    elif mode == 'bad-udp6-csum':
        i = pick(frames, is_udp6, 'UDP over IPv6 packet')
        b = bytearray(frames[i])
        b[60] ^= 0x40
        frames[i] = bytes(b)
    elif mode == 'wrong-mac':
        udp = [j for j, g in enumerate(frames) if is_udp4(g) or is_udp6(g)]
        macs = sorted({frames[j][0:6] for j in udp})
        if len(macs) < 2:
            sys.exit('mutate_output: StatsD packets to one MAC only in %s' % out_in)
        i = udp[len(udp) // 2]
        frames[i] = [m for m in macs if m != frames[i][0:6]][0] + frames[i][6:]
    elif mode == 'bad-probe':
        i = pick(frames, lambda g: g[12:14] == b'\x08\x06' and g[20:22] == b'\x00\x01', 'ARP request')
        b = bytearray(frames[i])
        b[31] ^= 0x01                      # last byte of the sender IP
        frames[i] = bytes(b)
    elif mode == 'stats-reassembled':
        stats['datagrams_reassembled'] += 1
    elif mode == 'frag-drop':
        g = [g for g in frag_groups(frames, lambda f: is_frag4(f) or is_frag6(f)) if len(g) >= 3][0]
        del frames[g[1]]
    elif mode == 'frag-ip-csum':
        g = frag_groups(frames, is_frag4)[0]
        b = bytearray(frames[g[-1]])
        b[24] ^= 0x40
        frames[g[-1]] = bytes(b)
    elif mode == 'frag-mf':
        g = frag_groups(frames, is_frag4)[0]
        b = bytearray(frames[g[0]])
        b[20] &= ~0x20 & 0xff
        frames[g[0]] = fix4(b)
    elif mode == 'frag-id-reuse':
        gs = frag_groups(frames, is_frag4)
        if len(gs) < 2:
            sys.exit('mutate_output: fewer than two fragmented IPv4 datagrams')
        ident = frames[gs[0][0]][18:20]
        for i in gs[1]:
            b = bytearray(frames[i])
            b[18:20] = ident
            frames[i] = fix4(b)
    elif mode == 'frag6-offset':
        g = frag_groups(frames, is_frag6)[0]
        b = bytearray(frames[g[1]])
        fo = struct.unpack('!H', b[56:58])[0]
        b[56:58] = struct.pack('!H', fo + 8)
        frames[g[1]] = bytes(b)
    elif mode == 'unfragment':
        g = frag_groups(frames, lambda f: is_frag4(f) or is_frag6(f))[0]
        frames[g[0]:g[-1] + 1] = [join(frames, g)]
    elif mode == 'not-alone':
        # the first long line sent alone and whole, and a short line of the next packet to
        # the same place added to it
        i = pick_first([j for j, g in enumerate(frames) if is_udp4(g) and not is_frag4(g) and len(payload(g)) > 1432],
                       'long line sent alone and whole over IPv4')
        k = pick_first([j for j in range(i + 1, len(frames)) if is_udp4(frames[j]) and not is_frag4(frames[j])
                        and dest(frames[j]) == dest(frames[i]) and len(payload(frames[j])) < 200],
                       'short packet after it to the same shard')
        first = payload(frames[k]).split(b'\n')[0] + b'\n'
        frames[i] = rebuild(frames[i], payload(frames[i]) + first)
        frames[k] = rebuild(frames[k], payload(frames[k])[len(first):])
    elif mode == 'shard-reorder':
        # two packets one after the other to one place (the only ones there of the datagrams
        # between them, if any) whose lines' names (before ',' or ':') differ: each series
        # keeps its order, the shard's order changes
        def names(f):
            p = f[62:] if is_udp6(f) else payload(f)
            return {ln.split(b':')[0].split(b',')[0] for ln in lines_of(p)}

        def to(f):
            return f[:6] + (f[30:54] if is_udp6(f) or is_frag6(f) else f[30:34])
        pkts = [j for j, f in enumerate(frames) if is_udp6(f) or is_udp4(f) or is_frag6(f)]
        def whole(f):
            return is_udp6(f) or (is_udp4(f) and not is_frag4(f))
        pairs = [(a, b) for a, b in zip(pkts, pkts[1:]) if to(frames[a]) == to(frames[b])
                 and whole(frames[a]) and whole(frames[b]) and not names(frames[a]) & names(frames[b])]
        if not pairs:
            sys.exit('mutate_output: no two packets of one shard, one after the other, of different series')
        i, k = pairs[0]
        frames[i], frames[k] = frames[k], frames[i]
    elif mode == 'stats-fragments-out':
        if 'fragments_out' not in stats:
            sys.exit('mutate_output: no fragments_out in the stats')
        stats['fragments_out'] += 1
    else:
        sys.exit('mutate_output: unknown mode %s' % mode)
    write_pcap(out_out, frames)
    with open(stats_out, 'w') as fh:
        json.dump(stats, fh)
    return 0


if __name__ == '__main__':
    sys.exit(main())
