#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the end-to-end suite (run_e2e.sh): real client senders and the checker.

  e2e.py pystatsd HOST PORT PREFIX LOG [--ipv6]   send with Debian's python3-statsd
  e2e.py gen-big PREFIX SIZE [WHERE CFG SHARD]   lines for one big datagram
  e2e.py big HOST PORT LINES LOG [--ipv6] [--split BYTES [--pace S] [--until FILE]]
                                                 send LINES as one UDP datagram (or
                                                 in datagrams of at most BYTES)
  e2e.py check --where BIN --config CFG --servers F0,F1,.. --stats STATS
               [--expect NAME=FILE]... [--absent NAME=FILE]... [--ignore-prefix P]...
               [--bad-lines FILE]
  e2e.py delta BASE NEW OUT                      what a server aggregated between two
                                                 copies of its JSON (a server file)
  e2e.py totals --servers F0,F1,.. --expect NAME=FILE [--placement CFG=F0,F1,..]...
               [--own-prefix P] [--ignore-prefix P]... [--may-lose CFG=I]
                                                 counters summed over servers: exact
                                                 (but shard I's series: short, never over)
  e2e.py reload-stats STATS [--want KEY=VALUE]... [--shard NAME=DELTA]...
               [--removed NAME=DELTA]...          the relay's reload figures
  e2e.py gen-series PREFIX N_SERIES N_LINES [--witness WHERE CFG CFG2 I N]
                                                 counter lines PREFIX.sK:1|c over N_SERIES
  e2e.py placed NAME --where BIN --config CFG --servers F0,F1,.. [--down I --without CFG2]
               [--want-moved] [--want-stayed] [--want-on I]...
                                                 every series of a phase where the map puts it
  e2e.py health-stats STATS [--exact NAME=DELTA]... [--want NAME.FIELD=V]...
               [--min NAME.FIELD=N]... [--max NAME.FIELD=N]...   per-shard health figures
  e2e.py self-metrics STATS --servers F0,F1,.. --where BIN --config CFG [--prefix P]
                                                 the relay's own lines, summed over servers

Every sender appends the exact lines it put on the wire to LOG (one per line).
The checker prints "PASS name" / "FAIL name" (details indented) per check.
Only the standard library and python3-statsd; run with /usr/bin/python3.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time


def log_lines(path, data):
    with open(path, "a") as f:
        for line in data.split("\n"):
            if line:
                f.write(line + "\n")


# ---------------------------------------------------------------- senders

def cmd_pystatsd(argv):
    import statsd  # Debian python3-statsd

    host, port, prefix, log = argv[0], int(argv[1]), argv[2], argv[3]
    ipv6 = "--ipv6" in argv[4:]
    client = statsd.StatsClient(host, port, ipv6=ipv6)
    real_send = client._send

    def recording_send(data):
        log_lines(log, data)
        real_send(data)

    client._send = recording_send
    for i in range(40):
        client.incr("%s.req.n%d" % (prefix, i % 20), i % 7 + 1)
        if i % 10 == 9:
            time.sleep(0.01)
    client.decr("%s.req.n0" % prefix, 2)
    client.gauge("%s.temp" % prefix, 17)
    client.gauge("%s.temp" % prefix, 21)
    client.gauge("%s.load" % prefix, 3.5)
    for m in ("alice", "bob", "carol", "bob"):
        client.set("%s.users" % prefix, m)
    client.timing("%s.lat" % prefix, 12)
    client.timing("%s.lat" % prefix, 30)
    # a pipeline: several lines per datagram, split at the client's maxudpsize (512)
    with client.pipeline() as pipe:
        for i in range(60):
            pipe.incr("%s.pipe.k%d" % (prefix, i % 30), 1 + i % 3)
    time.sleep(0.05)
    return 0


def cmd_gen_big(argv):
    """e2e.py gen-big PREFIX SIZE [WHERE CFG SHARD]: counter lines totalling at most SIZE
    bytes (newlines included); with WHERE CFG SHARD only lines statsd-relay-where puts
    on shard SHARD (a datagram the relay could forward whole, were it not too big)."""
    prefix, size = argv[0], int(argv[1])
    only = None
    if len(argv) >= 5:
        only = (argv[2], argv[3], int(argv[4]))
    cand = ["%s.k%d:%d|c" % (prefix, i % 97 if only is None else i, i % 5 + 1) for i in range(4 * size)]
    if only:
        shards = where(only[0], only[1], cand)
        cand = [c for c, sh in zip(cand, shards) if sh == only[2]]
    out, total = [], 0
    for line in cand:
        if total + len(line) + 1 > size:
            break
        out.append(line)
        total += len(line) + 1
    sys.stdout.write("".join(l + "\n" for l in out))
    return 0


def opt(argv, name, default=None):
    return argv[argv.index(name) + 1] if name in argv else default


def cmd_big(argv):
    """e2e.py big HOST PORT LINES_FILE LOG [--ipv6] [--split BYTES [--pace S] [--until FILE]]:
    send LINES_FILE as ONE datagram; with --split, in datagrams of whole lines of at most
    BYTES each, S seconds apart, stopping early once FILE exists (LOG: the lines sent)."""
    host, port, src, log = argv[0], int(argv[1]), argv[2], argv[3]
    ipv6 = "--ipv6" in argv[4:]
    split = int(opt(argv, "--split", 0))
    pace = float(opt(argv, "--pace", 0))
    until = opt(argv, "--until")
    with open(src) as f:
        payload = f.read()
    chunks = [payload]
    if split:
        chunks, cur = [], ""
        for line in payload.splitlines(True):
            if cur and len(cur) + len(line) > split:
                chunks.append(cur)
                cur = ""
            cur += line
        if cur:
            chunks.append(cur)
    s = socket.socket(socket.AF_INET6 if ipv6 else socket.AF_INET, socket.SOCK_DGRAM)
    if not ipv6:
        # let the kernel fragment it (IP_MTU_DISCOVER = 10, IP_PMTUDISC_DONT = 0)
        s.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_MTU_DISCOVER", 10), 0)
    for i, chunk in enumerate(chunks):
        if until and os.path.exists(until):
            break
        if i and pace:
            time.sleep(pace)
        n = s.sendto(chunk.encode(), (host, port))
        if n != len(chunk.encode()):
            print("big: sent %d of %d bytes" % (n, len(chunk)), file=sys.stderr)
            return 1
        log_lines(log, chunk)
    s.close()
    return 0


# ---------------------------------------------------------------- etsy statsd model

_SAN = [(re.compile(r"\s+"), "_"), (re.compile(r"/"), "-"), (re.compile(r"[^a-zA-Z_\-0-9\.;=]"), "")]


def statsd_key(line):
    """The key etsy statsd 0.9.0 stores a line under (stats.js handlePacket)."""
    bits = line.split("|#")
    tags = bits[1].split(",") if len(bits) > 1 and bits[1] else []
    parts = bits[0].split(":")
    key = parts[0]
    if tags:
        key += ";" + ";".join(t.replace(";", "_", 1).replace(":", "=", 1) for t in tags)
    for rx, rep in _SAN:
        key = rx.sub(rep, key)
    return key, parts[1:] or ["1"]


def apply_line(model, line):
    """Fold one line into model {counters, gauges, sets, timers} as statsd would."""
    key, parts = statsd_key(line)
    for p in parts:
        fields = p.split("|")
        if len(fields) < 2:
            continue
        rate = 1.0
        if len(fields) > 2 and fields[2].startswith("@"):
            rate = float(fields[2][1:])
        typ = fields[1].strip()
        if typ == "ms":
            model["timers"][key] = model["timers"].get(key, 0) + 1 / rate
        elif typ == "g":
            v = float(fields[0] or 0)
            if key in model["gauges"] and re.match(r"^[-+]", fields[0]):
                model["gauges"][key] += v
            else:
                model["gauges"][key] = v
        elif typ == "s":
            model["sets"].setdefault(key, set()).add(fields[0] or "0")
        else:
            model["counters"][key] = model["counters"].get(key, 0) + float(fields[0] or 1) / rate
    return key


def read_lines(path):
    try:
        with open(path) as f:
            return [ln.rstrip("\n") for ln in f if ln.strip("\n")]
    except FileNotFoundError:
        return []


def where(bin_, cfg, lines):
    """shard index of every line per statsd-relay-where (None: the relay drops it)."""
    if not lines:
        return []
    out = subprocess.run([bin_, "--config", cfg], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError("statsd-relay-where failed: %s" % out.stderr.strip())
    res = []
    for row in out.stdout.splitlines():
        f = row.split("\t")
        if f[0].startswith("shard "):
            res.append(int(f[0].split()[1]))
        else:
            res.append(None)
    if len(res) != len(lines):
        raise RuntimeError("statsd-relay-where: %d answers for %d lines" % (len(res), len(lines)))
    return res


def close(a, b):
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def cmd_check(argv):
    import argparse

    ap = argparse.ArgumentParser(prog="e2e.py check")
    ap.add_argument("--where", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--servers", required=True, help="comma list of server JSON files, shard order")
    ap.add_argument("--expect", action="append", default=[], help="NAME=FILE: lines that must arrive")
    ap.add_argument("--absent", action="append", default=[], help="NAME=FILE: lines that must not")
    ap.add_argument("--ignore-prefix", action="append", default=[])
    ap.add_argument("--own-prefix", default="e2e", help="keys of this test start with this")
    a = ap.parse_args(argv)

    servers = []
    for path in a.servers.split(","):
        try:
            with open(path) as f:
                servers.append(json.load(f))
        except (OSError, ValueError) as e:
            servers.append({"counters": {}, "gauges": {}, "sets": {}, "timers": {}, "error": str(e)})

    results = []

    def report(name, ok, details=()):
        results.append(ok)
        print(("PASS " if ok else "FAIL ") + name)
        for d in list(details)[:25]:
            print("    " + d)
        sys.stdout.flush()

    def on_server(s, key):
        return any(key in s.get(kind, {}) for kind in ("counters", "gauges", "sets", "timers"))

    expected_keys = {}  # key -> shard
    for spec in a.expect:
        name, path = spec.split("=", 1)
        lines = read_lines(path)
        if not lines:
            report("arrive-" + name, False, ["no lines were logged as sent (%s)" % path])
            continue
        shards = where(a.where, a.config, lines)
        per_shard = {}
        details, dropped = [], 0
        for line, sh in zip(lines, shards):
            if sh is None:
                dropped += 1
                continue
            m = per_shard.setdefault(sh, {"counters": {}, "gauges": {}, "sets": {}, "timers": {}})
            key = apply_line(m, line)
            if expected_keys.setdefault(key, sh) != sh:
                details.append("key %s: where says shards %d and %d" % (key, expected_keys[key], sh))
        if dropped:
            details.append("%d of the lines are refused by the relay's parser (test bug)" % dropped)
        n_keys = 0
        for sh, m in sorted(per_shard.items()):
            if sh >= len(servers):
                details.append("shard %d has no server file" % sh)
                continue
            srv = servers[sh]
            for kind in ("counters", "gauges", "timers"):
                for key, want in sorted(m[kind].items()):
                    n_keys += 1
                    got = srv.get(kind, {}).get(key)
                    if got is None or not close(got, want):
                        others = [i for i, s in enumerate(servers) if i != sh and on_server(s, key)]
                        details.append("shard %d %s %s: got %s, want %s%s" % (
                            sh, kind[:-1], key, got, want,
                            (" (found on shard %s)" % others) if others else ""))
            for key, want in sorted(m["sets"].items()):
                n_keys += 1
                got = set(srv.get("sets", {}).get(key, []))
                if got != want:
                    details.append("shard %d set %s: got %s, want %s" % (sh, key, sorted(got), sorted(want)))
        report("arrive-" + name, not details,
               details or [])
        if not details:
            print("    %d lines, %d series on %d shard(s), all exact" % (len(lines), n_keys, len(per_shard)))

    for spec in a.absent:
        name, path = spec.split("=", 1)
        lines = read_lines(path)
        if not lines:
            report("absent-" + name, False, ["no lines were logged as sent (%s)" % path])
            continue
        details = []
        for line in lines:
            key, _ = statsd_key(line)
            hit = [i for i, s in enumerate(servers) if on_server(s, key)]
            if hit:
                details.append("%s reached shard(s) %s" % (line, hit))
        report("absent-" + name, not details, details)

    # every key of this test on exactly one server, and only keys that were sent
    details = []
    seen = {}
    for i, s in enumerate(servers):
        if "error" in s:
            details.append("server %d: %s" % (i, s["error"]))
        for kind in ("counters", "gauges", "sets", "timers"):
            for key in s.get(kind, {}):
                if not key.startswith(a.own_prefix):
                    continue
                seen.setdefault(key, set()).add(i)
    for key, where_ in sorted(seen.items()):
        if len(where_) != 1:
            details.append("%s on servers %s" % (key, sorted(where_)))
        elif key not in expected_keys and not any(key.startswith(p) for p in a.ignore_prefix):
            details.append("%s on server %s was never sent as an accepted line" % (key, sorted(where_)))
        elif key in expected_keys and expected_keys[key] not in where_:
            details.append("%s on server %s, expected shard %d" % (key, sorted(where_), expected_keys[key]))
    report("one-server-per-series", not details, details)

    # the test reached every shard (else a shard's checks would be vacuous)
    hit = sorted(set(expected_keys.values()))
    report("every-shard-got-series", hit == list(range(len(servers))),
           ["shards with expected series: %s of %d" % (hit, len(servers))])
    return 0 if all(results) else 1


def cmd_pick(argv):
    """e2e.py pick WHERE CFG N PREFIX: one key 'PREFIX.K:1|c' per shard 0..N-1 (probe lines)."""
    bin_, cfg, n, prefix = argv[0], argv[1], int(argv[2]), argv[3]
    cand = ["%s.%d:1|c" % (prefix, i) for i in range(64 * n)]
    shards = where(bin_, cfg, cand)
    got = {}
    for line, sh in zip(cand, shards):
        if sh is not None and sh not in got:
            got[sh] = line
    if len(got) != n:
        print("pick: only shards %s are reachable" % sorted(got), file=sys.stderr)
        return 1
    for sh in range(n):
        print(got[sh])
    return 0


def cmd_has(argv):
    """e2e.py has FILE KEY: exit 0 when the server file has counter KEY."""
    try:
        with open(argv[0]) as f:
            d = json.load(f)
    except (OSError, ValueError):
        return 1
    return 0 if argv[1] in d.get("counters", {}) else 1


def cmd_flushes(argv):
    """e2e.py flushes FILE: the number of flushes the server file has seen (0 if none)."""
    try:
        with open(argv[0]) as f:
            print(json.load(f).get("flushes", 0))
    except (OSError, ValueError):
        print(0)
    return 0


def cmd_stats(argv):
    """e2e.py stats STATS N_SHARDS [--not-allowed] [--bad-value] [--max-no-neighbour N]
    [--bad-udp-checksum N]: the relay's counters."""
    path, n = argv[0], int(argv[1])
    flags = argv[2:]
    ok_all = True

    def report(name, ok, details=()):
        nonlocal ok_all
        ok_all &= ok
        print(("PASS " if ok else "FAIL ") + name)
        for d in details:
            print("    " + d)

    try:
        with open(path) as f:
            st = json.load(f)
    except (OSError, ValueError) as e:
        report("stats-json", False, ["cannot read %s: %s" % (path, e)])
        return 1
    drops = st.get("drops", {})
    line_drops = sum(v for k, v in drops.items() if k.startswith("line_"))
    shard_lines = [s.get("lines", 0) for s in st.get("shards", [])]
    # shards a reload removed: their figures stay in the totals
    removed_lines = [s.get("lines", 0) for s in st.get("removed_shards", [])]
    report("stats-lines-balance", st["lines_in"] == st["lines_out"] + line_drops,
           ["lines_in %d, lines_out %d, line drops %d" % (st["lines_in"], st["lines_out"], line_drops)])
    report("stats-shard-sum", st["lines_out"] == sum(shard_lines) + sum(removed_lines),
           ["lines_out %d, shards %s%s" % (st["lines_out"], shard_lines,
                                           ", removed shards %s" % removed_lines if removed_lines else "")])
    report("stats-every-shard-sent", len(shard_lines) == n and all(x > 0 for x in shard_lines),
           ["shards[].lines %s (want %d shards, each > 0)" % (shard_lines, n)])
    # exactly the datagrams of the client that keeps its checksum offload on
    want_ck = int(flags[flags.index("--bad-udp-checksum") + 1]) if "--bad-udp-checksum" in flags else 0
    report("checksum-offload-client-counted", drops.get("frame_bad_udp_checksum", 0) == want_ck,
           ["frame_bad_udp_checksum = %s (want %d)" % (drops.get("frame_bad_udp_checksum", 0), want_ck)])
    bad = {k: drops.get(k, 0) for k in ("frame_bad_ip_checksum", "frame_bad_ip_header",
                                        "frame_truncated", "frame_bad_udp_length", "line_too_long",
                                        "line_no_mbuf", "line_tx_dropped") if drops.get(k, 0)}
    # only probe lines (sent before every shard was resolved) may wait for ARP/ND and be lost
    max_nn = int(flags[flags.index("--max-no-neighbour") + 1]) if "--max-no-neighbour" in flags else 0
    if drops.get("line_no_neighbour", 0) > max_nn:
        bad["line_no_neighbour"] = "%d (> %d probe lines)" % (drops["line_no_neighbour"], max_nn)
    port = st.get("port", {})
    for k in ("imissed", "ierrors", "rx_nombuf", "oerrors", "ring_drops"):
        if port.get(k, 0):
            bad["port." + k] = port[k]
    report("stats-no-unexpected-drops", not bad, ["%s" % bad] if bad else [])
    if "--not-allowed" in flags:
        v = drops.get("frame_not_allowed")
        report("acl-counted", bool(v), ["frame_not_allowed = %s" % v])
    if "--bad-value" in flags:
        v = drops.get("line_bad_value", 0)
        report("bad-line-counted", v >= 1, ["line_bad_value = %s" % v])
    return 0 if ok_all else 1


def load_server(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return {"counters": {}, "gauges": {}, "sets": {}, "timers": {}, "internal": {}, "error": str(e)}


def cmd_delta(argv):
    """e2e.py delta BASE NEW OUT: a server file of what the server aggregated after BASE (a
    copy of its JSON) up to NEW: counters, timers and internal counters that grew (by how
    much), gauges that changed, set members that are new."""
    base, new = load_server(argv[0]), load_server(argv[1])
    out = {"flushes": new.get("flushes", 0) - base.get("flushes", 0)}
    for kind in ("counters", "timers", "internal"):
        b = base.get(kind, {})
        out[kind] = {k: v - b.get(k, 0) for k, v in new.get(kind, {}).items() if v != b.get(k, 0)}
    out["gauges"] = {k: v for k, v in new.get("gauges", {}).items() if base.get("gauges", {}).get(k) != v}
    out["sets"] = {}
    for k, v in new.get("sets", {}).items():
        fresh = sorted(set(v) - set(base.get("sets", {}).get(k, [])))
        if fresh:
            out["sets"][k] = fresh
    for e in (base.get("error"), new.get("error")):
        if e:
            out["error"] = e
    with open(argv[2], "w") as f:
        json.dump(out, f)
    return 0


def cmd_totals(argv):
    """e2e.py totals --servers F0,F1,.. --expect NAME=FILE [--placement CFG=F0,F1,..]...
    [--may-lose CFG=I]: every counter series of FILE summed over all the servers is exactly
    what was sent, and no other series of --own-prefix is on them; with --placement, a
    series is only on the servers its shard under one of the CFGs (shard i on the i-th file
    listed) names; with --may-lose, the series CFG puts on shard I may come short (a server
    that died or was cut off), never over, and "lost N of M lines" says by how much."""
    import argparse

    ap = argparse.ArgumentParser(prog="e2e.py totals")
    ap.add_argument("--servers", required=True)
    ap.add_argument("--expect", required=True, help="NAME=FILE: counter lines sent")
    ap.add_argument("--placement", action="append", default=[], help="CFG=F0,F1,..")
    ap.add_argument("--where")
    ap.add_argument("--own-prefix", default="e2e")
    ap.add_argument("--ignore-prefix", action="append", default=[])
    ap.add_argument("--may-lose", help="CFG=I: series CFG puts on shard I may be short (never over)")
    a = ap.parse_args(argv)
    files = a.servers.split(",")
    servers = [load_server(f) for f in files]
    name, path = a.expect.split("=", 1)
    lines = read_lines(path)
    model = {"counters": {}, "gauges": {}, "sets": {}, "timers": {}}
    keys = [apply_line(model, line) for line in lines]
    details = ["server %s: %s" % (f, s["error"]) for f, s in zip(files, servers) if "error" in s]
    if not lines:
        details.append("no lines were logged as sent (%s)" % path)
    allowed = {}  # key -> server indexes its placements name
    for spec in a.placement:
        cfg, on = spec.split("=", 1)
        on = on.split(",")
        for key, sh in zip(keys, where(a.where, cfg, lines)):
            if sh is None or sh >= len(on) or on[sh] not in files:
                details.append("key %s: shard %s under %s has no server file" % (key, sh, cfg))
                continue
            allowed.setdefault(key, set()).add(files.index(on[sh]))
    lossy, lossy_lines, lost = set(), 0, 0
    if a.may_lose:
        cfg, shard = a.may_lose.rsplit("=", 1)
        for line, key, sh in zip(lines, keys, where(a.where, cfg, lines)):
            if sh == int(shard):
                lossy.add(key)
                lossy_lines += 1
    for key, want in sorted(model["counters"].items()):
        got = sum(s.get("counters", {}).get(key, 0) for s in servers)
        on = [i for i, s in enumerate(servers) if s.get("counters", {}).get(key)]
        if key in lossy and got <= want + 1e-9:
            lost += want - got
        elif not close(got, want):
            details.append("%s: %s over servers %s, want %s%s" % (
                key, got, on, want, " (more than sent)" if key in lossy else ""))
        if key in allowed and not set(on) <= allowed[key]:
            details.append("%s on servers %s, its placements say %s" % (key, on, sorted(allowed[key])))
    for i, s in enumerate(servers):
        for kind in ("counters", "gauges", "sets", "timers"):
            for key in s.get(kind, {}):
                if (key.startswith(a.own_prefix) and key not in model["counters"]
                        and not any(key.startswith(p) for p in a.ignore_prefix)):
                    details.append("%s %s on server %d was never sent" % (kind[:-1], key, i))
    print(("PASS " if not details else "FAIL ") + "totals-" + name)
    for d in details[:25]:
        print("    " + d)
    if not details:
        per = [sum(v for k, v in s.get("counters", {}).items() if k in model["counters"]) for s in servers]
        print("    %d lines, %d series, summed over %d servers (%s per server), %s" % (
            len(lines), len(model["counters"]), len(servers), per,
            "all exact" if not a.may_lose else
            "every series exact but the %d of shard %s, none over" % (len(lossy), a.may_lose.rsplit("=", 1)[1])))
    if a.may_lose:
        # for the caller: the lines of the lossy shard's series that no server counted
        print("    lost %d of %d lines" % (round(lost), lossy_lines))
    return 0 if not details else 1


def cmd_reload_stats(argv):
    """e2e.py reload-stats STATS [--want KEY=VALUE]... [--shard NAME=DELTA]...
    [--removed NAME=DELTA]...: top-level figures of the relay's stats JSON; its shards and
    removed_shards by name, in order; and each one's lines and packets equal to what its
    server received (statsd.metrics_received, statsd.packets_received of DELTA, an
    'e2e.py delta' file over the relay's run)."""
    try:
        with open(argv[0]) as f:
            st = json.load(f)
    except (OSError, ValueError) as e:
        print("FAIL reload-stats-json\n    cannot read %s: %s" % (argv[0], e))
        return 1
    want, lists, since = [], {"shards": [], "removed_shards": []}, None
    i = 1
    while i + 1 < len(argv):
        if argv[i] == "--since":
            since = int(argv[i + 1])
        elif argv[i] == "--want":
            want.append(argv[i + 1].split("=", 1))
        elif argv[i] in ("--shard", "--removed"):
            lists["shards" if argv[i] == "--shard" else "removed_shards"].append(argv[i + 1].split("=", 1))
        i += 2
    ok_all = True

    def report(name, ok, details=()):
        nonlocal ok_all
        ok_all &= ok
        print(("PASS " if ok else "FAIL ") + name)
        for d in details:
            print("    " + d)

    bad = ["%s = %r (want %s)" % (k, st.get(k), v) for k, v in want if str(st.get(k)) != v]
    if since is not None and not since <= st.get("last_reload_unix", 0) <= time.time() + 1:
        bad.append("last_reload_unix = %s (want from %d to now)" % (st.get("last_reload_unix"), since))
    report("reload-stats-counters", not bad,
           bad or [", ".join("%s %s" % (k, st.get(k)) for k, _ in want if k != "last_reload_reason")])
    for which, exp in lists.items():
        got = st.get(which, [])
        names = [s.get("name") for s in got]
        report("reload-stats-" + which.replace("_", "-"), names == [n for n, _ in exp],
               ["%s: %s (want %s)" % (which, ["%s %s" % (s.get("name"), s.get("address")) for s in got],
                                       [n for n, _ in exp])])
        details = []
        for (name, delta), sh in zip(exp, got):
            srv = load_server(delta).get("internal", {})
            for fig, key in (("lines", "statsd.metrics_received"), ("packets", "statsd.packets_received")):
                # a server also counts the relay's health probes (empty datagrams) as packets
                probes = sh.get("probes_sent", 0) if fig == "packets" else 0
                if sh.get(fig) + probes != srv.get(key, 0):
                    details.append("%s %s: relay %s %s, its server received %s" % (
                        which[:-1], name, fig, sh.get(fig), srv.get(key, 0)))
        report("reload-stats-%s-figures-match-servers" % which.replace("_", "-"), not details and got != [],
               details or ["%s: %s" % (which, ["%s %s lines %s packets" % (s.get("name"), s.get("lines"),
                                                                        s.get("packets")) for s in got])])
    return 0 if ok_all else 1


def cmd_gen_series(argv):
    """e2e.py gen-series PREFIX N_SERIES N_LINES [--witness WHERE CFG CFG2 I N]: N_LINES
    counter lines 'PREFIX.sK:1|c', the series taken in a stride (every series about as
    often). With --witness, N more series 'PREFIX.wK' among them: series CFG does not put
    on shard I that a map built from CFG2 (CFG without shard I) would place elsewhere; a
    fail-over that must leave every other series in place must leave these (a map without
    I rebuilt from scratch moves about 0.1% of them: a few hundred series would show none)."""
    prefix, n_series, n_lines = argv[0], int(argv[1]), int(argv[2])
    names = ["%s.s%d" % (prefix, k) for k in range(n_series)]
    if "--witness" in argv:
        w = argv.index("--witness")
        bin_, cfg, cfg2, down, n = argv[w + 1], argv[w + 2], argv[w + 3], int(argv[w + 4]), int(argv[w + 5])
        cand = ["%s.w%d:1|c" % (prefix, k) for k in range(100000)]
        found = []
        for line, f, g in zip(cand, where(bin_, cfg, cand), where(bin_, cfg2, cand)):
            if f is not None and f != down and g + (g >= down) != f:
                found.append(line.split(":")[0])
                if len(found) == n:
                    break
        names += found
    sys.stdout.write("".join("%s:1|c\n" % names[j * 7 % len(names)] for j in range(n_lines)))
    return 0


def server_keys(srv, prefix, ignore):
    """{key: value} of the counters of a server file (a delta) under prefix."""
    return {k: v for k, v in srv.get("counters", {}).items()
            if k.startswith(prefix) and v and not any(k.startswith(p) for p in ignore)}


def cmd_placed(argv):
    """e2e.py placed NAME --where BIN --config CFG --servers F0,F1,.. [--down I --without CFG2]
    [--want-moved] [--want-on I]...: every counter series of --own-prefix that the servers
    (deltas of one phase, in CFG's shard order) hold is on the one server the relay's
    placement of that phase names: CFG's map; with --down I, the series CFG puts on shard I
    go where CFG2 (CFG without shard I) puts them and every other series stays on its CFG
    shard. --want-moved: some of shard I's series were seen (on the other servers);
    --want-on I: some series on server I."""
    import argparse

    ap = argparse.ArgumentParser(prog="e2e.py placed")
    ap.add_argument("name")
    ap.add_argument("--where", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--servers", required=True)
    ap.add_argument("--down", type=int)
    ap.add_argument("--without")
    ap.add_argument("--want-moved", action="store_true")
    ap.add_argument("--want-stayed", action="store_true",
                    help="some series seen that a map built without shard I would have moved")
    ap.add_argument("--want-on", type=int, action="append", default=[])
    ap.add_argument("--own-prefix", default="e2e")
    ap.add_argument("--ignore-prefix", action="append", default=[])
    a = ap.parse_args(argv)
    files = a.servers.split(",")
    servers = [load_server(f) for f in files]
    details = ["server %s: %s" % (f, s["error"]) for f, s in zip(files, servers) if "error" in s]
    seen = {}  # key -> [server indexes]
    for i, srv in enumerate(servers):
        for k in server_keys(srv, a.own_prefix, a.ignore_prefix):
            seen.setdefault(k, []).append(i)
    keys = sorted(seen)
    lines = ["%s:1|c" % k for k in keys]
    full = where(a.where, a.config, lines)
    alt = where(a.where, a.without, lines) if a.down is not None else [None] * len(keys)
    moved = stayed = would_move = 0
    per = [0] * len(servers)
    for key, f, w in zip(keys, full, alt):
        want = f
        if a.down is not None:
            if f == a.down:
                want = w + (w >= a.down)  # CFG2 is CFG without shard I: its indexes after I shift
                moved += 1
            else:
                stayed += 1
                would_move += (w + (w >= a.down)) != f  # a map built without I would move it
        for i in seen[key]:
            per[i] += 1
        if seen[key] != [want]:
            details.append("%s on servers %s, want %s%s" % (
                key, seen[key], want, " (shard %d's series)" % a.down if a.down is not None and f == a.down
                else ""))
    if a.want_moved and moved == 0:
        details.append("none of shard %s's series was seen in this phase (on the other servers)" % a.down)
    if a.want_stayed and would_move == 0:
        details.append("no series seen that a map built without shard %s would move (no witness)" % a.down)
    for i in a.want_on:
        if per[i] == 0:
            details.append("no series on server %d in this phase" % i)
    if not keys:
        details.append("no series of %s on any server in this phase" % a.own_prefix)
    print(("PASS " if not details else "FAIL ") + a.name)
    for d in details[:25]:
        print("    " + d)
    if a.down is not None:
        print("    %d series seen (per server %s): %d of shard %d's on the servers the map without it "
              "names, %d others on their own (%d of which a map built without shard %d would have moved)"
              % (len(keys), per, moved, a.down, stayed, would_move, a.down))
    else:
        print("    %d series seen (per server %s), each on its shard by the full map" % (len(keys), per))
    return 0 if not details else 1


def load_stats(path):
    with open(path) as f:
        return json.load(f)


def cmd_health_stats(argv):
    """e2e.py health-stats STATS [--exact NAME=DELTA]... [--want NAME.FIELD=V]...
    [--min NAME.FIELD=N]... [--max NAME.FIELD=N]...: the relay's per-shard figures (by
    name; NAME '-' is the top level): --exact, the shard's lines and packets + probes_sent
    are what its server received in DELTA (an 'e2e.py delta' file over the relay's run)."""
    try:
        st = load_stats(argv[0])
    except (OSError, ValueError) as e:
        print("FAIL health-stats-json\n    cannot read %s: %s" % (argv[0], e))
        return 1
    by_name = {s.get("name"): s for s in st.get("shards", [])}
    out = {"exact": [], "figures": []}
    i = 1
    while i + 1 < len(argv):
        flag, val = argv[i], argv[i + 1]
        i += 2
        if flag == "--exact":
            name, delta = val.split("=", 1)
            sh = by_name.get(name)
            srv = load_server(delta).get("internal", {})
            if sh is None:
                out["exact"].append("no shard %s in the stats" % name)
                continue
            for fig, key, extra in (("lines", "statsd.metrics_received", 0),
                                    ("packets", "statsd.packets_received", sh.get("probes_sent", 0))):
                if sh.get(fig, 0) + extra != srv.get(key, 0):
                    out["exact"].append("shard %s: relay %s %s%s, its server received %s" % (
                        name, fig, sh.get(fig), " + probes %d" % extra if extra else "", srv.get(key, 0)))
            continue
        spec, v = val.split("=", 1)
        name, field = spec.rsplit(".", 1)
        obj = st if name == "-" else by_name.get(name)
        got = None if obj is None else obj.get(field)
        if flag == "--want":
            ok = str(got).lower() == v.lower()
        elif flag == "--min":
            ok = got is not None and got >= float(v)
        else:
            ok = got is not None and got <= float(v)
        if not ok:
            out["figures"].append("%s %s = %r (want %s %s)" % (
                name, field, got, {"--want": "==", "--min": ">=", "--max": "<="}[flag], v))
    ok_all = True
    if any(a == "--exact" for a in argv):
        ok_all &= not out["exact"]
        print(("PASS " if not out["exact"] else "FAIL ") + "health-stats-figures-match-servers")
        for d in out["exact"]:
            print("    " + d)
    ok_all &= not out["figures"]
    print(("PASS " if not out["figures"] else "FAIL ") + "health-stats-figures")
    for d in out["figures"]:
        print("    " + d)
    print("    " + "; ".join("%s %s lines %s transitions %s unreachable %s probes_lost %s probes_sent %s "
                             "lines_while_down %s" % (
                                 s.get("name"), s.get("state"), s.get("lines"), s.get("transitions"),
                                 s.get("unreachable"), s.get("probes_lost"), s.get("probes_sent"),
                                 s.get("lines_while_down")) for s in st.get("shards", [])))
    return 0 if ok_all else 1


def etsy_key_to_line(key, value="1", typ="c"):
    """The relay's line for an etsy key 'name;k=v;..' (the tags etsy 0.9.0 folded in)."""
    bits = key.split(";")
    line = "%s:%s|%s" % (bits[0], value, typ)
    if len(bits) > 1:
        line += "|#" + ",".join(t.replace("=", ":", 1) for t in bits[1:])
    return line


def cmd_self_metrics(argv):
    """e2e.py self-metrics STATS --servers F0,F1,.. --where BIN --config CFG [--prefix P]:
    the relay's own lines (PREFIX.*) summed over the servers (deltas over the relay's run,
    in shard order) equal its --stats-json figures exactly; a gauge PREFIX.shard.up per
    shard; every series on the server the relay's map names; every line the relay sent
    (its shards' lines + self_metrics_lines) received."""
    import argparse

    ap = argparse.ArgumentParser(prog="e2e.py self-metrics")
    ap.add_argument("stats")
    ap.add_argument("--servers", required=True)
    ap.add_argument("--where", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--prefix", default="statsd_relay")
    a = ap.parse_args(argv)
    st = load_stats(a.stats)
    files = a.servers.split(",")
    servers = [load_server(f) for f in files]
    p = a.prefix + "."
    ok_all = True

    def report(name, ok, details=()):
        nonlocal ok_all
        ok_all &= ok
        print(("PASS " if ok else "FAIL ") + name)
        for d in list(details)[:25]:
            print("    " + d)

    counters, gauges, on = {}, {}, {}
    for i, srv in enumerate(servers):
        for k, v in srv.get("counters", {}).items():
            if k.startswith(p):
                counters[k] = counters.get(k, 0) + v
                on.setdefault(k, set()).add(i)
        for k, v in srv.get("gauges", {}).items():
            if k.startswith(p):
                gauges.setdefault(k, []).append((i, v))
                on.setdefault(k, set()).add(i)
    # how etsy named the tagged ones: the tags folded into the key (name;tag=value)
    tagged = sorted(k for k in list(counters) + list(gauges) if ";" in k)
    print("    etsy keys of tagged lines: %s" % (", ".join(tagged[:4]) + (" ..." if len(tagged) > 4 else "")))
    names = ("frames_in", "lines_in", "lines_out", "packets_out", "packets_in_place", "frames_control",
             "fragments_in", "datagrams_reassembled", "packets_fragmented", "fragments_out")
    bad, shown = [], []
    for n in names:
        got = counters.get(p + n, 0)
        if not close(got, st.get(n, -1)):
            bad.append("%s%s: %s summed over the servers, the stats JSON says %s" % (p, n, got, st.get(n)))
        shown.append("%s %d" % (n, got))
    report("self-metrics-counters-equal-stats", not bad, bad or [", ".join(shown)])
    bad, shown = [], []
    for reason, want in sorted(st.get("drops", {}).items()):
        got = counters.get("%sdrops;reason=%s" % (p, reason), 0)
        if not close(got, want):
            bad.append("%sdrops;reason=%s: %s, the stats JSON says %s" % (p, reason, got, want))
        if want:
            shown.append("%s %d" % (reason, got))
    for k in counters:
        if k.startswith(p + "drops") and k.split(";reason=")[-1] not in st.get("drops", {}):
            bad.append("%s: not a drop reason of the stats JSON" % k)
    report("self-metrics-drops-equal-stats", not bad and bool(shown), bad or ["drops: " + ", ".join(shown)])
    bad, shown = [], []
    for sh in st.get("shards", []):
        tag = re.sub(r"[:,|#\[\] ]", "_", sh.get("name", ""))
        # a gauge: the shard's lines so far, as the last round (at exit) said
        gl = gauges.get("%sshard.lines;shard=%s" % (p, tag))
        got = gl[0][1] if gl and len(gl) == 1 else None
        if got is None or not close(got, sh.get("lines")):
            bad.append("%sshard.lines;shard=%s: %s, the stats JSON says %s" % (p, tag, gl, sh.get("lines")))
        g = gauges.get("%sshard.up;shard=%s" % (p, tag))
        want_up = 0 if sh.get("state") == "down" else 1
        if not g or len(g) != 1 or g[0][1] != want_up:
            bad.append("%sshard.up;shard=%s: %s (want one gauge %d)" % (p, tag, g, want_up))
        shown.append("%s lines %d up %s" % (tag, got, g[0][1] if g else None))
    report("self-metrics-shards-equal-stats", not bad and bool(shown), bad or shown)
    # sharded like any line: each series on the one server the relay's map names
    keys = sorted(on)
    bad = []
    for k, sh in zip(keys, where(a.where, a.config, [etsy_key_to_line(k) for k in keys])):
        if on[k] != {sh}:
            bad.append("%s on servers %s, the map says %s" % (k, sorted(on[k]), sh))
    report("self-metrics-sharded-by-the-map", not bad and bool(keys),
           bad or ["%d series over servers %s" % (len(keys), sorted(set().union(*on.values())))])
    # every line the relay sent arrived: its clients' lines and its own
    recv = sum(s.get("internal", {}).get("statsd.metrics_received", 0) for s in servers)
    sent = sum(sh.get("lines", 0) for sh in st.get("shards", [])) + st.get("self_metrics_lines", 0)
    report("self-metrics-lines-all-received", recv == sent and st.get("self_metrics_lines", 0) > 0,
           ["servers received %d lines; the relay sent %d to its shards + self_metrics_lines %d" % (
               recv, sent - st.get("self_metrics_lines", 0), st.get("self_metrics_lines", 0))])
    return 0 if ok_all else 1


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, argv = sys.argv[1], sys.argv[2:]
    fn = {"pystatsd": cmd_pystatsd, "big": cmd_big, "gen-big": cmd_gen_big, "check": cmd_check, "pick": cmd_pick,
          "has": cmd_has, "flushes": cmd_flushes, "stats": cmd_stats, "delta": cmd_delta,
          "totals": cmd_totals, "reload-stats": cmd_reload_stats, "gen-series": cmd_gen_series,
          "placed": cmd_placed, "health-stats": cmd_health_stats, "self-metrics": cmd_self_metrics}.get(cmd)
    if not fn:
        print(__doc__, file=sys.stderr)
        return 2
    return fn(argv)


if __name__ == "__main__":
    sys.exit(main())
