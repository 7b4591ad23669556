#!/usr/bin/env bash
# Installs the project's npm packages (package-lock.json) when they are
# missing or older than the lock: esbuild, which bundles the window's code at
# every cargo build (scripts/bundle-ui.mjs, run by src-tauri/build.rs), and
# the Tauri CLI, which makes the .deb; and oidc-provider, the RFC 8705 test
# server (tests/idp/mtls_provider.mjs). From the npm registry only. Needs Node.js
# and npm (scripts/deps.sh installs them). Idempotent and quiet when current.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# One install at a time in this checkout.
mkdir -p target
exec 8>target/node-modules.lock
flock 8
if [ ! -x node_modules/.bin/esbuild ] || ! node_modules/.bin/tauri --version >/dev/null 2>&1 \
  || [ ! -f node_modules/oidc-provider/package.json ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "node-modules: installing esbuild, the Tauri CLI and oidc-provider (npm install)" >&2
  # `npm install`, not `npm ci`: npm 11 rejects the lock over the CLI's
  # optional packages for other platforms.
  npm install --no-audit --no-fund --loglevel=error >&2
fi
