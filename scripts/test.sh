#!/usr/bin/env bash
# make test: installs what the suite needs (apt packages, tauri-driver, the
# third-party test identity server), starts Xvfb, a D-Bus session with an
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
scripts/idp.sh install

echo "test: building (one dev profile for the app and every test)" >&2
cargo build --locked ${OC_TEST_PACKAGES:---workspace} --tests --bins

xvfb_pid=""
test_home=""
cleanup() {
  scripts/idp.sh stop >/dev/null 2>&1 || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  [ -n "$test_home" ] && rm -rf "$test_home"
  return 0
}
trap cleanup EXIT

# The third-party identity server (django-oauth-toolkit) on 127.0.0.1.
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

dbus-run-session -- scripts/test-session.sh cargo test --locked ${OC_TEST_PACKAGES:---workspace} --no-fail-fast "$@"
