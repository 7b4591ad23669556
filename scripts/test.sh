#!/usr/bin/env bash
# make test: installs what the suite needs (apt packages, tauri-driver, the
# third-party test identity server), bundles the dev-profile app into a .deb
# (scripts/package.sh, for tests/package), starts Xvfb, a D-Bus session with an
# unlocked gnome-keyring and the identity server, runs every test with cargo,
# and stops what it started by PID. Extra arguments go to `cargo test`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/deps.sh test
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export PATH="$CARGO_HOME/bin:$PATH"
scripts/tools.sh
scripts/node-modules.sh
scripts/idp.sh install

# The window's pure helpers (URL and params, JSON folding and search, layout
# sizes), with Node's own test runner; a failure stops the run here.
echo "test: the window's helpers (node --test tests/ui/)" >&2
node --test tests/ui/*.test.js

echo "test: building (one dev profile for the app and every test)" >&2
# The empty reference window (crates/empty-window) is built by `make bench` only.
packages="${OC_TEST_PACKAGES:---workspace --exclude oauth-console-empty-window}"
cargo build --locked $packages --tests --bins

# The .deb for tests/package (installed, opened and removed again), bundled
# from the dev build above (package.sh --debug: no second, release build),
# when the whole suite runs or the arguments name the package test.
package_test=false
if [ $# -eq 0 ] && [ -z "${OC_TEST_PACKAGES:-}" ]; then package_test=true; fi
for arg in "$@"; do
  if [ "$arg" = package ]; then package_test=true; fi
done
if $package_test; then
  OC_PACKAGE_DEB="$(scripts/package.sh --debug)"
  export OC_PACKAGE_DEB
fi

xvfb_pid=""
test_home=""
cleanup() {
  if [ -n "${OC_IDP_STATE_DIR:-}" ]; then
    scripts/idp.sh stop >/dev/null 2>&1 || true
    rm -rf "$OC_IDP_STATE_DIR"
  fi
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  [ -n "$test_home" ] && rm -rf "$test_home"
  return 0
}
trap cleanup EXIT

# The third-party identity server (django-oauth-toolkit) on 127.0.0.1, with
# state of its own so that runs side by side never stop each other's server.
export OC_IDP_STATE_DIR="$ROOT/.cache/idp-run-$$"
eval "$(scripts/idp.sh start)"

# A virtual screen on the first free display number.
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
export DISPLAY=":$display" NO_AT_BRIDGE=1

# A fresh HOME: no keyring or app data from an earlier run (a keyring left
# locked with another password would open a prompt and hang the suite).
test_home="$(mktemp -d)"
export HOME="$test_home" XDG_CONFIG_HOME="$test_home/.config" XDG_DATA_HOME="$test_home/.local/share" \
  XDG_CACHE_HOME="$test_home/.cache" XDG_RUNTIME_DIR="$test_home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

scripts/test-session.sh cargo test --locked $packages --no-fail-fast "$@"
