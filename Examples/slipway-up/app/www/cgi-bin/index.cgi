#!/bin/sh
# Answers with a greeting and the version that served it (X-App-Version), or with a 500 for ERROR_PERCENT
# of the requests.
. "${APP_CONF:-/etc/my-app/app.conf}"
version="${APP_VERSION:-dev}"
if [ "${ERROR_PERCENT:-0}" -gt 0 ] && [ $((RANDOM % 100)) -lt "$ERROR_PERCENT" ]; then
  printf 'HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nX-App-Version: %s\r\n\r\nerror: something went wrong\n' "$version"
  exit 0
fi
printf 'Content-Type: text/plain\r\nX-App-Version: %s\r\n\r\n%s from %s (%s)\n' "$version" "$GREETING" "$version" "${HOSTNAME:-?}"
