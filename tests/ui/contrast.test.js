// The light and dark themes of ui/app.css pass WCAG AA: 4.5:1 for text,
// 3:1 for the borders of controls and the focus ring (ui/js/contrast.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { contrast, themeColours } from "../../ui/js/contrast.js";

const css = readFileSync(new URL("../../ui/app.css", import.meta.url), "utf8");
const light = themeColours(css, ":root");
const dark = { ...light, ...themeColours(css, ":root[data-theme=dark]") };

// [foreground, background, minimum ratio]
const PAIRS = [
  ["text", "bg", 4.5], ["text", "panel", 4.5],
  ["muted", "bg", 4.5], ["muted", "panel", 4.5],
  ["accent-text", "accent", 4.5], ["accent", "panel", 4.5],
  ["error-text", "error-bg", 4.5], ["error-text", "panel", 4.5],
  ["ok", "panel", 4.5], ["info", "panel", 4.5],
  ["warn-text", "warn-bg", 4.5], ["warn-text", "panel", 4.5],
  ["sandbox-text", "sandbox-bg", 4.5],
  ["control", "panel", 3], ["control", "bg", 3], ["accent", "bg", 3],
];

test("contrast is computed as WCAG defines it", () => {
  assert.equal(contrast("#000000", "#ffffff").toFixed(1), "21.0");
  assert.equal(contrast("#fff", "#fff"), 1);
  assert.equal(contrast("#767676", "#ffffff").toFixed(2), "4.54");
});

for (const [name, theme] of [["light", light], ["dark", dark]]) {
  test(`every text and control colour of the ${name} theme passes WCAG AA`, () => {
    for (const [fg, bg, min] of PAIRS) {
      assert.ok(theme[fg] && theme[bg], `--${fg} and --${bg} are defined in the ${name} theme`);
      const ratio = contrast(theme[fg], theme[bg]);
      assert.ok(ratio >= min, `--${fg} ${theme[fg]} on --${bg} ${theme[bg]}: ${ratio.toFixed(2)} < ${min}`);
    }
  });
}

test("the dark theme chosen in Settings and the system's dark theme use the same colours", () => {
  const media = css.slice(css.indexOf("@media (prefers-color-scheme: dark)"));
  assert.deepEqual(themeColours(media, ":root:not([data-theme=light])"), themeColours(css, ":root[data-theme=dark]"));
});
