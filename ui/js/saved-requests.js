// Saved requests: the current request panel kept under a name in the
// profile, to be filled back in later. Choosing one fills the panel; nothing
// is sent until Send. They are saved with the profile (no secrets: the
// Authorization row from Use Token is not part of a request draft).

import { $, el } from "./dom.js";
import { edited, registerPart } from "./parts.js";
import { apiRequest, loadRequest } from "./request.js";

let saved = []; // [{id, name, ...ApiRequest}]: the core's request shape

function render(selectedId = "") {
  const select = $("saved-request");
  select.replaceChildren(
    el("option", { value: "", text: saved.length ? "Choose a saved request…" : "(none saved)" }),
    ...saved.map((r) => el("option", { value: r.id, text: `${r.name} (${r.method})` })));
  select.value = selectedId;
  $("delete-saved-request").disabled = selectedId === "";
  renderList(selectedId);
}

/** The sidebar's list of the saved requests: method and name, one press to fill it in. */
function renderList(selectedId) {
  $("saved-request-list").replaceChildren(...saved.map((r) =>
    el("li", {},
      el("button", {
        type: "button", class: "saved-item", "data-id": r.id, title: r.url,
        "aria-current": r.id === selectedId ? "true" : null,
        "aria-label": `Fill in the saved request ${r.name} (${r.method})`,
      }, el("span", { class: "method", text: r.method }), el("span", { class: "saved-name", text: r.name })))));
}

function status(text) {
  $("saved-request-status").textContent = text;
}

/** Save request (also Ctrl+S): the request panel under the name typed. */
export function saveCurrentRequest() {
  const name = $("saved-request-name").value.trim();
  if (!name) {
    status("Type a name for the request first.");
    $("saved-request-name").focus();
    return;
  }
  const draft = apiRequest();
  const existing = saved.find((r) => r.name === name);
  const id = existing?.id ?? (crypto.randomUUID?.() ?? `r${Date.now()}`);
  const entry = { id, name, ...draft };
  saved = existing ? saved.map((r) => (r.id === id ? entry : r)) : [...saved, entry];
  // The list goes back to its prompt, so choosing the entry fills it in.
  render();
  status(existing ? `Replaced "${name}".` : `Saved "${name}".`);
  edited();
}

function choose() {
  const id = $("saved-request").value;
  $("delete-saved-request").disabled = id === "";
  const entry = saved.find((r) => r.id === id);
  if (!entry) return;
  const { id: _id, name, ...draft } = entry;
  loadRequest(draft);
  $("saved-request-name").value = name;
  status(`Filled in "${name}"; press Send to send it.`);
  edited();
}

function deleteChosen() {
  const id = $("saved-request").value;
  const entry = saved.find((r) => r.id === id);
  if (!entry) return;
  saved = saved.filter((r) => r.id !== id);
  render();
  status(`Deleted "${entry.name}".`);
  edited();
}

export function wireSavedRequests() {
  registerPart({
    name: "Saved requests",
    load: (profile) => {
      saved = structuredClone(profile.savedRequests ?? []);
      render();
      status("");
    },
    save: (profile) => {
      profile.savedRequests = structuredClone(saved);
    },
  });
  $("save-request").addEventListener("click", saveCurrentRequest);
  $("saved-request").addEventListener("change", choose);
  $("saved-request-list").addEventListener("click", (event) => {
    const item = event.target.closest("button[data-id]");
    if (!item) return;
    $("saved-request").value = item.dataset.id;
    choose();
    renderList(item.dataset.id);
  });
  $("delete-saved-request").addEventListener("click", deleteChosen);
}
