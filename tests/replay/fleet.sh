#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Scaling out: two relays with the same configuration, each fed one half of
# the demo replay (every other frame, as ECMP might split it), must send
# every series to one and the same shard, and print the same ring
# fingerprint as statsd-relay-where --fingerprint; a one-byte change in a
# shard's name changes the fingerprint.
#   tests/replay/fleet.sh BUILD_DIR
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$HERE/../..
BUILD=$(realpath "${1:-build}")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CFG=$HERE/configs/main.ini

PYTHONPATH=$ROOT/scripts /usr/bin/python3 - "$ROOT/pcap/demo.pcap" "$TMP" <<'PY'
import sys
from sr_wire import read_pcap, write_pcap
frames = read_pcap(sys.argv[1])
write_pcap(sys.argv[2] + '/half0.pcap', frames[0::2])
write_pcap(sys.argv[2] + '/half1.pcap', frames[1::2])
PY

for h in 0 1; do
	timeout 60 "$BUILD/app/statsd-relay" --no-huge --no-pci -m 256 --file-prefix "sr_fleet_$$_$h" -l 0 \
		--log-level=error --vdev "net_pcap0,rx_pcap=$TMP/half$h.pcap,tx_pcap=$TMP/out$h.pcap" -- --health-interval 0 \
		--config "$CFG" --exit-idle 300 --stats-json "$TMP/stats$h.json" >"$TMP/relay$h.log" 2>&1 &
	pids[$h]=$!
done
rc=0
for h in 0 1; do wait "${pids[$h]}" || rc=1; done
where=$("$BUILD/app/statsd-relay-where" --config "$CFG" --fingerprint)
sed 's/\[shard a\]/[shard a]\nname = shard-a/' "$CFG" >"$TMP/renamed.ini"
sed 's/\[shard a\]/[shard a]\nname = shard-b/' "$CFG" >"$TMP/renamed2.ini"
renamed=$("$BUILD/app/statsd-relay-where" --config "$TMP/renamed.ini" --fingerprint)
renamed2=$("$BUILD/app/statsd-relay-where" --config "$TMP/renamed2.ini" --fingerprint)

PYTHONPATH=$ROOT/scripts /usr/bin/python3 - "$TMP" "$rc" "$where" "$renamed" "$renamed2" \
	"$BUILD/app/statsd-relay-where" "$CFG" "$HERE/check_replay.py" <<'PY'
import json, os, subprocess, sys
from sr_wire import read_pcap
sys.path.insert(0, os.path.dirname(sys.argv[8]))
from check_replay import l2, reassemble_output
tmp, rc, where, renamed, renamed2, where_bin, cfg = sys.argv[1:8]
ok = fail = 0
def check(name, cond, detail=''):
    global ok, fail
    if cond:
        ok += 1; print('PASS fleet ' + name)
    else:
        fail += 1; print('FAIL fleet %s %s' % (name, detail))

def datagrams(path):
    """UDP payloads by destination address, the relay's fragments put together by the
    replay checker's own reassembly (which also checks them)."""
    out = []
    whole, problems = reassemble_output(read_pcap(path), 1500)
    for p in problems:
        print('    ' + p)
    for _, f, _ in whole:
        off, et, _ = l2(f)
        if et == 0x0800 and f[off + 9] == 17:
            hl = (f[off] & 15) * 4
            end = off + int.from_bytes(f[off + 2:off + 4], 'big')
            out.append((f[off + 16:off + 20], f[off + hl + 8:end]))
        elif et == 0x86dd and f[off + 6] == 17:
            end = off + 40 + int.from_bytes(f[off + 4:off + 6], 'big')
            out.append((f[off + 24:off + 40], f[off + 48:end]))
    return out

check('relays-exit', rc == '0', 'a relay failed: ' + open(tmp + '/relay0.log').read()[-300:])
fps = []
for h in (0, 1):
    try:
        fps.append(json.load(open('%s/stats%d.json' % (tmp, h)))['ring_fingerprint'])
    except (OSError, ValueError, KeyError) as e:
        fps.append('missing: %s' % e)
check('same-fingerprint', fps[0] == fps[1] == where and len(where) == 16,
      'relays %s, where %s' % (fps, where))
check('fingerprint-printed-at-start',
      all(('ring fingerprint ' + where) in open('%s/relay%d.log' % (tmp, h)).read() for h in (0, 1)))
check('name-change-changes-fingerprint', len({where, renamed, renamed2}) == 3,
      '%s %s %s' % (where, renamed, renamed2))
dest, lines = {}, []
for h in (0, 1):
    for dst, payload in datagrams('%s/out%d.pcap' % (tmp, h)):
        for ln in payload.split(b'\n'):
            if ln:
                lines.append((dst, ln))
# the series key of each line, by the relay's own tool
res = subprocess.run([where_bin, '--config', cfg], input=b'\n'.join(l for _, l in lines) + b'\n',
                     capture_output=True, check=True).stdout.split(b'\n')
two = 0
for (dst, ln), r in zip(lines, res):
    parts = r.split(b'\t')
    if len(parts) < 4 or not parts[0].startswith(b'shard'):
        continue
    key = parts[2]
    if dest.setdefault(key, dst) != dst:
        two += 1
check('lines-compared', len(lines) > 1000 and len(res) >= len(lines), '%d lines' % len(lines))
check('no-series-on-two-shards', two == 0 and len(dest) > 100,
      '%d lines of a series seen at a second shard (%d series)' % (two, len(dest)))
print('fleet: %d passed, %d failed' % (ok, fail))
sys.exit(1 if fail else 0)
PY
