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
	out=$(timeout 30 "$BIN" "${EAL[@]}" --file-prefix "cli_$name" -- "$@" 2>&1 >/dev/null)
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
# the relay of prefix cli_sig exits CODE, nothing on stdout, one line on stderr.
STATS=$HERE/../../scripts/relay_stats.py
PYS=(python3)
[ -x /usr/bin/python3 ] && PYS+=(/usr/bin/python3)
expect_stats() {
	local name=$1 code=$2 pattern=$3 py out err rc bad=
	for py in "${PYS[@]}"; do
		out=$(timeout 30 "$py" "$STATS" --file-prefix cli_sig "$4" 2>"$TMP/stats.err")
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
expect_bad unclosed-section "line 3 - no terminating" -- --config "$TMP/bracket.ini"
expect_bad empty-ini-value "cannot use empty values" -- --config "$TMP/empty.ini"
expect_bad unknown-ini-key "\[relay\] bogus: unknown key" -- --config "$TMP/badkey.ini"
expect_bad unknown-section "unknown section \[shards x\]" -- --config "$TMP/badsection.ini"
expect_bad bad-ini-value "max-payload: 'lots' is not a number" -- --config "$TMP/badvalue.ini"
expect_bad shard-no-address "address = IP:PORT is required" -- --config "$TMP/noaddr.ini"
expect_bad ipv6-bare "write IPv6 addresses as \\[ADDR\\]:PORT" -- --listen 2001:db8::1:8125 --shard 198.18.1.1

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
expect no-port 1 'port 0 does not exist' -- "${EAL[@]}" --file-prefix cli_noport -- "${OK_SHARD[@]}"
expect queues 1 'pollers need one each' -- --no-huge --no-pci -m 128 --log-level=error -l 0,1 \
	--file-prefix cli_q --vdev "net_pcap0,rx_pcap=${RX_PCAP:-$HERE/../../pcap/demo.pcap},tx_pcap=$TMP/o.pcap" -- \
	"${OK_SHARD[@]}" --main-polls
# A good config file and flags overriding it start, and stop on --exit-idle.
expect config-ok 0 'lines in' -- "${EAL[@]}" --file-prefix cli_ok \
	--vdev "net_pcap0,rx_pcap=${RX_PCAP:-$HERE/../../pcap/demo.pcap},tx_pcap=$TMP/o.pcap" -- \
	--config "$TMP/good.ini" --exit-idle 100 --max-payload 512
# --record-cycles names the line scan build in use, and --stats-json writes the same one.
out=$(timeout 30 "$BIN" "${EAL[@]}" --file-prefix cli_cyc \
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
"$BIN" "${EAL[@]}" --file-prefix cli_sig --vdev "net_pcap0,rx_pcap=${RX_PCAP:-$HERE/../../pcap/demo.pcap},tx_pcap=$TMP/s.pcap" -- \
	--config "$TMP/good.ini" --stats-json "$TMP/sig.json" >"$TMP/sig.out" 2>&1 &
pid=$!
sleep 2
# live counters over DPDK telemetry while it runs
if python3 "$HERE/../../scripts/relay_stats.py" --file-prefix cli_sig >"$TMP/tlm.json" 2>&1 &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["/statsd_relay/stats"]; sys.exit(0 if d["lines_in"] > 0 and d["lines_in"] >= d["lines_out"] else 1)' "$TMP/tlm.json"; then
	PASS=$((PASS + 1)); echo "PASS telemetry"
else
	FAIL=$((FAIL + 1)); echo "FAIL telemetry:"; head -n 5 "$TMP/tlm.json"
fi
# bad commands say so (exit 2, the relay not asked); null answers are errors (exit 3)
expect_stats stats-empty-command 2 "^relay_stats: empty command" ''
expect_stats stats-not-a-command 2 "'statsd_relay/stats' is not a telemetry command" statsd_relay/stats
expect_stats stats-unknown-command 3 "unknown command '/statsd_relay/bogus'" /statsd_relay/bogus
expect_stats stats-refused-parameter 3 "/ethdev/stats refused parameter '99'" /ethdev/stats,99
# a reader that is gone (| head) ends it quietly, by SIGPIPE (141)
bad=
for py in "${PYS[@]}"; do
	{ sleep 0.3; "$py" "$STATS" --file-prefix cli_sig / 2>"$TMP/pipe.err"; echo $? >"$TMP/pipe.rc"; } | true
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
kill -TERM "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 0 ] && grep -q '"lines_in"' "$TMP/sig.json" && grep -q 'lines in' "$TMP/sig.out"; then
	PASS=$((PASS + 1)); echo "PASS sigterm"
else
	FAIL=$((FAIL + 1)); echo "FAIL sigterm: exit $rc"; head -n 5 "$TMP/sig.out"
fi

echo "cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
