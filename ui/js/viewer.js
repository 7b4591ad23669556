// A virtualised text viewer: only the lines in view are in the DOM, so a
// 20 MB JSON body scrolls as smoothly as a small one. JSON (pretty-printed
// by the core) gets fold markers on `{` and `[` lines, and a search.

import { el } from "./dom.js";
import { findMatches, matchBrackets, nextMatch } from "./folding.js";

const LINE_HEIGHT = 18;
const OVERSCAN = 30;

export class TextViewer {
  constructor(root) {
    this.root = root;
    this.scroller = el("div", { class: "viewer-scroll", tabindex: "0", role: "region", "aria-label": "Response body" });
    this.spacer = el("div", { class: "viewer-spacer" });
    this.rows = el("div", { class: "viewer-rows" });
    this.spacer.append(this.rows);
    this.scroller.append(this.spacer);
    root.replaceChildren(this.scroller);
    this.scroller.addEventListener("scroll", () => this.render());
    this.rows.addEventListener("click", (event) => {
      const marker = event.target.closest(".fold");
      if (marker) this.toggle(Number(marker.dataset.line));
    });
    // Empty until the first response, without asking for the page's layout
    // (render() reads the scroller's size, which would lay the page out
    // while the window is still starting).
    this.load("", false);
    this.paint(0, 400);
  }

  /** Shows `text`; with `foldable`, `{`/`[` lines can be folded. */
  setText(text, foldable) {
    this.load(text, foldable);
    this.scroller.scrollTop = 0;
    this.render();
  }

  /** `text` as the viewer's lines, nothing folded or found, not drawn yet. */
  load(text, foldable) {
    this.lines = text.split("\n");
    this.closing = foldable ? matchBrackets(this.lines) : null;
    this.folded = new Set();
    this.highlight = -1;
    this.recompute();
  }

  get text() {
    return this.lines.join("\n");
  }

  recompute() {
    const visible = new Int32Array(this.lines.length);
    let count = 0;
    for (let i = 0; i < this.lines.length; i++) {
      visible[count++] = i;
      if (this.folded.has(i)) i = this.closing[i] - 1; // show the closing line
    }
    this.visible = visible.subarray(0, count);
    this.spacer.style.height = `${count * LINE_HEIGHT}px`;
  }

  toggle(line) {
    if (!this.closing || this.closing[line] <= line) return;
    if (this.folded.has(line)) this.folded.delete(line);
    else this.folded.add(line);
    this.recompute();
    this.render();
  }

  render() {
    this.paint(this.scroller.scrollTop, this.scroller.clientHeight || 400);
  }

  /** The rows in view when the scroller is at `top` and `height` tall. */
  paint(top, height) {
    const first = Math.max(0, Math.floor(top / LINE_HEIGHT) - OVERSCAN);
    const last = Math.min(this.visible.length, Math.ceil((top + height) / LINE_HEIGHT) + OVERSCAN);
    const width = String(this.lines.length).length;
    const fragment = document.createDocumentFragment();
    for (let v = first; v < last; v++) {
      const i = this.visible[v];
      const foldable = this.closing && this.closing[i] > i;
      const row = el("div", { class: i === this.highlight ? "viewer-line hit" : "viewer-line" },
        el("span", { class: "ln", text: String(i + 1).padStart(width) }),
        foldable
          ? el("button", { class: "fold", type: "button", "data-line": String(i), "aria-label": this.folded.has(i) ? "Unfold" : "Fold", text: this.folded.has(i) ? "▸" : "▾" })
          : el("span", { class: "fold-space" }),
        el("span", { class: "code", text: this.folded.has(i) ? `${this.lines[i]} … ` : this.lines[i] }));
      row.style.top = `${v * LINE_HEIGHT}px`;
      fragment.append(row);
    }
    this.rows.replaceChildren(fragment);
  }

  /** Finds the next line after the current hit containing `query`; unfolds to show it. */
  find(query, backwards = false) {
    const matches = findMatches(this.lines, query);
    if (matches.length === 0) return { index: -1, total: 0 };
    const pick = nextMatch(matches, this.highlight, backwards);
    if (this.folded.size) {
      this.folded.clear();
      this.recompute();
    }
    this.highlight = pick;
    const v = this.visible.indexOf(pick);
    this.scroller.scrollTop = Math.max(0, v * LINE_HEIGHT - this.scroller.clientHeight / 3);
    this.render();
    return { index: matches.indexOf(pick), total: matches.length };
  }
}
