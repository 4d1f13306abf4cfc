# SPDX-License-Identifier: BSD-3-Clause
# Sourced by the replay scripts whose cases end in a Python checker
# (reload.sh, health.sh).
#
# tally_checker SUITE CASE LOG: the checker's "PASS SUITE x" / "FAIL SUITE x"
# lines (and their indented details) shown as CASE-x and added to PASSED and
# FAILED; a checker that did not reach its summary line ("check_SUITE: ...")
# fails CASE-checker.
tally_checker() {
	local suite=$1 name=$2 log=$3
	grep -E '^(PASS|FAIL|    )' "$log" | sed "s/^PASS $suite /PASS $suite $name-/;s/^FAIL $suite /FAIL $suite $name-/"
	PASSED=$((PASSED + $(grep -c '^PASS' "$log")))
	FAILED=$((FAILED + $(grep -c '^FAIL' "$log")))
	grep -q "^check_$suite: " "$log" || {
		echo "FAIL $suite $name-checker"
		tail -n 5 "$log" | sed 's/^/    /'
		FAILED=$((FAILED + 1))
	}
}
