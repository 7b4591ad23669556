// The request panel: method, URL, Params (kept in step with the URL's query),
// Headers (each row can be switched off; the Authorization row set by Use
// Token shows a masked value), Body, the Authorization-forwarding settings,
// Send (also Ctrl+Enter), Cancel and Copy as cURL.

import { $, el, flash, flashCopied, hideError, showError } from "./dom.js";
import { call, newRequestId } from "./ipc.js";
import { edited, registerPart } from "./parts.js";
import { showResponse, clearResponse, setWaiting } from "./response.js";
import { paramsFromUrl as syncParams, urlWithParams } from "./urlparams.js";
import { wireTabs } from "./tabs.js";
import { hasReference, previewSegments } from "./variable-text.js";
import { fileBody, partFromCore, partToCore, sentFileName, withPartType } from "./body-parts.js";
import { currentProfile, subscribe } from "./store.js";

const state = {
  params: [], // {key, value, enabled}: raw text, as typed
  headers: [], // {name, value, enabled, secret}; `shown` while Show is on (never saved)
  form: [], // {name, value, enabled, secret} for form-urlencoded bodies
  variables: [], // the profile's variables: {name, value, enabled, secret}
  parts: [], // {name, value, file, contentType, enabled, secret} for multipart bodies (body-parts.js)
  token: null, // {id, label, prefix, profileId}: the token attached by Use Token, and the profile it was attached in
  tokenEnabled: true,
  inFlight: null,
};

const onChange = () => edited();

// ---- URL and Params, in step -------------------------------------------

function paramsFromUrl() {
  state.params = syncParams($("url").value, state.params);
  renderRows("params", state.params, "Parameter");
}

function urlFromParams() {
  $("url").value = urlWithParams($("url").value, state.params);
  showUrlPreview();
}

/** Under the URL field, when it names a variable: the URL as Send resolves
 * it, each unresolved `{{name}}` marked. */
function showUrlPreview() {
  const preview = $("url-preview");
  const url = $("url").value;
  if (!hasReference(url)) {
    preview.hidden = true;
    preview.replaceChildren();
    return;
  }
  const segments = previewSegments(url, state.variables);
  const missing = segments.filter((s) => s.kind === "missing").map((s) => s.name);
  preview.replaceChildren(
    el("span", { class: "muted", text: missing.length ? `Unresolved: ${[...new Set(missing)].join(", ")} · ` : "Sends: " }),
    ...segments.map((s) => s.kind === "missing" ? el("mark", { class: "unresolved", text: s.text, title: `No variable named ${s.name}: add it under Variables` })
      : s.kind === "value" ? el("span", { class: "resolved", text: s.text, title: `{{${s.name}}}` })
      : el("span", { text: s.text })));
  preview.hidden = false;
}

/** The profile's variables as the Variables tab holds them (secret values included), for Send. */
export const variables = () => state.variables.map(({ shown, ...v }) => v);

/** Replaces the Variables tab's rows (a profile's, or an imported environment's). */
export function setVariables(rows = []) {
  state.variables = rows.map((v) => ({ enabled: true, ...v }));
  renderRows("variables", state.variables, "Variable");
  showUrlPreview();
}

/** Sets the URL (quick requests, the Oracle base URL) and the Params that follow from it. */
export function setUrl(url) {
  $("url").value = url;
  paramsFromUrl();
  showUrlPreview();
  onChange();
}

export function setMethod(method) {
  $("method").value = method;
  onChange();
}

export function setBodyKind(kind) {
  $("body-kind").value = kind;
  showBodyKind();
  onChange();
}

export const currentUrl = () => $("url").value;

// ---- Editable key/value tables ------------------------------------------

const TABLES = {
  params: { rows: () => state.params, key: "key", after: urlFromParams },
  headers: { rows: () => state.headers, key: "name", after: () => {} },
  form: { rows: () => state.form, key: "name", after: () => {} },
  variables: { rows: () => state.variables, key: "name", after: () => showUrlPreview() },
};

function renderRows(table, rows, noun) {
  const body = $(`${table}-rows`);
  const keyName = TABLES[table].key;
  // Header and form rows can be marked secret (the lock): the core keeps
  // their values in the keychain, and the value is masked until Show.
  const lockable = table !== "params";
  const children = rows.map((row, index) =>
    el("tr", {},
      el("td", {}, el("input", { type: "checkbox", checked: row.enabled, "aria-label": `Use this ${noun.toLowerCase()}`, "data-index": String(index), "data-field": "enabled" })),
      el("td", {}, el("input", { type: "text", value: row[keyName], "aria-label": `${noun} name`, spellcheck: "false", "data-index": String(index), "data-field": keyName })),
      el("td", {}, el("input", { type: row.secret && !row.shown ? "password" : "text", value: row.value, "aria-label": `${noun} value`, spellcheck: "false", autocomplete: "off", "data-index": String(index), "data-field": "value" })),
      el("td", {},
        lockable ? el("label", { class: "check", title: "Keep this value in the system keychain, never in a file" },
          el("input", { type: "checkbox", checked: Boolean(row.secret), "aria-label": `Secret ${noun.toLowerCase()} value`, "data-index": String(index), "data-field": "secret" }), " Secret") : null,
        lockable && row.secret ? el("button", { type: "button", class: "quiet", "data-index": String(index), "data-show": "1", text: row.shown ? "Hide" : "Show" }) : null,
        el("button", { type: "button", class: "quiet", "data-index": String(index), "data-remove": "1", text: "Remove" }))));
  if (table === "headers" && state.token) {
    children.unshift(el("tr", { class: "token-row" },
      el("td", {}, el("input", { type: "checkbox", checked: state.tokenEnabled, "aria-label": "Use the token", id: "token-header-enabled" })),
      el("td", {}, el("span", { text: "Authorization" })),
      el("td", {}, el("span", { class: "masked-value", id: "token-header-value", text: `${state.token.prefix} •••••••• (${state.token.label})` })),
      el("td", {}, el("button", { type: "button", class: "quiet", id: "token-header-remove", text: "Remove" }))));
  }
  body.replaceChildren(...children);
  $(`${table}-count`) && ($(`${table}-count`).textContent = rows.filter((r) => r.enabled).length + (table === "headers" && state.token && state.tokenEnabled ? 1 : 0) || "");
}

function wireTable(table, noun) {
  const body = $(`${table}-rows`);
  const { rows, after } = TABLES[table];
  body.addEventListener("input", (event) => {
    const t = event.target;
    if (t.id === "token-header-enabled") {
      state.tokenEnabled = t.checked;
      onChange();
      return;
    }
    const index = Number(t.dataset.index);
    const row = rows()[index];
    if (!row) return;
    row[t.dataset.field] = t.type === "checkbox" ? t.checked : t.value;
    after();
    if (t.type === "checkbox") renderRows(table, rows(), noun);
    onChange();
  });
  body.addEventListener("click", (event) => {
    const t = event.target;
    if (t.id === "token-header-remove") {
      state.token = null;
      renderRows(table, rows(), noun);
      onChange();
      return;
    }
    if (t.dataset.show) {
      const row = rows()[Number(t.dataset.index)];
      if (row) row.shown = !row.shown;
      renderRows(table, rows(), noun);
      return;
    }
    if (!t.dataset.remove) return;
    rows().splice(Number(t.dataset.index), 1);
    after();
    renderRows(table, rows(), noun);
    onChange();
  });
  $(`${table}-add`).addEventListener("click", () => {
    rows().push({ [TABLES[table].key]: "", value: "", enabled: true });
    renderRows(table, rows(), noun);
    const inputs = body.querySelectorAll("input[type=text]");
    inputs[inputs.length - 2]?.focus();
  });
}

// ---- Multipart parts and the binary file ----------------------------------

function renderParts() {
  const children = state.parts.map((row, index) => {
    const i = String(index);
    const isFile = row.file !== null;
    const name = sentFileName(row.file ?? "");
    return el("tr", {},
      el("td", {}, el("input", { type: "checkbox", checked: row.enabled, "aria-label": "Use this part", "data-index": i, "data-field": "enabled" })),
      el("td", {}, el("input", { type: "text", value: row.name, "aria-label": "Part name", spellcheck: "false", "data-index": i, "data-field": "name" })),
      el("td", {}, el("select", { "aria-label": "Part type", "data-index": i, "data-field": "type" },
        el("option", { value: "text", text: "Text", selected: !isFile }),
        el("option", { value: "file", text: "File", selected: isFile }))),
      el("td", {}, isFile
        ? el("div", { class: "part-file" },
          el("div", { class: "with-action" },
            el("input", { type: "text", value: row.file, "aria-label": "Part file path", placeholder: "/full/path/to/file", spellcheck: "false", autocomplete: "off", "data-index": i, "data-field": "file", title: name ? `Sent as ${name}` : "" }),
            el("button", { type: "button", class: "quiet", "data-index": i, "data-choose": "1", text: "Choose file…" })),
          el("input", { type: "text", value: row.contentType, "aria-label": "Part content type", placeholder: "Content-Type (optional)", spellcheck: "false", autocomplete: "off", "data-index": i, "data-field": "contentType" }))
        : el("input", { type: row.secret && !row.shown ? "password" : "text", value: row.value, "aria-label": "Part value", spellcheck: "false", autocomplete: "off", "data-index": i, "data-field": "value" })),
      el("td", {},
        isFile ? null : el("label", { class: "check", title: "Keep this value in the system keychain, never in a file" },
          el("input", { type: "checkbox", checked: row.secret, "aria-label": "Secret part value", "data-index": i, "data-field": "secret" }), " Secret"),
        !isFile && row.secret ? el("button", { type: "button", class: "quiet", "data-index": i, "data-show": "1", text: row.shown ? "Hide" : "Show" }) : null,
        el("button", { type: "button", class: "quiet", "data-index": i, "data-remove": "1", text: "Remove" })));
  });
  $("parts-rows").replaceChildren(...children);
}

/** "Choose file…": the path picked in the open dialog, or null when cancelled. */
async function chooseFile() {
  try {
    return await call("choose_body_file");
  } catch (error) {
    showError("response-error", error);
    return null;
  }
}

function wireParts() {
  const body = $("parts-rows");
  const rowOf = (t) => state.parts[Number(t.dataset.index)];
  body.addEventListener("input", (event) => {
    const t = event.target;
    const row = rowOf(t);
    if (!row || !t.dataset.field || t.dataset.field === "type") return;
    row[t.dataset.field] = t.type === "checkbox" ? t.checked : t.value;
    if (t.type === "checkbox") renderParts();
    onChange();
  });
  body.addEventListener("change", (event) => {
    const t = event.target;
    if (t.dataset.field !== "type" || !rowOf(t)) return;
    state.parts[Number(t.dataset.index)] = withPartType(rowOf(t), t.value);
    renderParts();
    onChange();
  });
  body.addEventListener("click", async (event) => {
    const t = event.target;
    const index = Number(t.dataset.index);
    const row = rowOf(t);
    if (!row) return;
    if (t.dataset.choose) {
      const path = await chooseFile();
      if (path === null || state.parts[index] !== row) return;
      row.file = path;
      renderParts();
      onChange();
    } else if (t.dataset.show) {
      row.shown = !row.shown;
      renderParts();
    } else if (t.dataset.remove) {
      state.parts.splice(index, 1);
      renderParts();
      onChange();
    }
  });
  $("parts-add").addEventListener("click", () => {
    state.parts.push(partFromCore());
    renderParts();
    const names = body.querySelectorAll("input[data-field=name]");
    names[names.length - 1]?.focus();
  });
  $("body-file-path").addEventListener("input", onChange);
  $("body-file-type").addEventListener("input", onChange);
  $("body-file-choose").addEventListener("click", async () => {
    const path = await chooseFile();
    if (path === null) return;
    $("body-file-path").value = path;
    onChange();
  });
}

// ---- The request as the core reads it --------------------------------------

/** The Body tab in the core's shape: {kind: "none"}, {kind: "json"|"text", text},
 * {kind: "form", fields: [{name, value, enabled}]}, {kind: "multipart", parts:
 * [FormPart]} or {kind: "file", path, contentType}. */
function requestBody() {
  const kind = $("body-kind").value;
  if (kind === "json" || kind === "text") return { kind, text: $("body-text").value };
  if (kind === "form") return { kind, fields: state.form.map(({ shown, ...f }) => f) };
  if (kind === "multipart") return { kind, parts: state.parts.map(partToCore) };
  if (kind === "file") return fileBody($("body-file-path").value, $("body-file-type").value);
  return { kind: "none" };
}

/** The panel as the core's `ApiRequest`: what Send sends, and what a profile
 * and a saved request store (disabled rows included; the core skips them). The
 * Authorization row set by Use Token is not part of it: it is an id. */
export function apiRequest() {
  return {
    method: $("method").value,
    url: $("url").value.trim(),
    headers: state.headers.map(({ shown, ...h }) => h),
    body: requestBody(),
    followAuthorization: $("follow-authorization").value,
    trustedHosts: $("trusted-hosts").value.split(/[\s,]+/).map((h) => h.trim()).filter(Boolean),
  };
}

/** The token to send as Authorization, if Use Token attached one. */
export function attachedToken() {
  return state.token && state.tokenEnabled ? state.token : null;
}

/** Use Token: the Authorization row now carries this token (masked). */
export function useToken(token) {
  state.token = { ...token, profileId: currentProfile()?.id ?? null };
  state.tokenEnabled = true;
  renderRows("headers", state.headers, "Header");
  onChange();
}

/** Replaces the whole request panel (profile switch, saved request) with an `ApiRequest`. */
export function loadRequest(request = {}) {
  const body = request.body ?? { kind: "none" };
  $("method").value = request.method ?? "GET";
  $("url").value = request.url ?? "";
  state.headers = (request.headers ?? []).map((h) => ({ ...h }));
  state.params = [];
  paramsFromUrl();
  showUrlPreview();
  $("body-kind").value = body.kind ?? "none";
  $("body-text").value = body.text ?? "";
  state.form = (body.fields ?? []).map((f) => ({ ...f }));
  state.parts = (body.parts ?? []).map(partFromCore);
  $("body-file-path").value = body.kind === "file" ? body.path ?? "" : "";
  $("body-file-type").value = body.kind === "file" ? body.contentType ?? "" : "";
  renderRows("headers", state.headers, "Header");
  renderRows("form", state.form, "Field");
  renderParts();
  showBodyKind();
  if (request.followAuthorization) $("follow-authorization").value = request.followAuthorization;
  if (request.trustedHosts) $("trusted-hosts").value = request.trustedHosts.join("\n");
  showFollowWarning();
}

function showBodyKind() {
  const kind = $("body-kind").value;
  $("body-text-field").hidden = !(kind === "json" || kind === "text");
  $("body-form").hidden = kind !== "form";
  $("body-multipart").hidden = kind !== "multipart";
  $("body-file").hidden = kind !== "file";
}

function showFollowWarning() {
  $("follow-any-warning").hidden = $("follow-authorization").value !== "any";
}

// ---- Send, Cancel ------------------------------------------------------------

const beforeSendSteps = [];
const sentListeners = [];

/** `listener(request, outcome)` after each Send: the `ApiRequest` sent and
 * `{status}` (e.g. "200 OK") or `{error}` (the error's code), e.g. for History. */
export function onSent(listener) {
  sentListeners.push(listener);
}

function tellSent(request, outcome) {
  for (const listener of sentListeners) listener(request, outcome);
}

/** `step()` (async) runs before Send and Copy as cURL read the panel, e.g. to add integrationInstance. */
export function beforeSend(step) {
  beforeSendSteps.push(step);
}

/** While a request is out: Send says so (it stays focusable, so focus stays
 * where it was), and the response area shows progress and Cancel. */
function setSending(sending) {
  $("send").setAttribute("aria-disabled", String(sending));
  $("send").classList.toggle("busy", sending);
  setWaiting(sending ? "Sending…" : null);
}

export const sending = () => state.inFlight !== null;

export async function send() {
  if (state.inFlight !== null) return;
  const requestId = newRequestId();
  state.inFlight = requestId;
  setSending(true);
  hideError("response-error");
  try {
    for (const step of beforeSendSteps) await step();
    const token = attachedToken();
    const request = apiRequest();
    try {
      const response = await call("send_request", { requestId, request, tokenId: token?.id ?? null, variables: variables() });
      tellSent(request, { status: `${response.status} ${response.reason ?? ""}`.trim() });
      await showResponse(response);
    } catch (error) {
      tellSent(request, { error: error?.code ?? "error" });
      throw error;
    }
  } catch (error) {
    clearResponse();
    showError("response-error", error);
  } finally {
    state.inFlight = null;
    setSending(false);
  }
}

async function copyAsCurl(event) {
  const button = event.currentTarget;
  try {
    for (const step of beforeSendSteps) await step();
    const token = attachedToken();
    const seconds = await call("copy_request_as_curl", {
      request: apiRequest(),
      tokenId: token?.id ?? null,
      includeSecrets: $("curl-include-secrets").checked,
      variables: variables(),
    });
    flashCopied(button, seconds);
  } catch (error) {
    showError("response-error", error);
  }
}

export function wireRequestPanel() {
  // Another profile's token stays with it: a switch detaches it.
  subscribe("profile", (profile) => {
    if (!state.token || profile?.id === state.token.profileId) return;
    state.token = null;
    renderRows("headers", state.headers, "Header");
  });
  registerPart({
    name: "Request",
    load: (profile) => loadRequest(profile.request ?? {}),
    save: (profile) => {
      profile.request = apiRequest();
    },
  });
  registerPart({
    name: "Variables",
    load: (profile) => setVariables(profile.variables ?? []),
    save: (profile) => {
      profile.variables = variables();
    },
  });
  wireTabs($("request-tabs"));
  wireTable("variables", "Variable");
  wireTable("params", "Parameter");
  wireTable("headers", "Header");
  wireTable("form", "Field");
  wireParts();
  $("url").addEventListener("input", () => {
    paramsFromUrl();
    showUrlPreview();
    onChange();
  });
  $("method").addEventListener("change", onChange);
  $("body-kind").addEventListener("change", () => {
    showBodyKind();
    onChange();
  });
  $("body-text").addEventListener("input", onChange);
  $("follow-authorization").addEventListener("change", () => {
    showFollowWarning();
    onChange();
  });
  $("trusted-hosts").addEventListener("input", onChange);
  $("request-form").addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
  $("cancel-send").addEventListener("click", () => state.inFlight !== null && call("cancel_request", { requestId: state.inFlight }));
  $("copy-curl").addEventListener("click", copyAsCurl);
  loadRequest({});
}
