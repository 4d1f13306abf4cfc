# SPDX-License-Identifier: BSD-3-Clause
"""What the replay checkers of reload.sh and health.sh share: the relay's
output as (destination, payload) datagrams, their lines, and PASS/FAIL
bookkeeping under a prefix."""
import os
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
