#!/usr/bin/env bash
# Installs the test tools that come from crates.io: tauri-driver 2.x (the
# WebDriver bridge to WebKitWebDriver). Idempotent.
set -euo pipefail
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
if ! cargo install --list 2>/dev/null | grep -q '^tauri-driver v2\.'; then
  echo "tools: installing tauri-driver 2.x" >&2
  # Pin ^2: without it cargo picks a 3.0 pre-release.
  cargo install tauri-driver --version '^2' --locked --quiet
fi
