#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install the test peers (etsy statsd, hashring) from the npm registry with the
# machine's own npm, at the versions package-lock.json pins. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f node_modules/.sr-installed ] && [ node_modules/.sr-installed -nt package-lock.json ]; then
	exit 0
fi
command -v npm >/dev/null || { echo "peers: npm not found (Node.js's own npm is needed)" >&2; exit 1; }
# --ignore-scripts: statsd's optional native syslog module is not needed
npm ci --ignore-scripts --no-audit --no-fund >/dev/null
touch node_modules/.sr-installed
