#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Generate the replay fixtures in pcap/ (see pcap/README.md).

For every fixture X this writes X.pcap (the frames the relay reads), X.expect.json
(what the relay must do with them) and X.txt (a one-line-per-frame manifest for humans).
The fixtures are made by scripts/pcapgen/fixtures/X.py; the expectations are computed by
the reference model, scripts/pcapgen/model.py, which follows the relay's stated rules.
Every crafted frame and line also carries the verdict it was built to get, and the
generator stops if the model disagrees with it. scripts/pcapgen/__init__.py says what
each module holds.

The relay's configuration as far as frames go (listen addresses, allow list, gateway,
shards and their MACs) is read from the replay configs, tests/replay/configs/*.ini, so
the model and the relay always run with the same one.

Deterministic: fixed seeds, fixed timestamps, no dependence on the host (scapy
never picks an address or MAC here). Running it twice gives identical bytes.

Usage: gen_pcaps.py [--out pcap/]
"""

import argparse
import os
import sys

from pcapgen import fixtures

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'pcap'))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for fixture in fixtures.ALL:
        fixture.generate().write(args.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
