#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A slow stand-in for statsd-relay, to test the replay harness without the binary.

Takes the same command line (EAL options, --, relay options; only --vdev's rx_pcap/tx_pcap,
--config, --stats-json, --max-payload, --max-line, --mtu, --listen, --allow, --gateway and
--shard IP[:PORT][,mac=MAC] matter) and does what the relay's rules say, with the fixture
generator's reference model, scripts/pcapgen/model.py (frames and their sources, answers, the
fragment guard and reassembly, neighbours, lines, long lines alone, IP fragments of what is
larger than the MTU):

  RELAY=tests/replay/fake_relay.py tests/replay/run_replay.sh build

Shards by CRC-32 of the canonical series key; coalesces per shard over the whole run; asks
once (ARP request / NS) for every next hop the input never shows, whose lines are then
line_no_neighbour. Fragment identifications count up from a random start, as a poller's do.
"""

import configparser
import json
import os
import random
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'scripts'))
from pcapgen import model  # noqa: E402
from pcapgen.net import PORT_MAC, csum, ip_ntoa, l4_csum, mac_aton  # noqa: E402
from sr_reasons import FRAME_REASONS, LINE_REASONS  # noqa: E402  (lib/sr_counters.h)
from sr_wire import read_pcap, split_lines  # noqa: E402

VALUE_FLAGS = ('--config', '--stats-json', '--max-payload', '--max-line', '--exit-idle', '--flush-us', '--mtu')
LIST_FLAGS = ('--listen', '--allow', '--gateway', '--shard')


def parse_args(argv):
    if '--' in argv:
        i = argv.index('--')
        eal, app = argv[:i], argv[i + 1:]
    else:
        eal, app = argv, []
    vdev = eal[eal.index('--vdev') + 1]
    opts = dict(kv.split('=', 1) for kv in vdev.split(',')[1:])
    a = {'rx': opts['rx_pcap'], 'tx': opts.get('tx_pcap')}
    for f in LIST_FLAGS:
        a[f[2:]] = []
    it = iter(app)
    for flag in it:
        if flag in VALUE_FLAGS:
            a[flag[2:]] = next(it)
        elif flag in LIST_FLAGS:
            a[flag[2:]].append(next(it))
        else:
            raise SystemExit('fake_relay: unknown flag %s' % flag)
    return a


def main():
    a = parse_args(sys.argv[1:])
    cp = configparser.ConfigParser(interpolation=None, comment_prefixes=(';',), inline_comment_prefixes=(';',))
    if 'config' in a:
        cp.read(a['config'])
    relay = cp['relay'] if cp.has_section('relay') else {}

    def listed(key):
        flags = [x for v in a[key] for x in model.ini_list(v)]
        return flags or model.ini_list(relay.get(key, ''))

    maxp = int(a.get('max-payload', relay.get('max-payload', '1432')))
    max_line = int(a.get('max-line', relay.get('max-line', str(model.MAX_LINE))))
    mtu = int(a.get('mtu', relay.get('mtu', str(model.MTU))))
    next_id = [random.getrandbits(32)]
    shards = []
    if a['shard']:
        for s in a['shard']:
            parts = s.split(',')
            kv = dict(p.split('=', 1) for p in parts[1:])
            shards.append((parts[0], kv.get('mac')))
    else:
        shards = [(cp[s]['address'], cp[s].get('mac')) for s in cp.sections() if s.startswith('shard ')]
    ctx = model.Ctx('fake', listed('listen'), listed('allow'), listed('gateway'), shards)

    frames = read_pcap(a['rx'])
    sim = model.simulate(frames, ctx)

    drops = {r: 0 for r in FRAME_REASONS + LINE_REASONS}
    drops.update(sim['drops'])
    st = {'frames_in': len(frames), 'lines_in': 0, 'lines_out': 0, 'packets_out': 0, 'packets_in_place': 0,
          'frames_control': sim['frames_control'], 'fragments_in': sim['fragments_in'],
          'datagrams_reassembled': sim['datagrams_reassembled'], 'packets_fragmented': 0, 'fragments_out': 0}
    per = [{'address': ('[%s]:%d' if len(ip) == 16 else '%s:%d') % (ip_ntoa(ip), port),
            'lines': 0, 'packets': 0, 'bytes': 0} for ip, port, _, _ in ctx.shards]
    macs = [mac if mac is not None else sim['learned'].get(hop) for _, _, mac, hop in ctx.shards]
    bufs = [bytearray() for _ in ctx.shards]
    out = []
    for hop in ctx.resolve:
        if hop not in sim['learned']:
            out.append(model.arp_request(ctx, hop) if len(hop) == 4 else model.nd_solicit(ctx, hop))

    def send(frame):
        """A frame out; one larger than the MTU in fragments, with a fresh identification."""
        if len(frame) - 14 <= mtu:
            out.append(frame)
            return
        frags = model.fragment(frame, next_id[0], mtu)
        next_id[0] = (next_id[0] + 1) & 0xffffffff
        out.extend(frags)
        st['packets_fragmented'] += 1
        st['fragments_out'] += len(frags)

    def emit(s, payload):
        ip, port, _, _ = ctx.shards[s]
        fam = 4 if len(ip) == 4 else 6
        lip, _, lport = ctx.listen[fam]
        udp = bytearray(struct.pack('!HHHH', lport, port, 8 + len(payload), 0) + payload)
        udp[6:8] = struct.pack('!H', l4_csum(lip, ip, 17, bytes(udp)))
        if fam == 4:
            hdr = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, lip, ip))
            hdr[10:12] = struct.pack('!H', csum(bytes(hdr)))
            et = b'\x08\x00'
        else:
            hdr = struct.pack('!IHBB', 6 << 28, len(udp), 17, 64) + lip + ip
            et = b'\x86\xdd'
        send(macs[s] + mac_aton(PORT_MAC) + et + bytes(hdr) + bytes(udp))
        per[s]['packets'] += 1
        per[s]['bytes'] += len(payload)
        per[s]['lines'] += len(split_lines(payload))
        st['packets_out'] += 1

    answers = {}
    for i, _, frame, _ in sim['answers']:
        answers.setdefault(i, []).append(frame)
    datagrams = {}
    for i, payload, whole in sim['datagrams']:
        datagrams.setdefault(i, []).append((payload, whole))
    for i in range(len(frames)):
        for frame in answers.get(i, []):
            send(frame)
        for payload, whole in datagrams.get(i, []):
            ok = []
            lines = split_lines(payload)
            for line in lines:
                st['lines_in'] += 1
                r, key = model.classify_line(line, max_line)
                if r:
                    drops[r] += 1
                    continue
                s = zlib.crc32(key.encode()) % len(ctx.shards)
                if macs[s] is None:
                    drops['line_no_neighbour'] += 1
                    continue
                ok.append((line, s))
            st['lines_out'] += len(ok)
            if model.in_place(payload, bool(lines) and len(ok) == len(lines), len({s for _, s in ok}) == 1, whole, maxp):
                s = ok[0][1]
                if bufs[s]:
                    emit(s, bytes(bufs[s]))
                    bufs[s].clear()
                emit(s, payload)
                st['packets_in_place'] += 1
                continue
            for line, s in ok:
                if model.goes_alone(line, maxp):     # after what the shard has waiting
                    if bufs[s]:
                        emit(s, bytes(bufs[s]))
                        bufs[s].clear()
                    emit(s, line + b'\n')
                    continue
                if bufs[s] and len(bufs[s]) + len(line) + 1 > maxp:
                    emit(s, bytes(bufs[s]))
                    bufs[s].clear()
                bufs[s] += line + b'\n'
    for s, b in enumerate(bufs):
        if b:
            emit(s, bytes(b))

    if a.get('tx'):
        with open(a['tx'], 'wb') as fh:
            fh.write(struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))   # nanosecond pcap
            for i, f in enumerate(out):
                fh.write(struct.pack('<IIII', 1, i, len(f), len(f)) + f)
    if a.get('stats-json'):
        st.update({'elapsed_s': 0.0, 'drops': drops, 'port': {k: 0 for k in ('imissed', 'ierrors', 'rx_nombuf', 'oerrors')},
                   'shards': per})
        with open(a['stats-json'], 'w') as fh:
            json.dump(st, fh)
    return 0


if __name__ == '__main__':
    sys.exit(main())
