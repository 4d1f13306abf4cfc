# SPDX-License-Identifier: BSD-3-Clause
"""Fixture: the frames of one pcap being built, each checked against the model as it is
added, and the files made from them: X.pcap, X.txt (the manifest) and X.expect.json (what
the relay must do, computed by model.simulate and model.classify_line)."""

import base64
import json
import os

from sr_wire import split_lines, write_pcap

from .frames import statsd_frame
from .model import MAX_PAYLOAD, classify_frame, classify_line, simulate
from .net import ip_ntoa, mac_ntoa

MAX_UDP_PAYLOAD = 1472          # keeps every input frame at or under 1514 bytes
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
        self.singles = set()     # frame indexes whose payload is one line sent alone, no terminator
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
        idx = self.add(statsd_frame(payload, **kw), None, note or '%d line(s)' % len(lines))
        if len(lines) == 1 and not final:
            self.singles.add(idx)
        return idx

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
        lines_in = 0
        lo, hi = 1, 65535
        for i, payload, whole in sim['datagrams']:
            lines = split_lines(payload)
            idxs = []
            all_valid = bool(lines)
            for line in lines:
                lines_in += 1
                r, key = classify_line(line, max_payload)
                if r == 'line_too_long':
                    hi = min(hi, len(line) - 1)
                else:
                    # This line keeps its verdict for any max-payload that still lets it through
                    # unchanged: alone and unterminated it needs len, else len + its LF.
                    lo = max(lo, len(line) if i in self.singles and whole else len(line) + 1)
                if r:
                    drops[r] = drops.get(r, 0) + 1
                    all_valid = False
                    continue
                e = {'key': keys.setdefault(key, len(keys))}
                if all(0x20 <= b < 0x7f for b in line):
                    e['line'] = line.decode('ascii')
                else:
                    e['line_b64'] = base64.b64encode(line).decode('ascii')
                idxs.append(len(valid))
                valid.append(e)
            if all_valid and whole:
                asis.append([i, whole[0], whole[1], idxs])
        if not lo <= max_payload <= hi:
            raise AssertionError('%s: max-payload %d outside its own range %d..%d'
                                 % (self.name, max_payload, lo, hi))
        exp = {
            'SPDX-License-Identifier': 'BSD-3-Clause',
            'pcap': self.name + '.pcap',
            'config': self.ctx.name,
            'context': self.ctx.context(),
            'max_payload': max_payload,
            'max_payload_range': [lo, hi],
            'frames_in': len(self.frames),
            'frames_control': sim['frames_control'],
            'fragments_in': sim['fragments_in'],
            'datagrams_reassembled': sim['datagrams_reassembled'],
            'lines_in': lines_in,
            'drops': dict(sorted(drops.items())),
            'require_coalescing': require_coalescing,
            'answers': [[i, kind] for i, kind, _ in sim['answers']],
            'keys': list(keys),
            'valid_lines': valid,
            'asis': asis,
        }
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
