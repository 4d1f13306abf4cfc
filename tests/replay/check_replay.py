#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check one statsd-relay replay run against a fixture's X.expect.json.

  check_replay.py --expect X.expect.json --stats STATS.json --out OUT.pcap --config CFG.ini
                  [--in X.pcap] [--max-payload N] [--strict-order]

CFG.ini is the configuration the relay really ran with (shards in index order);
--max-payload overrides its max-payload as the flag did. Prints one line
"FAIL <check>: <detail>" per failed check and exits 1, or one "OK ..." line and
exits 0. Standalone on purpose: it does not share code with the generator.
"""

import argparse
import base64
import collections
import configparser
import json
import os
import struct
import sys

PORT_MAC = bytes.fromhex('027063617000')
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
PORT_COUNTERS = ['imissed', 'ierrors', 'rx_nombuf', 'oerrors']
EXAMPLES = 4


def read_pcap(path):
    """Frames of a classic pcap file (either byte order, micro- or nanosecond)."""
    with open(path, 'rb') as fh:
        data = fh.read()
    if len(data) < 24:
        raise ValueError('%s: %d bytes, not a pcap file' % (path, len(data)))
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        raise ValueError('%s: bad pcap magic %s' % (path, magic.hex()))
    linktype = struct.unpack(end + 'I', data[20:24])[0]
    if linktype != 1:
        raise ValueError('%s: link type %d, not Ethernet' % (path, linktype))
    frames, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise ValueError('%s: truncated record header at %d' % (path, off))
        _, _, caplen, wirelen = struct.unpack(end + 'IIII', data[off:off + 16])
        off += 16
        if off + caplen > len(data):
            raise ValueError('%s: truncated record at %d' % (path, off))
        if caplen != wirelen:
            raise ValueError('%s: frame %d captured %d of %d bytes' % (path, len(frames), caplen, wirelen))
        frames.append(data[off:off + caplen])
        off += caplen
    return frames


def inet_sum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def parse_addr(text):
    ip, _, port = text.strip().partition(':')
    parts = ip.split('.')
    if len(parts) != 4:
        raise ValueError('bad address %r' % text)
    return bytes(int(x) for x in parts), int(port or 8125)


def parse_mac(text):
    b = bytes.fromhex(text.strip().replace(':', ''))
    if len(b) != 6:
        raise ValueError('bad MAC %r' % text)
    return b


def load_config(path, max_payload=None):
    cp = configparser.ConfigParser(interpolation=None, comment_prefixes=(';', '#'),
                                   inline_comment_prefixes=(';',), strict=True)
    with open(path, encoding='utf-8') as fh:
        cp.read_file(fh)
    relay = cp['relay']
    cfg = {'listen': parse_addr(relay['listen']),
           'max_payload': int(relay.get('max-payload', '1432')), 'shards': []}
    if max_payload is not None:
        cfg['max_payload'] = max_payload
    for sec in cp.sections():
        if sec.startswith('shard '):
            ip, port = parse_addr(cp[sec]['address'])
            cfg['shards'].append({'name': sec[6:].strip(), 'ip': ip, 'port': port,
                                  'mac': parse_mac(cp[sec]['mac']),
                                  'address': '%s:%d' % ('.'.join(map(str, ip)), port)})
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


def check_frame(f, cfg, by_ipport):
    """Header problems of one output frame (list of strings) and (shard index, payload)."""
    probs = []
    if len(f) < 42:
        return ['only %d bytes' % len(f)], None, b''
    if f[6:12] != PORT_MAC:
        probs.append('src MAC %s' % f[6:12].hex(':'))
    et = struct.unpack('!H', f[12:14])[0]
    if et != 0x0800:
        return probs + ['ethertype 0x%04x' % et], None, b''
    ip = f[14:]
    if ip[0] != 0x45:
        return probs + ['version/IHL byte 0x%02x' % ip[0]], None, b''
    tot, frag = struct.unpack('!H', ip[2:4])[0], struct.unpack('!H', ip[6:8])[0]
    if tot < 28 or tot > len(ip):
        return probs + ['IP total length %d, frame carries %d' % (tot, len(ip))], None, b''
    if len(ip) > tot and len(f) > 60:
        probs.append('%d bytes after the IP datagram in a frame of %d' % (len(ip) - tot, len(f)))
    if frag & 0x3fff:
        probs.append('fragment bits 0x%04x' % frag)
    if ip[8] != 64:
        probs.append('TTL %d' % ip[8])
    if ip[9] != 17:
        probs.append('protocol %d' % ip[9])
    if inet_sum(ip[:20]) != 0xffff:
        probs.append('bad IP checksum 0x%04x' % struct.unpack('!H', ip[10:12])[0])
    lip, lport = cfg['listen']
    if ip[12:16] != lip:
        probs.append('src IP %s' % '.'.join(map(str, ip[12:16])))
    sport, dport, ulen, ucs = struct.unpack('!HHHH', ip[20:28])
    if sport != lport:
        probs.append('UDP sport %d' % sport)
    if ulen != tot - 20:
        probs.append('UDP length %d, IP payload %d' % (ulen, tot - 20))
        ulen = min(max(ulen, 8), tot - 20)
    udp = ip[20:20 + ulen]
    if ucs == 0:
        probs.append('UDP checksum 0')
    elif inet_sum(ip[12:20] + struct.pack('!BBH', 0, 17, len(udp)) + udp) != 0xffff:
        probs.append('bad UDP checksum 0x%04x' % ucs)
    shard = by_ipport.get((ip[16:20], dport))
    if shard is None:
        probs.append('to %s:%d, not a shard' % ('.'.join(map(str, ip[16:20])), dport))
    elif f[0:6] != cfg['shards'][shard]['mac']:
        probs.append('dst MAC %s, shard %s has %s' % (f[0:6].hex(':'), cfg['shards'][shard]['address'],
                                                      cfg['shards'][shard]['mac'].hex(':')))
    return probs, shard, udp[8:]


def split_lines(payload):
    out = []
    for raw in payload.split(b'\n'):
        if raw.endswith(b'\r'):
            raw = raw[:-1]
        if raw:
            out.append(raw)
    return out


def main():
    ap = argparse.ArgumentParser(description='Check a statsd-relay replay run.')
    ap.add_argument('--expect', required=True)
    ap.add_argument('--stats', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--config', required=True)
    ap.add_argument('--in', dest='inp', help='input pcap (default: the expect file\'s "pcap", next to it)')
    ap.add_argument('--max-payload', type=int, help='the --max-payload flag the relay ran with')
    ap.add_argument('--strict-order', action='store_true',
                    help='also require each series\' lines in input order')
    args = ap.parse_args()
    ck = Checker()

    cfg = load_config(args.config, args.max_payload)
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

    # ---- output frames
    by_ipport = {(s['ip'], s['port']): i for i, s in enumerate(cfg['shards'])}
    try:
        out_frames = read_pcap(args.out)
    except (OSError, ValueError) as e:
        ck.fail('out_pcap', str(e))
        out_frames = []
    nshards = len(cfg['shards'])
    seen = [{'lines': 0, 'packets': 0, 'bytes': 0} for _ in range(nshards)]
    got_lines = []                              # (line, shard)
    got_payloads = collections.Counter()        # (shard, payload)
    bad_headers, oversize, empty = [], [], []
    for i, f in enumerate(out_frames):
        probs, shard, payload = check_frame(f, cfg, by_ipport)
        if probs:
            bad_headers.append('frame %d: %s' % (i, ', '.join(probs)))
        if shard is None:
            continue
        if len(payload) > maxp:
            oversize.append('frame %d: %d bytes' % (i, len(payload)))
        lines = split_lines(payload)
        if not lines:
            empty.append('frame %d: payload %s' % (i, show(payload)))
        seen[shard]['packets'] += 1
        seen[shard]['bytes'] += len(payload)
        seen[shard]['lines'] += len(lines)
        got_payloads[(shard, payload)] += 1
        got_lines.extend((ln, shard) for ln in lines)
    if bad_headers:
        ck.fail('headers', '%d frame(s) with bad headers; %s' % (len(bad_headers), '; '.join(bad_headers[:EXAMPLES])))
    if oversize:
        ck.fail('max_payload', '%d payload(s) over %d bytes; %s' % (len(oversize), maxp, '; '.join(oversize[:EXAMPLES])))
    if empty:
        ck.fail('empty_packets', '%d packet(s) without a line; %s' % (len(empty), '; '.join(empty[:EXAMPLES])))

    # ---- lines: multiset equality
    want = collections.Counter(line for line, _ in valid)
    got = collections.Counter(line for line, _ in got_lines)
    missing = want - got
    extra = got - want
    if missing:
        ck.fail('lines_missing', '%d expected line(s) not sent; e.g. %s' % (
            sum(missing.values()), ', '.join('%s x%d' % (show(ln), n) for ln, n in list(missing.items())[:EXAMPLES])))
    if extra:
        ck.fail('lines_extra', '%d line(s) sent that were not expected (or too often); e.g. %s' % (
            sum(extra.values()), ', '.join('%s x%d' % (show(ln), n) for ln, n in list(extra.items())[:EXAMPLES])))

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
    if len(key_shards) >= 20 * nshards and len(used) < nshards:
        ck.fail('shard_spread', '%d series all on shard(s) %s of %d' % (len(key_shards), used, nshards))

    # ---- datagrams forwarded as they are
    try:
        in_frames = read_pcap(inp)
    except (OSError, ValueError) as e:
        ck.fail('in_pcap', str(e))
        in_frames = None
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

    # ---- counters
    try:
        with open(args.stats, encoding='utf-8') as fh:
            st = json.load(fh)
    except (OSError, ValueError) as e:
        ck.fail('stats', 'cannot read %s: %s' % (args.stats, e))
        st = None
    if st is not None:
        check_stats(ck, st, exp, cfg, seen, len(out_frames), len(valid))

    if exp.get('require_coalescing') and len(out_frames) >= len(valid):
        ck.fail('coalescing', '%d packets for %d lines' % (len(out_frames), len(valid)))

    grouped = {}
    for check, detail in ck.failures:
        grouped.setdefault(check, []).append(detail)
    for check, details in grouped.items():
        print('FAIL %s: %s' % (check, '; '.join(details)))
    if ck.failures:
        return 1
    fill = sum(s['bytes'] for s in seen) / max(1, len(out_frames))
    print('OK %s: %d frames in, %d lines out in %d packets (avg payload %.0f of %d), %d series on %d shard(s)'
          % (exp['pcap'], exp['frames_in'], len(valid), len(out_frames), fill, maxp, len(key_shards), len(used)))
    return 0


def check_stats(ck, st, exp, cfg, seen, n_out, n_valid):
    for k in ('frames_in', 'lines_in', 'lines_out', 'packets_out', 'elapsed_s', 'drops', 'port', 'shards'):
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
    bad = []
    for r in sorted(set(drops) | set(exp['drops'])):
        if drops.get(r, 0) != exp['drops'].get(r, 0):
            bad.append('%s %d (expected %d)' % (r, drops.get(r, 0), exp['drops'].get(r, 0)))
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
        ck.fail('invariant', 'packets_out %d, frames in the output pcap %d, sum(shards[].packets) %d'
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
