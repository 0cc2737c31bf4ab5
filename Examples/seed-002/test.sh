#!/bin/sh
# Unit test of the handler: it answers with the configured greeting, and fails as often as it is told to.
set -eu
dir="${TMPDIR:-/tmp}/qwik-node-app-test.$$"
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
printf 'GREETING="hi"\nERROR_PERCENT=0\n' >"$dir/ok.conf"
out=$(APP_CONF="$dir/ok.conf" sh www/cgi-bin/index.cgi)
echo "$out" | grep -q '^hi' || { echo "FAIL: no greeting in: $out"; exit 1; }
printf 'GREETING="hi"\nERROR_PERCENT=100\n' >"$dir/fail.conf"
out=$(APP_CONF="$dir/fail.conf" sh www/cgi-bin/index.cgi)
echo "$out" | grep -q '500 Internal Server Error' || { echo "FAIL: expected a 500, got: $out"; exit 1; }
. ./app.conf
[ -n "$GREETING" ] || { echo "FAIL: app.conf sets no GREETING"; exit 1; }
echo "ok: the handler answers with its greeting, and fails as told"
