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
# Then downstream health under traffic: a server process killed and restarted, a shard's
# link down and up (each detected and recovered within 5 s, its series moved and back, the
# lines lost counted), the same with --on-shard-down keep (nothing moves); and the relay's
# own metrics (--self-metrics-interval) summed over the servers equal to its stats JSON.
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

# relay_ini FILE [SKIP]: the relay's INI file, every shard in order (but shard index SKIP:
# the placement statsd-relay-where computes for the shards without it)
relay_ini() {
	local i
	{
		echo "; statsd-relay e2e"
		echo "[relay]"
		echo "listen = $R4/24:$PORT, [$R6]/64:$PORT"
		echo "allow = 198.18.0.0/25, 2001:db8::/64"
		echo "gateway = 198.18.0.254"
		echo "dialect = etsy"
		for i in "${!SH_NAMES[@]}"; do
			[ "$i" = "${2:-}" ] && continue
			echo
			echo "[shard ${SH_NAMES[$i]}]"
			if [ "${SH_FAM[$i]}" = 6 ]; then
				echo "address = [${SH_ADDR[$i]}]:$PORT"
			else
				echo "address = ${SH_ADDR[$i]}:$PORT"
			fi
		done
	} >"$1"
}

write_configs() {
	local i
	relay_ini "$TMP/relay.ini"
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

# server_start I: start shard I's server (its log appended); SRV_PID[I] is its PID
SRV_PID=()
server_start() {
	ip netns exec "$NSP-${SH_NAMES[$1]}" node "$STATSD" "$TMP/${SH_NAMES[$1]}.js" >>"$TMP/${SH_NAMES[$1]}.log" 2>&1 &
	SRV_PID[$1]=$!
	PIDS+=($!)
}
# forget_pid PID: PID ended (waited for): out of the list cleanup ends
forget_pid() {
	local keep=() p
	for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}
# server_kill I: shard I's server process dies (SIGKILL, by its PID: nothing flushed); its
# namespace stays up, so its kernel answers port unreachable
server_kill() {
	local pid=${SRV_PID[$1]}
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	forget_pid "$pid"
	SRV_PID[$1]=
}

start_servers() {
	local i deadline
	for i in "${!SH_NAMES[@]}"; do server_start "$i"; done
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
RELAY_CASE_ARGS=() # a case's own relay options
start_relay() {
	ip netns exec "$RNS" "$RELAY" --no-huge --no-pci -m 256 --file-prefix "$FILE_PREFIX" -l 0 \
		--log-level=error --vdev "$VDEV" -- \
		--config "$RELAY_INI" --stats-json "$RELAY_STATS" "${RELAY_CASE_ARGS[@]}" ${E2E_RELAY_ARGS:-} \
		>"$TMP/relay.log" 2>&1 &
	RELAY_PID=$!
	sleep 1.5
	kill -0 "$RELAY_PID" 2>/dev/null
}

stop_relay() { # [SIGNAL] (default TERM)
	local i
	[ -n "$RELAY_PID" ] || return 1
	kill -"${1:-TERM}" "$RELAY_PID" 2>/dev/null
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

# relay_up_and_forwarding CASE READY: the relay started, and probes named
# READY... seen at every server (SH_FILES); CASE-relay-start passes or fails.
relay_up_and_forwarding() {
	local c=$1 ready=$2
	if ! start_relay; then
		RELAY_PID=
		fail "$c-relay-start" "the relay exited at start:" "$(head -n 10 "$TMP/relay.log")"
		return 1
	fi
	if ! probe_until_seen "$RELAY_INI" "$ready" "${SH_FILES[@]}"; then
		fail "$c-relay-start" "probes ${PROBES[*]} did not all reach their servers"
		stop_relay
		return 1
	fi
	pass "$c-relay-start"
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

# ------------------------------------------------------------------ downstream health
# The relay's own health checks (default --health-interval 500, fall 3, rise 3) against the
# real servers, each case under a paced client (counter lines over 512 series, ~2500 lines/s,
# all for the main relay's five shards):
#   health-process-dead  shard X's server PROCESS is killed (its namespace stays up: its
#                        kernel answers port unreachable); X down within 5 s (the promise),
#                        its series to where a map without X sends them, every other series
#                        stays; the process restarted: X up within 5 s, its series back.
#                        The lines sent to X before the relay noticed are lost: counted
#                        exactly (the relay's figure for X minus what X counted = what the
#                        client sent minus what the servers counted), bounded by 5 s of X's
#                        share of the traffic; every other line counted exactly once.
#   health-link-down     shard Y's link is taken down in its namespace (echo unanswered);
#                        the same, with the link back up.
#   health-keep          --on-shard-down keep, the IPv6 shard's process killed (ICMPv6 port
#                        unreachable): down logged, nothing moves, lines_while_down counted.
# Each phase's server copies (before the failure, while down, after the recovery) are taken
# a second after the switch: two flushes of the servers, so a phase's deltas hold only
# lines the relay placed in that phase. The detection and recovery times are the wall
# clock from the failure (or the port open again, the link up) to the relay's log line
# (polled every 20 ms).
HL=$TMP/health
mkdir -p "$HL"
# shard_name I: shard I's name on the ring (its address: the INI sections name none)
shard_name() { if [ "${SH_FAM[$1]}" = 6 ]; then echo "[${SH_ADDR[$1]}]:$PORT"; else echo "${SH_ADDR[$1]}:$PORT"; fi; }
# hl_snap CASE TAG: every server's JSON copied to $HL/CASE.NAME.TAG.json
hl_snap() {
	local n
	for n in "${SH_NAMES[@]}"; do cp "$TMP/$n.json" "$HL/$1.$n.$2.json"; done
}
# hl_deltas CASE FROM TO [I=FILE]: the servers' deltas FROM-TO, as a comma list in shard
# order (server I's file replaced by FILE)
hl_deltas() {
	local c=$1 a=$2 b=$3 i list=
	for i in "${!SH_NAMES[@]}"; do
		$PY "$HERE/e2e.py" delta "$HL/$c.${SH_NAMES[$i]}.$a.json" "$HL/$c.${SH_NAMES[$i]}.$b.json" \
			"$HL/$c.${SH_NAMES[$i]}.$a-$b.json"
		if [ -n "${4:-}" ] && [ "$i" = "${4%%=*}" ]; then list+="${4#*=},"; else list+="$HL/$c.${SH_NAMES[$i]}.$a-$b.json,"; fi
	done
	echo "${list%,}"
}
# hl_wait_log TEXT N MAX_S: wait until N lines of the relay's log contain TEXT (polled every
# 20 ms, at most MAX_S s); HL_T is the wall clock then (EPOCHREALTIME)
hl_wait_log() {
	local end=$((${EPOCHREALTIME/./} + $3 * 1000000))
	while :; do
		if [ "$(grep -cF -- "$1" "$TMP/relay.log")" -ge "$2" ]; then
			HL_T=$EPOCHREALTIME
			return 0
		fi
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		sleep 0.02
	done
}
# hl_wait_port I MAX_S: wait until shard I's server listens again; HL_T: when
hl_wait_port() {
	local end=$((${EPOCHREALTIME/./} + $2 * 1000000))
	while :; do
		if [ -n "$(ip netns exec "$NSP-${SH_NAMES[$1]}" ss -Hlun "sport = :$PORT" 2>/dev/null)" ]; then
			HL_T=$EPOCHREALTIME
			return 0
		fi
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		sleep 0.02
	done
}
secs() { $PY -c 'import sys; print("%.2f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }
# tel_lines I: the lines the relay sent shard I so far (telemetry /statsd_relay/shards)
tel_lines() {
	$PY "$ROOT/scripts/relay_stats.py" --file-prefix "$FILE_PREFIX" /statsd_relay/shards 2>/dev/null |
		$PY -c 'import json, sys; print(json.load(sys.stdin)["/statsd_relay/shards"]["lines"][int(sys.argv[1])])' "$1" 2>/dev/null ||
		echo "?"
}
# jget FILE EXPR: a figure of a JSON file (EXPR on d, Python)
jget() { $PY -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null || echo "?"; }
le() { $PY -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' "$1" "$2" 2>/dev/null; }

# health_case NAME X ACTION MODE: ACTION kill (X's server process) or link (X's link down);
# MODE reshard (the default) or keep
health_case() {
	local c=$1 x=$2 action=$3 mode=$4 xn xname ns sender ok=1 out a d ld p t_fail t_down t_back t_up
	local t_open t0 t1 det rec recp lost_c lost_r relay_x counted xpre xpost m rate bound n_sent line placed=1
	xn=${SH_NAMES[$x]}
	xname=$(shard_name "$x")
	ns=$NSP-$xn
	RELAY_INI=$TMP/relay.ini
	RELAY_STATS=$HL/$c.stats.json
	RELAY_CASE_ARGS=()
	[ "$mode" = keep ] && RELAY_CASE_ARGS=(--on-shard-down keep)
	relay_ini "$HL/without-$xn.ini" "$x"
	$PY "$HERE/e2e.py" gen-series "e2e.$c" 500 150000 \
		--witness "$WHERE" "$RELAY_INI" "$HL/without-$xn.ini" "$x" 12 >"$HL/$c.lines"
	rm -f "$HL/$c.stop" "$HL/$c.sent"

	servers_flushed_twice
	hl_snap "$c" 0
	relay_up_and_forwarding "$c" "e2e.$c.ready" || return 1
	timeout 60 ip netns exec "$CLI" $PY "$HERE/e2e.py" big "$R4" "$PORT" "$HL/$c.lines" "$HL/$c.sent" \
		--split 1400 --pace 0.02 --until "$HL/$c.stop" &
	sender=$!
	PIDS+=("$sender")
	t0=$EPOCHREALTIME
	sleep 2

	# the failure
	hl_snap "$c" k
	a=$(tel_lines "$x")
	if [ "$action" = kill ]; then
		server_kill "$x"
		t_fail=$EPOCHREALTIME
		cp "$TMP/$xn.json" "$HL/$c.$xn.pre.json" # what X flushed before it died (its last file)
	else
		ip -n "$ns" link set eth0 down
		t_fail=$EPOCHREALTIME
	fi
	if hl_wait_log "shard $xname down: " 1 10; then
		t_down=$HL_T
		det=$(secs "$t_fail" "$t_down")
		line=$(grep -m1 -F "shard $xname down: " "$TMP/relay.log")
		if le "$det" 5; then pass "$c-down-within-5s"; else fail "$c-down-within-5s" "detected after ${det}s"; fi
		echo "    $xn ($xname) down ${det}s after its $([ "$action" = kill ] && echo "process was killed" || echo "link went down"): $line"
	else
		fail "$c-down-within-5s" "no 'shard $xname down' line 10 s after the failure" "$(tail -n 5 "$TMP/relay.log")"
		ok=0
		t_down=$EPOCHREALTIME
	fi
	if [ "$mode" = reshard ]; then
		if hl_wait_log "shards placed anew: " 1 3; then
			echo "    placed anew $(secs "$t_fail" "$HL_T")s after the failure: $(grep -m1 -F 'shards placed anew' "$TMP/relay.log")"
		else
			fail "$c-placed-anew" "no 'shards placed anew' line 3 s after the down" "$(tail -n 5 "$TMP/relay.log")"
			placed=0
		fi
	fi
	ld=$(tel_lines "$x") # X's lines once it was seen down (and, reshard, placed anew)
	sleep 1.2
	hl_snap "$c" 1
	sleep 1.5
	hl_snap "$c" 2
	d=$(tel_lines "$x")

	# the recovery
	if [ "$action" = kill ]; then
		server_start "$x"
		t_back=$EPOCHREALTIME
		hl_wait_port "$x" 10 || fail "$c-server-restarted" "$xn's server does not listen 10 s after its restart"
		t_open=$HL_T
	else
		ip -n "$ns" link set eth0 up
		t_back=$EPOCHREALTIME
		t_open=$t_back
	fi
	if hl_wait_log "shard $xname up: " 1 10; then
		t_up=$HL_T
		rec=$(secs "$t_open" "$t_up")
		recp=$(secs "$t_back" "$t_up")
		if le "$rec" 5; then pass "$c-up-within-5s"; else fail "$c-up-within-5s" "back after ${rec}s"; fi
		if [ "$action" = kill ]; then
			echo "    $xn up ${rec}s after its server listened again (${recp}s after its restart): $(grep -m1 -F "shard $xname up: " "$TMP/relay.log")"
		else
			echo "    $xn up ${rec}s after its link came up: $(grep -m1 -F "shard $xname up: " "$TMP/relay.log")"
		fi
	else
		fail "$c-up-within-5s" "no 'shard $xname up' line 10 s after the recovery" "$(tail -n 5 "$TMP/relay.log")"
		ok=0
	fi
	if [ "$mode" = reshard ]; then
		if hl_wait_log "shards placed anew: " 2 3; then
			[ "$placed" = 1 ] && pass "$c-placed-anew"
		else
			fail "$c-placed-anew" "no second 'shards placed anew' line 3 s after the up" "$(tail -n 5 "$TMP/relay.log")"
		fi
	elif [ "$(grep -c 'shards placed anew' "$TMP/relay.log")" = 0 ] &&
		grep -qF "shard $xname down: " "$TMP/relay.log" &&
		grep -F "shard $xname down: " "$TMP/relay.log" | grep -qF -- '--on-shard-down keep'; then
		pass "$c-nothing-placed-anew"
	else
		fail "$c-nothing-placed-anew" "want a down line naming --on-shard-down keep and no 'shards placed anew' line:" \
			"$(grep -E 'shard .* (down|up)|placed anew' "$TMP/relay.log" | head -n 4)"
	fi
	sleep 1.2
	hl_snap "$c" 3
	sleep 1.5
	touch "$HL/$c.stop"
	wait "$sender" || ok=0
	forget_pid "$sender"
	t1=$EPOCHREALTIME
	n_sent=$(wc -l <"$HL/$c.sent")
	# the client sent all along (stopped by us, not out of lines)
	if [ "$ok" = 1 ] && [ "$n_sent" -lt 150000 ]; then pass "$c-client-sent"; else
		fail "$c-client-sent" "the client failed, or ran out of lines ($n_sent sent), or a transition was missing"
	fi
	sleep 0.3
	if stop_relay; then pass "$c-relay-stops-cleanly"; else
		fail "$c-relay-stops-cleanly" "exit ${RELAY_RC:-timeout}" "$(tail -n 5 "$TMP/relay.log")"
	fi
	servers_flushed_twice || fail "$c-servers-flushed" "a server stopped flushing"
	hl_snap "$c" 4

	# each phase placed as the relay's state said: before (full map, X included), while X
	# was down (reshard: X's series where the map without X puts them, the others stay;
	# keep: the full map, nothing of X's elsewhere), after (full map again, X has series)
	local before during after whole ign=(--own-prefix "e2e.$c." --ignore-prefix "e2e.$c.ready.")
	if [ "$action" = kill ]; then
		$PY "$HERE/e2e.py" delta "$HL/$c.$xn.0.json" "$HL/$c.$xn.pre.json" "$HL/$c.$xn.0-pre.json"
		before=$(hl_deltas "$c" 0 k)
		during=$(hl_deltas "$c" 1 2)
		after=$(hl_deltas "$c" 3 4)
		whole=$(hl_deltas "$c" 0 4 "$x=$HL/$c.$xn.0-pre.json"),$HL/$c.$xn.4.json # X: its two lives
	else
		before=$(hl_deltas "$c" 0 k)
		during=$(hl_deltas "$c" 1 2)
		after=$(hl_deltas "$c" 3 4)
		whole=$(hl_deltas "$c" 0 4)
	fi
	out=$($PY "$HERE/e2e.py" placed "$c-before-on-the-full-map" --where "$WHERE" --config "$RELAY_INI" \
		--servers "$before" --want-on "$x" "${ign[@]}" 2>&1)
	rl_tally "$c-before-checker" "$out"
	if [ "$mode" = reshard ]; then
		out=$($PY "$HERE/e2e.py" placed "$c-while-down-moved-to-the-map-without-$xn" --where "$WHERE" \
			--config "$RELAY_INI" --down "$x" --without "$HL/without-$xn.ini" --want-moved --want-stayed \
			--servers "$during" "${ign[@]}" 2>&1)
	else
		out=$($PY "$HERE/e2e.py" placed "$c-while-down-nothing-moved" --where "$WHERE" --config "$RELAY_INI" \
			--servers "$during" "${ign[@]}" 2>&1)
	fi
	rl_tally "$c-during-checker" "$out"
	out=$($PY "$HERE/e2e.py" placed "$c-after-up-back-on-the-full-map" --where "$WHERE" --config "$RELAY_INI" \
		--servers "$after" --want-on "$x" "${ign[@]}" 2>&1)
	rl_tally "$c-after-checker" "$out"

	# the whole run: each series only where a placement of the run puts it, its sum over the
	# servers exact, but X's series', short by the lines X never counted (none over)
	local pl=() files
	IFS=, read -r -a files <<<"$whole"
	if [ "$action" = kill ]; then
		# X's two lives: its series may be on either file
		pl+=(--placement "$RELAY_INI=$(IFS=,; echo "${files[*]:0:5}")")
		local f2=("${files[@]:0:5}")
		f2[$x]=${files[5]}
		pl+=(--placement "$RELAY_INI=$(IFS=,; echo "${f2[*]}")")
	else
		pl+=(--placement "$RELAY_INI=$whole")
	fi
	if [ "$mode" = reshard ]; then
		local f3=("${files[@]:0:5}")
		unset "f3[$x]"
		pl+=(--placement "$HL/without-$xn.ini=$(IFS=,; echo "${f3[*]}")")
	fi
	out=$($PY "$HERE/e2e.py" totals --where "$WHERE" --servers "$whole" "${pl[@]}" \
		--may-lose "$RELAY_INI=$x" "${ign[@]}" --expect "$c=$HL/$c.sent" 2>&1)
	rl_tally "$c-totals-checker" "$out"
	read -r lost_c m <<<"$(sed -n 's/^    lost \([0-9]*\) of \([0-9]*\) lines$/\1 \2/p' <<<"$out")"

	# the lines lost: what the relay sent X minus what X counted, equal to what the client
	# sent minus what the servers counted (no line lost anywhere else)
	relay_x=$(jget "$RELAY_STATS" "d['shards'][$x]['lines']")
	if [ "$action" = kill ]; then
		xpre=$(jget "$HL/$c.$xn.0-pre.json" "int(d.get('internal', {}).get('statsd.metrics_received', 0))")
		xpost=$(jget "$HL/$c.$xn.4.json" "int(d.get('internal', {}).get('statsd.metrics_received', 0))")
		counted=$((xpre + xpost))
	else
		counted=$(jget "$HL/$c.$xn.0-4.json" "int(d.get('internal', {}).get('statsd.metrics_received', 0))")
		xpre=$counted
		xpost=0
	fi
	lost_r=$((relay_x - counted))
	rate=$($PY -c 'import sys; print("%.0f" % (float(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2]))))' \
		"${m:-0}" "$t0" "$t1" 2>/dev/null || echo 0)
	if [ -n "$lost_c" ] && [ "$lost_c" = "$lost_r" ]; then
		pass "$c-lost-lines-accounted"
	else
		fail "$c-lost-lines-accounted" "client sent - servers counted = ${lost_c:-?} lines of $xn's series;" \
			"the relay sent $xn $relay_x lines, $xn counted $counted: $lost_r"
	fi
	echo "    $xn's series: ${m:-?} lines sent by the client ($rate lines/s over $(secs "$t0" "$t1") s); the relay sent $xn $relay_x," \
		"$xn counted $counted$([ "$action" = kill ] && echo " ($xpre before its death, $xpost after its restart)"): ${lost_c:-?} lost"
	if [ "$action" = kill ]; then
		p=$xpre
		if [ "$mode" = reshard ]; then
			line="from the kill to the switch; $((d - ld)) after it"
		else
			line="from the kill to its restart; $((lost_c - d + p)) more from its restart until it listened"
		fi
		echo "    of which about $((a - p)) the relay had sent before the kill that $xn never flushed (received" \
			"unflushed, or still in its socket), $((d - a)) sent while $xn was dead ($line)"
	else
		echo "    of which about $((d - a)) sent from the link going down to the switch ($((d - ld)) after it)"
	fi
	if [ "$mode" = reshard ]; then
		# the lines sent to X after its failure and before the switch: at most 5 s of its share
		bound=$((rate * 5))
		if [ "$((d - a))" -le "$bound" ] 2>/dev/null && [ "$lost_c" -le "$((bound + rate))" ] 2>/dev/null; then
			pass "$c-lost-lines-bounded"
			echo "    $((d - a)) lines sent into the failure <= $bound (5 s of $xn's $rate lines/s); $lost_c lost in all"
		else
			fail "$c-lost-lines-bounded" "$((d - a)) lines sent into the failure, $lost_c lost in all" \
				"(want <= $bound, 5 s of $xn's $rate lines/s; in all <= $((bound + rate)))"
		fi
	fi

	# the relay's figures: X went down and up once (and why), nobody else moved; the shards
	# that stayed up: their lines and packets (+ the probes) what their servers received
	local hs=(--want "-.shards_down=0")
	for i in "${!SH_NAMES[@]}"; do
		if [ "$i" = "$x" ]; then
			hs+=(--want "$xname.state=up" --want "$xname.transitions=2" --min "$xname.probes_sent=1")
			if [ "$action" = kill ]; then hs+=(--min "$xname.unreachable=1"); else hs+=(--min "$xname.probes_lost=3"); fi
			if [ "$mode" = keep ]; then
				hs+=(--min "$xname.lines_while_down=$((d - ld > 1 ? d - ld : 1))" --max "$xname.lines_while_down=$((relay_x - a))")
			fi
		else
			hs+=(--want "$(shard_name "$i").transitions=0" --want "$(shard_name "$i").lines_while_down=0"
				--exact "$(shard_name "$i")=$HL/$c.${SH_NAMES[$i]}.0-4.json")
		fi
	done
	out=$($PY "$HERE/e2e.py" health-stats "$RELAY_STATS" "${hs[@]}" 2>&1 | sed -E "s/^(PASS|FAIL) health-/\\1 $c-/")
	rl_tally "$c-stats-checker" "$out"
	out=$($PY "$HERE/e2e.py" stats "$RELAY_STATS" "$N_SH" --max-no-neighbour "$PROBES_SENT" 2>&1 | rl_prefix "$c-")
	rl_tally "$c-stats-basic-checker" "$out"
	cp "$TMP/relay.log" "$HL/$c.relay.log" # for KEEP=1
	return 0
}
health_case health-process-dead 1 kill reshard
health_case health-link-down 2 link reshard
health_case health-keep 3 kill keep

# ------------------------------------------------------------------ self metrics
# --self-metrics-interval 1: the relay's counters moved since the last round, as StatsD
# lines sharded by its map like any line. Traffic of every kind for ~3.5 s (IPv4 and IPv6,
# a datagram the kernel fragments, a line the relay fragments, refused lines, an outsider,
# a client with bad checksums), then SIGINT: the last round goes out after the pollers
# stopped, so each statsd_relay.* counter summed over the servers and their flushes is the
# stats JSON's figure exactly. etsy statsd 0.9.0 folds a line's |#tags into its key
# (name;tag=value: statsd_relay.drops;reason=line_bad_value).
self_metrics_case() {
	local c=self-metrics out i sm=$HL/self-metrics
	RELAY_INI=$TMP/relay.ini
	RELAY_STATS=$HL/$c.stats.json
	RELAY_CASE_ARGS=(--self-metrics-interval 1)
	mkdir -p "$sm"
	servers_flushed_twice
	hl_snap "$c" 0
	relay_up_and_forwarding "$c" e2e.sm.ready || return 1
	local ok=1
	$PY "$HERE/e2e.py" gen-series e2e.sm 200 6000 >"$sm/paced.lines"
	$PY "$HERE/e2e.py" gen-big e2e.sm.big 8000 >"$sm/big.lines"
	printf 'e2e.sm.long%s:1|c\n' "$(head -c 4000 /dev/zero | tr '\0' 'L')" >"$sm/long.lines" # a line alone, fragmented
	timeout 20 ip netns exec "$CLI" $PY "$HERE/e2e.py" big "$R4" "$PORT" "$sm/paced.lines" "$sm/sent" \
		--split 1400 --pace 0.05 &
	local sender=$!
	PIDS+=("$sender")
	timeout 10 ip netns exec "$CLI" $PY "$HERE/e2e.py" big "$R4" "$PORT" "$sm/big.lines" "$sm/sent" || ok=0
	timeout 10 ip netns exec "$CLI" $PY "$HERE/e2e.py" big "$R6" "$PORT" "$sm/big.lines" "$sm/sent6" --ipv6 || ok=0
	timeout 10 ip netns exec "$CLI" $PY "$HERE/e2e.py" big "$R4" "$PORT" "$sm/long.lines" "$sm/long.sent" || ok=0
	printf '%s\n' 'e2e.sm.bad:x|c' 'e2e.sm.bad:-5|ms' | timeout 5 ip netns exec "$CLI" nc -4 -u -w 1 -q 0 "$R4" "$PORT" 2>/dev/null
	for i in 1 2; do
		echo "e2e.sm.outside:1|c" | timeout 5 ip netns exec "$OUT" nc -4 -u -w 1 -q 0 "$R4" "$PORT" 2>/dev/null
		echo "e2e.sm.lazy:1|c" | timeout 5 ip netns exec "$LAZY" nc -4 -u -w 1 -q 0 "$R4" "$PORT" 2>/dev/null
	done
	wait "$sender" || ok=0
	forget_pid "$sender"
	if [ "$ok" = 1 ]; then pass "$c-clients-sent"; else fail "$c-clients-sent" "a client failed or timed out"; fi
	sleep 0.5
	if stop_relay INT; then pass "$c-relay-stops-cleanly-on-sigint"; else
		fail "$c-relay-stops-cleanly-on-sigint" "exit ${RELAY_RC:-timeout}" "$(tail -n 5 "$TMP/relay.log")"
	fi
	servers_flushed_twice || fail "$c-servers-flushed" "a server stopped flushing"
	hl_snap "$c" 1
	local deltas
	deltas=$(hl_deltas "$c" 0 1)
	out=$($PY "$HERE/e2e.py" self-metrics "$RELAY_STATS" --servers "$deltas" --where "$WHERE" --config "$RELAY_INI" 2>&1)
	rl_tally "$c-checker" "$out"
	# the clients' lines as without self metrics: every series exact, on its shard
	cat "$sm/sent" "$sm/sent6" "$sm/long.sent" >"$sm/sent-all"
	out=$($PY "$HERE/e2e.py" totals --where "$WHERE" --servers "$deltas" --placement "$RELAY_INI=$deltas" \
		--own-prefix e2e.sm. --ignore-prefix e2e.sm.ready. --expect "$c-client-lines=$sm/sent-all" 2>&1)
	rl_tally "$c-totals-checker" "$out"
	out=$($PY "$HERE/e2e.py" stats "$RELAY_STATS" "$N_SH" --bad-value --not-allowed --bad-udp-checksum 2 \
		--max-no-neighbour "$PROBES_SENT" 2>&1 | rl_prefix "$c-")
	rl_tally "$c-stats-checker" "$out"
	cp "$TMP/relay.log" "$HL/$c.relay.log"
	return 0
}
self_metrics_case
RELAY_INI=$TMP/relay.ini
RELAY_STATS=$TMP/stats.json
RELAY_CASE_ARGS=()

ELAPSED=$((SECONDS - T_START))
if [ "$ELAPSED" -lt 180 ]; then pass "runtime-under-3-min"; else fail "runtime-under-3-min" "${ELAPSED}s"; fi
[ "$FAILED" -gt 0 ] && show_logs
main_stats=$TMP/stats.main.json; [ -f "$main_stats" ] || main_stats=$TMP/stats.json
echo "e2e: relay stats $(tr -d ' \n' <"$main_stats" 2>/dev/null | head -c 600)"
summary
[ "$FAILED" -eq 0 ]
