# SPDX-License-Identifier: BSD-3-Clause
"""Next hops showing their MACs to the relay, and the StatsD that follows: what the fixtures
of shards without mac= (neighbours.ini, announce.ini) are made of.

The relay reads 32 frames per RX burst and learns the neighbours a burst showed after that
burst, so the announcements come first and StatsD starts after pad_to(fx, 40)."""

import random

from .fixture import Fixture
from .frames import arp_frame, na_frame, statsd_frame
from .model import ctx_of
from .net import BCAST_MAC, LISTEN_IP, PORT_MAC
from .traffic import V4_CLIENTS, V6_CLIENTS, demo_catalog, statsd_lines

NEIGH_MACS = {'198.18.0.101': '02:00:00:00:0a:01', '198.18.0.102': '02:00:00:00:0a:02',
              '198.18.0.254': '02:00:00:00:0a:fe', '2001:db8::104': '02:00:00:00:0a:06',
              '198.18.0.111': '02:00:00:00:0b:01', '198.18.0.112': '02:00:00:00:0b:02',
              '2001:db8::112': '02:00:00:00:0b:06'}


def announce(fx, ip, how):
    """A next hop shows its MAC: 'reply' (ARP reply to the relay), 'request' (ARP who-has the
    relay's address, answered), 'garp' (gratuitous ARP request), 'garp-reply' (gratuitous ARP
    reply, broadcast), 'na' (NA unicast to the relay), 'na-all' (unsolicited NA to all nodes)."""
    mac = NEIGH_MACS[ip]
    if how == 'reply':
        fx.add(arp_frame(2, mac, ip, LISTEN_IP, tha=PORT_MAC), 'control', 'ARP reply %s is-at %s to the relay' % (ip, mac))
    elif how == 'request':
        fx.add(arp_frame(1, mac, ip, LISTEN_IP), 'answer', 'ARP who-has 198.18.0.1 tell %s (%s): answered, learned'
               % (ip, mac))
    elif how == 'garp':
        fx.add(arp_frame(1, mac, ip, ip), 'frame_arp_other', 'gratuitous ARP request of %s at %s (broadcast)' % (ip, mac))
    elif how == 'garp-reply':
        fx.add(arp_frame(2, mac, ip, ip, tha=mac, eth_dst=BCAST_MAC), 'frame_arp_other',
               'gratuitous ARP reply of %s at %s (broadcast)' % (ip, mac))
    elif how == 'na':
        fx.add(na_frame(ip, ip, mac), 'control', 'NA %s is-at %s to 2001:db8::1 (solicited, override)' % (ip, mac))
    elif how == 'na-all':
        fx.add(na_frame(ip, ip, mac, dst='ff02::1', flags=0x20, dst_mac='33:33:00:00:00:01'), 'control',
               'unsolicited NA %s is-at %s to all nodes ff02::1 (override)' % (ip, mac))
    else:
        raise ValueError(how)


def statsd_run(fx, rng, n, clients, cat, note=''):
    """n datagrams of 1-6 lines of the catalogue cat (2 % faulty) from random clients."""
    for i in range(n):
        client = rng.choice(clients)
        lines, wants = statsd_lines(rng, cat, rng.randint(1, 6), reject_rate=0.02)
        if not lines:
            continue
        fx.add_datagram(lines, wants, '%d line(s) from %s%s' % (len(lines), client, note), src_ip=client,
                        sport=43000 + i % 50)


def pad_to(fx, n):
    """Fillers until fx has n frames."""
    while len(fx.frames) < n:
        fx.add(filler(len(fx.frames)), 'frame_other_mac', 'filler: StatsD to another MAC')


def filler(i):
    """A frame the relay drops at once (to another unicast MAC), to space frames out."""
    return statsd_frame(b'filler.%d:1|c\n' % i, '198.18.0.9', 40999, dst_mac='02:00:00:00:99:99')


def neighbours_then_statsd(name, hows, n=40):
    """A fixture of announce.ini: the next hops show their MACs (hows: (ip, how) pairs for
    announce()), fillers up to frame 40, then n StatsD datagrams; every next hop is resolved."""
    rng = random.Random(sum(name.encode()))
    fx = Fixture(name, ctx_of('announce.ini'))
    for ip, how in hows:
        announce(fx, ip, how)
    pad_to(fx, 40)
    statsd_run(fx, rng, n, V4_CLIENTS + V6_CLIENTS, demo_catalog())
    exp = fx.expectation()
    assert exp['unresolved'] == [], exp
    return fx
