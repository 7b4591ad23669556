#!/usr/bin/env bash
# Regenerates every app icon from its one source, src-tauri/icons/icon.svg:
# the PNG sizes the Linux .deb installs (hicolor theme), icon.ico for Windows
# (MSI/NSIS and the .exe) and icon.icns for macOS. The generated files are
# committed, so building never needs these tools; run this after editing the
# SVG. Needs rsvg-convert (librsvg2-bin), ImageMagick's convert (imagemagick)
# and png2icns (icnsutils); `scripts/deps.sh icons` installs them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ICONS="$ROOT/src-tauri/icons"
SVG="$ICONS/icon.svg"

"$ROOT/scripts/deps.sh" icons
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A square PNG of $1 pixels, drawn from the SVG (not scaled from a bitmap).
png() { rsvg-convert --width "$1" --height "$1" --keep-aspect-ratio --format png "$SVG" --output "$2"; }

# Linux (.deb, window icon) and the sizes tauri.conf.json lists.
png 32 "$ICONS/32x32.png"
png 64 "$ICONS/64x64.png"
png 128 "$ICONS/128x128.png"
png 256 "$ICONS/128x128@2x.png"
png 512 "$ICONS/icon.png"

# Windows: one .ico with the sizes Explorer and the taskbar pick from.
ico_parts=()
for size in 16 24 32 48 64 256; do
  png "$size" "$work/ico-$size.png"
  ico_parts+=("$work/ico-$size.png")
done
convert "${ico_parts[@]}" "$ICONS/icon.ico"

# macOS: an .icns with the sizes png2icns knows (16 to 1024).
icns_parts=()
for size in 16 32 48 128 256 512 1024; do
  png "$size" "$work/icns-$size.png"
  icns_parts+=("$work/icns-$size.png")
done
png2icns "$ICONS/icon.icns" "${icns_parts[@]}" >/dev/null

echo "icons: regenerated $(cd "$ICONS" && ls -- *.png *.ico *.icns | tr '\n' ' ')" >&2
