#!/bin/sh
# A stand-in for the system browser in the end-to-end tests, run by the app
# as `$OAUTH_CONSOLE_BROWSER <authorize URL>`: it signs in on the built-in
# sandbox's sign-in page over HTTP, as a user would in a browser, and follows
# the redirect to the app's loopback listener.
#
#   stand_in_browser.sh <authorize URL>                   sign in, follow the redirect
#   stand_in_browser.sh --print-redirect <authorize URL>  sign in, print the redirect
#
# The user is STAND_IN_USERNAME / STAND_IN_PASSWORD, by default the sandbox's
# own seeded user (shown on its sign-in page; valid only on this computer).
# Nothing is written anywhere; on failure a short reason goes to stderr.
set -eu

follow=true
if [ "${1:-}" = "--print-redirect" ]; then
  follow=false
  shift
fi
url="${1:?usage: stand_in_browser.sh [--print-redirect] <authorize URL>}"
username="${STAND_IN_USERNAME:-sandbox.invoker}"
password="${STAND_IN_PASSWORD:-sandbox-password}"
origin="$(printf '%s' "$url" | sed -E 's#^(https?://[^/]+).*#\1#')"

# The sign-in page: its form carries the sign-in under way as a hidden `txn`.
page="$(curl -sS --fail --max-time 10 "$url")"
txn="$(printf '%s' "$page" | sed -n 's/.*name="txn" value="\([^"]*\)".*/\1/p')"
if [ -z "$txn" ]; then
  echo "stand-in browser: no sign-in form at the authorize URL" >&2
  exit 1
fi

# Sign In: the identity domain answers with a redirect to the Callback URL.
location="$(curl -sS --max-time 10 -o /dev/null -D - \
  --data-urlencode "txn=$txn" \
  --data-urlencode "username=$username" \
  --data-urlencode "password=$password" \
  --data "action=sign-in" \
  "$origin/oauth2/v1/authorize" | sed -n 's/^[Ll]ocation: *//p' | tr -d '\r')"
if [ -z "$location" ]; then
  echo "stand-in browser: the sign-in did not redirect (wrong user or password?)" >&2
  exit 1
fi

if $follow; then
  curl -sS --fail --max-time 10 -o /dev/null "$location"
else
  printf '%s\n' "$location"
fi
