#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the libFuzzer targets (clang, ASan + UBSan) and run each for a bounded
# time on a seed corpus made from the pcap fixtures.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      default 60
# A crash leaves its input in build-fuzz/crashes/ and fails the run; turn it
# into a unit test (tests/unit) before fixing it.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
CC=clang bash scripts/build.sh build-fuzz -Dfuzz=true -Dtests=false \
	-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized || exit 1
corpus=build-fuzz/corpus
python3 scripts/fuzz_corpus.py pcap "$corpus"
mkdir -p build-fuzz/crashes
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
pass=0
fail=0
for t in fuzz_line fuzz_packet; do
	log=build-fuzz/$t.log
	if build-fuzz/tests/fuzz/$t -max_total_time="$secs" -max_len=9000 -print_final_stats=1 \
		-artifact_prefix=build-fuzz/crashes/$t- "$corpus/$t" tests/fuzz/regressions/$t >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS $t: $(grep -E 'stat::(number_of_executed_units|average_exec_per_sec)' "$log" |
			awk '{printf "%s %s  ", $1, $2}')"
	else
		fail=$((fail + 1))
		echo "FAIL $t:"
		grep -E 'ERROR|Assertion|runtime error|SUMMARY' "$log" | head -n 5
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
