// The Authorization panel, in Postman's words: it reads the fields, asks the
// core for a token (cancellable), and reports the outcome. Entries are never
// cleared by an error.

import { $, hideError, showError } from "./dom.js";
import { call, newRequestId } from "./ipc.js";
import { edited, registerPart } from "./parts.js";
import { showToken } from "./token.js";
import { obtainToken, wireGrants } from "./grants.js";
import { showPreview, wireAssertion, withAssertion } from "./assertion.js";

let inFlight = null;
let onToken = () => {};
const loadedListeners = [];

/** `listener()` after the panel is filled with a profile (grant fields, Copy as cURL). */
export function onAuthLoaded(listener) {
  loadedListeners.push(listener);
}

/** Called with each new token (for the token list and saving). */
export function onNewToken(callback) {
  onToken = callback;
}

/** The panel's fields named by their `data-field`, as the profile names them. */
function fieldElements() {
  return [...$("token-form").querySelectorAll("[data-field]")];
}

function readField(input) {
  if (input.type === "checkbox") return input.checked;
  return input.tagName === "SELECT" ? input.value : input.value.trim();
}

/** Every non-secret field of the panel, keyed like the profile. */
export function authFields() {
  return Object.fromEntries(fieldElements().map((input) => [input.dataset.field, readField(input)]));
}

/** What Get New Access Token sends: the fields plus the secrets typed, and what signs assertions. */
export function tokenRequest() {
  return withAssertion({ ...authFields(), clientSecret: $("client-secret").value, password: $("password").value });
}

/** Fills the panel (profile switch). Missing fields get their default. */
export function loadAuth(fields = {}) {
  for (const input of fieldElements()) {
    const value = fields[input.dataset.field];
    if (input.type === "checkbox") input.checked = Boolean(value ?? input.defaultChecked);
    else if (input.tagName === "SELECT") input.value = value ?? input.querySelector("option[selected]")?.value ?? input.options[0]?.value;
    else input.value = value ?? "";
  }
  $("client-secret").value = fields.clientSecret ?? "";
  $("password").value = fields.password ?? "";
  for (const listener of loadedListeners) listener();
}

function setBusy(busy) {
  const button = $("get-token");
  button.disabled = busy;
  button.classList.toggle("busy", busy);
  $("cancel-token").hidden = !busy;
  $("progress").textContent = busy ? "Requesting a token…" : "";
  $("progress").classList.toggle("busy", busy);
}

async function getNewAccessToken(event) {
  event.preventDefault();
  if (inFlight !== null) return;
  const requestId = newRequestId();
  inFlight = requestId;
  setBusy(true);
  hideError("error");
  try {
    const request = tokenRequest();
    // What will be signed, shown before it is sent (JWT Assertion, client assertion).
    await showPreview(request);
    // By grant type: request_token, or a sign-in (null while a pasted URL is awaited).
    const token = await obtainToken(requestId, request);
    if (token) tokenReceived(token);
  } catch (error) {
    showError("error", error);
    $("empty-state").hidden = true;
    $("error").scrollIntoView({ block: "nearest" });
  } finally {
    inFlight = null;
    setBusy(false);
  }
}

/** Shows a new token and tells the listeners (token list, saving). */
function tokenReceived(token) {
  showToken(token);
  onToken(token);
}

function toggleSecret() {
  const input = $("client-secret");
  const show = input.type === "password";
  input.type = show ? "text" : "password";
  $("toggle-secret").textContent = show ? "Hide" : "Show";
  $("toggle-secret").setAttribute("aria-pressed", String(show));
}

export function wireAuthPanel() {
  registerPart({
    name: "Authorization",
    load: (profile) => loadAuth(profile),
    save: (profile) => Object.assign(profile, authFields()),
  });
  $("token-form").addEventListener("input", edited);
  $("token-form").addEventListener("change", edited);
  $("token-form").addEventListener("submit", getNewAccessToken);
  $("cancel-token").addEventListener("click", () => inFlight !== null && call("cancel_request", { requestId: inFlight }));
  $("toggle-secret").addEventListener("click", toggleSecret);
  wireGrants({ tokenReceived, onLoaded: onAuthLoaded });
  wireAssertion();
}
