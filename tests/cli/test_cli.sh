#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Command-line contract: exit codes and messages for help, version, bad flags,
# bad values, bad config files, and run-time failures.
#   tests/cli/test_cli.sh BUILD_DIR
set -uo pipefail
BIN=$(realpath "${1:-build}")/app/statsd-relay
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PASS=0
FAIL=0
EAL=(--no-huge --no-pci -m 128 --log-level=error -l 0)
RUN=$$ # in every --file-prefix: two runs of this suite at once do not collide
OK_SHARD=(--listen 198.18.0.1:8125 --shard 198.18.1.1:8125,mac=02:00:00:00:01:01)

# expect NAME CODE PATTERN -- ARGS...: exit code CODE and PATTERN in stdout+stderr
expect() {
	local name=$1 code=$2 pattern=$3 out rc
	shift 4
	out=$(timeout 30 "$BIN" "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$code" ] && grep -qE -- "$pattern" <<<"$out"; then
		PASS=$((PASS + 1))
		echo "PASS $name"
	else
		FAIL=$((FAIL + 1))
		echo "FAIL $name: exit $rc (want $code), output:"
		sed 's/^/    /' <<<"$out" | head -n 5
	fi
}

# One line on stderr for a bad relay argument.
expect_bad() {
	local name=$1 pattern=$2 out lines rc
	shift 3
	out=$(timeout 30 "$BIN" "${EAL[@]}" --file-prefix "cli${RUN}_$name" -- "$@" 2>&1 >/dev/null)
	rc=$?
	lines=$(wc -l <<<"$out")
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && grep -qE -- "$pattern" <<<"$out"; then
		PASS=$((PASS + 1))
		echo "PASS $name"
	else
		FAIL=$((FAIL + 1))
		echo "FAIL $name: exit $rc (want 2), $lines lines: $out"
	fi
}

# relay_stats.py, under each python3 there is: a bad or unknown COMMAND to
# the relay of prefix cli${RUN}_sig exits CODE, nothing on stdout, one line on stderr.
STATS=$HERE/../../scripts/relay_stats.py
PYS=(python3)
[ -x /usr/bin/python3 ] && PYS+=(/usr/bin/python3)
expect_stats() {
	local name=$1 code=$2 pattern=$3 py out err rc bad=
	for py in "${PYS[@]}"; do
		out=$(timeout 30 "$py" "$STATS" --file-prefix cli${RUN}_sig "$4" 2>"$TMP/stats.err")
		rc=$?
		err=$(cat "$TMP/stats.err")
		if [ "$rc" -ne "$code" ] || [ -n "$out" ] || [ "$(wc -l <"$TMP/stats.err")" -ne 1 ] ||
			! grep -qE -- "$pattern" <<<"$err"; then
			out=${out//$'\n'/ }
			bad="$py: exit $rc (want $code), stdout '${out:0:60}', stderr '$(tail -n 1 <<<"$err")'"
			break
		fi
	done
	if [ -z "$bad" ]; then
		PASS=$((PASS + 1)); echo "PASS $name"
	else
		FAIL=$((FAIL + 1)); echo "FAIL $name: $bad"
	fi
}

# statsd-relay-where NAME TEST INPUT -- ARGS...: run it on INPUT (stdin; "-":
# the caller's stdin), then TEST (a command) reads its exit code in $rc and its
# stdout+stderr in $out (a NUL shown as @).
WHERE=$(dirname "$BIN")/statsd-relay-where
expect_where() {
	local name=$1 test=$2 input=$3 out rc
	shift 4
	if [ "$input" = - ]; then
		out=$(timeout 30 "$WHERE" "$@" 2>&1 | tr '\0' @)
	else
		out=$(printf '%s' "$input" | timeout 30 "$WHERE" "$@" 2>&1 | tr '\0' @)
	fi
	rc=$?
	if eval "$test"; then
		PASS=$((PASS + 1)); echo "PASS $name"
	else
		FAIL=$((FAIL + 1)); echo "FAIL $name: exit $rc, output:"
		sed 's/^/    /' <<<"$out" | cat -A | head -n 5
	fi
}

cat >"$TMP/good.ini" <<'INI'
[relay]
listen = 198.18.0.1:8125
[shard a]
address = 198.18.1.1:8125
mac = 02:00:00:00:01:01
INI
printf '[relay]\nlisten = 198.18.0.1\nbogus = 1\n' >"$TMP/badkey.ini"
printf '[relay]\nlisten = 198.18.0.1\n[shards x]\naddress = 198.18.1.1\n' >"$TMP/badsection.ini"
printf '[relay]\nlisten = 198.18.0.1\nmax-payload = lots\n[shard a]\naddress = 198.18.1.1\nmac = 02:00:00:00:01:01\n' >"$TMP/badvalue.ini"
printf '[shard a]\nmac = 02:00:00:00:01:01\n' >"$TMP/noaddr.ini"
printf 'this is not ini\n[' >"$TMP/garbage.ini"
printf '[relay]\nlisten = 198.18.0.1\nmain-polls\n' >"$TMP/bare.ini"
printf '[relay]\nlisten = 198.18.0.1\n[relay\n' >"$TMP/bracket.ini"
printf '[relay]\nlisten =\n' >"$TMP/empty.ini"

expect help-after 0 'Usage: statsd-relay' -- -- --help
expect help-before 0 'Usage: statsd-relay' -- --help
expect help-short 0 'Usage: statsd-relay' -- -- -h
expect help-with-bad-flags 0 'Usage: statsd-relay' -- -- --bogus --help
# the config-file part of --help names every shard key, one line each
for k in address mac weight name; do
	expect "help-shard-key-$k" 0 "^  $k = [A-Z]" -- --help
done
# statsd-relay-where's own usage, not the relay's, naming the relay options it takes
where_help='[ "$rc" -eq 0 ] && [ "$(head -n 1 <<<"$out")" = "Usage: statsd-relay-where [relay options] [-- LINE...]" ] &&
	! grep -qE "Usage: statsd-relay |EAL options" <<<"$out" && grep -q stdin <<<"$out" &&
	grep -q "^  drop  REASON  LINE" <<<"$out" && grep -q "^Exit status: 0" <<<"$out" &&
	for o in config shard dialect key hash; do grep -q -- "--$o" <<<"$out" || exit 1; done'
expect_where where-help "( $where_help )" '' -- --help
expect_where where-help-short "( $where_help )" '' -- --config "$HERE/../../config/demo.ini" -h
expect version-after 0 '^statsd-relay [0-9]+\.[0-9]+' -- -- --version
expect version-before 0 '^statsd-relay [0-9]+\.[0-9]+' -- --version

expect_bad unknown-flag "unknown option '--bogus'" -- "${OK_SHARD[@]}" --bogus
expect_bad positional "unexpected argument 'stray'" -- "${OK_SHARD[@]}" stray
expect_bad missing-value "--max-payload needs a value" -- "${OK_SHARD[@]}" --max-payload
expect_bad bad-number "max-payload: 'abc' is not a number" -- "${OK_SHARD[@]}" --max-payload abc
expect_bad payload-range "out of range" -- "${OK_SHARD[@]}" --max-payload 9000
expect_bad payload-small "out of range" -- "${OK_SHARD[@]}" --max-payload=8
expect_bad flush-negative "not a number" -- "${OK_SHARD[@]}" --flush-us -5
expect_bad exit-idle-zero "out of range" -- "${OK_SHARD[@]}" --exit-idle 0
expect_bad bad-listen "not an IP address" -- --listen 300.1.1.1:8125 --shard 198.18.1.1,mac=02:00:00:00:01:01
expect_bad bad-port "out of range" -- --listen 198.18.0.1:70000 --shard 198.18.1.1,mac=02:00:00:00:01:01
expect_bad no-listen "listen" -- --shard 198.18.1.1,mac=02:00:00:00:01:01
expect_bad no-shard "no shard" -- --listen 198.18.0.1
expect_bad bad-mac "not a MAC address" -- --listen 198.18.0.1 --shard 198.18.1.1,mac=02:00:00:00:01
expect_bad ipv6-shard-no-ipv6-listen "no IPv6 --listen" -- --listen 198.18.0.1 --shard "[2001:db8::104]:8125"
expect_bad mtu-too-small-for-payload "does not fit --mtu 1400" -- "${OK_SHARD[@]}" --mtu 1400
expect_bad bad-allow "--allow: .x. is not a number" -- "${OK_SHARD[@]}" --allow 198.18.0.0/x
expect_bad bad-gateway "not a unicast address" -- "${OK_SHARD[@]}" --gateway 224.0.0.1
expect_bad bad-shard-key "unknown shard key 'colour'" -- --listen 198.18.0.1 --shard 198.18.1.1,mac=02:00:00:00:01:01,colour=red
expect_bad duplicate-shard "listed twice" -- --listen 198.18.0.1 --shard 198.18.1.1:8125,mac=02:00:00:00:01:01 --shard 198.18.1.1,mac=02:00:00:00:01:02
expect_bad bad-bool "not a boolean" -- "${OK_SHARD[@]}" --main-polls=maybe
expect_bad missing-config "cannot read" -- --config "$TMP/nope.ini"
expect_bad garbage-config "garbage.ini:1: .this is not ini. is not" -- --config "$TMP/garbage.ini"
expect_bad bare-ini-key "bare.ini:3: 'main-polls' is not 'key = value'" -- --config "$TMP/bare.ini"
expect_bad unclosed-section "bracket.ini:3: '\[relay': no closing '\]'" -- --config "$TMP/bracket.ini"
expect_bad empty-ini-value "empty.ini:2: \[relay\] listen has no value" -- --config "$TMP/empty.ini"
expect_bad unknown-ini-key "\[relay\] bogus: unknown key" -- --config "$TMP/badkey.ini"
expect_bad unknown-section "unknown section \[shards x\]" -- --config "$TMP/badsection.ini"
expect_bad bad-ini-value "max-payload: 'lots' is not a number" -- --config "$TMP/badvalue.ini"
expect_bad shard-no-address "address = IP:PORT is required" -- --config "$TMP/noaddr.ini"
expect_bad ipv6-bare "write IPv6 addresses as \\[ADDR\\]:PORT" -- --listen 2001:db8::1:8125 --shard 198.18.1.1

# INI values, sections and lines of any length are read whole, never cut
# (rte_cfgfile cut values at 255 characters: an allow list ending in
# 198.19.0.0/16 became 198.19.0.0/1). Each list below leaves out the client
# 198.18.0.10; its one datagram must be frame_not_allowed at every length.
/usr/bin/python3 - "$TMP/acl_client.pcap" <<'PY' 2>/dev/null
import sys
from scapy.all import IP, UDP, Ether, Raw, wrpcap
wrpcap(sys.argv[1], [Ether(src='02:00:00:00:00:0a', dst='02:70:63:61:70:00') /
                     IP(src='198.18.0.10', dst='198.18.0.1') / UDP(sport=4000, dport=8125) /
                     Raw(b'acl.probe:1|c\n')])
PY
# allow_list LEN: prefixes of 198.19.1.x, then 198.19.0.0/16 last, LEN characters in all
allow_list() {
	/usr/bin/python3 -c '
import sys
n = int(sys.argv[1]); last = "198.19.0.0/16"
items = []
while len(", ".join(items + ["198.19.1.%d/32" % (len(items) + 1), last])) <= n and len(items) < 60:
    items.append("198.19.1.%d/32" % (len(items) + 1))
s = ", ".join(items + [last])
pad = n - len(s)
# widen the first separator with spaces to reach exactly n characters
s = s.replace(", ", "," + " " * (pad + 1), 1) if pad > 0 else s
assert len(s) == n, (len(s), n)
print(s)' "$1"
}
for len in 254 255 256 297 3000; do
	{
		printf '[relay]\nlisten = 198.18.0.1/24:8125\nallow = %s\n' "$(allow_list "$len")"
		printf '[shard a]\naddress = 198.18.1.1:8125\nmac = 02:00:00:00:01:01\n'
	} >"$TMP/allow_$len.ini"
	out=$(timeout 30 "$BIN" "${EAL[@]}" --file-prefix "cli${RUN}_acl$len" \
		--vdev "net_pcap0,rx_pcap=$TMP/acl_client.pcap,tx_pcap=$TMP/acl_out.pcap" -- \
		--config "$TMP/allow_$len.ini" --exit-idle 100 --stats-json "$TMP/acl_$len.json" 2>&1)
	if grep -q '"frame_not_allowed": 1' "$TMP/acl_$len.json" 2>/dev/null &&
		grep -q '"lines_in": 0' "$TMP/acl_$len.json"; then
		PASS=$((PASS + 1)); echo "PASS ini-allow-$len-chars-read-whole"
	else
		FAIL=$((FAIL + 1)); echo "FAIL ini-allow-$len-chars-read-whole:"; sed 's/^/    /' <<<"$out" | tail -n 3
	fi
done
# A long ';' comment is a comment; an error after a long line names its own line.
{
	printf '[relay]\n; %s\nlisten = 198.18.0.1\n' "$(head -c 3000 /dev/zero | tr '\0' 'c')"
	printf '[shard a]\naddress = 198.18.1.1:8125\nmac = 02:00:00:00:01:01\n'
} >"$TMP/longcomment.ini"
if "$(dirname "$BIN")/statsd-relay-where" --config "$TMP/longcomment.ini" -- 'a.b:1|c' | grep -q '^shard '; then
	PASS=$((PASS + 1)); echo "PASS ini-long-comment"
else
	FAIL=$((FAIL + 1)); echo "FAIL ini-long-comment is refused"
fi
printf '[relay]\nlisten = 198.18.0.1 ; %s\nmain-polls\n' "$(head -c 2000 /dev/zero | tr '\0' 'x')" >"$TMP/longline.ini"
expect_bad ini-line-after-long-line "longline.ini:3: 'main-polls' is not 'key = value'" -- --config "$TMP/longline.ini"
printf '[relay]\nlisten = 198.18.0.1\nflush-us = 10\nflush-us = 20\n' >"$TMP/twice.ini"
expect_bad ini-key-twice "twice.ini:4: \\[relay\\] flush-us given twice \\(first on line 3\\)" -- --config "$TMP/twice.ini"
expect_bad config-is-directory "--config: $TMP: is a directory" -- --config "$TMP"

# Configurations that cannot work are refused (exit 2, one line).
M1=mac=02:00:00:00:01:01
expect_bad shard-is-the-relay "shard 198.18.0.1:8125 is the relay's own address and port" -- \
	--listen 198.18.0.1/24:8125 --shard "198.18.0.1:8125,$M1"
expect_bad gateway-outside-subnet "--gateway 198.19.0.1 is outside the --listen subnet \\(/24\\)" -- \
	--listen 198.18.0.1/24 --gateway 198.19.0.1 --shard "198.18.1.1,$M1"
expect_bad gateway-without-subnet "--gateway 198.18.0.254 is outside the --listen subnet \\(/32\\)" -- \
	--listen 198.18.0.1 --gateway 198.18.0.254 --shard "198.18.1.1,$M1"
expect_bad gateway-is-the-relay "--gateway 198.18.0.1 is the relay's own address" -- \
	--listen 198.18.0.1/24 --gateway 198.18.0.1 --shard "198.18.1.1,$M1"
expect_bad gateway-other-family "--gateway 2001:db8::fe: there is no IPv6 --listen address" -- \
	--listen 198.18.0.1/24 --gateway 2001:db8::fe --shard "198.18.1.1,$M1"
for mac in ff:ff:ff:ff:ff:ff 01:00:5e:00:00:01 33:33:00:00:00:01 00:00:00:00:00:00; do
	expect_bad "shard-mac-$mac" "mac=$mac is not a unicast MAC address" -- \
		--listen 198.18.0.1 --shard "198.18.1.1,mac=$mac"
done
expect_bad shard-mac-twice "mac= given twice" -- --listen 198.18.0.1 --shard "198.18.1.1,$M1,mac=02:00:00:00:01:02"
printf '[relay]\nlisten = 198.18.0.1\n[shard a]\naddress = 198.18.1.1\nmac = ff:ff:ff:ff:ff:ff\n' >"$TMP/bcastmac.ini"
expect_bad ini-shard-mac-broadcast "bcastmac.ini:5: \\[shard a\\]: mac=ff:ff:ff:ff:ff:ff is not a unicast" -- --config "$TMP/bcastmac.ini"
expect_bad listen-on-broadcast "--listen: 198.18.0.255 is the broadcast address of its /24 subnet" -- \
	--listen 198.18.0.255/24 --shard "198.18.1.1,$M1"
expect_bad stats-json-no-dir "--stats-json: cannot create $TMP/no/such/dir/s.json" -- "${OK_SHARD[@]}" \
	--stats-json "$TMP/no/such/dir/s.json"
expect_bad stats-json-is-dir "--stats-json: $TMP is a directory" -- "${OK_SHARD[@]}" --stats-json "$TMP"
# Messages a user can act on.
expect flags-before-separator 2 "--config is a relay option: relay options go after '--'" -- \
	--config "$TMP/good.ini"
expect_bad config-twice "--config: $TMP/good.ini given twice" -- --config "$TMP/good.ini" --config "$TMP/good.ini"
expect_bad shard-options-first "--shard: ',$M1': the address comes first" -- --listen 198.18.0.1 --shard ",$M1"
expect_bad egress-port-is-the-port "--egress-port 0 is the receiving port \\(--port 0\\)" -- \
	"${OK_SHARD[@]}" --egress-port 0 --egress-address 198.19.0.1/24
# downstream health and self-metrics flags: each bad value named
expect_bad health-interval-too-short "--health-interval 10: 0 \\(passive checks only\\) or at least 50 ms" -- \
	"${OK_SHARD[@]}" --health-interval 10
expect_bad health-fall-zero "--health-fall" -- "${OK_SHARD[@]}" --health-fall 0
expect_bad on-shard-down-unknown "--on-shard-down: 'maybe' is not reshard or keep" -- \
	"${OK_SHARD[@]}" --on-shard-down maybe
expect_bad self-metrics-prefix-space "--self-metrics-prefix 'a b': letters, digits" -- \
	"${OK_SHARD[@]}" --self-metrics-prefix "a b"

# The shipped configurations parse (with the relay's own parser).
for ini in "$HERE"/../../config/*.ini; do
	if "$(dirname "$BIN")/statsd-relay-where" --config "$ini" -- 'a.b:1|c' | grep -q '^shard '; then
		PASS=$((PASS + 1)); echo "PASS config-$(basename "$ini")"
	else
		FAIL=$((FAIL + 1)); echo "FAIL config-$(basename "$ini") does not parse"
	fi
done

# An empty line (or only "\r") is not a line to the relay (not counted, no
# drop reason): statsd-relay-where says skip, one answer per input line.
SKIP=$'skip\t(empty line: not a line, not counted)'
want=$(printf '%s\n%s' "$SKIP" "$SKIP")
expect_where where-empty-arg '[ "$rc" -eq 0 ] && [ "$out" = "$want" ]' '' \
	-- --shard 198.18.1.1 -- '' $'\r'
want=$(printf 'shard 0\t198.18.1.1:8125\ta\ta:1|c\n%s\n%s\nshard 0\t198.18.1.1:8125\tb\tb:1|c' "$SKIP" "$SKIP")
expect_where where-empty-stdin '[ "$rc" -eq 0 ] && [ "$out" = "$want" ]' $'a:1|c\n\n\r\nb:1|c\n' \
	-- --shard 198.18.1.1
# a NUL in a stdin line is part of the line (the relay drops it), not its end
printf 'a:1|c\0x\n' >"$TMP/nul.txt"
expect_where where-nul-stdin '[ "$rc" -eq 0 ] && [ "$out" = $'"'"'drop\tline_control_char\ta:1|c@x'"'"' ]' \
	- -- --shard 198.18.1.1 <"$TMP/nul.txt"

# Run-time failures exit 1: EAL refuses its arguments; the port does not exist.
expect eal-failure 1 'EAL' -- --no-huge --no-pci --bogus-eal-flag -- "${OK_SHARD[@]}"
expect no-port 1 'port 0 does not exist' -- "${EAL[@]}" --file-prefix cli${RUN}_noport -- "${OK_SHARD[@]}"
expect queues 1 'pollers need one each' -- --no-huge --no-pci -m 128 --log-level=error -l 0,1 \
	--file-prefix cli${RUN}_q --vdev "net_pcap0,rx_pcap=${RX_PCAP:-$HERE/../../pcap/demo.pcap},tx_pcap=$TMP/o.pcap" -- \
	"${OK_SHARD[@]}" --main-polls
# A good config file and flags overriding it start, and stop on --exit-idle.
expect config-ok 0 'lines in' -- "${EAL[@]}" --file-prefix cli${RUN}_ok \
	--vdev "net_pcap0,rx_pcap=${RX_PCAP:-$HERE/../../pcap/demo.pcap},tx_pcap=$TMP/o.pcap" -- \
	--config "$TMP/good.ini" --exit-idle 100 --max-payload 512
# --record-cycles names the line scan build in use, and --stats-json writes the same one.
out=$(timeout 30 "$BIN" "${EAL[@]}" --file-prefix cli${RUN}_cyc \
	--vdev "net_pcap0,rx_pcap=${RX_PCAP:-$HERE/../../pcap/demo.pcap},tx_pcap=$TMP/c.pcap" -- \
	--config "$TMP/good.ini" --exit-idle 100 --record-cycles --stats-json "$TMP/cyc.json" 2>&1)
build=$(sed -n 's/^  line scan build: //p' <<<"$out")
if [[ "$build" =~ ^(generic|avx2|avx512bw)$ ]] && grep -q "cycles/line" <<<"$out" &&
	grep -q "\"scan_build\": \"$build\"" "$TMP/cyc.json"; then
	PASS=$((PASS + 1)); echo "PASS record-cycles ($build)"
else
	FAIL=$((FAIL + 1)); echo "FAIL record-cycles: build '$build'"; sed 's/^/    /' <<<"$out" | tail -n 5
fi
# SIGTERM: clean stop, exit 0, counters printed.
"$BIN" "${EAL[@]}" --file-prefix cli${RUN}_sig --vdev "net_pcap0,rx_pcap=${RX_PCAP:-$HERE/../../pcap/demo.pcap},tx_pcap=$TMP/s.pcap" -- \
	--config "$TMP/good.ini" --stats-json "$TMP/sig.json" >"$TMP/sig.out" 2>&1 &
pid=$!
sleep 2
# live counters over DPDK telemetry while it runs
if python3 "$HERE/../../scripts/relay_stats.py" --file-prefix cli${RUN}_sig >"$TMP/tlm.json" 2>&1 &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["/statsd_relay/stats"]; sys.exit(0 if d["lines_in"] > 0 and d["lines_in"] >= d["lines_out"] else 1)' "$TMP/tlm.json"; then
	PASS=$((PASS + 1)); echo "PASS telemetry"
else
	FAIL=$((FAIL + 1)); echo "FAIL telemetry:"; head -n 5 "$TMP/tlm.json"
fi
# What Telegraf's inputs.dpdk ingests: /stats a flat dict of numbers (two strings
# known), /shards a dict of arrays of numbers (and the names), /shard,NAME flat.
if python3 "$STATS" --file-prefix cli${RUN}_sig /statsd_relay/stats >"$TMP/tlm_st.json" 2>&1 &&
	python3 "$STATS" --file-prefix cli${RUN}_sig /statsd_relay/shards >"$TMP/tlm_sh.json" 2>&1 &&
	python3 "$STATS" --file-prefix cli${RUN}_sig '/statsd_relay/shard,198.18.1.1:8125' >"$TMP/tlm_one.json" 2>&1 &&
	python3 - "$TMP"/tlm_st.json "$TMP"/tlm_sh.json "$TMP"/tlm_one.json <<'PY'; then
import json, sys
d = {}
for f in sys.argv[1:]:
    d.update(json.load(open(f)))
num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
st, sh, one = d["/statsd_relay/stats"], d["/statsd_relay/shards"], d["/statsd_relay/shard"]
ok = all(num(v) for k, v in st.items() if k not in ("ring_fingerprint", "last_reload_outcome"))
ok &= all(isinstance(st[k], str) for k in ("ring_fingerprint", "last_reload_outcome"))
ok &= all(isinstance(v, list) and all(num(x) for x in v) for k, v in sh.items() if k != "names")
ok &= len({len(v) for v in sh.values()}) == 1 and sh["names"][0] == "198.18.1.1:8125"
ok &= all(num(v) for k, v in one.items() if k != "state") and one["index"] == 0
ok &= "shards_down" in st and "reloads" in st and one["lines"] == sh["lines"][0]
sys.exit(0 if ok else 1)
PY
	PASS=$((PASS + 1)); echo "PASS telemetry-shapes"
else
	FAIL=$((FAIL + 1)); echo "FAIL telemetry-shapes:"; head -c 300 "$TMP/tlm_st.json" "$TMP/tlm_sh.json"
fi
# bad commands say so (exit 2, the relay not asked); null answers are errors (exit 3)
expect_stats stats-empty-command 2 "^relay_stats: empty command" ''
expect_stats stats-not-a-command 2 "'statsd_relay/stats' is not a telemetry command" statsd_relay/stats
expect_stats stats-unknown-command 3 "unknown command '/statsd_relay/bogus'" /statsd_relay/bogus
expect_stats stats-refused-parameter 3 "/ethdev/stats refused parameter '99'" /ethdev/stats,99
# a reader that is gone (| head) ends it quietly, by SIGPIPE (141)
bad=
for py in "${PYS[@]}"; do
	{ sleep 0.3; "$py" "$STATS" --file-prefix cli${RUN}_sig / 2>"$TMP/pipe.err"; echo $? >"$TMP/pipe.rc"; } | true
	if [ "$(cat "$TMP/pipe.rc")" -ne 141 ] || [ -s "$TMP/pipe.err" ]; then
		bad="$py: exit $(cat "$TMP/pipe.rc") (want 141), stderr '$(tail -n 1 "$TMP/pipe.err")'"
		break
	fi
done
if [ -z "$bad" ]; then
	PASS=$((PASS + 1)); echo "PASS stats-closed-pipe"
else
	FAIL=$((FAIL + 1)); echo "FAIL stats-closed-pipe: $bad"
fi
# A second DPDK process with the same --file-prefix is told what to change.
expect file-prefix-taken 1 "another DPDK process may hold the file prefix 'cli${RUN}_sig': give this one its own --file-prefix" -- \
	"${EAL[@]}" --file-prefix cli${RUN}_sig --vdev "net_pcap0,rx_pcap=${RX_PCAP:-$HERE/../../pcap/demo.pcap},tx_pcap=$TMP/s2.pcap" -- \
	--config "$TMP/good.ini"
# SIGHUP re-reads --config (the same file: applied, nothing changed) and the
# relay keeps running; the telemetry command does the same and answers.
kill -HUP "$pid"
for _ in $(seq 50); do grep -q 'reload applied, generation 2' "$TMP/sig.out" && break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null && grep -q 'reload applied, generation 2: .*keys changed: none; 0.00% of the Maglev table moved' "$TMP/sig.out"; then
	PASS=$((PASS + 1)); echo "PASS sighup-reloads"
else
	FAIL=$((FAIL + 1)); echo "FAIL sighup-reloads: relay gone or no log line"; tail -n 3 "$TMP/sig.out"
fi
if python3 "$STATS" --file-prefix cli${RUN}_sig /statsd_relay/reload >"$TMP/reload.json" 2>&1 &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["/statsd_relay/reload"]; sys.exit(0 if d["outcome"] == "applied" and d["config_generation"] == 3 and d["reloads"] == 2 else 1)' "$TMP/reload.json"; then
	PASS=$((PASS + 1)); echo "PASS telemetry-reload"
else
	FAIL=$((FAIL + 1)); echo "FAIL telemetry-reload:"; head -n 5 "$TMP/reload.json"
fi
kill -TERM "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 0 ] && grep -q '"lines_in"' "$TMP/sig.json" && grep -q 'lines in' "$TMP/sig.out" &&
	grep -q '"reloads": 2,' "$TMP/sig.json" && grep -q '"config_generation": 3,' "$TMP/sig.json" &&
	grep -q 'reloads: 2 applied, 0 rejected; configuration generation 3' "$TMP/sig.out"; then
	PASS=$((PASS + 1)); echo "PASS sigterm"
else
	FAIL=$((FAIL + 1)); echo "FAIL sigterm: exit $rc"; head -n 5 "$TMP/sig.out"
fi

# Fragments that time out are counted while the relay runs, not only at exit:
# seven lone first fragments, and 3 s later (their time-out is 1 s) live telemetry.
/usr/bin/python3 - "$TMP/lone_frags.pcap" <<'PY' 2>/dev/null
import sys
from scapy.all import IP, UDP, Ether, Raw, wrpcap
wrpcap(sys.argv[1], [Ether(src='02:00:00:00:00:0a', dst='02:70:63:61:70:00') /
                     IP(src='198.18.0.10', dst='198.18.0.1', id=100 + i, flags='MF') /
                     UDP(sport=4000, dport=8125, len=2000) / Raw(b'lone.fragment:1|c\n' * 8)
                     for i in range(7)])
PY
"$BIN" "${EAL[@]}" --file-prefix cli${RUN}_frag --vdev "net_pcap0,rx_pcap=$TMP/lone_frags.pcap,tx_pcap=$TMP/f.pcap" -- \
	--config "$TMP/good.ini" --exit-idle 10000 >"$TMP/frag.out" 2>&1 &
fpid=$!
sleep 3
got=$(python3 "$STATS" --file-prefix cli${RUN}_frag /statsd_relay/stats 2>&1 |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["/statsd_relay/stats"]["frame_ip_fragment"])' 2>&1)
kill -TERM "$fpid"
wait "$fpid"
if [ "$got" = 7 ]; then
	PASS=$((PASS + 1)); echo "PASS live-expired-fragments"
else
	FAIL=$((FAIL + 1)); echo "FAIL live-expired-fragments: telemetry frame_ip_fragment '$got' (want 7)"
fi
# Every shard down (static MACs answer no echo probe; fall 1 at 100 ms): nothing
# is sent, the lines are line_no_shard, every line still accounted for.
"$BIN" "${EAL[@]}" --file-prefix cli${RUN}_down \
	--vdev "net_pcap0,rx_pcap=${RX_PCAP:-$HERE/../../pcap/demo.pcap},infinite_rx=1" --vdev net_null0 -- \
	--config "$TMP/good.ini" --egress-port 1 --health-interval 100 --health-fall 1 \
	--stats-interval 1 --stats-json "$TMP/down.json" >"$TMP/down.out" 2>&1 &
dpid=$!
for _ in $(seq 50); do grep -q 'every shard down' "$TMP/down.out" && break; sleep 0.1; done
for _ in $(seq 30); do grep -q 'lines/s in' "$TMP/down.out" && break; sleep 0.1; done
sleep 0.5
kill -TERM "$dpid"
wait "$dpid"
if grep -q 'shard 198.18.1.1:8125 down: echo probe unanswered' "$TMP/down.out" &&
	grep -q 'every shard down: lines are dropped (line_no_shard)' "$TMP/down.out" &&
	python3 - "$TMP/down.json" <<'PY'; then
import json, sys
d = json.load(open(sys.argv[1]))
drops = sum(v for k, v in d["drops"].items() if k.startswith("line_"))
sys.exit(0 if d["drops"]["line_no_shard"] > 1000 and d["lines_in"] == d["lines_out"] + drops and
         d["shards_down"] == 1 and d["shards"][0]["state"] == "down" and d["shards"][0]["probes_lost"] >= 1
         else 1)
PY
	PASS=$((PASS + 1)); echo "PASS every-shard-down"
else
	FAIL=$((FAIL + 1)); echo "FAIL every-shard-down"; tail -n 5 "$TMP/down.out"
fi
# --stats-interval: one line of rates a second, the shards down in it
if grep -Eq '^statsd-relay: [0-9]+ lines/s in, [0-9]+ lines/s out, [0-9]+ drops/s \(most: [a-z_]+\), 1 of 1 shards down$' "$TMP/down.out"; then
	PASS=$((PASS + 1)); echo "PASS stats-interval"
else
	FAIL=$((FAIL + 1)); echo "FAIL stats-interval"; grep 'lines/s' "$TMP/down.out" | head -n 2
fi
# Without --config a reload has nothing to re-read: said, and counted nowhere.
"$BIN" "${EAL[@]}" --file-prefix cli${RUN}_nocfg --vdev "net_pcap0,rx_pcap=$TMP/lone_frags.pcap,tx_pcap=$TMP/n.pcap" -- \
	--listen 198.18.0.1:8125 --shard 198.18.1.1:8125,mac=02:00:00:00:01:01 \
	--stats-json "$TMP/nocfg.json" >"$TMP/nocfg.out" 2>&1 &
npid=$!
for _ in $(seq 50); do grep -q 'ring fingerprint' "$TMP/nocfg.out" && break; sleep 0.1; done
kill -HUP "$npid"
for _ in $(seq 50); do grep -q 'nothing to re-read' "$TMP/nocfg.out" && break; sleep 0.1; done
answer=$(python3 "$STATS" --file-prefix cli${RUN}_nocfg /statsd_relay/reload 2>&1 |
	python3 -c 'import json,sys; d=json.load(sys.stdin)["/statsd_relay/reload"]; print(d["outcome"], d["reloads"], d["reload_failures"], d["config_generation"])' 2>&1)
kill -TERM "$npid"
wait "$npid"
if grep -q 'started without --config: nothing to re-read, nothing changed' "$TMP/nocfg.out" &&
	[ "$answer" = "nothing to re-read 0 0 1" ] && grep -q '"reloads": 0,' "$TMP/nocfg.json" &&
	grep -q '"reload_failures": 0,' "$TMP/nocfg.json" && grep -q '"config_generation": 1,' "$TMP/nocfg.json"; then
	PASS=$((PASS + 1)); echo "PASS reload-without-config"
else
	FAIL=$((FAIL + 1)); echo "FAIL reload-without-config: telemetry '$answer'"; tail -n 3 "$TMP/nocfg.out"
fi

echo "cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
