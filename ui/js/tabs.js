// The ARIA tabs pattern for every tab list of the window (the request's
// Params/Authorization/Headers/Body/Settings, the response's Body/Headers/
// Redirects): one selected tab in the Tab order (roving tabindex), arrow
// keys, Home and End move between tabs and select them, each panel labelled
// by its tab.

import { $ } from "./dom.js";

const listeners = new WeakMap();

function tabsOf(list) {
  return [...list.querySelectorAll("[role=tab]")];
}

/** Selects `tab` in its list and shows its panel; `focus` moves focus to it. */
export function selectTab(tab, { focus = false } = {}) {
  const list = tab.closest("[role=tablist]");
  for (const other of tabsOf(list)) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    const panel = $(other.getAttribute("aria-controls"));
    if (panel) panel.hidden = !selected;
  }
  if (focus) tab.focus();
  listeners.get(list)?.(tab);
}

/** The tab that shows the panel `panelId`, e.g. selectPanel("tab-auth"). */
export function selectPanel(panelId, options) {
  const tab = document.querySelector(`[role=tab][aria-controls="${panelId}"]`);
  if (tab) selectTab(tab, options);
}

/** Wires a tab list; `onSelect(tab)` runs after each selection. */
export function wireTabs(list, onSelect) {
  if (onSelect) listeners.set(list, onSelect);
  const tabs = tabsOf(list);
  tabs.forEach((tab, index) => {
    if (!tab.id) tab.id = `${list.id}-tab-${index}`;
    const panel = $(tab.getAttribute("aria-controls"));
    if (panel) panel.setAttribute("aria-labelledby", tab.id);
    tab.tabIndex = tab.getAttribute("aria-selected") === "true" ? 0 : -1;
    tab.addEventListener("click", () => selectTab(tab));
  });
  list.addEventListener("keydown", (event) => {
    const all = tabsOf(list);
    const at = all.indexOf(event.target.closest("[role=tab]"));
    if (at < 0) return;
    const next = {
      ArrowRight: (at + 1) % all.length,
      ArrowLeft: (at - 1 + all.length) % all.length,
      Home: 0,
      End: all.length - 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    selectTab(all[next], { focus: true });
  });
}
