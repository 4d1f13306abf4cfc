#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Live counters of a running statsd-relay, over DPDK telemetry.

  scripts/relay_stats.py [--file-prefix NAME] [COMMAND]
      COMMAND: /statsd_relay/stats (default), /statsd_relay/shards, /ethdev/stats,0 ...
      ('/' lists the commands, '/help,COMMAND' says what one does)

The relay's EAL runtime directory holds the telemetry socket
(/var/run/dpdk/<file-prefix>/dpdk_telemetry.v2 as root; default prefix rte).
Standard library only: Debian's dpdk package ships no telemetry client.

Prints the relay's JSON answer. Exit status:
  0  the relay answered
  1  no answer: cannot connect (is the relay running?), or the connection
     closed or timed out, or the answer is not JSON
  2  bad usage, the relay not asked: an empty or malformed COMMAND (a
     telemetry command starts with '/', has no control characters and
     fits DPDK's 1023-byte read, which would cut a longer one short)
  3  the relay answered null: an unknown command, or a command that refused
     its parameter (DPDK telemetry answers {"/cmd": null} to both; the
     message says which, from the relay's list of commands)
A closed standard output (relay_stats.py | head) ends it quietly, by
SIGPIPE as other Unix tools do (status 141 in the shell).
"""
import argparse
import json
import os
import signal
import socket
import sys

PROG = 'relay_stats'
MAX_REQUEST = 1023  # DPDK reads a request into a 1024-byte buffer (with its NUL)


def fail(code, msg):
    sys.stderr.write('%s: %s\n' % (PROG, msg))
    sys.exit(code)


def check_command(cmd):
    """The reason COMMAND is malformed, or None."""
    if cmd == '':
        return "empty command (telemetry commands start with '/'; '/' lists them)"
    if not cmd.startswith('/'):
        return "'%s' is not a telemetry command (they start with '/'; '/' lists them)" % cmd
    if any(ord(c) < 32 or ord(c) == 127 for c in cmd):
        return '%r has a control character' % cmd
    if len(cmd.encode()) > MAX_REQUEST:
        return 'command is %d bytes: telemetry reads at most %d (it would cut it short)' % (
            len(cmd.encode()), MAX_REQUEST)
    return None


def ask(s, cmd, max_len):
    """Send one command, return the decoded answer (exit 1 on no answer)."""
    try:
        s.send(cmd.encode())
        raw = s.recv(max_len)
    except OSError as e:
        fail(1, 'no answer to %s: %s' % (cmd, e))
    if not raw:
        fail(1, 'the relay closed the connection without answering %s' % cmd)
    try:
        return json.loads(raw.decode())
    except ValueError as e:
        fail(1, 'the answer to %s is not JSON (%s): %.80r' % (cmd, e, raw))


def is_null(reply):
    return isinstance(reply, dict) and len(reply) == 1 and list(reply.values())[0] is None


def main():
    ap = argparse.ArgumentParser(prog='relay_stats.py', description=__doc__.splitlines()[0],
                                 epilog='exit status: 0 answered, 1 no answer, 2 bad command, '
                                        '3 the relay answered null (unknown command or '
                                        'refused parameter)')
    ap.add_argument('--file-prefix', default='rte')
    ap.add_argument('--runtime-dir', default=None)
    ap.add_argument('--timeout', type=float, default=10.0,
                    help='seconds to wait for the relay (default 10)')
    ap.add_argument('command', nargs='?', default='/statsd_relay/stats')
    a = ap.parse_args()
    why = check_command(a.command)
    if why:
        fail(2, why)
    base = a.runtime_dir or ('/var/run/dpdk' if os.geteuid() == 0 else
                             os.path.join(os.environ.get('XDG_RUNTIME_DIR', '/tmp'), 'dpdk'))
    path = os.path.join(base, a.file_prefix, 'dpdk_telemetry.v2')
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(a.timeout)
    try:
        s.connect(path)
        raw = s.recv(16384)
    except OSError as e:
        fail(1, 'cannot connect to %s: %s (is the relay running?)' % (path, e))
    try:
        info = json.loads(raw.decode())
    except ValueError:
        fail(1, '%s did not greet as DPDK telemetry: %.80r' % (path, raw))
    max_len = info.get('max_output_len', 16384) if isinstance(info, dict) else 16384
    reply = ask(s, a.command, max_len)
    if is_null(reply):
        name, _, param = a.command.partition(',')
        listing = ask(s, '/', max_len)
        known = listing.get('/') or [] if isinstance(listing, dict) else []
        if name in known:
            what = "refused parameter '%s'" % param if param else 'failed without a parameter'
            fail(3, '%s %s (the relay answered null; /help,%s says what it takes)' % (
                name, what, name))
        fail(3, "unknown command '%s' (the relay answered null; '/' lists the commands)" % name)
    out = json.dumps(reply, indent=2) + '\n'
    try:
        sys.stdout.write(out)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader is gone (| head): end as a Unix tool does, without a traceback
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
        os._exit(128 + signal.SIGPIPE)


if __name__ == '__main__':
    main()
