#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks a relay run that was reloaded while a bounded infinite_rx replay ran.

The input (--input) is replayed in a loop by each poller; every line of it is
valid and unique within the file, every shard has a static mac=, so nothing is
dropped and each line must leave exactly F or F+1 times per output file (the
first P lines of the input once more than the rest: the loop the relay was
stopped in). Each output file is one poller's TX queue, in the order it sent:
its packets must be explainable by the configurations (--config, in the order
they were applied) visited in order, never back: a packet goes to the shard
its lines have under the configuration current when they were parsed, and a
poller that took a new one never sends by the old one again.

    check_reload.py --where BIN --input in.pcap --stats stats.json
                    --out out0.pcap [--out out1.pcap] --config c0.ini c1.ini ...
                    --reloads N --failures M
Prints PASS/FAIL lines, exits 1 on any failure.
"""
import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from out_pcap import Checks, Walk, lines_of, placement, udp_datagrams  # noqa: E402

check = Checks('reload')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--where', required=True)
    ap.add_argument('--input', required=True)
    ap.add_argument('--stats', required=True)
    ap.add_argument('--out', action='append', required=True)
    ap.add_argument('--config', nargs='+', required=True)
    ap.add_argument('--reloads', type=int, required=True)
    ap.add_argument('--failures', type=int, required=True)
    a = ap.parse_args()

    order = [ln for _, p in udp_datagrams(a.input) for ln in lines_of(p)]
    check('input-lines-unique', len(order) == len(set(order)) and len(order) > 100,
          '%d lines, %d distinct' % (len(order), len(set(order))))
    known = set(order)
    # where each line goes under each configuration, by the relay's own code
    place = [placement(a.where, cfg, order) for cfg in a.config]
    check('input-all-placed', all(v for m in place for v in m.values()))

    stats = json.load(open(a.stats))
    sent_to = collections.Counter()
    total_out = 0
    for path in a.out:
        walk = Walk(udp_datagrams(path), place, 'config')
        count, cur, wrong, third = walk.count, walk.cur, walk.wrong, walk.third
        sent_to.update(walk.sent_to)
        name = os.path.basename(path)
        total_out += sum(count.values())
        check(name + '-no-third-address', third == 0, '%d packets' % third)
        check(name + '-each-line-by-one-config-in-order', not wrong, '; '.join(wrong))
        check(name + '-reached-last-config', cur == len(place) - 1,
              'last packets explained by config %d of %d' % (cur, len(place) - 1))
        stray = [ln for ln in count if ln not in known]
        check(name + '-only-input-lines', not stray, repr(stray[:3]))
        # exactly once per loop: F+1 for a prefix of the input, F after
        f = min(count.get(ln, 0) for ln in order)
        seq = [count.get(ln, 0) - f for ln in order]
        prefix = seq.index(0) if 0 in seq else len(seq)
        check(name + '-every-line-once-per-loop',
              f >= 2 and all(x == 1 for x in seq[:prefix]) and all(x == 0 for x in seq[prefix:]),
              'loops %d, counts beyond it %s' % (f, collections.Counter(seq)))

    line_drops = sum(v for k, v in stats['drops'].items() if k.startswith('line_'))
    check('accounting', stats['lines_in'] == stats['lines_out'] + line_drops,
          'in %d out %d drops %d' % (stats['lines_in'], stats['lines_out'], line_drops))
    check('nothing-dropped', line_drops == 0, 'line drops %d' % line_drops)
    check('output-is-lines-out', total_out == stats['lines_out'],
          'pcap %d, lines_out %d' % (total_out, stats['lines_out']))
    # the figures follow each shard (by address) through reorders and renames;
    # removed shards' stay in the totals
    figures = collections.Counter()
    for s in stats['shards'] + stats['removed_shards']:
        figures[s['address']] += s['lines']
    check('per-shard-figures-follow-the-shard', figures == sent_to,
          'stats %s, output %s' % (dict(figures), dict(sent_to)))
    check('counters', stats['reloads'] == a.reloads and stats['reload_failures'] == a.failures and
          stats['config_generation'] == a.reloads + 1,
          'reloads %d failures %d generation %d' % (stats['reloads'], stats['reload_failures'],
                                                    stats['config_generation']))
    gaps = ['%.0f' % p['rx_gap_max_us'] for p in stats['pollers']]
    print('    longest gap between two RX bursts per poller (us): %s' % ', '.join(gaps))
    print('check_reload: %d passed, %d failed' % (check.ok, check.failed))
    return 1 if check.failed else 0


if __name__ == '__main__':
    sys.exit(main())
