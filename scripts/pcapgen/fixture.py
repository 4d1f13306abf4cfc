# SPDX-License-Identifier: BSD-3-Clause
"""Fixture: the frames of one pcap being built, each checked against the model as it is
added, and the files made from them: X.pcap, X.txt (the manifest) and X.expect.json (what
the relay must do, computed by model.simulate and model.classify_line)."""

import base64
import json
import os

from sr_wire import split_lines, write_pcap

from .frames import even_pieces, ipv4_fragments, ipv6_fragments, statsd_frame
from .model import MAX_LINE, MAX_PAYLOAD, classify_frame, classify_line, simulate
from .net import ip_ntoa, mac_ntoa, u16

MAX_UDP_PAYLOAD = 1472          # keeps every input frame at or under 1514 bytes
MAX_LINE_LIMIT = 65506          # the bound of --max-line (SR_MAX_LINE_LIMIT; the MTU's is less)
TS_BASE = 1700000000            # 2023-11-14T22:13:20Z, fixed


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
        self.fates = {}          # fragment frame index -> 'reassembled' or 'dropped' (intended)
        # The X.expect.json files write() makes: name -> expectation() arguments.
        self.expectations = {name: {}}

    def add(self, frame, want=None, note=''):
        frame = bytes(frame)
        got = classify_frame(frame, self.ctx).want
        if got != want:
            raise AssertionError('%s frame %d (%s): built for %s, model says %s'
                                 % (self.name, len(self.frames), note, want, got))
        self.frames.append(frame)
        self.notes.append('%s  %s' % (want or 'accept', note))
        return len(self.frames) - 1

    def add_made(self, b, want, note):
        """Add a frame from a maker (foreign_makers); a fragment made alone is built to be dropped."""
        if want == 'fragment':
            self.add_fragment(b, 'dropped', note)
        else:
            self.add(b, want, note)

    def add_fragment(self, frame, fate, note):
        """A fragment for the relay, with what must become of it: 'reassembled' (part of a
        datagram that is), 'dropped' (frame_ip_fragment: overlap, never complete, ...) or
        'duplicate' (nothing new: dropped alone, frame_fragment_duplicate)."""
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
        return self.add(statsd_frame(payload, **kw), None, note or '%d line(s)' % len(lines))

    def add_fragmented(self, lines, want_lines, note, src_ip, ident, term=b'\n', final=True, order=None,
                       most=None, sport=41000):
        """One datagram of lines too large for one frame, sent in IP fragments that all
        reassemble: pieces of most bytes of the UDP datagram (by default what a 1500-byte MTU
        takes: 1480 over IPv4, 1448 over IPv6), in order or in order (a permutation).
        want_lines as add_datagram. Returns the frame indexes."""
        self.check_lines(lines, want_lines)
        payload = term.join(lines) + (term if final else b'')
        v6 = ':' in src_ip
        pieces = even_pieces(8 + len(payload), most or (1448 if v6 else 1480))
        if v6:
            frs = ipv6_fragments(src_ip, payload, pieces, ident=ident, sport=sport)
        else:
            frs = ipv4_fragments(src_ip, payload, pieces, ip_id=ident, sport=sport)
        return self._add_pieces(frs, pieces, order, '%s (%d line(s), %d bytes)' % (note, len(lines), len(payload)))

    def add_fragmented_l4(self, src_ip, l4, proto, ident, note, order=None, most=None):
        """An IP payload (an ICMP or ICMPv6 message, checksum right) too large for one frame,
        in fragments that all reassemble, as add_fragmented."""
        v6 = ':' in src_ip
        pieces = even_pieces(len(l4), most or (1448 if v6 else 1480))
        if v6:
            frs = ipv6_fragments(src_ip, b'', pieces, ident=ident, whole=l4, nh=proto)
        else:
            frs = ipv4_fragments(src_ip, b'', pieces, ip_id=ident, whole=l4, proto=proto)
        return self._add_pieces(frs, pieces, order, '%s (%d bytes)' % (note, len(l4)))

    def _add_pieces(self, frs, pieces, order, note):
        order = order or range(len(frs))
        return [self.add_fragment(frs[k], 'reassembled', '%s fragment %d/%d (offset %d, %d bytes) of %s'
                                  % ('IPv6' if u16(frs[k], 12) == 0x86dd else 'IPv4', k + 1, len(frs),
                                     pieces[k][0], pieces[k][1], note))
                for k in order]

    def write(self, outdir):
        """Write X.pcap, X.txt and every X.expect.json of self.expectations into outdir."""
        stamps = [divmod(TS_BASE * 1000000 + i * self.ts_step_us, 1000000) for i in range(len(self.frames))]
        write_pcap(os.path.join(outdir, self.name + '.pcap'), self.frames, stamps)
        sim = simulate(self.frames, self.ctx)
        with open(os.path.join(outdir, self.name + '.txt'), 'w', encoding='utf-8') as fh:
            fh.write('# SPDX-License-Identifier: BSD-3-Clause\n')
            fh.write('# %s.pcap: frame index, length, intended verdict, what it is. '
                     'Made by scripts/gen_pcaps.py; do not edit.\n' % self.name)
            for i, (f, n) in enumerate(zip(self.frames, self.notes)):
                fate = sim['fates'].get(i)
                if fate:
                    n += ' -> %s' % ('reassembled at frame %d' % fate[1] if fate[0] == 'reassembled'
                                     else 'frame_fragment_duplicate' if fate[0] == 'duplicate'
                                     else 'frame_ip_fragment')
                fh.write('%5d %5d  %s\n' % (i, len(f), n))
        for name, kw in self.expectations.items():
            write_expect(os.path.join(outdir, name + '.expect.json'), self.expectation(**kw))

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
        alone = []
        lines_in = 0
        lo, hi = 1, 65535                   # max-payload: the same lines go alone
        mlo, mhi = 1, MAX_LINE_LIMIT        # max-line: the same lines are line_too_long
        for i, payload, whole in sim['datagrams']:
            lines = split_lines(payload)
            verdicts = [classify_line(line) for line in lines]
            all_valid = bool(lines) and all(r is None for r, _ in verdicts)
            idxs = []
            for line, (r, key) in zip(lines, verdicts):
                lines_in += 1
                if r == 'line_too_long':
                    mhi = min(mhi, len(line) - 1)
                else:
                    mlo = max(mlo, len(line))
                if r:
                    drops[r] = drops.get(r, 0) + 1
                    continue
                # A line goes alone when it is copied and does not fit a packet with its LF:
                # below t = len + 1. A datagram of this one valid line that came whole leaves
                # in place instead (so not alone) while it fits: then t = min(datagram, len + 1).
                t = min(len(payload), len(line) + 1) if whole and len(lines) == 1 else len(line) + 1
                e = {'key': keys.setdefault(key, len(keys))}
                if all(0x20 <= b < 0x7f for b in line):
                    e['line'] = line.decode('ascii')
                else:
                    e['line_b64'] = base64.b64encode(line).decode('ascii')
                if max_payload < t:
                    alone.append(len(valid))
                    hi = min(hi, t - 1)
                else:
                    lo = max(lo, t)
                idxs.append(len(valid))
                valid.append(e)
            if all_valid and whole:
                asis.append([i, whole[0], whole[1], idxs])
        if not lo <= max_payload <= hi:
            raise AssertionError('%s: max-payload %d outside its own range %d..%d'
                                 % (self.name, max_payload, lo, hi))
        if not mlo <= MAX_LINE <= mhi:
            raise AssertionError('%s: max-line %d outside its own range %d..%d' % (self.name, MAX_LINE, mlo, mhi))
        exp = {
            'SPDX-License-Identifier': 'BSD-3-Clause',
            'pcap': self.name + '.pcap',
            'config': self.ctx.name,
            'context': self.ctx.context(),
            'max_payload': max_payload,
            'max_payload_range': [lo, hi],
            'max_line': MAX_LINE,
            'max_line_range': [mlo, mhi],
            'frames_in': len(self.frames),
            'frames_control': sim['frames_control'],
            'fragments_in': sim['fragments_in'],
            'datagrams_reassembled': sim['datagrams_reassembled'],
            'lines_in': lines_in,
            'drops': dict(sorted(drops.items())),
            'require_coalescing': require_coalescing,
            'answers': [[i, kind] + ([used] if used else []) for i, kind, _, used in sim['answers']],
            'keys': list(keys),
            'valid_lines': valid,
            'asis': asis,
        }
        if alone:
            exp['alone'] = alone
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
