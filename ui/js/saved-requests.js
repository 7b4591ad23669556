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
}

function status(text) {
  $("saved-request-status").textContent = text;
}

function saveCurrent() {
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
  $("save-request").addEventListener("click", saveCurrent);
  $("saved-request").addEventListener("change", choose);
  $("delete-saved-request").addEventListener("click", deleteChosen);
}
