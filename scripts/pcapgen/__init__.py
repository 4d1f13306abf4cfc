# SPDX-License-Identifier: BSD-3-Clause
"""The replay fixture generator behind scripts/gen_pcaps.py (pcap/README.md).

  net.py             the relay port's MAC and listen addresses as the fixtures use them;
                     address, MAC and checksum helpers
  model.py           the reference model of the relay: configuration (Ctx), frame verdicts
                     and answers, reassembly, simulate(), line verdicts and series keys
  frames.py          frame builders: Ethernet, 802.1Q, IPv4, IPv6, UDP, ARP, ICMP,
                     ICMPv6, NS/NA, fragments
  fixture.py         Fixture: frames with the verdict each was built for, checked against
                     the model, written as X.pcap, X.txt and X.expect.json
  traffic.py         what clients send: the demo series catalogue, valid and faulty lines
  foreign_makers.py  one maker per kind of foreign frame (foreign.pcap, demo.pcap)
  announce.py        next hops showing their MACs (neighbours.pcap, garp.pcap, ...)
  fixtures/X.py      X.pcap: its generate() and what it checks

The modules import sr_wire (scripts/sr_wire.py), so scripts/ must be on sys.path, as it
is for scripts/gen_pcaps.py. net.py, model.py and traffic.py need only the standard library
(tests/replay/fake_relay.py runs on the model); frames.py and all that builds frames need
scapy (Debian's python3-scapy, for /usr/bin/python3).
"""
