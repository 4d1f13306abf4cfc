#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Live counters of a running statsd-relay, over DPDK telemetry.

  scripts/relay_stats.py [--file-prefix NAME] [COMMAND]
      COMMAND: /statsd_relay/stats (default), /statsd_relay/shards, /ethdev/stats,0 ...

The relay's EAL runtime directory holds the telemetry socket
(/var/run/dpdk/<file-prefix>/dpdk_telemetry.v2 as root; default prefix rte).
Standard library only: Debian's dpdk package ships no telemetry client.
"""
import argparse
import json
import os
import socket
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--file-prefix', default='rte')
    ap.add_argument('--runtime-dir', default=None)
    ap.add_argument('command', nargs='?', default='/statsd_relay/stats')
    a = ap.parse_args()
    base = a.runtime_dir or ('/var/run/dpdk' if os.geteuid() == 0 else
                             os.path.join(os.environ.get('XDG_RUNTIME_DIR', '/tmp'), 'dpdk'))
    path = os.path.join(base, a.file_prefix, 'dpdk_telemetry.v2')
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.connect(path)
    except OSError as e:
        sys.exit('relay_stats: cannot connect to %s: %s (is the relay running?)' % (path, e))
    info = json.loads(s.recv(16384).decode())
    s.send(a.command.encode())
    reply = json.loads(s.recv(info.get('max_output_len', 16384)).decode())
    print(json.dumps(reply, indent=2))


if __name__ == '__main__':
    main()
