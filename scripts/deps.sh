#!/usr/bin/env bash
# Installs the system packages OAuth Console needs on Debian 12 / Ubuntu, and
# only those that are missing: `deps.sh run` for building and running the app,
# `deps.sh test` for the test suite too (which also builds and installs the
# .deb), `deps.sh package` for `make package`, `deps.sh bench` for `make bench`,
# `deps.sh icons` for scripts/icons.sh. Uses sudo when not root. Idempotent.
set -euo pipefail

RUN_PKGS=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  libdbus-1-dev librsvg2-dev
  gnome-keyring libsecret-1-0
)
TEST_PKGS=(
  xvfb xauth fonts-dejavu-core dbus webkit2gtk-driver libsecret-tools
  python3 python3-venv imagemagick
  xclip
  openssl
)
# Every build bundles the window with esbuild, and the Tauri CLI (npm's
# @tauri-apps/cli) makes the .deb: Node.js and npm, from Debian unless they
# are on PATH already (NodeSource's nodejs carries npm and conflicts with
# Debian's npm package).
PACKAGE_PKGS=()
command -v node >/dev/null 2>&1 || PACKAGE_PKGS+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGE_PKGS+=(npm)
# The bench compares the app's token request with curl's and reads
# /proc/<pid>/smaps_rollup (procps: ps, to find the app's WebKit processes).
BENCH_PKGS=(curl procps)
ICON_PKGS=(librsvg2-bin imagemagick icnsutils)

case "${1:-run}" in
  run) wanted=("${RUN_PKGS[@]}" "${PACKAGE_PKGS[@]}") ;;
  test) wanted=("${RUN_PKGS[@]}" "${TEST_PKGS[@]}" "${PACKAGE_PKGS[@]}") ;;
  package) wanted=("${RUN_PKGS[@]}" "${PACKAGE_PKGS[@]}") ;;
  bench) wanted=("${RUN_PKGS[@]}" "${TEST_PKGS[@]}" "${PACKAGE_PKGS[@]}" "${BENCH_PKGS[@]}") ;;
  icons) wanted=("${ICON_PKGS[@]}") ;;
  *) echo "usage: $0 run|test|package|bench|icons" >&2; exit 2 ;;
esac

# No cargo on PATH: Debian 12 ships a recent enough Rust as rustc-web/cargo-web.
if ! command -v cargo >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
  wanted+=(rustc-web cargo-web)
fi

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
  echo "deps: installing ${missing[*]} (sudo may ask for your password)" >&2
else
  echo "deps: these packages are missing and neither root nor sudo is available: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${missing[*]}" >&2
