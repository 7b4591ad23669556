#!/usr/bin/env bash
# make run: installs what is missing, builds the app and opens its window.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/deps.sh run
scripts/node-modules.sh
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$CARGO_HOME/bin:$PATH"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no desktop session (DISPLAY and WAYLAND_DISPLAY are unset); the app was built but needs a screen to open." >&2
  cargo build --locked
  exit 1
fi
exec cargo run --locked --bin oauth-console
