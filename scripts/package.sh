#!/usr/bin/env bash
# make package: builds the release .deb with the Tauri CLI (npm's
# @tauri-apps/cli, which ships its own binary; nothing is downloaded from
# outside the package registries), copies it to
# target/package/oauth-console_<version>_<arch>.deb and prints that path on
# stdout. Installs what is missing first (apt, npm). Idempotent: a second run
# only re-bundles.
#
# --debug (make test): the same package from the dev build the tests made
# (`tauri bundle`, no compiling), so the suite's .deb costs a bundling step,
# not a second, release build.
# Named oauth-console_<version>_<arch>-debug.deb.
set -euo pipefail
profile=release
if [ "${1:-}" = --debug ]; then profile=debug; fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/deps.sh package
# One packaging at a time in this checkout (test runs side by side share
# target/release and target/package).
mkdir -p target
exec 9>target/package.lock
flock 9
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$CARGO_HOME/bin:$PATH"

scripts/node-modules.sh

# `tauri build` runs `cargo build --release --features tauri/custom-protocol`
# (the release profile in Cargo.toml: LTO, size-optimised, stripped), then
# bundles. --ci: no prompts. Only the .deb: AppImage's bundler downloads tools.
if [ "$profile" = release ]; then
  echo "package: building the release app and its .deb (the first build takes 7-15 minutes)" >&2
  node_modules/.bin/tauri build --ci --bundles deb >&2
else
  echo "package: bundling the dev-profile app the tests built into a .deb" >&2
  node_modules/.bin/tauri bundle --ci --debug --bundles deb >&2
fi

version="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' tauri.conf.json | head -n1)"
arch="$(dpkg --print-architecture)"
built="target/$profile/bundle/deb/OAuth Console_${version}_${arch}.deb"
[ -f "$built" ] || { echo "package: the Tauri CLI made no $built" >&2; exit 1; }

# The CLI names the package after the product, kebab-cased ("o-auth-console")
# and the menu entry "OAuth Console.desktop". Rename both to oauth-console, as
# users type it (`apt install oauth-console`, `apt remove oauth-console`), and
# rebuild the archive with dpkg-deb (xz, root-owned files).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dpkg-deb --raw-extract "$built" "$work/deb"
sed -i 's/^Package: .*/Package: oauth-console/' "$work/deb/DEBIAN/control"
mv "$work/deb/usr/share/applications/OAuth Console.desktop" "$work/deb/usr/share/applications/oauth-console.desktop"
(cd "$work/deb" && find usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
mkdir -p target/package
deb="target/package/oauth-console_${version}_${arch}.deb"
if [ "$profile" = debug ]; then deb="target/package/oauth-console_${version}_${arch}-debug.deb"; fi
dpkg-deb --root-owner-group -Zxz --build "$work/deb" "$deb" >/dev/null
echo "package: $deb ($(du -h "$deb" | cut -f1), installs $(dpkg-deb -f "$deb" Installed-Size) KiB; needs $(dpkg-deb -f "$deb" Depends))" >&2
echo "$ROOT/$deb"
