#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every test: installs what is missing, checks the C formatting, builds (plain
# and ASan+UBSan), runs the unit tests in both builds, the CLI, pcap replay,
# compatibility and end-to-end tests, each fuzzer briefly (FUZZ_SECONDS,
# default 30), then prints one line "N passed, N failed" over all suites.
# Exits non-zero on a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

PASSED=0
FAILED=0
FAILED_SUITES=()

# count SUITE PASSED FAILED
count() {
	PASSED=$((PASSED + $2))
	FAILED=$((FAILED + $3))
	if [ "$3" -ne 0 ]; then FAILED_SUITES+=("$1"); fi
	echo "== $1: $2 passed, $3 failed"
}

# meson_suite NAME BUILD_DIR: one count per unit test executable
meson_suite() {
	local name=$1 dir=$2 log=$2/meson-logs/testlog.json ok fail
	meson test -C "$dir" --suite unit --print-errorlogs >"$dir/unit.out" 2>&1
	tail -n 12 "$dir/unit.out"
	ok=$(grep -c '"result": "OK"' "$log" 2>/dev/null) || ok=0
	fail=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" 2>/dev/null) || fail=0
	if [ $((ok + fail)) -eq 0 ]; then fail=1; fi
	count "$name" "$ok" "$fail"
}

# replay_like NAME CMD...: a script that ends with "<name>: N passed, N failed"
script_suite() {
	local name=$1 out line p f
	shift
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
	f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
	if [ -z "$line" ]; then p=0; f=1; fi
	rm -f "$out"
	count "$name" "$p" "$f"
}

bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

script_suite format bash scripts/check_format.sh

if bash scripts/build.sh build -Dtests=true; then
	meson_suite unit build
	script_suite cli bash tests/cli/test_cli.sh build
	script_suite replay bash tests/replay/run_replay.sh build
	script_suite two-armed bash tests/replay/two_armed.sh build
	script_suite fleet bash tests/replay/fleet.sh build
	script_suite reload bash tests/replay/reload.sh build
	script_suite health bash tests/replay/health.sh build
	script_suite install bash tests/install/test_install.sh build
	script_suite compat bash tests/compat/run_compat.sh build
	script_suite e2e bash tests/e2e/run_e2e.sh build
	script_suite e2e-af_xdp env E2E_VDEV=net_af_xdp0,iface=r0 bash tests/e2e/run_e2e.sh build
else
	count build 0 1
fi

if CC=clang bash scripts/build.sh build-asan -Dtests=true -Db_sanitize=address,undefined \
	-Db_lundef=false -Dbuildtype=debug; then
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	meson_suite unit-asan build-asan
else
	count build-asan 0 1
fi

script_suite fuzz bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"

echo
if [ ${#FAILED_SUITES[@]} -ne 0 ]; then echo "failed suites: ${FAILED_SUITES[*]}"; fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
