#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Compatibility modes against their reference: --hash statsd-proxy against the
# real npm hashring that etsy statsd's proxy.js uses, with proxy.js's own ring
# arguments, for 10,000 keys and 1..16 nodes (some named by host name, as
# proxy.js configs often are); statsrelay and carbon-jump against their
# projects' published test vectors.
#   tests/compat/run_compat.sh BUILD_DIR
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(realpath "${1:-build}")
WHERE=$BUILD/app/statsd-relay-where
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "PASS $1"; }
ko() { FAIL=$((FAIL + 1)); echo "FAIL $1"; }

# the npm packages, installed outside the source tree (build/peers, or SR_PEERS_DIR)
PEERS=$(bash "$HERE/../peers/install.sh") || { echo "FAIL peers: npm install"; echo "compat: 0 passed, 1 failed"; exit 1; }

# 10,000 keys: dotted names, influx tags, UTF-8, long and short ones
/usr/bin/python3 - "$TMP/keys" <<'PY'
import random, sys
r = random.Random(20261125)
words = ['api', 'http', 'request', 'duration', 'db', 'query', 'cache', 'hit', 'miss', 'kafka',
         'lag', 'users', 'temp', 'cpu', 'load', 'mem', 'gc', 'pause', 'queue', 'depth', 'ß', 'é']
keys = set()
while len(keys) < 10000:
    k = '.'.join(r.choice(words) for _ in range(r.randint(1, 6)))
    if r.random() < 0.3:
        k += ',host=web%d,dc=%s' % (r.randint(1, 300), r.choice(['fra', 'ams', 'iad']))
    if r.random() < 0.05:
        k += '.' + 'x' * r.randint(50, 200)
    keys.add(k)
open(sys.argv[1], 'w', encoding='utf-8').write('\n'.join(sorted(keys)) + '\n')
PY

for n in $(seq 1 16); do
	flags=()
	nodes=()
	for i in $(seq 1 "$n"); do
		addr="198.18.1.$i:$((8125 + i))"
		if [ $((n % 3)) -eq 0 ]; then # proxy.js configured with host names
			name="statsd-$i.example.net:8125"
			flags+=(--shard "$addr,name=$name")
			nodes+=("$name")
		else
			flags+=(--shard "$addr")
			nodes+=("$addr")
		fi
	done
	list=$(IFS=,; echo "${nodes[*]}")
	awk -v n="$n" -v l="$list" '{print n "\t" l "\t" $0}' "$TMP/keys" | node "$HERE/proxy_ring.js" "$PEERS" |
		awk -F'\t' '{print $3}' >"$TMP/want.$n"
	sed 's/$/:1|c/' "$TMP/keys" | "$WHERE" --hash statsd-proxy "${flags[@]}" |
		awk -F'\t' '{print $2}' >"$TMP/got.$n"
	if [ "$n" -eq 1 ] || [ $((n % 3)) -ne 0 ]; then
		cp "$TMP/got.$n" "$TMP/gotnames.$n"
	else # map addresses back to the names the ring used
		paste -d'\t' <(for i in $(seq 1 "$n"); do echo "198.18.1.$i:$((8125 + i))"; done) \
			<(printf '%s\n' "${nodes[@]}") >"$TMP/names.$n"
		awk -F'\t' 'NR==FNR {m[$1]=$2; next} {print m[$1]}' "$TMP/names.$n" "$TMP/got.$n" >"$TMP/gotnames.$n"
	fi
	lines=$(wc -l <"$TMP/want.$n")
	diffs=$(paste "$TMP/want.$n" "$TMP/gotnames.$n" | awk -F'\t' '$1 != $2' | wc -l)
	if [ "$lines" -eq 10000 ] && [ "$diffs" -eq 0 ]; then
		ok "statsd-proxy n=$n: 10000 keys, same node as hashring"
	else
		ko "statsd-proxy n=$n: $diffs of $lines keys differ"
		paste "$TMP/keys" "$TMP/want.$n" "$TMP/gotnames.$n" | awk -F'\t' '$2 != $3' | head -n 3
	fi
done

# statsrelay: its own test_hashring.c vectors (4 shards)
got=$(printf '%s\n' 'apple:1|c' 'banana:1|c' 'orange:1|c' 'lemon:1|c' |
	"$WHERE" --hash statsrelay --shard 198.18.1.1:9000 --shard 198.18.1.1:9000 \
		--shard 198.18.1.2:9001 --shard 198.18.1.2:9001 | cut -f1 | tr '\n' ' ')
[ "$got" = "shard 2 shard 3 shard 0 shard 1 " ] && ok "statsrelay vectors" || ko "statsrelay vectors: $got"

# carbon-jump: jjneely/statsrelay jump_test.go (45 nodes)
s45=()
for i in $(seq 1 45); do s45+=(--shard "198.18.2.$i:2003"); done
got=$(printf '%s\n' 'foobar:1|c' 'suebob.foo.honey.i.shrunk.the.kids:1|c' \
	'5min.prod.dc06.graphite-web006-g6.kernel.net.netfilter.nf_conntrack_max:1|c' |
	"$WHERE" --hash carbon-jump "${s45[@]}" | cut -f1 | tr '\n' ' ')
[ "$got" = "shard 33 shard 38 shard 4 " ] && ok "carbon-jump vectors" || ko "carbon-jump vectors: $got"

echo "compat: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
