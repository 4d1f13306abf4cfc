#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every .c/.h under app/, lib/ and tests/ is as clang-format (.clang-format at
# the root) writes it. Prints the files that differ; ends with one line
# "format: N passed, N failed" (one check over the tree). Fix with:
#   clang-format -i --style=file $(git ls-files 'app/*.[ch]' 'lib/*.[ch]' 'tests/*.[ch]')
set -uo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format: clang-format not found"; echo "format: 0 passed, 1 failed"; exit 1; }
n=0
bad=0
while IFS= read -r f; do
	n=$((n + 1))
	if ! clang-format --dry-run -Werror --style=file "$f" >/dev/null 2>&1; then
		bad=$((bad + 1))
		echo "FAIL format $f"
		clang-format --dry-run --style=file "$f" 2>&1 | head -n 6
	fi
done < <(git ls-files --cached --others --exclude-standard 'app/*.[ch]' 'lib/*.[ch]' 'tests/*.[ch]')
echo "format: $n files, $bad not formatted"
if [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]; then
	echo "format: 1 passed, 0 failed"
else
	echo "format: 0 passed, 1 failed"
	exit 1
fi
