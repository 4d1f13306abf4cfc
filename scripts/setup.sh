#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Idempotent set-up: installs every Debian package statsd-relay needs to build,
# run its demo and run its tests. Safe to run again; does nothing when all is there.
set -euo pipefail

PKGS=(
	# build
	build-essential meson ninja-build pkg-config libdpdk-dev dpdk libpcap-dev libcmocka-dev
	# tests: fuzzing/sanitizers, the format check, fixtures, namespaces, real clients
	clang libclang-rt-14-dev clang-format python3-scapy iproute2 ethtool iputils-ping netcat-openbsd
	python3-statsd
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
	echo "setup: installing ${missing[*]}"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all Debian packages present"
