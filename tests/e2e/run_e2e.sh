#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end tests: the relay on DPDK's net_af_packet vdev in a network namespace,
# real clients (nc, bash /dev/udp, Debian's python3-statsd, a python socket sending
# datagrams bigger than the MTU) in client namespaces, and REAL etsy statsd 0.9.0
# servers (npm, pinned by tests/peers/package-lock.json) in shard namespaces, all
# on one bridged L2 segment (plus a router to a second subnet, for the shard behind
# --gateway). Each server writes what it aggregated (json_backend.js); the checks
# compare that, exactly, with what the clients sent for the series
# statsd-relay-where puts on it.
#
# No mac= anywhere and no static neighbour entries for the relay on the clients:
# the relay resolves its shards and the router by ARP and Neighbor Discovery and
# answers the clients' ARP, ND and ping; it listens on IPv4 and IPv6, has IPv4 and
# IPv6 shards, and refuses a source outside --allow.
#
# Then a hot reload (SIGHUP and telemetry /statsd_relay/reload) of a second relay from shards
# A,B to A,C, under traffic: every line counted by exactly one server, per phase and in total.
#
#   tests/e2e/run_e2e.sh BUILD_DIR            e.g. tests/e2e/run_e2e.sh build
#
# Prints "PASS name" / "FAIL name" per check (details indented) and ends with exactly
# one line "e2e: N passed, N failed" (", N skipped" when some were skipped); exits 1
# on a failure. Skips everything (exit 0) where namespaces or af_packet are forbidden.
# Needs root. Uses only 198.18.0.0/15 and 2001:db8::/32.
#
# Environment:
#   E2E_VDEV=...           the relay's vdev (default net_af_packet0,iface=r0; the test
#                          command runs the suite again with net_af_xdp0,iface=r0)
#   E2E_RELAY_ARGS=...     more relay options (after --)
#   SR_PEERS_DIR=...       where tests/peers/install.sh installs etsy statsd (default build/peers)
#   KEEP=1                 keep the temporary directory (configs, logs, server JSON)
#   E2E_VERBOSE=1          print the relay's and servers' logs on failure (default on)
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
BUILD=${1:?usage: run_e2e.sh BUILD_DIR}
[ -d "$BUILD" ] || BUILD=$ROOT/$BUILD
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || { echo "e2e: no build directory $1"; exit 2; }
RELAY=$BUILD/app/statsd-relay
WHERE=$BUILD/app/statsd-relay-where
BACKEND=$HERE/json_backend.js
T_START=$SECONDS

PASSED=0
FAILED=0
SKIPPED=0
pass() { echo "PASS $1"; PASSED=$((PASSED + 1)); }
skip() { echo "SKIP $1: $2"; SKIPPED=$((SKIPPED + 1)); }
fail() {
	echo "FAIL $1"
	shift
	local d
	for d in "$@"; do echo "    $d"; done
	FAILED=$((FAILED + 1))
}
# check NAME CMD...: PASS when CMD succeeds, else FAIL with CMD's output
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(sed 's/^/  /' <<<"$out" | head -n 20)"; fi
}
# count the PASS/FAIL lines of a helper's output (already printed)
tally() {
	local p f
	p=$(grep -c '^PASS ' <<<"$1") || p=0
	f=$(grep -c '^FAIL ' <<<"$1") || f=0
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
}
summary() {
	local s="e2e: $PASSED passed, $FAILED failed"
	[ "$SKIPPED" -gt 0 ] && s+=", $SKIPPED skipped"
	echo "$s"
}
skip_all() {
	echo "SKIP e2e: $1"
	echo "e2e: 0 passed, 0 failed, ${2:-1} skipped"
	exit 0
}

# ------------------------------------------------------------------ preconditions
[ "$(id -u)" -eq 0 ] || skip_all "needs root (network namespaces)"
for tool in ip ethtool ping nc node timeout; do
	command -v "$tool" >/dev/null || skip_all "'$tool' is not installed (scripts/setup.sh installs it)"
done
[ -x "$RELAY" ] && [ -x "$WHERE" ] || { echo "e2e: $RELAY or $WHERE missing (build first)"; echo "e2e: 0 passed, 1 failed"; exit 1; }
# the npm packages, installed outside the source tree (build/peers, or SR_PEERS_DIR)
PEERS=$(bash "$ROOT/tests/peers/install.sh" 2>/dev/null) || PEERS=
STATSD=$PEERS/statsd/stats.js
[ -n "$PEERS" ] && [ -f "$STATSD" ] || skip_all "etsy statsd is not installed (bash tests/peers/install.sh needs npm and the registry)"

RUN=$$
NSP=sr-e2e-$RUN # namespace names: unique per run, so concurrent runs do not collide
SW=$NSP-sw
CLI=$NSP-cli
OUT=$NSP-out
LAZY=$NSP-lazy # a client that keeps its UDP checksum offload on (as kernels on veths do)
RNS=$NSP-relay
RT=$NSP-rt
FILE_PREFIX=sr-e2e-$RUN
TMP=$(mktemp -d /tmp/sr-e2e.XXXXXX)
MADE_NS=()
PIDS=()
RELAY_PID=

cleanup() {
	local pid ns i
	for pid in ${RELAY_PID:+"$RELAY_PID"} "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in ${RELAY_PID:+"$RELAY_PID"} "${PIDS[@]}"; do
		for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	# deleting a namespace deletes its veth ends, and with them their peers
	for ns in "${MADE_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "/var/run/dpdk/$FILE_PREFIX" 2>/dev/null
	if [ "${KEEP:-0}" = 1 ]; then echo "e2e: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! ip netns add "$SW" 2>"$TMP/netns.err"; then
	skip_all "this machine forbids network namespaces (ip netns add: $(head -c 200 "$TMP/netns.err"))"
fi
MADE_NS+=("$SW")

# ------------------------------------------------------------------ topology
# One bridge in $SW. Every other namespace has one veth "eth0" (relay: "r0") to it.
R_MAC=02:e2:e0:00:00:01 # the relay's port (r0): the outsider's neighbour entry, the neighbour checks
R4=198.18.0.1
R6=2001:db8::1
PORT=8125
# sh4 is the IPv6 shard; sh5 is behind the router ($RT), reached through --gateway
SH_NAMES=(sh1 sh2 sh3 sh4 sh5)
SH_ADDR=(198.18.0.101 198.18.0.102 198.18.0.103 2001:db8::104 198.19.0.5)
SH_FAM=(4 4 4 6 4)
N_SH=${#SH_NAMES[@]}
# The README's launch line: no ring frame options. The af_packet PMD joins a PACKET_FANOUT
# group with PACKET_FANOUT_FLAG_DEFRAG, so the kernel reassembles IPv4 fragments before the
# ring; the relay gives such a vdev ring frames that hold the largest datagram it accepts.
VDEV=${E2E_VDEV:-net_af_packet0,iface=r0}

# nsx NS CMD...: run in NS (a function: never background it, $! would be a subshell's PID;
# background processes are started with "ip netns exec" itself, which execs: $! is theirs)
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# ns_new NAME: a namespace with lo up and IPv6 DAD off (addresses usable at once)
ns_new() {
	ip netns add "$1" || return 1
	MADE_NS+=("$1")
	ip -n "$1" link set lo up
	nsx "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 >/dev/null 2>&1
	return 0
}
# attach NS IFNAME PORTNAME: a veth pair from the bridge (PORTNAME) to NS (IFNAME)
attach() {
	ip -n "$SW" link add "$3" type veth peer name "$2" netns "$1" || return 1
	ip -n "$SW" link set "$3" master br0 up || return 1
	nsx "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0" >/dev/null 2>&1
	return 0
}

setup_topology() {
	local i ns
	ip -n "$SW" link set lo up
	ip -n "$SW" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0 || return 1
	nsx "$SW" sysctl -qw net.ipv6.conf.br0.disable_ipv6=1 >/dev/null 2>&1
	ip -n "$SW" link set br0 up || return 1

	# the relay: r0 has no kernel address, so only the DPDK relay answers on it
	ns_new "$RNS" && attach "$RNS" r0 p-relay || return 1
	nsx "$RNS" sysctl -qw net.ipv6.conf.r0.disable_ipv6=1 net.ipv4.conf.r0.arp_ignore=8 >/dev/null
	ip -n "$RNS" link set r0 address "$R_MAC" up || return 1

	# clients: offloads off, so the packet socket sees finished UDP checksums
	ns_new "$CLI" && attach "$CLI" eth0 p-cli || return 1
	ip -n "$CLI" addr add 198.18.0.10/24 dev eth0
	ip -n "$CLI" addr add 2001:db8::10/64 dev eth0 nodad
	ip -n "$CLI" link set eth0 up
	nsx "$CLI" ethtool -K eth0 tx off >/dev/null 2>&1
	ns_new "$OUT" && attach "$OUT" eth0 p-out || return 1
	ip -n "$OUT" addr add 198.18.0.200/24 dev eth0
	ip -n "$OUT" link set eth0 up
	nsx "$OUT" ethtool -K eth0 tx off >/dev/null 2>&1
	# this client leaves its UDP checksums to offload: the relay must drop its datagrams
	# (frame_bad_udp_checksum) and say, in its log, why and how to fix it
	ns_new "$LAZY" && attach "$LAZY" eth0 p-lazy || return 1
	ip -n "$LAZY" addr add 198.18.0.11/24 dev eth0
	ip -n "$LAZY" link set eth0 up
	# the ACL test must not depend on whether the relay answers ARP for an outsider
	ip -n "$OUT" neigh replace "$R4" lladdr "$R_MAC" dev eth0 nud permanent

	# the router to 198.19.0.0/24 (for the --gateway shard)
	ns_new "$RT" && attach "$RT" eth0 p-rt || return 1
	ip -n "$RT" addr add 198.18.0.254/24 dev eth0
	ip -n "$RT" link set eth0 up
	nsx "$RT" sysctl -qw net.ipv4.ip_forward=1 >/dev/null

	for i in "${!SH_NAMES[@]}"; do
		ns=$NSP-${SH_NAMES[$i]}
		ns_new "$ns" || return 1
		if [ "${SH_ADDR[$i]}" = 198.19.0.5 ]; then
			# behind the router: its own veth pair to $RT, not on the bridge
			ip -n "$RT" link add eth1 type veth peer name eth0 netns "$ns" || return 1
			ip -n "$RT" addr add 198.19.0.254/24 dev eth1
			ip -n "$RT" link set eth1 up
			ip -n "$ns" addr add 198.19.0.5/24 dev eth0
			ip -n "$ns" link set eth0 up
			ip -n "$ns" route add default via 198.19.0.254
		else
			attach "$ns" eth0 "p-${SH_NAMES[$i]}" || return 1
			ip -n "$ns" link set eth0 address "02:e2:e0:00:01:0$((i + 1))"
			if [ "${SH_FAM[$i]}" = 6 ]; then
				ip -n "$ns" addr add "${SH_ADDR[$i]}/64" dev eth0 nodad
			else
				ip -n "$ns" addr add "${SH_ADDR[$i]}/24" dev eth0
			fi
			ip -n "$ns" link set eth0 up
		fi
	done
	return 0
}

write_configs() {
	local i
	{
		echo "; statsd-relay e2e"
		echo "[relay]"
		echo "listen = $R4/24:$PORT, [$R6]/64:$PORT"
		echo "allow = 198.18.0.0/25, 2001:db8::/64"
		echo "gateway = 198.18.0.254"
		echo "dialect = etsy"
		for i in "${!SH_NAMES[@]}"; do
			echo
			echo "[shard ${SH_NAMES[$i]}]"
			if [ "${SH_FAM[$i]}" = 6 ]; then
				echo "address = [${SH_ADDR[$i]}]:$PORT"
			else
				echo "address = ${SH_ADDR[$i]}:$PORT"
			fi
		done
	} >"$TMP/relay.ini"
	for i in "${!SH_NAMES[@]}"; do
		cat >"$TMP/${SH_NAMES[$i]}.js" <<EOF
{
  port: $PORT,
  address: "${SH_ADDR[$i]}",
  address_ipv6: $([ "${SH_FAM[$i]}" = 6 ] && echo true || echo false),
  mgmt_address: "127.0.0.1",
  mgmt_port: 8126,
  flushInterval: 500,
  backends: ["$BACKEND"],
  jsonBackend: { file: "$TMP/${SH_NAMES[$i]}.json" }
}
EOF
	done
}

start_servers() {
	local i ns deadline
	for i in "${!SH_NAMES[@]}"; do
		ns=$NSP-${SH_NAMES[$i]}
		ip netns exec "$ns" node "$STATSD" "$TMP/${SH_NAMES[$i]}.js" >"$TMP/${SH_NAMES[$i]}.log" 2>&1 &
		PIDS+=($!)
	done
	deadline=$((SECONDS + 15))
	for i in "${!SH_NAMES[@]}"; do
		while [ ! -s "$TMP/${SH_NAMES[$i]}.json" ]; do
			[ "$SECONDS" -lt "$deadline" ] || return 1
			sleep 0.1
		done
	done
	return 0
}

# the relay's config and stats files (the reload case has its own)
RELAY_INI=$TMP/relay.ini
RELAY_STATS=$TMP/stats.json
start_relay() {
	ip netns exec "$RNS" "$RELAY" --no-huge --no-pci -m 256 --file-prefix "$FILE_PREFIX" -l 0 \
		--log-level=error --vdev "$VDEV" -- \
		--config "$RELAY_INI" --stats-json "$RELAY_STATS" ${E2E_RELAY_ARGS:-} >"$TMP/relay.log" 2>&1 &
	RELAY_PID=$!
	sleep 1.5
	kill -0 "$RELAY_PID" 2>/dev/null
}

stop_relay() {
	local i
	[ -n "$RELAY_PID" ] || return 1
	kill -TERM "$RELAY_PID" 2>/dev/null
	for i in $(seq 1 100); do kill -0 "$RELAY_PID" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$RELAY_PID" 2>/dev/null; then
		kill -KILL "$RELAY_PID" 2>/dev/null
		wait "$RELAY_PID" 2>/dev/null
		RELAY_PID=
		return 1
	fi
	wait "$RELAY_PID"
	RELAY_RC=$?
	RELAY_PID=
	[ "$RELAY_RC" -eq 0 ]
}

show_logs() {
	[ "${E2E_VERBOSE:-1}" = 1 ] || return 0
	local f
	for f in "$TMP/relay.log" "$TMP"/sh*.log; do
		[ -s "$f" ] || continue
		echo "    --- $(basename "$f") (last lines)"
		tail -n 15 "$f" | sed 's/^/    /'
	done
}

# servers_flushed_twice: wait until every server flushed twice more (all it got is in its JSON)
servers_flushed_twice() {
	local i base=() n deadline=$((SECONDS + 10))
	for i in "${!SH_NAMES[@]}"; do base[$i]=$($PY "$HERE/e2e.py" flushes "$TMP/${SH_NAMES[$i]}.json"); done
	for i in "${!SH_NAMES[@]}"; do
		while :; do
			n=$($PY "$HERE/e2e.py" flushes "$TMP/${SH_NAMES[$i]}.json")
			[ "$n" -ge $((base[i] + 2)) ] && break
			[ "$SECONDS" -lt "$deadline" ] || return 1
			sleep 0.1
		done
	done
}

if ! setup_topology 2>"$TMP/topology.err"; then
	fail topology "$(head -n 5 "$TMP/topology.err")"
	summary
	exit 1
fi
pass topology
write_configs

if ! start_servers; then
	fail statsd-servers-up "a server did not write its JSON within 15 s"
	show_logs
	summary
	exit 1
fi
pass statsd-servers-up

# The servers and the topology without the relay: a client line straight to every server
# (keys outside the "e2e" prefix, which the checks ignore).
ip -n "$CLI" route add 198.19.0.0/24 via 198.18.0.254
direct_ok=1
for i in "${!SH_NAMES[@]}"; do
	a=${SH_ADDR[$i]}
	nsx "$CLI" bash -c 'exec 3>/dev/udp/'"$a/$PORT"'; printf "direct.%s:1|c\n" "$1" >&3' _ "${SH_NAMES[$i]}" 2>/dev/null
done
for i in "${!SH_NAMES[@]}"; do
	for _ in $(seq 1 50); do
		$PY "$HERE/e2e.py" has "$TMP/${SH_NAMES[$i]}.json" "direct.${SH_NAMES[$i]}" && break
		sleep 0.1
	done
	$PY "$HERE/e2e.py" has "$TMP/${SH_NAMES[$i]}.json" "direct.${SH_NAMES[$i]}" || direct_ok=0
done
if [ "$direct_ok" = 1 ]; then pass servers-reachable-directly; else fail servers-reachable-directly "a client line sent straight to a server did not arrive (topology)"; fi

start_relay
if ! kill -0 "${RELAY_PID:-0}" 2>/dev/null; then
	RELAY_PID=
	if grep -qiE 'could not open AF_PACKET socket|AF_PACKET.*(not permitted|denied)|Operation not permitted' "$TMP/relay.log"; then
		sed 's/^/    /' "$TMP/relay.log" | head -n 3
		skip_all "this machine forbids af_packet sockets for the relay (see above)"
	fi
	# AF_XDP needs the kernel's XDP sockets (CONFIG_XDP_SOCKETS) and BPF: say which refused
	xdp_no=$(grep -iE 'xsk|xdp' "$TMP/relay.log" | grep -iE 'fail|not supported|not permitted|denied|error' | head -n 1)
	if [[ "$VDEV" == net_af_xdp* ]] && [ -n "$xdp_no" ]; then
		sed 's/^/    /' "$TMP/relay.log" | head -n 5
		skip_all "the kernel refuses AF_XDP sockets for the relay: $xdp_no"
	fi
	fail relay-start "the relay exited at start:" "$(head -n 10 "$TMP/relay.log")"
	summary
	exit 1
fi
pass relay-start

# ------------------------------------------------------------------ readiness
# probe_until_seen CFG PREFIX SERVER...: one probe series per shard of CFG (statsd-relay-where
# picks them; shard i's server writes SERVER i's JSON); resend until every server has its
# probe: the relay is polling and has resolved every shard (and the router). Sets PROBES,
# PROBES_SENT (lines sent); returns 2 when no probes could be picked (pick.err says why).
probe_until_seen() {
	local cfg=$1 pre=$2 p i ready=0 srv
	shift 2
	srv=("$@")
	PROBES=()
	PROBES_SENT=0
	$PY "$HERE/e2e.py" pick "$WHERE" "$cfg" "${#srv[@]}" "$pre" >"$TMP/probes" 2>"$TMP/pick.err" || return 2
	mapfile -t PROBES <"$TMP/probes"
	for _ in $(seq 1 40); do # at most 40 x 0.3 s
		for p in "${PROBES[@]}"; do
			PROBES_SENT=$((PROBES_SENT + 1))
			nsx "$CLI" bash -c 'exec 3>/dev/udp/'"$R4/$PORT"'; printf "%s\n" "$1" >&3' _ "$p" 2>/dev/null
		done
		sleep 0.3
		ready=1
		for i in "${!PROBES[@]}"; do
			$PY "$HERE/e2e.py" has "${srv[$i]}" "${PROBES[$i]%%:*}" || { ready=0; break; }
		done
		[ "$ready" = 1 ] && return 0
	done
	return 1
}
SH_FILES=()
for n in "${SH_NAMES[@]}"; do SH_FILES+=("$TMP/$n.json"); done
probe_until_seen "$TMP/relay.ini" e2e.ready "${SH_FILES[@]}"
case $? in
0) pass "relay-forwards-to-every-shard" ;;
2) fail probe-pick "$(cat "$TMP/pick.err")" ;;
*)
	fail "relay-forwards-to-every-shard" "probes ${PROBES[*]} did not all reach their servers in 12 s"
	show_logs
	;;
esac

# ------------------------------------------------------------------ ping
check ping-ipv4 nsx "$CLI" ping -c 3 -i 0.2 -W 2 "$R4"
check ping-ipv6 nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 "$R6"
# echo requests larger than the MTU: reassembled by the relay, answered in fragments
check ping-ipv4-4000-bytes nsx "$CLI" ping -c 2 -i 0.2 -W 2 -s 4000 "$R4"
check ping-ipv6-4000-bytes nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 -s 4000 "$R6"
# the client learnt the relay's MAC from the relay itself (ARP reply, neighbour advert)
for a in "$R4" "$R6"; do
	n=$(ip -n "$CLI" neigh show "$a" dev eth0)
	if grep -qi "lladdr $R_MAC" <<<"$n"; then pass "neighbour-resolved-$a"; else fail "neighbour-resolved-$a" "ip neigh: '$n' (want lladdr $R_MAC)"; fi
done

# ------------------------------------------------------------------ traffic
SENT=$TMP/sent
mkdir -p "$SENT"

# nc (netcat-openbsd): a few datagrams of several lines each
send_nc() { # FAMILY ADDR PREFIX LOG
	local fam=$1 addr=$2 pre=$3 log=$4 d i payload
	for d in $(seq 0 9); do
		payload=""
		for i in $(seq 0 11); do payload+="$pre.c$(((d * 12 + i) % 37)):$((i % 4 + 1))|c"$'\n'; done
		payload+="$pre.g$((d % 3)):$((d * 10))|g"$'\n'
		payload+="$pre.s:member$((d % 4))|s"$'\n'
		printf '%s' "$payload" >>"$log"
		printf '%s' "$payload" | timeout 5 ip netns exec "$CLI" nc "-$fam" -u -w 1 -q 0 "$addr" "$PORT" 2>/dev/null
	done
}
# bash /dev/udp: one write per line
send_devudp() { # ADDR PREFIX LOG
	local addr=$1 pre=$2 log=$3 lines=() i
	for i in $(seq 0 59); do lines+=("$pre.x$((i % 23)):$((i % 3 + 1))|c"); done
	lines+=("$pre.tag;env=prod;dc=a:5|c" "$pre.tag;dc=a;env=prod:2|c" "$pre.dd:3|c|#region:eu,tier:web"
		"$pre.multi:1|c:2|c" "$pre.rate:1|c|@0.5" "$pre.t:25|ms" "$pre.t:35|ms")
	printf '%s\n' "${lines[@]}" >>"$log"
	timeout 10 ip netns exec "$CLI" bash -c 'exec 3>/dev/udp/'"$addr/$PORT"' || exit 1
		for l in "$@"; do printf "%s\n" "$l" >&3; done' _ "${lines[@]}"
}

TRAFFIC_OK=1
send_nc 4 "$R4" e2e.nc4 "$SENT/nc4" || TRAFFIC_OK=0
send_devudp "$R4" e2e.dev4 "$SENT/dev4" || TRAFFIC_OK=0
if /usr/bin/python3 -c 'import statsd' 2>/dev/null; then
	timeout 20 ip netns exec "$CLI" $PY "$HERE/e2e.py" pystatsd "$R4" "$PORT" e2e.py4 "$SENT/py4" || TRAFFIC_OK=0
	HAVE_PYSTATSD=1
else
	HAVE_PYSTATSD=0
fi
# bigger than the MTU: the kernel fragments it, the relay must take all its lines; once
# with lines for every shard, once with lines all for shard 0 (a datagram the relay would
# forward whole if it fitted: it must be split, not sent as one oversized frame)
send_big() { # ADDR NAME LINESFILE [--ipv6]
	timeout 10 ip netns exec "$CLI" $PY "$HERE/e2e.py" big "$1" "$PORT" "$3" "$SENT/$2" ${4:-}
}
$PY "$HERE/e2e.py" gen-big e2e.big4 8000 >"$TMP/big4.lines"
$PY "$HERE/e2e.py" gen-big e2e.one4 3000 "$WHERE" "$TMP/relay.ini" 0 >"$TMP/one4.lines"
send_big "$R4" big4 "$TMP/big4.lines" || TRAFFIC_OK=0
send_big "$R4" one4 "$TMP/one4.lines" || TRAFFIC_OK=0
# lines longer than a packet (2, 4 and 8 KB, each in a datagram of its own, the kernel
# fragmenting it): each goes to its shard alone, fragmented by the relay
send_long() { # ADDR NAME [--ipv6]
	local n
	for n in 2000 4000 8000; do
		printf 'e2e.%s.set:%s|s\n' "$2" "$(head -c "$n" /dev/zero | tr '\0' 'L')$n" >"$TMP/$2.$n"
		timeout 10 ip netns exec "$CLI" $PY "$HERE/e2e.py" big "$1" "$PORT" "$TMP/$2.$n" "$SENT/$2" ${3:-} ||
			return 1
	done
}
send_long "$R4" long4 || TRAFFIC_OK=0
# lines the etsy dialect refuses: counted, never forwarded
printf '%s\n' 'e2e.bad.v:x|c' 'e2e.bad.ms:-5|ms' >"$SENT/bad"
printf '%s\n' 'e2e.bad.v:x|c' 'e2e.bad.ms:-5|ms' | timeout 5 ip netns exec "$CLI" nc -4 -u -w 1 -q 0 "$R4" "$PORT" 2>/dev/null

send_nc 6 "$R6" e2e.nc6 "$SENT/nc6" || TRAFFIC_OK=0
send_devudp "$R6" e2e.dev6 "$SENT/dev6" || TRAFFIC_OK=0
if [ "$HAVE_PYSTATSD" = 1 ]; then
	timeout 20 ip netns exec "$CLI" $PY "$HERE/e2e.py" pystatsd "$R6" "$PORT" e2e.py6 "$SENT/py6" --ipv6 || TRAFFIC_OK=0
fi
$PY "$HERE/e2e.py" gen-big e2e.big6 8000 >"$TMP/big6.lines"
$PY "$HERE/e2e.py" gen-big e2e.one6 3000 "$WHERE" "$TMP/relay.ini" 0 >"$TMP/one6.lines"
send_big "$R6" big6 "$TMP/big6.lines" --ipv6 || TRAFFIC_OK=0
send_big "$R6" one6 "$TMP/one6.lines" --ipv6 || TRAFFIC_OK=0
send_long "$R6" long6 --ipv6 || TRAFFIC_OK=0
# a source outside --allow
for i in $(seq 0 19); do echo "e2e.outside.k$i:1|c"; done >"$SENT/outside"
for i in 1 2 3; do
	timeout 5 ip netns exec "$OUT" nc -4 -u -w 1 -q 0 "$R4" "$PORT" <"$SENT/outside" 2>/dev/null
done
# a client with its checksum offload on: three datagrams the relay cannot verify
for i in $(seq 0 4); do echo "e2e.lazy.k$i:1|c"; done >"$SENT/lazy"
for i in 1 2 3; do
	timeout 5 ip netns exec "$LAZY" nc -4 -u -w 1 -q 0 "$R4" "$PORT" <"$SENT/lazy" 2>/dev/null
done
if [ "$TRAFFIC_OK" = 1 ]; then pass clients-sent; else fail clients-sent "a client failed or timed out"; fi

sleep 0.5 # the relay's flush-us is 1 ms; the veths are lossless
if stop_relay; then pass relay-stops-cleanly; else fail relay-stops-cleanly "exit ${RELAY_RC:-timeout}" "$(tail -n 5 "$TMP/relay.log")"; fi
if servers_flushed_twice; then pass servers-flushed; else fail servers-flushed "a server stopped flushing"; fi

# ------------------------------------------------------------------ checks
SERVERS=$(for n in "${SH_NAMES[@]}"; do printf '%s,' "$TMP/$n.json"; done)
SERVERS=${SERVERS%,}
ARGS=(check --where "$WHERE" --config "$TMP/relay.ini" --servers "$SERVERS" --ignore-prefix e2e.ready.
	--expect "nc-ipv4=$SENT/nc4" --expect "devudp-ipv4=$SENT/dev4" --expect "fragmented-ipv4=$SENT/big4"
	--expect "fragmented-one-shard-ipv4=$SENT/one4"
	--expect "nc-ipv6=$SENT/nc6" --expect "devudp-ipv6=$SENT/dev6" --expect "fragmented-ipv6=$SENT/big6"
	--expect "fragmented-one-shard-ipv6=$SENT/one6"
	--expect "long-lines-ipv4=$SENT/long4" --expect "long-lines-ipv6=$SENT/long6"
	--absent "refused-lines=$SENT/bad" --absent "outside-acl=$SENT/outside"
	--absent "checksum-offload-client=$SENT/lazy")
[ "$HAVE_PYSTATSD" = 1 ] && ARGS+=(--expect "python-statsd-ipv4=$SENT/py4" --expect "python-statsd-ipv6=$SENT/py6")
out=$($PY "$HERE/e2e.py" "${ARGS[@]}" 2>&1)
echo "$out"
tally "$out"
grep -q '^Traceback' <<<"$out" && fail checker "the checker crashed"
[ "$HAVE_PYSTATSD" = 1 ] || skip python-statsd "Debian's python3-statsd is not installed (scripts/setup.sh installs it)"

out=$($PY "$HERE/e2e.py" stats "$TMP/stats.json" "$N_SH" --bad-value --not-allowed --max-no-neighbour "$PROBES_SENT" \
	--bad-udp-checksum 3 2>&1)
echo "$out"
tally "$out"
# ... and the relay said why, once, with the fix
hint=$(grep -c 'frame_bad_udp_checksum).*ethtool -K IFACE tx off' "$TMP/relay.log")
if [ "$hint" -eq 1 ]; then pass checksum-offload-hint-logged; else
	fail checksum-offload-hint-logged "$hint hint lines in the relay's log (want 1)" "$(tail -n 5 "$TMP/relay.log")"
fi

# ------------------------------------------------------------------ ring frames too small
# af_packet with ring frames the user chose too small for a reassembled 8 KB datagram:
# the relay says so at start, and the cut datagram is counted frame_truncated.
if [[ "$VDEV" == net_af_packet* ]]; then
	VDEV_MAIN=$VDEV
	VDEV="net_af_packet0,iface=r0,blocksz=4096,framesz=2048,framecnt=8"
	cp "$TMP/stats.json" "$TMP/stats.main.json"
	if start_relay; then
		$PY "$HERE/e2e.py" gen-big e2e.cut4 8000 >"$TMP/cut4.lines"
		send_big "$R4" cut4 "$TMP/cut4.lines"
		# an 8-frame ring and a burst of 20000 datagrams: what the kernel drops for want
		# of ring frames is counted (port.ring_drops), so every datagram is accounted for
		burst=$(timeout 20 ip netns exec "$CLI" $PY -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n = 0
for i in range(20000):
    n += s.sendto(b"e2e.burst:1|c\n" * 50, ("'"$R4"'", '"$PORT"')) > 0
print(n)')
		sleep 0.3
		stop_relay
		n=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["drops"]["frame_truncated"])' "$TMP/stats.json" 2>&1)
		if [ "$n" = 1 ]; then pass small-ring-frame-counted-truncated; else
			fail small-ring-frame-counted-truncated "frame_truncated '$n' (want 1)"
		fi
		acc=$($PY -c '
import json, sys
st = json.load(open(sys.argv[1])); sent = int(sys.argv[2])
# the burst reached the relay as frames or was dropped by the kernel, counted: both seen
seen = st["lines_in"] // 50 + st["port"]["ring_drops"]
print("%d %d %d" % (st["port"]["ring_drops"], seen, sent))' "$TMP/stats.json" "${burst:-0}" 2>&1)
		read -r rdrops rseen rsent <<<"$acc"
		if [ "${rdrops:-0}" -gt 0 ] 2>/dev/null && [ "$((rseen * 100))" -ge "$((rsent * 99))" ]; then
			pass ring-drops-counted
		else
			fail ring-drops-counted "ring_drops ${rdrops:-?}, seen ${rseen:-?} of ${rsent:-?} datagrams: $acc"
		fi
		if grep -q 'ring frames hold 2016 bytes.*give its --vdev framesz=' "$TMP/relay.log"; then
			pass small-ring-frame-logged
		else
			fail small-ring-frame-logged "no start-up line naming framesz=" "$(head -n 3 "$TMP/relay.log")"
		fi
	else
		fail small-ring-frame-start "the relay did not start" "$(head -n 5 "$TMP/relay.log")"
	fi
	VDEV=$VDEV_MAIN
fi

# ------------------------------------------------------------------ hot reload
# A relay started with shards A and B (sh1, sh2) in its INI file (no --shard flags: those
# would override the file); C (sh3) runs but is not in it. Phase 1: 3000 counter lines over
# 300 series. Two rejected reloads: a file with a shard address given twice (SIGHUP), one
# with an unknown key (telemetry /statsd_relay/reload, through the relay's socket). Then the
# file lists A and C (B removed, C added, its next hop not yet resolved) and SIGHUP applies
# it while a client keeps sending (the switch under traffic); phase 2 (over IPv6) after the
# "reload applied" line. Each server's JSON is copied between the phases: what it
# aggregated in one is the difference (e2e.py delta); the sums are exact per series.
RL=$TMP/reload
mkdir -p "$RL"
RL_SRV=(sh1 sh2 sh3) # A B C
# rl_ini FILE [+RELAY_LINE]... [NAME=IP:PORT]...: the reload relay's INI file, written
# whole then renamed into place (a reload never reads half a file)
rl_ini() {
	local f=$1 a
	shift
	{
		echo "; statsd-relay e2e: hot reload"
		echo "[relay]"
		echo "listen = $R4/24:$PORT, [$R6]/64:$PORT"
		echo "allow = 198.18.0.0/25, 2001:db8::/64"
		echo "dialect = etsy"
		for a in "$@"; do [[ "$a" == +* ]] && echo "${a#+}"; done
		for a in "$@"; do [[ "$a" == +* ]] || printf '\n[shard %s]\naddress = %s\n' "${a%%=*}" "${a#*=}"; done
	} >"$f.tmp" && mv -f "$f.tmp" "$f"
}
# rl_snap N: copy the three servers' JSON (all they aggregated so far) to $RL/NAME.N.json
rl_snap() {
	local n
	for n in "${RL_SRV[@]}"; do cp "$TMP/$n.json" "$RL/$n.$1.json"; done
}
# rl_delta NAME FROM TO: $RL/NAME.FROM-TO.json, what server NAME aggregated between snapshots
rl_delta() { $PY "$HERE/e2e.py" delta "$RL/$1.$2.json" "$RL/$1.$3.json" "$RL/$1.$2-$3.json"; }
# rl_received FILE: the lines a server received (statsd.metrics_received) in a delta file
rl_received() {
	$PY -c 'import json, sys
print(int(json.load(open(sys.argv[1])).get("internal", {}).get("statsd.metrics_received", 0)))' "$1" 2>&1
}
# rl_wait_log REGEX N: wait (at most 10 s) until N lines of the relay's log match REGEX
rl_wait_log() {
	local n
	for _ in $(seq 1 100); do
		n=$(grep -cE "$1" "$TMP/relay.log")
		[ "$n" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# rl_tally NAME OUT: print and count a checker's output; a crash or no verdict is a FAIL
rl_tally() {
	echo "$2"
	tally "$2"
	if grep -q '^Traceback' <<<"$2" || ! grep -qE '^(PASS|FAIL) ' <<<"$2"; then
		fail "$1" "the checker crashed or said nothing:" "$(tail -n 5 <<<"$2")"
	fi
}
# rl_prefix PREFIX: the generic check names of e2e.py's output, made this case's own
rl_prefix() { sed -E "s/^(PASS|FAIL) (one-server-per-series|every-shard-got-series|stats-|checksum-)/\\1 $1\\2/"; }

reload_case() {
	local j sender ans line want fp_ac out ok=1 t0 nb nc
	RELAY_INI=$RL/relay.ini
	RELAY_STATS=$RL/stats.json
	rl_ini "$RL/ab.ini" "rA=${SH_ADDR[0]}:$PORT" "rB=${SH_ADDR[1]}:$PORT"
	rl_ini "$RL/ac.ini" "rA=${SH_ADDR[0]}:$PORT" "rC=${SH_ADDR[2]}:$PORT"
	rl_ini "$RL/dup.ini" "rA=${SH_ADDR[0]}:$PORT" "rB=${SH_ADDR[1]}:$PORT" "rB2=${SH_ADDR[1]}:$PORT"
	rl_ini "$RL/unknown.ini" "+no-such-key = 1" "rA=${SH_ADDR[0]}:$PORT" "rC=${SH_ADDR[2]}:$PORT"
	cp "$RL/ab.ini" "$RELAY_INI"
	for j in $(seq 0 2999); do printf 'e2e.rl.s%d:%d|c\n' $((j % 300)) $((j % 7 + 1)); done >"$RL/phase1.lines"
	for j in $(seq 0 2999); do printf 'e2e.rl.s%d:%d|c\n' $((j * 7 % 300)) $((j % 5 + 1)); done >"$RL/phase2.lines"
	for j in $(seq 0 39999); do printf 'e2e.rl.s%d:1|c\n' $((j % 300)); done >"$RL/during.lines" # ~5 s paced
	fp_ac=$("$WHERE" --config "$RL/ac.ini" --fingerprint 2>&1)

	# what the servers hold before this relay starts (the small-ring run's lines flushed)
	servers_flushed_twice
	rl_snap 0
	t0=$(date +%s)
	if ! start_relay; then
		RELAY_PID=
		fail reload-relay-start "the relay exited at start:" "$(head -n 10 "$TMP/relay.log")"
		return 1
	fi
	pass reload-relay-start
	if ! probe_until_seen "$RELAY_INI" e2e.rl.ready "$TMP/sh1.json" "$TMP/sh2.json"; then
		fail reload-forwards-to-a-and-b "probes ${PROBES[*]} did not all reach A and B" "$(cat "$TMP/pick.err")"
		return 1
	fi
	pass reload-forwards-to-a-and-b

	# phase 1, under A and B
	timeout 10 ip netns exec "$CLI" $PY "$HERE/e2e.py" big "$R4" "$PORT" "$RL/phase1.lines" "$RL/sent1" \
		--split 1400 --pace 0.001 || ok=0
	sleep 0.5

	# a rejected reload by SIGHUP (the same shard address twice): generation 1 stays
	cp "$RL/dup.ini" "$RELAY_INI"
	kill -HUP "$RELAY_PID"
	if rl_wait_log "reload rejected: .*${SH_ADDR[1]}:$PORT.*; generation 1 stays in force" 1; then
		pass reload-rejected-by-sighup
		echo "    $(grep -m1 'reload rejected' "$TMP/relay.log")"
	else
		fail reload-rejected-by-sighup \
			"no 'reload rejected: ...${SH_ADDR[1]}:$PORT...; generation 1 stays in force' line in 10 s" \
			"$(tail -n 5 "$TMP/relay.log")"
	fi
	# ... and one by telemetry (an unknown key), answered on the relay's socket
	cp "$RL/unknown.ini" "$RELAY_INI"
	ans=$($PY "$ROOT/scripts/relay_stats.py" --file-prefix "$FILE_PREFIX" /statsd_relay/reload 2>&1)
	line=$($PY -c '
import json, sys
a = json.loads(sys.argv[1])["/statsd_relay/reload"]
print("%s %s %s %s %s" % (a["outcome"], a["reloads"], a["reload_failures"], a["config_generation"],
                         "no-such-key" in a.get("reason", "")))' "$ans" 2>&1)
	if [ "$line" = "rejected 0 2 1 True" ] &&
		rl_wait_log 'reload rejected: .*no-such-key.*; generation 1 stays in force' 1; then
		pass reload-rejected-by-telemetry
		echo "    $(tr -d '\n' <<<"$ans" | tr -s ' ' | head -c 300)"
	else
		fail reload-rejected-by-telemetry "answer '$line' (want outcome rejected, reloads 0, reload_failures 2," \
			"config_generation 1, a reason naming no-such-key), and its 'reload rejected' log line:" \
			"$(tr -d '\n' <<<"$ans" | head -c 300)" "$(tail -n 3 "$TMP/relay.log")"
	fi

	# what phase 1 left on the servers (nothing was sent since)
	servers_flushed_twice
	rl_snap 1

	# the good file: A and C. SIGHUP while a client sends, paced, until told to stop
	cp "$RL/ac.ini" "$RELAY_INI"
	rm -f "$RL/stop"
	timeout 20 ip netns exec "$CLI" $PY "$HERE/e2e.py" big "$R4" "$PORT" "$RL/during.lines" "$RL/sent-during" \
		--split 1400 --pace 0.01 --until "$RL/stop" &
	sender=$!
	PIDS+=("$sender")
	for _ in $(seq 1 50); do # the sender under way (a few datagrams sent) before the SIGHUP
		[ "$(wc -l 2>/dev/null <"$RL/sent-during" || echo 0)" -ge 300 ] && break
		sleep 0.1
	done
	kill -HUP "$RELAY_PID"
	if rl_wait_log 'reload applied, generation 2: ' 1; then
		line=$(grep -m1 'reload applied' "$TMP/relay.log")
		# a shard's name is its address (the section's NAME is only a label)
		want="generation 2: shards added 1 (${SH_ADDR[2]}:$PORT), removed 1 (${SH_ADDR[1]}:$PORT); keys changed: none;"
		if [[ "$line" == *"$want"*"; ring fingerprint $fp_ac" ]]; then
			pass reload-applied-logged
		else
			fail reload-applied-logged "want '...$want ...; ring fingerprint $fp_ac' (statsd-relay-where's for A,C)"
		fi
		echo "    $line"
	else
		fail reload-applied-logged "no 'reload applied, generation 2' line in 10 s" "$(tail -n 5 "$TMP/relay.log")"
	fi
	sleep 0.3
	touch "$RL/stop"
	wait "$sender" || ok=0
	PIDS=("${PIDS[@]:0:${#PIDS[@]}-1}")
	sleep 0.5
	servers_flushed_twice
	rl_snap 2

	# phase 2, under A and C, from the IPv6 side
	timeout 10 ip netns exec "$CLI" $PY "$HERE/e2e.py" big "$R6" "$PORT" "$RL/phase2.lines" "$RL/sent2" \
		--ipv6 --split 1400 --pace 0.001 || ok=0
	if [ "$ok" = 1 ]; then pass reload-clients-sent; else fail reload-clients-sent "a client failed or timed out"; fi
	sleep 0.5
	if stop_relay; then pass reload-relay-stops-cleanly; else
		fail reload-relay-stops-cleanly "exit ${RELAY_RC:-timeout}" "$(tail -n 5 "$TMP/relay.log")"
	fi
	servers_flushed_twice || fail reload-servers-flushed "a server stopped flushing"
	rl_snap 3
	for j in "${RL_SRV[@]}"; do rl_delta "$j" 0 1 && rl_delta "$j" 1 2 && rl_delta "$j" 2 3 && rl_delta "$j" 0 3; done

	# phase 1: exact on A and B, as statsd-relay-where places it under A,B
	out=$($PY "$HERE/e2e.py" check --where "$WHERE" --config "$RL/ab.ini" --servers "$RL/sh1.1.json,$RL/sh2.1.json" \
		--own-prefix e2e.rl. --ignore-prefix e2e.rl.ready. --expect "reload-phase1-on-a-b=$RL/sent1" 2>&1 |
		rl_prefix reload-phase1-)
	rl_tally reload-phase1-checker "$out"
	# C received nothing before the reload
	nc=$(rl_received "$RL/sh3.0-1.json")
	if [ "$nc" = 0 ]; then pass reload-c-nothing-before; else
		fail reload-c-nothing-before "C received $nc lines under A,B"
	fi
	# under traffic: every line by exactly one configuration (each series on its shard under
	# A,B or under A,C, its sum over the three servers exact), and the traffic spanned the switch
	out=$($PY "$HERE/e2e.py" totals --where "$WHERE" --servers "$RL/sh1.1-2.json,$RL/sh2.1-2.json,$RL/sh3.1-2.json" \
		--placement "$RL/ab.ini=$RL/sh1.1-2.json,$RL/sh2.1-2.json" \
		--placement "$RL/ac.ini=$RL/sh1.1-2.json,$RL/sh3.1-2.json" \
		--own-prefix e2e.rl. --expect "reload-under-traffic=$RL/sent-during" 2>&1)
	rl_tally reload-under-traffic-checker "$out"
	nb=$(rl_received "$RL/sh2.1-2.json")
	nc=$(rl_received "$RL/sh3.1-2.json")
	if [ "$nb" -gt 0 ] 2>/dev/null && [ "$nc" -gt 0 ] 2>/dev/null; then
		pass reload-traffic-spans-the-switch
		echo "    $(wc -l <"$RL/sent-during") lines sent; B received $nb before the switch, C $nc after"
	else
		fail reload-traffic-spans-the-switch \
			"B received ${nb:-?}, C ${nc:-?} lines of the traffic during the reload (want both > 0)"
	fi
	# phase 2: exact on A and C, as statsd-relay-where places it under A,C
	out=$($PY "$HERE/e2e.py" check --where "$WHERE" --config "$RL/ac.ini" --servers "$RL/sh1.2-3.json,$RL/sh3.2-3.json" \
		--own-prefix e2e.rl. --ignore-prefix e2e.rl.ready. --expect "reload-phase2-on-a-c=$RL/sent2" 2>&1 |
		rl_prefix reload-phase2-)
	rl_tally reload-phase2-checker "$out"
	nb=$(rl_received "$RL/sh2.2-3.json")
	if [ "$nb" = 0 ]; then pass reload-b-nothing-after; else
		fail reload-b-nothing-after "B received $nb lines under A,C"
	fi
	# over the whole run: every series' sum over the three servers is what was sent
	cat "$RL/sent1" "$RL/sent-during" "$RL/sent2" >"$RL/sent-all"
	out=$($PY "$HERE/e2e.py" totals --servers "$RL/sh1.0-3.json,$RL/sh2.0-3.json,$RL/sh3.0-3.json" \
		--own-prefix e2e.rl. --ignore-prefix e2e.rl.ready. --expect "reload-all-phases=$RL/sent-all" 2>&1)
	rl_tally reload-all-phases-checker "$out"

	# the relay's counters: balanced, B among removed_shards, each shard's figures what its
	# server received, the reload figures, the placement statsd-relay-where computes for A,C
	out=$($PY "$HERE/e2e.py" stats "$RELAY_STATS" 2 --max-no-neighbour "$PROBES_SENT" 2>&1 | rl_prefix reload-)
	rl_tally reload-stats-checker "$out"
	line=$(sed -n 's/.*reload applied, generation 2: \(.*\); ring fingerprint .*/\1/p' "$TMP/relay.log" | head -n 1)
	out=$($PY "$HERE/e2e.py" reload-stats "$RELAY_STATS" --want reloads=1 --want reload_failures=2 \
		--want config_generation=2 --want last_reload_outcome=applied --want "ring_fingerprint=$fp_ac" \
		--want "last_reload_reason=$line" --since "$t0" \
		--shard "${SH_ADDR[0]}:$PORT=$RL/sh1.0-3.json" --shard "${SH_ADDR[2]}:$PORT=$RL/sh3.0-3.json" \
		--removed "${SH_ADDR[1]}:$PORT=$RL/sh2.0-3.json" 2>&1)
	rl_tally reload-stats-reload-checker "$out"
	return 0
}
reload_case
RELAY_INI=$TMP/relay.ini
RELAY_STATS=$TMP/stats.json

ELAPSED=$((SECONDS - T_START))
if [ "$ELAPSED" -lt 180 ]; then pass "runtime-under-3-min"; else fail "runtime-under-3-min" "${ELAPSED}s"; fi
[ "$FAILED" -gt 0 ] && show_logs
main_stats=$TMP/stats.main.json; [ -f "$main_stats" ] || main_stats=$TMP/stats.json
echo "e2e: relay stats $(tr -d ' \n' <"$main_stats" 2>/dev/null | head -c 600)"
summary
[ "$FAILED" -eq 0 ]
