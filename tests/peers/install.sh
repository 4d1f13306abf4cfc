#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install the test peers (etsy statsd, hashring) from the npm registry with the
# machine's own npm, at the versions package-lock.json pins. package.json and
# package-lock.json here are the source of truth; the packages themselves are
# third-party files and are installed outside the source tree, in
#   build/peers/node_modules        (SR_PEERS_DIR overrides build/peers)
# Idempotent: nothing is done while the install folder holds the same two files
# and the stamp of a finished install. Prints the node_modules folder's path.
#   tests/peers/install.sh
set -euo pipefail
SRC=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SRC/../.." && pwd)
DEST=$(realpath -m "${SR_PEERS_DIR:-$ROOT/build/peers}")
STAMP=$DEST/node_modules/.sr-installed

if ! { [ -f "$STAMP" ] && cmp -s "$SRC/package.json" "$DEST/package.json" &&
	cmp -s "$SRC/package-lock.json" "$DEST/package-lock.json"; }; then
	command -v npm >/dev/null || { echo "peers: npm not found (Node.js's own npm is needed)" >&2; exit 1; }
	mkdir -p "$DEST"
	rm -f "$STAMP"
	cp "$SRC/package.json" "$SRC/package-lock.json" "$DEST/"
	# --ignore-scripts: statsd's optional native syslog module is not needed
	(cd "$DEST" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
	touch "$STAMP"
fi
echo "$DEST/node_modules"
