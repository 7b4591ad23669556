// OAuth Console's window: a workspace with a sidebar (layout.js), the
// request line, the request's tabs and the response (keys.js: shortcuts).
// Each panel is a module under js/; this file wires them together and shows
// the last used profile (profiles.js). The window builds no HTTP request
// itself and stores nothing on disk: all of that is in Rust.

import { call } from "./js/ipc.js";
import { wireAuthPanel } from "./js/auth.js";
import { wireDiscovery } from "./js/discovery.js";
import { wireTokenPanel } from "./js/token.js";
import { wireTokenChecks } from "./js/token-checks.js";
import { wireUnauthorized } from "./js/unauthorized.js";
import { wireRequestPanel } from "./js/request.js";
import { wireSavedRequests } from "./js/saved-requests.js";
import { wireHistory } from "./js/history.js";
import { wireCollections } from "./js/collections.js";
import { wireResponsePanel } from "./js/response.js";
import { startProfiles, wireProfiles } from "./js/profiles.js";
import { wireManageTokens } from "./js/tokens.js";
import { wireLayout } from "./js/layout.js";
import { wireKeys } from "./js/keys.js";
import { describeHelps } from "./js/a11y.js";
import { appStateAsked, scriptStarted } from "./js/start-mark.js";
import { showWhenReady } from "./js/reveal.js";

// Where the start-up time goes, for `make bench` (ui_ready writes them beside
// its ready file, on the process's clock, when the bench asks; otherwise they
// are dropped).
const marks = [["modules loaded", performance.now()]];
function mark(name) {
  marks.push([name, performance.now()]);
}

// The workspace (index.html: #app hidden) is shown once wired and filled, or
// after SHOW_WITHIN_MS if the profile is slow to come (js/reveal.js).
const SHOW_WITHIN_MS = 500;

async function boot() {
  const wired = wire();
  await showWhenReady(wired, SHOW_WITHIN_MS, () => (document.getElementById("app").hidden = false));
  await wired;
  document.body.dataset.ready = "true";
  mark("profile shown");
  report();
}

async function wire() {
  wireLayout();
  wireKeys();
  wireAuthPanel();
  wireDiscovery();
  wireTokenPanel();
  wireTokenChecks();
  wireRequestPanel();
  wireSavedRequests();
  wireHistory();
  wireCollections();
  wireResponsePanel();
  wireUnauthorized();
  wireProfiles();
  wireManageTokens();
  describeHelps();
  mark("panels wired");
  // Every panel is filled with the profile before the window counts as ready.
  await startProfiles(appStateAsked);
}

function report() {
  const page = performance.getEntriesByType("navigation")[0];
  if (page) {
    marks.unshift(["page received", page.responseEnd], ["HTML parsed", page.domInteractive]);
    marks.push(["DOMContentLoaded", page.domContentLoadedEventStart], ["load event", page.loadEventStart]);
  }
  for (const paint of performance.getEntriesByType("paint")) marks.push([paint.name, paint.startTime]);
  // Steps a panel marks with performance.mark() (profiles.js: "profile read").
  for (const entry of performance.getEntriesByType("mark")) marks.push([entry.name, entry.startTime]);
  marks.push(["script starts", scriptStarted]);
  marks.sort((a, b) => a[1] - b[1]);
  // Last: the moment of the call. The shell puts the page's marks on its
  // clock with it; sentAt, the same moment on the wall clock, shows the
  // call's time in transit.
  mark("ready");
  call("ui_ready", { marks, sentAt: performance.timeOrigin + marks.at(-1)[1] });
}

boot();
