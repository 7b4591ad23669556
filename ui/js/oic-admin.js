// Oracle Integration administration (Oracle Integration profiles only): the
// Integrations, Connections and Errors panels in one dialog, over the token
// attached with Use Token. Every action is one command (`oic_admin`) whose
// request the core builds; the panel shows it as "Request sent" (method,
// URL with integrationInstance, headers, body) with Copy as cURL, beside
// the answer and, for a refusal, what to check and the role needed.
// Tables load page by page (100 a page) with a progress line and Cancel,
// rows appended a page at a time so that 2,000 integrations stay responsive.

import { $, el, flashCopied, formatBytes, hideError, showError } from "./dom.js";
import { call, Channel, newRequestId } from "./ipc.js";
import { wireTabs } from "./tabs.js";
import { apiRequest, attachedToken, loadRequest } from "./request.js";
import { oicTarget, onOracleKind, oracleInputs } from "./oracle.js";
import { archiveName, confirmation, progressText, requestSentLines, requestSummary, switchFor } from "./oic-admin-text.js";

const PAGE = 100;

const state = {
  /** The design-time origin the runtime URL redirected to; later calls go there. */
  designBase: null,
  /** The base URL the tables were loaded from; another one clears them. */
  loadedFor: null,
  rows: { integrations: new Map(), connections: new Map(), errors: new Map() },
  loaded: { integrations: false, connections: false, errors: false },
  loading: { integrations: null, connections: null, errors: null },
  exporting: null, // the row being exported, and its request id while saving
  confirm: null, // resolves the open confirmation
};

const tokenId = () => attachedToken()?.id ?? null;

/** Where the calls go: the profile's base URL (or the design-time URL it
 * redirected to), its instance, and the request panel's redirect settings. */
function target() {
  const t = oicTarget();
  if (!t) return null;
  const panel = apiRequest();
  return {
    baseUrl: state.designBase ?? t.baseUrl,
    instance: t.instance,
    followAuthorization: panel.followAuthorization,
    trustedHosts: panel.trustedHosts,
  };
}

const instanceName = () => oicTarget()?.instance ?? "";

async function send(action, requestId = newRequestId()) {
  const result = await call("oic_admin", { requestId, target: target(), action, tokenId: tokenId(), oracle: oracleInputs() });
  if (result.designBase) state.designBase = result.designBase;
  return result;
}

// ---- "Request sent" and the result line -------------------------------------

async function copyCurl(request, button) {
  try {
    const seconds = await call("copy_request_as_curl", { request, tokenId: tokenId(), includeSecrets: false });
    flashCopied(button, seconds);
  } catch (error) {
    showError("oic-admin-error", error);
  }
}

/** The collapsible "Request sent" line: the request, Copy as cURL, the answer. */
function requestSent(request, response, body) {
  return el("details", { class: "request-sent" },
    el("summary", { text: `Request sent: ${requestSummary(request)}` }),
    el("pre", { class: "request-sent-text", text: requestSentLines(request, { withToken: Boolean(tokenId()) }).join("\n") }),
    el("button", { type: "button", class: "quiet small", text: "Copy as cURL", onclick: (event) => copyCurl(request, event.currentTarget) }),
    response ? el("p", { class: "response-line", text: `Response: ${response.status} ${response.reason}` }) : null,
    body ? el("pre", { class: "response-text", text: body }) : null);
}

function showResult(panel, { ok, message, hint }, request, response, body) {
  $(`oic-${panel}-result`).replaceChildren(
    el("p", { class: `result-message ${ok ? "ok" : "failed"}`, text: message }),
    hint ? el("p", { class: "result-hint", text: hint }) : null,
    request ? requestSent(request, response, body) : null);
}

// ---- Confirmation -------------------------------------------------------------

function confirmAction(action, row) {
  const c = confirmation(action, row, instanceName());
  $("oic-confirm-title").textContent = c.title;
  $("oic-confirm-text").textContent = c.text;
  $("oic-confirm-warning").textContent = c.warning ?? "";
  $("oic-confirm-warning").hidden = !c.warning;
  return new Promise((resolve) => {
    state.confirm = resolve;
    $("oic-confirm").showModal();
    $("oic-confirm-cancel").focus();
  });
}

function settleConfirm(answer) {
  const resolve = state.confirm;
  state.confirm = null;
  if ($("oic-confirm").open) $("oic-confirm").close();
  resolve?.(answer);
}

// ---- Tables -------------------------------------------------------------------

const button = (action, text) => el("button", { type: "button", class: "quiet small", "data-action": action, text });

function integrationRow(row) {
  const flip = switchFor(row.status);
  return el("tr", { "data-id": row.id },
    el("td", { text: row.name }),
    el("td", { text: row.code }),
    el("td", { text: row.version }),
    el("td", { class: "status", text: row.status }),
    el("td", { text: row.lastUpdated }),
    el("td", { text: row.pattern }),
    el("td", { class: "row-actions" },
      flip ? button(flip, flip === "activate" ? "Activate" : "Deactivate") : null,
      button("export", "Export .iar"),
      button("open", "Open in request panel")));
}

function connectionRow(row) {
  return el("tr", { "data-id": row.id },
    el("td", { text: row.name }),
    el("td", { text: row.id }),
    el("td", { text: row.adapter }),
    el("td", { class: "status", text: row.status }),
    el("td", { text: row.usage ?? "" }),
    el("td", { class: "row-actions" }, button("test", "Test"), button("open", "Open in request panel")));
}

function errorRow(row) {
  return el("tr", { "data-id": row.id },
    el("td", {}, el("input", { type: "checkbox", class: "select-error", "aria-label": `Select instance ${row.id}` })),
    el("td", { text: `${row.integration} ${row.version}`.trim() }),
    el("td", { text: row.id }),
    el("td", { class: "error-text", text: row.message }),
    el("td", { text: row.time }),
    el("td", { class: "row-actions" }, button("resubmit", "Resubmit"), button("abort", "Abort")));
}

const TABLES = {
  integrations: {
    what: "integrations",
    action: (offset) => ({ action: "listIntegrations", offset, limit: PAGE, q: $("oic-integrations-search").value }),
    render: integrationRow,
  },
  connections: {
    what: "connections",
    action: (offset) => ({ action: "listConnections", offset, limit: PAGE, q: $("oic-connections-search").value }),
    render: connectionRow,
  },
  errors: {
    what: "errors",
    action: (offset) => ({ action: "listErrors", offset, limit: PAGE }),
    render: errorRow,
  },
};

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Loads every page of a table, appending each as it comes; Cancel stops it. */
async function load(kind) {
  const table = TABLES[kind];
  stopLoading(kind);
  const run = { requestId: newRequestId(), cancelled: false };
  state.loading[kind] = run;
  state.rows[kind].clear();
  state.loaded[kind] = true;
  $(`oic-${kind}-rows`).replaceChildren();
  const progress = $(`oic-${kind}-progress`);
  const stop = $(`oic-${kind}-stop`);
  stop.hidden = false;
  let loaded = 0;
  let total = null;
  let offset = 0;
  let ended = "done";
  try {
    for (;;) {
      progress.textContent = progressText(table.what, loaded, total, "loading");
      const result = await send(table.action(offset), run.requestId);
      if (state.loading[kind] !== run) return;
      $(`oic-${kind}-list-sent`).replaceChildren(requestSent(result.request, result.response, result.page ? null : result.body));
      if (!result.page) {
        showResult(kind, result.outcome, null);
        ended = "failed";
        break;
      }
      const rows = document.createDocumentFragment();
      for (const row of result.page.items) {
        state.rows[kind].set(row.id, row);
        rows.append(table.render(row));
      }
      $(`oic-${kind}-rows`).append(rows);
      loaded += result.page.items.length;
      total = result.page.total ?? null;
      if (!result.page.hasMore || result.page.items.length === 0) break;
      if (run.cancelled) {
        ended = "cancelled";
        break;
      }
      offset += result.page.items.length;
      await nextFrame();
    }
  } catch (error) {
    if (state.loading[kind] !== run) return;
    if (error?.code === "cancelled") ended = "cancelled";
    else {
      ended = "failed";
      showError("oic-admin-error", error);
    }
  }
  if (state.loading[kind] !== run) return;
  state.loading[kind] = null;
  stop.hidden = true;
  progress.textContent = ended === "failed" ? `${progressText(table.what, loaded, total, "cancelled")} See why below.` : progressText(table.what, loaded, total, ended);
}

function stopLoading(kind) {
  const run = state.loading[kind];
  if (!run) return;
  run.cancelled = true;
  call("cancel_request", { requestId: run.requestId }).catch(() => {});
}

// ---- Actions --------------------------------------------------------------------

async function act(panel, action, after) {
  hideError("oic-admin-error");
  try {
    const result = await send(action);
    showResult(panel, result.outcome, result.request, result.response, result.body);
    if (result.outcome.ok) await after?.(result);
  } catch (error) {
    showError("oic-admin-error", error);
  }
}

async function onIntegrationAction(event) {
  const kind = event.target.closest("[data-action]")?.dataset.action;
  const id = event.target.closest("tr[data-id]")?.dataset.id;
  const row = id && state.rows.integrations.get(id);
  if (!kind || !row) return;
  if (kind === "open") return openInRequestPanel({ action: "getIntegration", id });
  if (kind === "export") return showExport(row);
  if (!(await confirmAction(kind, row))) return;
  await act("integrations", { action: kind, id }, (result) => {
    if (!result.row) return;
    state.rows.integrations.set(id, result.row);
    event.target.closest("tr").replaceWith(integrationRow(result.row));
  });
}

async function onConnectionAction(event) {
  const kind = event.target.closest("[data-action]")?.dataset.action;
  const id = event.target.closest("tr[data-id]")?.dataset.id;
  if (!kind || !id) return;
  if (kind === "open") return openInRequestPanel({ action: "getConnection", id });
  if (kind === "test") await act("connections", { action: "testConnection", id });
}

async function onErrorAction(event) {
  const kind = event.target.closest("[data-action]")?.dataset.action;
  const tr = event.target.closest("tr[data-id]");
  const row = tr && state.rows.errors.get(tr.dataset.id);
  if (!kind || !row) return;
  if (!(await confirmAction(kind, row))) return;
  await act("errors", { action: kind, id: row.id }, () => {
    state.rows.errors.delete(row.id);
    tr.remove();
  });
}

async function resubmitSelected() {
  const ids = [...document.querySelectorAll("#oic-errors-rows input.select-error:checked")].map((box) => box.closest("tr").dataset.id);
  if (!ids.length) {
    showResult("errors", { ok: false, message: "Select the errored instances to resubmit first.", hint: null }, null);
    return;
  }
  if (!(await confirmAction("resubmitMany", { count: ids.length }))) return;
  hideError("oic-admin-error");
  try {
    const result = await send({ action: "resubmitMany", ids });
    showResult("errors", result.outcome, result.request, result.response, result.body);
    const keep = $("oic-errors-result").firstChild;
    await load("errors");
    // The reload shows its own request above the table; the bulk result stays.
    if (keep && !$("oic-errors-result").contains(keep)) $("oic-errors-result").prepend(keep);
  } catch (error) {
    showError("oic-admin-error", error);
  }
}

async function openInRequestPanel(action) {
  try {
    const request = await call("oic_admin_request", { target: target(), action });
    loadRequest(request);
    $("oic-admin-dialog").close();
    $("url").focus();
  } catch (error) {
    showError("oic-admin-error", error);
  }
}

// ---- Export .iar, Import .iar… --------------------------------------------------

function showExport(row) {
  state.exporting = { row, requestId: null };
  $("oic-export-what").textContent = `Export ${row.name} (${row.code} ${row.version}) as an archive (.iar).`;
  $("oic-export-path").placeholder = `/home/you/${archiveName(row.id)}`;
  $("oic-export-progress").textContent = "";
  $("oic-export").hidden = false;
  $("oic-export-path").focus();
}

async function chooseExportPath() {
  if (!state.exporting) return;
  try {
    const path = await call("oic_choose_archive_path", { id: state.exporting.row.id });
    if (path) $("oic-export-path").value = path;
  } catch (error) {
    showError("oic-admin-error", error);
  }
}

async function saveExport() {
  const exporting = state.exporting;
  if (!exporting || exporting.requestId) return;
  const path = $("oic-export-path").value.trim();
  if (!path) {
    $("oic-export-progress").textContent = "Type where to save the archive, or press Choose….";
    return;
  }
  exporting.requestId = newRequestId();
  const progress = new Channel();
  progress.onmessage = ({ written, total }) => {
    $("oic-export-progress").textContent = total ? `${formatBytes(written)} of ${formatBytes(total)}` : `${formatBytes(written)} written`;
  };
  hideError("oic-admin-error");
  try {
    const result = await call("oic_admin_export", {
      requestId: exporting.requestId, target: target(), id: exporting.row.id, path, tokenId: tokenId(), progress,
    });
    const message = result.outcome.ok ? `Saved ${formatBytes(result.bytes)} to ${result.path}.` : result.outcome.message;
    $("oic-export-progress").textContent = message;
    showResult("integrations", { ...result.outcome, message: result.outcome.ok ? `${result.outcome.message} ${message}` : message },
      result.request, { status: result.status, reason: "" }, null);
  } catch (error) {
    $("oic-export-progress").textContent = error?.code === "cancelled" ? "Cancelled; nothing was saved." : "";
    if (error?.code !== "cancelled") showError("oic-admin-error", error);
  } finally {
    exporting.requestId = null;
  }
}

function cancelExport() {
  const requestId = state.exporting?.requestId;
  if (requestId) call("cancel_request", { requestId }).catch(() => {});
  else {
    $("oic-export").hidden = true;
    state.exporting = null;
  }
}

const importReplace = () => $("oic-import-replace").checked;

async function chooseImportFile() {
  try {
    const path = await call("oic_choose_archive_file");
    if (path) $("oic-import-path").value = path;
  } catch (error) {
    showError("oic-admin-error", error);
  }
}

async function importArchive() {
  const path = $("oic-import-path").value.trim();
  if (!path) {
    showResult("integrations", { ok: false, message: "Type the archive's path, or press Choose….", hint: null }, null);
    return;
  }
  const replace = importReplace();
  if (replace && !(await confirmAction("importReplace", { file: path }))) return;
  await act("integrations", { action: "import", path, replace }, async () => {
    $("oic-import").hidden = true;
    const keep = $("oic-integrations-result").firstChild ? [...$("oic-integrations-result").childNodes] : [];
    await load("integrations");
    if (keep.length && !keep.some((node) => $("oic-integrations-result").contains(node))) $("oic-integrations-result").replaceChildren(...keep);
  });
}

// ---- The dialog ------------------------------------------------------------------

function open() {
  const t = oicTarget();
  hideError("oic-admin-error");
  if (!t) {
    showError("oic-admin-error", {
      code: "missing_field",
      message: "This profile has no OIC instance URL yet.",
      hint: "Fill in OIC instance URL (and Integration instance name) in the profile, then open the administration again.",
    });
  }
  if (t && state.loadedFor !== t.baseUrl) {
    state.loadedFor = t.baseUrl;
    state.designBase = null;
    for (const kind of Object.keys(TABLES)) {
      stopLoading(kind);
      state.loaded[kind] = false;
      state.rows[kind].clear();
      $(`oic-${kind}-rows`).replaceChildren();
      $(`oic-${kind}-result`).replaceChildren();
      $(`oic-${kind}-list-sent`).replaceChildren();
      $(`oic-${kind}-progress`).textContent = "";
    }
  }
  $("oic-admin-where").textContent = t
    ? `Instance ${t.instance || "(no integrationInstance: fill in Integration instance name)"} at ${t.baseUrl}, ${tokenId() ? "with the attached token" : "with no token attached: press Use Token first"}. Every action shows the request it sends.`
    : "";
  $("oic-admin-dialog").showModal();
  const shown = document.querySelector("#oic-admin-tabs [aria-selected=true]")?.getAttribute("aria-controls")?.replace("oic-", "");
  if (t && shown && !state.loaded[shown]) load(shown);
}

function wire() {
  onOracleKind((oracle) => {
    $("open-oic-admin").hidden = !oracle;
    $("open-oic-admin-help").hidden = !oracle;
    if (!oracle && $("oic-admin-dialog").open) $("oic-admin-dialog").close();
  });
  $("open-oic-admin").addEventListener("click", open);
  $("oic-admin-close").addEventListener("click", () => $("oic-admin-dialog").close());
  $("oic-admin-dialog").addEventListener("close", () => Object.keys(TABLES).forEach(stopLoading));
  wireTabs($("oic-admin-tabs"), (tab) => {
    const kind = tab.getAttribute("aria-controls").replace("oic-", "");
    if ($("oic-admin-dialog").open && oicTarget() && !state.loaded[kind]) load(kind);
  });
  for (const kind of Object.keys(TABLES)) {
    $(`oic-${kind}-stop`).addEventListener("click", () => stopLoading(kind));
  }
  $("oic-integrations-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    load("integrations");
  });
  $("oic-connections-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    load("connections");
  });
  $("oic-errors-reload").addEventListener("click", () => load("errors"));
  $("oic-errors-resubmit-selected").addEventListener("click", resubmitSelected);
  $("oic-integrations-rows").addEventListener("click", onIntegrationAction);
  $("oic-connections-rows").addEventListener("click", onConnectionAction);
  $("oic-errors-rows").addEventListener("click", onErrorAction);
  $("oic-export-choose").addEventListener("click", chooseExportPath);
  $("oic-export-send").addEventListener("click", saveExport);
  $("oic-export-cancel").addEventListener("click", cancelExport);
  $("oic-import-open").addEventListener("click", () => {
    $("oic-import").hidden = false;
    $("oic-import-path").focus();
  });
  $("oic-import-choose").addEventListener("click", chooseImportFile);
  $("oic-import-send").addEventListener("click", importArchive);
  $("oic-import-cancel").addEventListener("click", () => ($("oic-import").hidden = true));
  for (const id of ["oic-import-add", "oic-import-replace"]) {
    $(id).addEventListener("change", () => ($("oic-import-warning").hidden = !importReplace()));
  }
  $("oic-confirm-ok").addEventListener("click", () => settleConfirm(true));
  $("oic-confirm-cancel").addEventListener("click", () => settleConfirm(false));
  $("oic-confirm").addEventListener("close", () => settleConfirm(false));
}

wire();
