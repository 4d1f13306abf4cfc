#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `meson install` into a temporary root: the binaries, the service's
# configuration, the systemd unit (checked by systemd-analyze verify where
# the machine has it) and the README, under the build's prefix.
#   tests/install/test_install.sh BUILD_DIR
set -uo pipefail
BUILD=$(realpath "${1:-build}")
DEST=$(mktemp -d)
trap 'rm -rf "$DEST"' EXIT
PASS=0
FAIL=0
check() { # NAME CMD...
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then PASS=$((PASS + 1)); echo "PASS install $name"; else
		FAIL=$((FAIL + 1)); echo "FAIL install $name"; fi
}
PREFIX=$(meson introspect "$BUILD" --buildoptions | /usr/bin/python3 -c \
	'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
SYSCONF=$(meson introspect "$BUILD" --buildoptions | /usr/bin/python3 -c \
	'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "sysconfdir"][0])')
case "$SYSCONF" in /*) ;; *) SYSCONF=$PREFIX/$SYSCONF ;; esac
check meson-install meson install -C "$BUILD" --destdir "$DEST" --no-rebuild
ROOT=$DEST$PREFIX
UNIT=$ROOT/lib/systemd/system/statsd-relay.service
check binary test -x "$ROOT/bin/statsd-relay"
check where-binary test -x "$ROOT/bin/statsd-relay-where"
check config test -f "$DEST$SYSCONF/statsd-relay/statsd-relay.ini"
check config-parses "$ROOT/bin/statsd-relay-where" --config "$DEST$SYSCONF/statsd-relay/statsd-relay.ini" -- 'a.b:1|c'
check unit test -f "$UNIT"
check unit-execstart grep -q "^ExecStart=$PREFIX/bin/statsd-relay .* -- --config $SYSCONF/statsd-relay/statsd-relay.ini" "$UNIT"
check unit-reload grep -q '^ExecReload=/bin/kill -HUP \$MAINPID' "$UNIT"
check unit-stop grep -q '^KillSignal=SIGTERM' "$UNIT"
check readme test -f "$ROOT/share/doc/statsd-relay/README.md"
if command -v systemd-analyze >/dev/null; then
	# the unit file's own lines (a syntax or value error names the file and line); the
	# temporary root has no systemd targets nor /bin/kill, which a real one has
	out=$(systemd-analyze verify --root="$DEST" "$UNIT" 2>&1 | grep -E 'statsd-relay\.service:[0-9]+:')
	if [ -z "$out" ]; then
		PASS=$((PASS + 1)); echo "PASS install systemd-analyze-verify"
	else
		FAIL=$((FAIL + 1)); echo "FAIL install systemd-analyze-verify: $out"
	fi
else
	echo "SKIP install systemd-analyze-verify: systemd-analyze not on this machine"
fi
echo "install: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
