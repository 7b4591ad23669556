// The workspace's layout: the sidebar (collapsed or not, its width), the
// split between the request's tabs and the response (below or beside, the
// request's share per window size), the theme, and the Sandbox guidance's
// Dismiss. All of it is saved with the app's settings through the core
// (`save_settings`): the window keeps nothing in web storage.

import { $ } from "./dom.js";
import { call } from "./ipc.js";
import { currentSettings, setSettings, subscribe } from "./store.js";
import { clamp, splitKey } from "./layout-math.js";
import { latestSave } from "./latest-save.js";

const SIDEBAR = { min: 200, max: 520, step: 20 };
const SPLIT = { min: 15, max: 85, step: 5 };
const SAVE_DELAY_MS = 400;

let layout = null; // what is shown: a copy of settings.layout, changed as the user drags
let adopted = false;

const defaults = () => ({ sidebarWidth: 300, sidebarCollapsed: false, responsePosition: "below", splits: {}, sandboxGuidanceDismissed: false });

const saveLater = latestSave({
  send: (changes) => call("save_settings", { changes: { ...changes, layout } }),
  apply: setSettings,
  delayMs: SAVE_DELAY_MS,
});

function save(changes) {
  if (changes.theme) setSettings({ ...currentSettings(), ...changes });
  saveLater(changes, { now: Boolean(changes.theme) });
}

// ---- Theme ---------------------------------------------------------------------

export function applyTheme(theme) {
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  if ($("settings-theme")) $("settings-theme").value = theme ?? "system";
}

// ---- Sidebar ---------------------------------------------------------------------

function showSidebar() {
  const sidebar = $("sidebar");
  sidebar.classList.toggle("collapsed", layout.sidebarCollapsed);
  sidebar.style.setProperty("--sidebar-width", `${layout.sidebarWidth}px`);
  const toggle = $("sidebar-toggle");
  toggle.setAttribute("aria-expanded", String(!layout.sidebarCollapsed));
  const label = layout.sidebarCollapsed ? "Expand the sidebar" : "Collapse the sidebar";
  toggle.setAttribute("aria-label", label);
  toggle.title = label;
  toggle.textContent = layout.sidebarCollapsed ? "»" : "«";
  $("sidebar-handle").setAttribute("aria-valuenow", String(layout.sidebarWidth));
}

export function setSidebarCollapsed(collapsed) {
  layout.sidebarCollapsed = collapsed;
  showSidebar();
  save({});
}

function setSidebarWidth(width) {
  layout.sidebarWidth = clamp(Math.round(width), SIDEBAR.min, SIDEBAR.max);
  showSidebar();
  save({});
}

// ---- Split ---------------------------------------------------------------------------

const currentKey = () => splitKey(layout.responsePosition, window.innerWidth, window.innerHeight);

function showSplit() {
  const split = $("split");
  const beside = layout.responsePosition === "beside";
  split.classList.toggle("beside", beside);
  split.classList.toggle("below", !beside);
  const share = layout.splits[currentKey()] ?? 50;
  split.style.setProperty("--request-share", `${share}%`);
  const handle = $("split-handle");
  handle.setAttribute("aria-orientation", beside ? "vertical" : "horizontal");
  handle.setAttribute("aria-valuenow", String(share));
  const toggle = $("layout-toggle");
  toggle.textContent = beside ? "Response below" : "Response beside";
  toggle.title = beside ? "Show the response below the request" : "Show the response beside the request";
  toggle.setAttribute("aria-pressed", String(beside));
}

function setShare(share) {
  layout.splits = { ...layout.splits, [currentKey()]: clamp(Math.round(share), SPLIT.min, SPLIT.max) };
  showSplit();
  save({});
}

function toggleResponsePosition() {
  layout.responsePosition = layout.responsePosition === "beside" ? "below" : "beside";
  showSplit();
  save({});
}

// ---- Dragging, and the same with the keyboard -----------------------------------------

function drag(handle, onMove) {
  handle.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    const move = (e) => onMove(e);
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
  });
}

function arrows(handle, read, write, step, vertical) {
  handle.addEventListener("keydown", (event) => {
    const less = vertical() ? "ArrowUp" : "ArrowLeft";
    const more = vertical() ? "ArrowDown" : "ArrowRight";
    if (event.key !== less && event.key !== more) return;
    event.preventDefault();
    write(read() + (event.key === more ? step : -step));
  });
}

function wireHandles() {
  drag($("sidebar-handle"), (e) => setSidebarWidth(e.clientX - $("sidebar").getBoundingClientRect().left));
  arrows($("sidebar-handle"), () => layout.sidebarWidth, setSidebarWidth, SIDEBAR.step, () => false);
  drag($("split-handle"), (e) => {
    const box = $("split").getBoundingClientRect();
    setShare(layout.responsePosition === "beside"
      ? ((e.clientX - box.left) / box.width) * 100
      : ((e.clientY - box.top) / box.height) * 100);
  });
  arrows($("split-handle"), () => layout.splits[currentKey()] ?? 50, setShare, SPLIT.step, () => layout.responsePosition !== "beside");
}

// ---- Start -------------------------------------------------------------------------------

/** Shows the layout and theme of `settings` (at start, and when they change). */
function adopt(settings) {
  if (!adopted && settings.layout) {
    adopted = true;
    layout = { ...defaults(), ...settings.layout };
    showSidebar();
    showSplit();
  }
  applyTheme(settings.theme);
}

export function wireLayout() {
  layout = defaults();
  showSidebar();
  showSplit();
  subscribe("settings", adopt);
  $("sidebar-toggle").addEventListener("click", () => setSidebarCollapsed(!layout.sidebarCollapsed));
  $("layout-toggle").addEventListener("click", toggleResponsePosition);
  $("settings-theme").addEventListener("change", (event) => {
    applyTheme(event.target.value);
    save({ theme: event.target.value });
  });
  $("sandbox-note-dismiss").addEventListener("click", () => {
    layout.sandboxGuidanceDismissed = true;
    $("sandbox-note").hidden = true;
    save({});
    $("url").focus();
  });
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => layout && showSplit(), 100);
  });
  wireHandles();
}
