#!/bin/sh
# Answers with the release's greeting, or with a 500 for ERROR_PERCENT of the requests (app.conf).
. "${APP_CONF:-/app/app.conf}"
if [ "${ERROR_PERCENT:-0}" -gt 0 ] && [ $((RANDOM % 100)) -lt "$ERROR_PERCENT" ]; then
  printf 'HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nerror: %s failed\n' "$GREETING"
  exit 0
fi
printf 'Content-Type: text/plain\r\n\r\n%s\n' "$GREETING"
