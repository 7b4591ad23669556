// The first statements the window's script runs (main.js imports this first).
import { call } from "./ipc.js";

// `make bench` splits the start-up into loading the script and running it.
export const scriptStarted = performance.now();

// The app's state (profiles, settings, the sandbox when it is the current
// profile), asked for by index.html's first script before the page was
// parsed (or now, if that script did not run): app.js hands it to
// startProfiles, which shows a failure; until then a rejection is not an
// unhandled one.
export const appStateAsked = globalThis.appStateAsked ?? call("app_state");
delete globalThis.appStateAsked;
appStateAsked.catch(() => {});
// One turn of the event loop before the panels are wired: WebKit sends the
// request only when the page's script yields, and wiring takes tens of ms
// (make bench: the answer then arrives during the wiring instead of after).
await new Promise((resolve) => setTimeout(resolve, 0));
