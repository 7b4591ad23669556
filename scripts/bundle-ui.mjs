// Bundles the window (ui/) into target/ui-dist, which tauri.conf.json's
// frontendDist embeds in the app: ui/main.js with every module it imports as
// one script and ui/main.css with its @imports as one stylesheet, both
// written inline into index.html, and the icon copied. One document, no
// subresource before the first paint: each file the page loads is a round
// trip through the app's protocol handler on the main thread, and those
// made most of the window's start-up (make bench, cold start: inlining the
// two files took the page from HTML received to its script running from
// 63 to 39 ms). The Content-Security-Policy stays without 'unsafe-inline':
// Tauri's build adds the inline script's SHA-256 and a nonce for the style.
//
// Run by src-tauri/build.rs at every cargo build (and by hand: node
// scripts/bundle-ui.mjs). Whitespace and syntax minified, names kept: errors
// in the window keep readable names. Files are rewritten only when their
// content changes, so cargo does not rebuild for nothing.
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
const output = (extension) => result.outputFiles.find((file) => file.path.endsWith(extension)).text;
const script = output(".js");
const style = output(".css");
// Text that would end the inline element early (or, for a script, switch the
// HTML parser into its escaped states) is refused rather than shipped broken.
for (const [text, element, forbidden] of [
  [script, "script", /<\/script|<!--/i],
  [style, "style", /<\/style/i],
]) {
  const found = text.match(forbidden);
  if (found) throw new Error(`the bundled ${element} contains "${found[0]}", which cannot be inlined in index.html`);
}
const page = readFileSync(join(ui, "index.html"), "utf8");
const inlined = page
  .replace('<link rel="stylesheet" href="main.css">', () => `<style>${style}</style>`)
  .replace('<script type="module" src="main.js"></script>', () => `<script type="module">${script}</script>`);
if (inlined.includes('href="main.css"') || inlined.includes('src="main.js"') || !inlined.includes("<style>")) {
  throw new Error("ui/index.html no longer has the <link> and <script> lines bundle-ui.mjs replaces");
}
writeIfChanged(join(dist, "index.html"), inlined);
writeIfChanged(join(dist, "icon.svg"), readFileSync(join(ui, "icon.svg")));
// Left by builds before the two files were inlined.
for (const name of ["main.js", "main.css"]) rmSync(join(dist, name), { force: true });
