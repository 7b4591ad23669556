#!/bin/sh
# A stand-in for the system browser in the device code's end-to-end test, run
# by the app as `$OAUTH_CONSOLE_BROWSER <Verification URL>`: at the built-in
# sandbox's /device page it enters the code (from the URL's `user_code`, as
# the page itself fills it in), signs in and approves, as a user would.
#
# The user is STAND_IN_USERNAME / STAND_IN_PASSWORD, by default the sandbox's
# own seeded user (shown on its sign-in page; valid only on this computer).
# Nothing is written anywhere; on failure a short reason goes to stderr.
set -eu

url="${1:?usage: stand_in_device_browser.sh <Verification URL with user_code>}"
username="${STAND_IN_USERNAME:-sandbox.invoker}"
password="${STAND_IN_PASSWORD:-sandbox-password}"
code="$(printf '%s' "$url" | sed -n 's/.*[?&]user_code=\([^&]*\).*/\1/p')"
if [ -z "$code" ]; then
  echo "stand-in device browser: no user_code in $url" >&2
  exit 1
fi
page="${url%%\?*}"

curl -sS --fail --max-time 10 -o /dev/null "$url"
curl -sS --fail --max-time 10 -o /dev/null \
  --data-urlencode "user_code=$code" \
  --data-urlencode "username=$username" \
  --data-urlencode "password=$password" \
  --data "action=approve" \
  "$page"
