# SPDX-License-Identifier: BSD-3-Clause
"""What the replay checkers of reload.sh and health.sh share: the relay's
output as (destination, payload) datagrams, their lines, where the relay's
own code places each line, the walk of the output through placement states
visited in order, and PASS/FAIL bookkeeping under a prefix."""
import collections
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'scripts'))
from sr_wire import read_pcap  # noqa: E402


class Checks:
    """check(name, cond, detail) prints PASS/FAIL PREFIX name and counts."""

    def __init__(self, prefix):
        self.prefix, self.ok, self.failed = prefix, 0, 0

    def __call__(self, name, cond, detail=''):
        if cond:
            self.ok += 1
            print('PASS %s %s' % (self.prefix, name))
        else:
            self.failed += 1
            print('FAIL %s %s %s' % (self.prefix, name, detail))


def udp_datagrams(path):
    """(destination "IP:PORT", payload) of each IPv4 UDP frame, in file order."""
    out = []
    for f in read_pcap(path):
        if len(f) < 42 or f[12:14] != b'\x08\x00' or f[23] != 17:
            continue
        hl = (f[14] & 15) * 4
        end = 14 + int.from_bytes(f[16:18], 'big')
        dst = '%d.%d.%d.%d:%d' % (*f[30:34], int.from_bytes(f[14 + hl + 2:14 + hl + 4], 'big'))
        out.append((dst, f[14 + hl + 8:end]))
    return out


def lines_of(payload):
    return [ln for ln in payload.split(b'\n') if ln]


def placement(where, cfg, order):
    """line -> "IP:PORT" under the configuration cfg, by statsd-relay-where (None: not placed)."""
    res = subprocess.run([where, '--config', cfg], input=b'\n'.join(order) + b'\n',
                         capture_output=True, check=True).stdout.split(b'\n')
    m = {}
    for ln, r in zip(order, res):
        parts = r.split(b'\t')
        m[ln] = parts[1].decode() if parts[0].startswith(b'shard') else None
    return m


class Walk:
    """The output packets (dst, payload) in send order, each explained by the first of
    states (line -> "IP:PORT" maps) from the current one on, never back: cur is the
    state the walk ended in, wrong the first packets no state from cur on explains
    (what names a state in them), third the packets to an address of no state; count
    (line -> times sent), sent_to (address -> lines) and dst_of (line -> its last
    destination) as seen."""

    def __init__(self, dgrams, states, what):
        addresses = {v for m in states for v in m.values()}
        self.count, self.sent_to, self.dst_of = collections.Counter(), collections.Counter(), {}
        self.cur, self.wrong, self.third = 0, [], 0
        for dst, payload in dgrams:
            lns = lines_of(payload)
            self.count.update(lns)
            self.sent_to[dst] += len(lns)
            for ln in lns:
                self.dst_of[ln] = dst
            if dst not in addresses:
                self.third += 1
            k = self.cur
            while k < len(states) and any(states[k].get(ln) != dst for ln in lns):
                k += 1
            if k == len(states):
                if len(self.wrong) < 3:
                    self.wrong.append('%s <- %r under none of %ss %d..' % (dst, lns[:2], what,
                                                                         self.cur))
            else:
                self.cur = k
