#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A slow stand-in for statsd-relay, to test the replay harness without the binary.

Takes the same command line (EAL options, --, relay options; only --vdev's rx_pcap/tx_pcap,
--config, --stats-json, --max-payload, --listen and --shard IP[:PORT],mac=MAC matter) and
does what the relay's rules say, with the reference model of scripts/gen_pcaps.py:

  RELAY=tests/replay/fake_relay.py tests/replay/run_replay.sh build

Shards by CRC-32 of the canonical series key; coalesces per shard over the whole run.
"""

import configparser
import importlib.util
import json
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('gen_pcaps', os.path.join(HERE, '..', '..', 'scripts', 'gen_pcaps.py'))
model = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(model)


def parse_args(argv):
    if '--' in argv:
        i = argv.index('--')
        eal, app = argv[:i], argv[i + 1:]
    else:
        eal, app = argv, []
    vdev = eal[eal.index('--vdev') + 1]
    opts = dict(kv.split('=', 1) for kv in vdev.split(',')[1:])
    a = {'rx': opts['rx_pcap'], 'tx': opts.get('tx_pcap'), 'shards': []}
    it = iter(app)
    for flag in it:
        if flag in ('--config', '--stats-json', '--max-payload', '--listen', '--exit-idle', '--flush-us'):
            a[flag[2:]] = next(it)
        elif flag == '--shard':
            a['shards'].append(next(it))
        else:
            raise SystemExit('fake_relay: unknown flag %s' % flag)
    return a


def addr(text):
    ip, _, port = text.partition(':')
    return ip, int(port or 8125)


def main():
    a = parse_args(sys.argv[1:])
    cp = configparser.ConfigParser(interpolation=None, comment_prefixes=(';',))
    if 'config' in a:
        cp.read(a['config'])
    relay = cp['relay'] if cp.has_section('relay') else {}
    listen_ip, listen_port = addr(a.get('listen', relay.get('listen', '')))
    maxp = int(a.get('max-payload', relay.get('max-payload', '1432')))
    shards = []
    if a['shards']:
        for s in a['shards']:
            ad, _, mac = s.partition(',mac=')
            shards.append((addr(ad), mac))
    else:
        for sec in cp.sections():
            if sec.startswith('shard '):
                shards.append((addr(cp[sec]['address']), cp[sec]['mac']))

    drops = {r: 0 for r in model.FRAME_REASONS + model.LINE_REASONS}
    st = {'frames_in': 0, 'lines_in': 0, 'lines_out': 0, 'packets_out': 0}
    per = [{'address': '%s:%d' % sh[0], 'lines': 0, 'packets': 0, 'bytes': 0} for sh in shards]
    bufs = [bytearray() for _ in shards]
    out = []
    ip_id = [0]

    def emit(s, payload):
        (dip, dport), mac = shards[s]
        udp = struct.pack('!HHHH', listen_port, dport, 8 + len(payload), 0) + payload
        pseudo = model.ip_aton(listen_ip) + model.ip_aton(dip) + struct.pack('!BBH', 0, 17, len(udp))
        cs = (0xffff - model.inet_sum(pseudo + udp)) or 0xffff
        udp = udp[:6] + struct.pack('!H', cs) + udp[8:]
        ip_id[0] += 1
        ip = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), ip_id[0] & 0xffff, 0, 64, 17, 0,
                                   model.ip_aton(listen_ip), model.ip_aton(dip)))
        ip[10:12] = struct.pack('!H', 0xffff - model.inet_sum(bytes(ip)))
        out.append(bytes.fromhex(mac.replace(':', '')) + bytes.fromhex('027063617000') + b'\x08\x00' +
                   bytes(ip) + udp)
        per[s]['packets'] += 1
        per[s]['bytes'] += len(payload)
        per[s]['lines'] += len(model.split_lines(payload))
        st['packets_out'] += 1

    with open(a['rx'], 'rb') as fh:
        data = fh.read()
    off = 24
    while off < len(data):
        caplen = struct.unpack('<I', data[off + 8:off + 12])[0]
        f = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        st['frames_in'] += 1
        reason, poff, plen = model.parse_frame(f, listen_ip, listen_port)
        if reason:
            drops[reason] += 1
            continue
        payload = f[poff:poff + plen]
        ok = []
        lines = model.split_lines(payload)
        for line in lines:
            st['lines_in'] += 1
            r, key = model.classify_line(line, maxp)
            if r:
                drops[r] += 1
            else:
                ok.append((line, zlib.crc32(key.encode()) % len(shards)))
        st['lines_out'] += len(ok)
        if lines and len(ok) == len(lines) and len({s for _, s in ok}) == 1 and len(payload) <= maxp:
            emit(ok[0][1], payload)
            continue
        for line, s in ok:
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
