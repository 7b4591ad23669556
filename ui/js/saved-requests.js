// Saved requests: the current request panel kept under a name in the
// profile, in a tree of folders, to be filled back in later. Choosing one
// fills the panel; nothing is sent until Send. They are saved with the
// profile (no secrets: the Authorization row from Use Token is not part of a
// request draft, and credential rows go to the keychain). The tree's pure
// parts (building, filtering, moving) are in saved-tree.js.

import { $, el } from "./dom.js";
import { edited, registerPart } from "./parts.js";
import { apiRequest, attachedToken, loadRequest } from "./request.js";
import { attachCurrentToken } from "./token.js";
import {
  buildTree, canMoveFolder, countRequests, filterTree, folderChoices, folderPath, removeFolder,
} from "./saved-tree.js";

let saved = []; // [{id, name, folder, ...ApiRequest}]: the core's request shape
let folders = []; // [{id, name, parent}]
let selected = null; // {kind: "folder" | "request", id}
const expanded = new Set(); // folder ids open in the tree (this session)
let undo = null; // {text, folders, requests}: what the last deletion removed

const newId = () => crypto.randomUUID?.() ?? `r${Date.now()}${Math.random()}`;
const folderOf = (id) => folders.find((f) => f.id === id);
const requestOf = (id) => saved.find((r) => r.id === id);
const pathText = (folderId) => folderPath(folders, folderId).join(" / ");

function render() {
  renderSelect();
  renderTree();
  renderFolderSelects();
  renderSelection();
}

/** The select of every saved request (with its folder), for keyboard users and the tests. */
function renderSelect() {
  const select = $("saved-request");
  const chosen = select.value;
  select.replaceChildren(
    el("option", { value: "", text: saved.length ? "Choose a saved request…" : "(none saved)" }),
    ...saved.map((r) => {
      const where = r.folder ? `${pathText(r.folder)} / ` : "";
      return el("option", { value: r.id, text: `${where}${r.name} (${r.method})` });
    }));
  select.value = requestOf(chosen) ? chosen : "";
  $("delete-saved-request").disabled = select.value === "";
}

/** The sidebar's tree: folders (press to open or close) and requests (press to fill in). */
function renderTree() {
  const query = $("saved-filter").value;
  const filtering = query.trim() !== "";
  const tree = filterTree(buildTree(folders, saved), query);
  const item = (node) => {
    if (node.kind === "folder") {
      const f = node.folder;
      const open = filtering || expanded.has(f.id);
      const count = countRequests(node.children);
      return el("li", {},
        el("button", {
          type: "button", class: "saved-item folder", "data-folder": f.id,
          "aria-expanded": open ? "true" : "false",
          "aria-selected": selected?.kind === "folder" && selected.id === f.id ? "true" : null,
          "aria-label": `Folder ${f.name}, ${count} request${count === 1 ? "" : "s"}`,
        },
        el("span", { class: "twisty", "aria-hidden": "true", text: open ? "▾" : "▸" }),
        el("span", { class: "saved-name", text: f.name }),
        el("span", { class: "saved-count", "aria-hidden": "true", text: String(count) })),
        open && node.children.length > 0 ? el("ul", {}, ...node.children.map(item)) : null);
    }
    const r = node.request;
    return el("li", {},
      el("button", {
        type: "button", class: "saved-item", "data-id": r.id, title: r.url,
        "aria-current": $("saved-request").value === r.id ? "true" : null,
        "aria-selected": selected?.kind === "request" && selected.id === r.id ? "true" : null,
        "aria-label": `Fill in the saved request ${r.name} (${r.method})`,
      }, el("span", { class: "method", text: r.method }), el("span", { class: "saved-name", text: r.name })));
  };
  $("saved-request-list").replaceChildren(...tree.map(item));
  $("saved-filter-empty").hidden = !(filtering && tree.length === 0);
}

function renderFolderSelects() {
  const choices = folderChoices(folders);
  const options = (top) => [el("option", { value: "", text: top }),
    ...choices.map((c) => el("option", { value: c.id, text: c.label }))];
  const target = $("saved-request-folder");
  const keep = target.value;
  target.replaceChildren(...options("(top level)"));
  target.value = folderOf(keep) ? keep : "";
  $("saved-item-move").replaceChildren(...options("(top level)"));
}

/** The actions on the item chosen in the tree: Rename, Move to, Delete. */
function renderSelection() {
  const folder = selected?.kind === "folder" ? folderOf(selected.id) : null;
  const request = selected?.kind === "request" ? requestOf(selected.id) : null;
  if (!folder && !request) selected = null;
  $("saved-selection").hidden = !selected;
  if (!selected) return;
  const name = folder ? folder.name : request.name;
  $("saved-selection-what").textContent = folder ? `Folder "${name}"` : `Request "${name}"`;
  $("saved-item-name").value = name;
  const move = $("saved-item-move");
  move.value = (folder ? folder.parent : request.folder) ?? "";
  for (const option of move.options) {
    option.disabled = folder ? !canMoveFolder(folders, folder.id, option.value || null) : false;
  }
  $("rename-saved-item").textContent = folder ? "Rename folder" : "Rename request";
  $("delete-saved-item").textContent = folder ? "Delete folder" : "Delete request";
}

function status(text, canUndo = false) {
  $("saved-request-status").textContent = text;
  $("undo-saved-delete").hidden = !canUndo;
  if (!canUndo) undo = null;
}

/** The folder a new item goes in: the chosen folder, or the chosen request's. */
function currentFolder() {
  if (selected?.kind === "folder") return selected.id;
  if (selected?.kind === "request") return requestOf(selected.id)?.folder ?? null;
  return null;
}

/** Save request (also Ctrl+S): the request panel under the name typed, in the folder chosen. */
export function saveCurrentRequest() {
  const name = $("saved-request-name").value.trim();
  if (!name) {
    status("Type a name for the request first.");
    $("saved-request-name").focus();
    return;
  }
  const folder = $("saved-request-folder").value || null;
  const draft = apiRequest();
  const existing = saved.find((r) => r.name === name && (r.folder ?? null) === folder);
  const id = existing?.id ?? newId();
  // What the request panel does not show stays: an imported request's
  // description and "uses the profile's token".
  const kept = existing ? { description: existing.description, usesProfileToken: existing.usesProfileToken } : {};
  const entry = { ...kept, id, name, folder, ...draft };
  saved = existing ? saved.map((r) => (r.id === id ? entry : r)) : [...saved, entry];
  if (folder) for (const f of [folder, ...ancestors(folder)]) expanded.add(f);
  // The list goes back to its prompt, so choosing the entry fills it in.
  $("saved-request").value = "";
  render();
  const where = folder ? ` in "${pathText(folder)}"` : "";
  status(existing ? `Replaced "${name}"${where}.` : `Saved "${name}"${where}.`);
  edited();
}

function ancestors(folderId) {
  const out = [];
  for (let at = folderOf(folderOf(folderId)?.parent); at && out.length <= folders.length; at = folderOf(at.parent)) out.push(at.id);
  return out;
}

async function fill(id) {
  const entry = requestOf(id);
  if (!entry) return;
  const { id: _id, name, folder, description, usesProfileToken, ...draft } = entry;
  loadRequest(draft);
  $("saved-request").value = id;
  $("delete-saved-request").disabled = false;
  $("saved-request-name").value = name;
  $("saved-request-folder").value = folder ?? "";
  edited();
  // A request that uses the profile's token gets the token shown in
  // Current Token, as Use Token would attach it.
  const attached = usesProfileToken && (attachedToken() !== null || (await attachCurrentToken()));
  const token = !usesProfileToken ? ""
    : attached ? " It uses the profile's token (attached)."
    : " It uses the profile's token: press Get New Access Token, then Use Token.";
  status(`Filled in "${name}"; press Send to send it.${token}${description ? ` ${description}` : ""}`);
}

function choose() {
  const id = $("saved-request").value;
  $("delete-saved-request").disabled = id === "";
  if (!requestOf(id)) return;
  fill(id);
  renderTree();
}

function newFolder() {
  const parent = currentFolder();
  const folder = { id: newId(), name: "New folder", parent };
  folders = [...folders, folder];
  if (parent) expanded.add(parent);
  selected = { kind: "folder", id: folder.id };
  render();
  status(`Made "New folder"${parent ? ` in "${pathText(parent)}"` : ""}: type its name and press Rename.`);
  edited();
  $("saved-item-name").focus();
  $("saved-item-name").select();
}

function rename() {
  const name = $("saved-item-name").value.trim();
  if (!selected) return;
  if (!name) {
    status("Type a name first.");
    $("saved-item-name").focus();
    return;
  }
  const was = selected.kind === "folder" ? folderOf(selected.id)?.name : requestOf(selected.id)?.name;
  if (selected.kind === "folder") folders = folders.map((f) => (f.id === selected.id ? { ...f, name } : f));
  else saved = saved.map((r) => (r.id === selected.id ? { ...r, name } : r));
  render();
  status(`Renamed "${was}" to "${name}".`);
  edited();
}

function move() {
  if (!selected) return;
  const target = $("saved-item-move").value || null;
  const where = target ? `"${pathText(target)}"` : "the top level";
  if (selected.kind === "folder") {
    if (!canMoveFolder(folders, selected.id, target)) {
      status("A folder cannot move into itself or a folder inside it.");
      return;
    }
    folders = folders.map((f) => (f.id === selected.id ? { ...f, parent: target } : f));
  } else {
    saved = saved.map((r) => (r.id === selected.id ? { ...r, folder: target } : r));
  }
  if (target) for (const f of [target, ...ancestors(target)]) expanded.add(f);
  const name = selected.kind === "folder" ? folderOf(selected.id).name : requestOf(selected.id).name;
  render();
  status(`Moved "${name}" to ${where}.`);
  edited();
}

/** Deletes the item chosen in the tree (a folder with all it holds); Undo brings it back. */
function deleteSelected() {
  if (!selected) return;
  if (selected.kind === "request") {
    deleteRequest(selected.id);
    return;
  }
  const folder = folderOf(selected.id);
  if (!folder) return;
  const out = removeFolder(folders, saved, folder.id);
  keepForUndo(out.removedFolders, out.removedRequests);
  folders = out.folders;
  saved = out.requests;
  selected = null;
  render();
  const n = out.removedRequests.length;
  status(`Deleted folder "${folder.name}" and the ${n} request${n === 1 ? "" : "s"} in it.`, true);
  edited();
}

function deleteRequest(id) {
  const entry = requestOf(id);
  if (!entry) return;
  keepForUndo([], [entry]);
  saved = saved.filter((r) => r.id !== id);
  if (selected?.id === id) selected = null;
  $("saved-request").value = "";
  render();
  status(`Deleted "${entry.name}".`, true);
  edited();
}

function deleteChosen() {
  deleteRequest($("saved-request").value);
}

function keepForUndo(removedFolders, removedRequests) {
  undo = { folders: folders.slice(), requests: saved.slice(), removedFolders, removedRequests };
}

/** Puts `removed` back where it was in `before`, keeping every change made since. */
function restore(now, before, removed) {
  const current = new Map(now.map((x) => [x.id, x]));
  const back = new Set(removed.map((x) => x.id));
  const known = new Set(before.map((x) => x.id));
  return [
    ...before.filter((x) => current.has(x.id) || back.has(x.id)).map((x) => current.get(x.id) ?? x),
    ...now.filter((x) => !known.has(x.id)),
  ];
}

function undoDelete() {
  if (!undo) return;
  folders = restore(folders, undo.folders, undo.removedFolders);
  saved = restore(saved, undo.requests, undo.removedRequests);
  const n = undo.removedFolders.length + undo.removedRequests.length;
  render();
  status(`Restored ${n} item${n === 1 ? "" : "s"}.`);
  edited();
}

export function wireSavedRequests() {
  registerPart({
    name: "Saved requests",
    load: (profile) => {
      saved = structuredClone(profile.savedRequests ?? []);
      folders = structuredClone(profile.savedFolders ?? []);
      selected = null;
      $("saved-request").value = "";
      render();
      status("");
    },
    save: (profile) => {
      profile.savedRequests = structuredClone(saved);
      profile.savedFolders = structuredClone(folders);
    },
  });
  $("save-request").addEventListener("click", saveCurrentRequest);
  $("saved-request").addEventListener("change", choose);
  $("saved-request-list").addEventListener("click", (event) => {
    const folder = event.target.closest("button[data-folder]");
    if (folder) {
      const id = folder.dataset.folder;
      if (expanded.has(id)) expanded.delete(id);
      else expanded.add(id);
      selected = { kind: "folder", id };
      renderTree();
      renderSelection();
      $("saved-request-list").querySelector(`button[data-folder="${CSS.escape(id)}"]`)?.focus();
      return;
    }
    const item = event.target.closest("button[data-id]");
    if (!item) return;
    selected = { kind: "request", id: item.dataset.id };
    fill(item.dataset.id);
    renderTree();
    renderSelection();
    $("saved-request-list").querySelector(`button[data-id="${CSS.escape(item.dataset.id)}"]`)?.focus();
  });
  // As you type; also when the field is cleared (its clear button, or a
  // script that sets it and fires only "change").
  for (const event of ["input", "change", "search"]) $("saved-filter").addEventListener(event, renderTree);
  $("new-folder").addEventListener("click", newFolder);
  $("rename-saved-item").addEventListener("click", rename);
  $("saved-item-name").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      rename();
    }
  });
  $("move-saved-item").addEventListener("click", move);
  $("delete-saved-item").addEventListener("click", deleteSelected);
  $("delete-saved-request").addEventListener("click", deleteChosen);
  $("undo-saved-delete").addEventListener("click", undoDelete);
}
