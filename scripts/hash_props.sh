#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Print the measured properties of every hash mode: balance, disruption on
# adding/removing a shard, lookup cost in cycles per key.
#   scripts/hash_props.sh [KEYS]       default 10000000 (about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
bash scripts/build.sh build-release -Dbuildtype=release -Dtests=false >/dev/null
build-release/tests/bench/hash_props -k "${1:-10000000}"
