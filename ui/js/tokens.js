// Manage Tokens: the tokens obtained with the current profile (their values
// stay in the keychain): name (edited in place), token type, scope, issued
// at, expires in (live), refresh token. Select one to show it in Token
// Details (it is loaded into the session, so Show, Copy and Use Token work
// after a restart; a revoked one says Revoked and Use Token refuses it);
// Delete one, or every expired one.

import { $, el, hideError, showError } from "./dom.js";
import { call } from "./ipc.js";
import { introspectToken } from "./token-checks.js";
import { introspectionSummary } from "./token-checks-text.js";
import { showToken } from "./token.js";
import { currentProfile } from "./store.js";

let tokens = [];
let ticker = null;

function remaining(expiresAt) {
  if (expiresAt == null) return { text: "Unknown", expired: false };
  const left = Math.round(expiresAt - Date.now() / 1000);
  if (left <= 0) return { text: "Expired", expired: true };
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  return { text: h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`, expired: false };
}

function tick() {
  for (const row of $("tokens-rows").children) {
    const token = tokens.find((t) => t.id === row.dataset.tokenId);
    if (!token) continue;
    const { text, expired } = remaining(token.expiresAt);
    // A revoked token says so instead of its time left.
    row.querySelector(".expires").textContent = token.revoked ? "Revoked" : text;
    row.classList.toggle("is-expired", expired || Boolean(token.revoked));
  }
}

function render(list) {
  tokens = list;
  $("tokens-empty").hidden = tokens.length > 0;
  $("tokens-table").hidden = tokens.length === 0;
  $("tokens-delete-expired").disabled = !tokens.some((t) => remaining(t.expiresAt).expired);
  $("tokens-rows").replaceChildren(...tokens.map((t) =>
    el("tr", { "data-token-id": t.id },
      el("td", {}, el("input", {
        type: "text", class: "token-name", value: t.name, spellcheck: "false",
        "aria-label": `Name of the token “${t.name}”`, "data-token-id": t.id,
      })),
      el("td", { text: t.tokenType }),
      el("td", { class: "scope", text: t.scope ?? "(not returned)" }),
      el("td", { text: new Date(t.issuedAt * 1000).toLocaleString() }),
      el("td", { class: "expires" }),
      el("td", { text: t.hasRefreshToken ? "Yes" : "No" }),
      el("td", { class: "row-actions" }, ...rowActions(t)))));
  tick();
}

/** Select and Delete, named after their token for screen readers; after
 * Delete, the question whether to delete it. */
function rowActions(t) {
  if (confirming === t.id) {
    return [
      el("span", { class: "confirm-text", id: `confirm-${t.id}`, text: "Delete this token?" }),
      el("button", { type: "button", class: "danger", "data-action": "confirm-delete", "data-token-id": t.id, "aria-label": `Delete the token “${t.name}”`, "aria-describedby": `confirm-${t.id}`, text: "Yes, delete" }),
      el("button", { type: "button", class: "quiet", "data-action": "keep", "data-token-id": t.id, "aria-label": `Keep the token “${t.name}”`, text: "Keep" }),
    ];
  }
  return [
    el("button", { type: "button", class: "quiet", "data-action": "select", "data-token-id": t.id, "aria-label": `Select the token “${t.name}”`, text: "Select" }),
    el("button", { type: "button", class: "quiet", "data-action": "introspect", "data-token-id": t.id, "aria-label": `Introspect the token “${t.name}”`, text: "Introspect" }),
    el("button", { type: "button", class: "quiet", "data-action": "delete", "data-token-id": t.id, "aria-label": `Delete the token “${t.name}”`, text: "Delete" }),
  ];
}

/** The token whose Delete waits for its confirmation. */
let confirming = null;

/** Asks, in the row, whether to delete the token (or keep it). */
function askDelete(tokenId, confirm) {
  confirming = confirm ? tokenId : null;
  render(tokens);
  const focus = confirm ? "confirm-delete" : "delete";
  $("tokens-rows").querySelector(`button[data-action="${focus}"][data-token-id="${tokenId}"]`)?.focus();
}

async function refresh() {
  hideError("tokens-error");
  try {
    render(await call("list_tokens"));
  } catch (error) {
    showError("tokens-error", error);
  }
}

async function open() {
  $("tokens-profile").textContent = currentProfile()?.name ?? "";
  $("tokens-status").textContent = "";
  confirming = null;
  render([]);
  $("tokens-empty").hidden = true;
  $("tokens-dialog").showModal();
  clearInterval(ticker);
  ticker = setInterval(tick, 1000);
  await refresh();
}

async function rename(input) {
  hideError("tokens-error");
  const name = input.value;
  if (name.trim() === "") {
    showError("tokens-error", { code: "missing_field", message: "Token name is empty", hint: "Type a name for the token." });
    return;
  }
  try {
    render(await call("rename_token", { tokenId: input.dataset.tokenId, name }));
    $("tokens-status").textContent = "Renamed.";
  } catch (error) {
    showError("tokens-error", error);
  }
}

async function act(button) {
  hideError("tokens-error");
  const tokenId = button.dataset.tokenId;
  if (button.dataset.action === "delete" || button.dataset.action === "keep") {
    askDelete(tokenId, button.dataset.action === "delete");
    return;
  }
  confirming = null;
  button.disabled = true;
  try {
    if (button.dataset.action === "select") {
      showToken(await call("load_token", { tokenId }));
      $("tokens-dialog").close();
    } else if (button.dataset.action === "introspect") {
      // Asks the Introspection URL about this saved token (loaded into the
      // session, like Select, but the dialog stays open).
      const view = await call("load_token", { tokenId });
      $("tokens-status").textContent = "Asking the server…";
      const answer = await introspectToken(view.id);
      const name = tokens.find((t) => t.id === tokenId)?.name ?? "";
      $("tokens-status").textContent = `${name}: ${introspectionSummary(answer, Date.now())}`;
    } else {
      render(await call("delete_token", { tokenId }));
      $("tokens-status").textContent = "Deleted.";
    }
  } catch (error) {
    showError("tokens-error", error);
  } finally {
    button.disabled = false;
  }
}

async function deleteExpired() {
  hideError("tokens-error");
  try {
    const { deleted, tokens: left } = await call("delete_expired_tokens");
    render(left);
    $("tokens-status").textContent = `Deleted ${deleted} expired token${deleted === 1 ? "" : "s"}.`;
  } catch (error) {
    showError("tokens-error", error);
  }
}

export function wireManageTokens() {
  $("manage-tokens").addEventListener("click", open);
  $("tokens-close").addEventListener("click", () => $("tokens-dialog").close());
  $("tokens-dialog").addEventListener("close", () => clearInterval(ticker));
  $("tokens-delete-expired").addEventListener("click", deleteExpired);
  $("tokens-rows").addEventListener("change", (event) => {
    if (event.target.classList.contains("token-name")) rename(event.target);
  });
  $("tokens-rows").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.classList.contains("token-name")) {
      event.preventDefault();
      event.target.blur();
    }
  });
  $("tokens-rows").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) act(button);
  });
}
