#!/bin/sh
# Unit test of the handler: a normal answer carries the greeting and the version; a failure is a 500.
set -eu
dir="${TMPDIR:-/tmp}/my-app-test.$$"
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
printf 'GREETING="hi"\nERROR_PERCENT=0\n' >"$dir/ok.conf"
out=$(APP_CONF="$dir/ok.conf" APP_VERSION=test sh www/cgi-bin/index.cgi)
echo "$out" | grep -q 'X-App-Version: test' || { echo "FAIL: no version header in: $out"; exit 1; }
echo "$out" | grep -q 'hi from test' || { echo "FAIL: no greeting in: $out"; exit 1; }
printf 'GREETING="hi"\nERROR_PERCENT=100\n' >"$dir/fail.conf"
out=$(APP_CONF="$dir/fail.conf" APP_VERSION=test sh www/cgi-bin/index.cgi)
echo "$out" | grep -q '500 Internal Server Error' || { echo "FAIL: expected a 500, got: $out"; exit 1; }
. ./app.conf
[ -n "$GREETING" ] || { echo "FAIL: app.conf sets no GREETING"; exit 1; }
echo "ok: the handler answers with its version, and fails as told"
