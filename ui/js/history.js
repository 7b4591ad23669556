// History: the current profile's last 500 sends, newest first, in the
// sidebar; pressing one fills the request panel with it (nothing is sent
// until Send). The core records each send as Send goes out and keeps it
// across restarts without credentials: a credential row comes back empty
// and locked, to be typed again (or given by Use Token). This module only
// shows the list and asks the core for an entry.

import { $, el } from "./dom.js";
import { call } from "./ipc.js";
import { edited, onProfileLoaded } from "./parts.js";
import { loadRequest, onSent } from "./request.js";
import { detailText, outcomeText, shownPath, whenText } from "./history-list.js";

let profileId = null;
let rows = []; // [{id, at, method, url, status, reason, error, durationMs, size}]
let generation = 0; // a newer load wins over one still answering

function render() {
  $("history-list").replaceChildren(...rows.map((row) => {
    const answer = outcomeText(row);
    const detail = detailText(row);
    const when = whenText(row.at);
    return el("li", {},
      el("button", {
        type: "button", class: "saved-item history-item", "data-id": row.id, title: row.url,
        "aria-label": `Fill in ${row.method} ${row.url}, sent ${when}, answered ${answer}${detail ? ` in ${detail}` : ""}`,
      },
      el("span", { class: "method", text: row.method }),
      el("span", { class: "saved-name", text: shownPath(row.url) }),
      el("span", { class: `history-outcome${row.status >= 200 && row.status < 300 ? " ok" : ""}`, text: answer }),
      el("span", { class: "history-detail muted", text: [when, detail].filter(Boolean).join(" · ") })));
  }));
  $("history-empty").hidden = rows.length > 0;
  $("clear-history").disabled = rows.length === 0;
  $("history-list").dataset.loaded = "true";
}

function status(text) {
  $("history-status").textContent = text;
}

/** Reads the current profile's History from the core. */
async function reload() {
  if (!profileId) return;
  const mine = ++generation;
  const asked = profileId;
  try {
    const loaded = await call("history_list", { profileId: asked });
    if (mine !== generation) return;
    rows = loaded;
    render();
  } catch (error) {
    if (mine === generation) status(`History could not be read: ${error?.message ?? error}`);
  }
}

async function reopen(id) {
  try {
    const entry = await call("history_entry", { profileId, id });
    loadRequest(entry.request);
    edited();
    const body = entry.request.body ?? {};
    const locked = [...(entry.request.headers ?? []), ...(body.fields ?? []), ...(body.parts ?? [])].some((r) => r.secret);
    const notes = [
      locked ? "type its secret values again" : null,
      entry.bodyLeftOut ? "its body was too large to keep" : null,
    ].filter(Boolean);
    status(`Filled in ${entry.request.method} ${shownPath(entry.request.url)} from ${whenText(entry.at)}${notes.length ? ` (${notes.join("; ")})` : ""}; press Send to send it again.`);
  } catch (error) {
    status(`That entry could not be filled in: ${error?.message ?? error}`);
  }
}

export function wireHistory() {
  onProfileLoaded((profile) => {
    if (profile?.id !== profileId) {
      profileId = profile?.id ?? null;
      rows = [];
      status("");
      render();
      $("history-list").dataset.loaded = "false";
    }
    reload();
  });
  // The core has recorded the send by the time Send answers.
  onSent(() => reload());
  $("history-list").addEventListener("click", (event) => {
    const item = event.target.closest("button[data-id]");
    if (item) reopen(item.dataset.id);
  });
  $("clear-history").addEventListener("click", async () => {
    try {
      await call("clear_history", { profileId });
      rows = [];
      render();
      status("History cleared.");
    } catch (error) {
      status(`History could not be cleared: ${error?.message ?? error}`);
    }
  });
  render();
}
