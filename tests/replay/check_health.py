#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks a health.sh run: the relay's output while one shard went down and up.

The injector's log (--sent, JSON) holds each datagram it sent with its send
time (s from its start), the ICMP errors' send times and the telemetry
commands with their answers. Every line sent is valid and unique, every
shard has a static mac=, so each line must leave exactly once. The output
(--out, the tx_pcap, in send order) must be explained by the states
full -> failed over -> full visited in that order (--mode reshard, drain):
under "failed over" a line of a series the full map (--full) puts on the down
shard (--down) goes where the map without it (--without) sends it, every
other line where the full map does; --mode keep: the full map throughout.
The state changes must fall when the checks allow them (passive checks: one
a second, an ICMP error failing them for the 1.5 s quiet time; a drain or
auto at once), and the counters and log lines must say what happened.

    check_health.py --where BIN --mode reshard|keep|drain --down IP:PORT
                    --full full.ini --without without.ini --sent sent.json
                    --out out.pcap --stats stats.json --log relay.log
Prints PASS/FAIL lines, exits 1 on any failure.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from out_pcap import Checks, Walk, placement, read_pcap, udp_datagrams  # noqa: E402

CHECK_S = 1.0  # a passive check every second
QUIET_S = 1.5  # an ICMP error fails the checks for this long
SLACK_S = 0.15  # the relay's lag behind the injector's clock, the scheduler's
check = Checks('health')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--where', required=True)
    ap.add_argument('--mode', choices=('reshard', 'keep', 'drain'), required=True)
    ap.add_argument('--down', required=True)
    ap.add_argument('--full', required=True)
    ap.add_argument('--without', required=True)
    ap.add_argument('--sent', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--stats', required=True)
    ap.add_argument('--log', required=True)
    a = ap.parse_args()
    down = a.down

    sent = json.load(open(a.sent))
    order, when = [], {}
    for d in sent['datagrams']:
        for ln in d['lines']:
            ln = ln.encode()
            order.append(ln)
            when[ln] = d['t']
    check('input-lines-unique', len(order) == len(set(order)) and len(order) > 1000,
          '%d lines, %d distinct' % (len(order), len(set(order))))
    full = placement(a.where, a.full, order)
    without = placement(a.where, a.without, order)
    check('input-all-placed', all(full.values()) and all(without.values()))
    check('without-map-has-no-down-shard', down not in without.values() and down in full.values())
    on_down = {ln for ln in order if full[ln] == down}  # the down shard's series' lines
    failover = {ln: (without[ln] if ln in on_down else full[ln]) for ln in order}
    states = [full, failover, full] if a.mode != 'keep' else [full]

    # the output, in send order: each packet by the first state from the current one on
    dgrams = udp_datagrams(a.out)
    walk = Walk(dgrams, states, 'state')
    count, sent_to, dst_of, cur, wrong = walk.count, walk.sent_to, walk.dst_of, walk.cur, walk.wrong
    check('no-third-address', walk.third == 0, '%d packets' % walk.third)
    # passive checks send nothing: every frame out is a StatsD packet to a shard, with lines
    others = len(read_pcap(a.out)) - sum(1 for _, p in dgrams if p.strip(b'\n'))
    check('passive-sends-no-probes', others == 0, '%d other frames out' % others)
    stray = [ln for ln in count if ln not in when]
    check('only-input-lines', not stray, repr(stray[:3]))
    missing = [ln for ln in order if count[ln] == 0]
    twice = [ln for ln in order if count[ln] > 1]
    check('every-line-once', not missing and not twice,
          '%d missing %r, %d more than once %r' % (len(missing), missing[:3], len(twice), twice[:3]))
    names = ' -> '.join(('full', 'failed-over', 'full')[:len(states)])
    check('states-in-order(%s)' % names, not wrong, '; '.join(wrong))
    check('reached-last-state', cur == len(states) - 1,
          'last packets explained by state %d of %d' % (cur, len(states) - 1))
    moved_others = [ln for ln in order if ln not in on_down and ln in dst_of and dst_of[ln] != full[ln]]
    check('only-its-series-move', not moved_others,
          '%d lines of other series moved, e.g. %r -> %s' % (
              len(moved_others), moved_others[:1], moved_others and dst_of[moved_others[0]]))

    # when b's series were away: by the send times of their lines
    away = sorted(when[ln] for ln in on_down if ln in dst_of and dst_of[ln] != down)
    home = sorted(when[ln] for ln in on_down if ln in dst_of and dst_of[ln] == down)
    wrong_place = [ln for ln in on_down if ln in dst_of and dst_of[ln] not in (down, without[ln])]
    if sent['icmp']:
        start, end = sent['icmp'][0], sent['icmp'][-1]
        # down at the first check after the first error; up at the first check a quiet time
        # after the last one
        down_by, up_not_before, up_by = start + CHECK_S, end + QUIET_S, end + QUIET_S + CHECK_S
    else:
        cmds = sent['commands']
        start, end = cmds[0]['sent'], cmds[1]['sent']
        down_by, up_not_before, up_by = cmds[0]['done'], end, cmds[1]['done']
    print('    cause from %.3f s to %.3f s; %d lines of %s\'s series, %d of them away' % (
        start, end, len(on_down), down, len(away)))
    if a.mode == 'keep':
        check('nothing-moved', not away, '%d lines of its series away' % len(away))
    else:
        check('failover-happened', bool(away), 'no line of its series went elsewhere')
        check('failover-to-the-map-without-it', not wrong_place,
              '%d lines elsewhere, e.g. %r -> %s' % (len(wrong_place), wrong_place[:1],
                                                     wrong_place and dst_of[wrong_place[0]]))
        back = [t for t in home if away and t > away[-1]]
        check('failover-ended', bool(back), 'no line of its series at it after the failover')
        if away:
            print('    away from %.3f s (%.3f s after the cause) to %.3f s; back at %.3f s '
                  '(%.3f s after its end)' % (away[0], away[0] - start, away[-1],
                                              back[0] if back else -1,
                                              (back[0] - end) if back else -1))
        early = [t for t in away if t < start - SLACK_S]
        check('nothing-moved-before-the-cause', not early, '%d lines away before it, first at %.3f s'
              % (len(early), early[0] if early else 0))
        late_down = [t for t in home if down_by + SLACK_S < t < up_not_before - SLACK_S]
        check('down-in-time-and-until-allowed', not late_down,
              '%d lines at %s between %.3f s and %.3f s, first at %.3f s' % (
                  len(late_down), down, down_by + SLACK_S, up_not_before - SLACK_S,
                  late_down[0] if late_down else 0))
        late_up = [t for t in away if t > up_by + SLACK_S]
        check('up-in-time', not late_up, '%d lines away after %.3f s, first at %.3f s' % (
            len(late_up), up_by + SLACK_S, late_up[0] if late_up else 0))

    stats = json.load(open(a.stats))
    line_drops = sum(v for k, v in stats['drops'].items() if k.startswith('line_'))
    check('accounting', stats['lines_in'] == stats['lines_out'] + line_drops,
          'in %d out %d drops %d' % (stats['lines_in'], stats['lines_out'], line_drops))
    check('nothing-dropped', line_drops == 0,
          repr({k: v for k, v in stats['drops'].items() if k.startswith('line_') and v}))
    check('lines-in-is-lines-sent', stats['lines_in'] == len(order),
          'lines_in %d, sent %d' % (stats['lines_in'], len(order)))
    check('output-is-lines-out', sum(count.values()) == stats['lines_out'],
          'pcap %d, lines_out %d' % (sum(count.values()), stats['lines_out']))
    figures = {s['address']: s['lines'] for s in stats['shards'] if s['lines']}
    check('per-shard-figures', figures == dict(sent_to),
          'stats %s, output %s' % (figures, dict(sent_to)))
    by = {s['address']: s for s in stats['shards']}
    b = by.get(down, {})
    others = [s for s in stats['shards'] if s['address'] != down]
    check('down-shard-transitions-2', b.get('transitions') == 2, 'transitions %s' % b.get('transitions'))
    check('others-transitions-0', all(s['transitions'] == 0 for s in others),
          repr({s['address']: s['transitions'] for s in others}))
    check('no-probes-counted', all(s['probes_sent'] == 0 and s['probes_lost'] == 0
                                   for s in stats['shards']),
          repr({s['address']: (s['probes_sent'], s['probes_lost']) for s in stats['shards']}))
    check('all-up-at-exit', all(s['state'] == 'up' and not s['drain'] for s in stats['shards']),
          repr({s['address']: (s['state'], s['drain']) for s in stats['shards']}))
    print('    %s: unreachable %s, lines %s, lines_while_down %s; %d ICMP errors sent' % (
        down, b.get('unreachable'), b.get('lines'), b.get('lines_while_down'), len(sent['icmp'])))
    if sent['icmp']:
        check('unreachable-heard', b.get('unreachable', 0) >= 1, 'unreachable %s' % b.get('unreachable'))
        check('unreachable-counts-each-error', b.get('unreachable') == len(sent['icmp']),
              'unreachable %s, %d sent' % (b.get('unreachable'), len(sent['icmp'])))
    else:
        check('unreachable-none', b.get('unreachable') == 0, 'unreachable %s' % b.get('unreachable'))
    check('others-unreachable-0', all(s['unreachable'] == 0 for s in others),
          repr({s['address']: s['unreachable'] for s in others}))
    lwd = b.get('lines_while_down', -1)
    if a.mode == 'keep':
        # its lines sent surely while down, and those sent perhaps while down
        surely = sum(1 for t in home if down_by + SLACK_S < t < up_not_before - SLACK_S)
        perhaps = sum(1 for t in home if start - SLACK_S < t < up_by + SLACK_S)
        check('lines-while-down', surely <= lwd <= perhaps and lwd > 0,
              'lines_while_down %d, its lines sent while down: at least %d, at most %d' % (
                  lwd, surely, perhaps))
    else:
        # only what left for it between the change and the new placement taking over
        window = sum(1 for t in home if start - SLACK_S <= t <= (away[0] if away else start))
        check('lines-while-down-only-before-the-failover', 0 <= lwd <= window,
              'lines_while_down %d, its lines sent to it from the cause to the failover %d' % (
                  lwd, window))

    log = open(a.log, errors='replace').read()
    cause = 'drained by the operator' if a.mode == 'drain' else 'ICMP port unreachable'
    cause_up = 'given back to the checks' if a.mode == 'drain' else 'checks good again'
    if a.mode == 'keep':
        tail_down = tail_up = ' (--on-shard-down keep: nothing moves)'
    else:
        tail_down, tail_up = '; its series go to the other shards', '; its series come back'
    want = ['statsd-relay: shard %s down: %s%s' % (down, cause, tail_down),
            'statsd-relay: shard %s up: %s%s' % (down, cause_up, tail_up)]
    if a.mode != 'keep':
        want.insert(1, 'statsd-relay: shards placed anew: 1 of %d shards down (%s)' % (len(by), down))
        want.append('statsd-relay: shards placed anew: 0 of %d shards down' % len(by))
    said = [ln for ln in log.splitlines() if re.match(r'statsd-relay: (shard \S+ (down|up):|shards placed anew)', ln)]
    match = len(said) == len(want) and all(s.startswith(w) for s, w in zip(said, want))
    check('log-lines', match, 'said %r, want %r' % (said, want))

    if a.mode == 'drain':
        for c, what, state in zip(sent['commands'], ('drain', 'auto'), ('down', 'up')):
            try:
                ans = json.loads(c['answer'])['/statsd_relay/shard_state']
            except (ValueError, KeyError, TypeError):
                ans = None
            check('telemetry-%s-answer' % what,
                  c['rc'] == 0 and ans == {'shard': down, 'state': state, 'mode': what},
                  'rc %s, %r' % (c['rc'], c['answer'][:200]))
            print('    %s sent at %.3f s, answered at %.3f s' % (what, c['sent'], c['done']))
    print('check_health: %d passed, %d failed' % (check.ok, check.failed))
    return 1 if check.failed else 0


if __name__ == '__main__':
    sys.exit(main())
