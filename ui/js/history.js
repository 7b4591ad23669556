// History: this session's sends, newest first, in the sidebar. Pressing one
// fills the request panel with it (nothing is sent until Send). Kept in the
// window's memory only: a request may carry credentials, so History is
// never written anywhere and is gone when the app quits.

import { $, el } from "./dom.js";
import { edited } from "./parts.js";
import { loadRequest, onSent } from "./request.js";
import { addEntry, clockTime, outcomeText, shownPath } from "./history-list.js";

let entries = []; // [{id, request, outcome, at}]
let next = 1;

function render() {
  $("history-list").replaceChildren(...entries.map((entry) => {
    const { method, url } = entry.request;
    const answer = outcomeText(entry.outcome);
    const time = clockTime(entry.at);
    return el("li", {},
      el("button", {
        type: "button", class: "saved-item history-item", "data-id": String(entry.id), title: url,
        "aria-label": `Fill in ${method} ${url}, sent at ${time}, answered ${answer}`,
      },
      el("span", { class: "method", text: method }),
      el("span", { class: "saved-name", text: shownPath(url) }),
      el("span", { class: `history-outcome${entry.outcome?.status?.startsWith("2") ? " ok" : ""}`, text: answer })));
  }));
  $("history-empty").hidden = entries.length > 0;
  $("clear-history").disabled = entries.length === 0;
}

function status(text) {
  $("history-status").textContent = text;
}

export function wireHistory() {
  onSent((request, outcome) => {
    entries = addEntry(entries, { id: next++, request: structuredClone(request), outcome, at: new Date() });
    render();
  });
  $("history-list").addEventListener("click", (event) => {
    const item = event.target.closest("button[data-id]");
    const entry = item && entries.find((e) => String(e.id) === item.dataset.id);
    if (!entry) return;
    loadRequest(structuredClone(entry.request));
    status(`Filled in ${entry.request.method} ${shownPath(entry.request.url)} from ${clockTime(entry.at)}; press Send to send it again.`);
    edited();
  });
  $("clear-history").addEventListener("click", () => {
    entries = [];
    render();
    status("History cleared.");
  });
  render();
}
