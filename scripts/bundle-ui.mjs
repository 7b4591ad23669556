// Bundles the window (ui/) into target/ui-dist, which tauri.conf.json's
// frontendDist embeds in the app: ui/main.js with every module it imports as
// one script, ui/main.css with its @imports as one stylesheet, index.html and
// the icon copied. One request each instead of one per module: each asset is
// a round trip through the app's protocol handler on the main thread, and
// those made most of the window's start-up (make bench, cold start).
//
// Run by src-tauri/build.rs at every cargo build (and by hand: node
// scripts/bundle-ui.mjs). Whitespace and syntax minified, names kept: errors
// in the window keep readable names. Files are rewritten only when their content changes, so cargo does
// not rebuild for nothing.
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ui = join(root, "ui");
const dist = join(root, "target", "ui-dist");

function writeIfChanged(path, contents) {
  if (existsSync(path) && Buffer.compare(readFileSync(path), Buffer.from(contents)) === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
}

const result = await build({
  entryPoints: [join(ui, "main.js"), join(ui, "main.css")],
  bundle: true,
  format: "esm",
  target: "safari16",
  write: false,
  outdir: dist,
  logLevel: "warning",
  charset: "utf8",
  legalComments: "none",
  // Less for WebKit to read at start-up; names are kept, so errors in the
  // window stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
});
for (const file of result.outputFiles) writeIfChanged(file.path, file.contents);
for (const name of ["index.html", "icon.svg"]) {
  writeIfChanged(join(dist, name), readFileSync(join(ui, name)));
}
