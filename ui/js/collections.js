// Import… and Paste cURL: a curl command pasted into the URL field or the
// Import box fills the request panel (or, for a token request, the
// Authorization panel: the core keeps its secrets); a Postman collection,
// environment or globals file becomes saved requests in folders and
// Variables. The core reads them (collections/); this module applies them.

import { $, el, hideError, showError } from "./dom.js";
import { call, listen } from "./ipc.js";
import { edited } from "./parts.js";
import { apiRequest, loadRequest } from "./request.js";
import { authFields, loadAuth } from "./auth.js";
import { changeProfile, currentProfile, refreshSavedSecrets } from "./profiles.js";

export const looksLikeCurl = (text) => /^\s*(\$\s+)?curl(\.exe)?\s/.test(text ?? "");

/** Applies a pasted curl command; returns the notes to show. */
export async function pasteCurl(command) {
  const profile = currentProfile();
  const view = await call("import_curl", { profileId: profile.id, command, tokenUrl: $("token-url")?.value ?? null });
  if (view.token) {
    const t = view.token;
    const fields = { ...authFields() };
    for (const key of ["tokenUrl", "clientId", "scope", "username", "callbackUrl"]) if (t[key]) fields[key] = t[key];
    if (t.grantType) fields.grantType = t.grantType;
    if (t.clientAuth) fields.clientAuth = t.clientAuth;
    loadAuth(fields);
    edited();
    await refreshSavedSecrets();
    $("tab-btn-auth")?.click();
    return [`Token request: the Authorization panel was filled${t.grantType ? "" : " (grant unchanged)"}.`, ...view.notes];
  }
  const current = apiRequest();
  loadRequest({ ...view.request, followAuthorization: current.followAuthorization, trustedHosts: current.trustedHosts });
  edited();
  return ["The request panel was filled from the curl command.", ...view.notes];
}

function showReport(lines) {
  $("import-report").replaceChildren(el("ul", {}, ...lines.map((line) => el("li", { text: line }))));
}

const TOKEN_FIELDS = ["tokenUrl", "authUrl", "clientId", "scope", "username", "callbackUrl", "grantType", "clientAuth"];

/** Import… of a Postman file (`path`) or pasted JSON (`text`): its folders and
 * requests added to the profile's saved requests, its variables to Variables
 * (a name imported again takes the new value), an oauth2 block's fields to
 * the Authorization panel; saved at once. Returns the report. */
export async function importPostman({ path = null, text = null }) {
  const profile = currentProfile();
  const view = await call("import_postman", { profileId: profile.id, path, text });
  await changeProfile((p) => {
    p.savedFolders = [...(p.savedFolders ?? []), ...view.folders];
    // Postman has no forwarding settings: an imported request takes the
    // request panel's (Follow Authorization header, trusted hosts).
    const forwarding = { followAuthorization: apiRequest().followAuthorization, trustedHosts: apiRequest().trustedHosts };
    p.savedRequests = [...(p.savedRequests ?? []), ...view.requests.map((r) => ({ ...r, ...forwarding }))];
    const names = new Set(view.variables.map((v) => v.name));
    p.variables = [...(p.variables ?? []).filter((v) => !names.has(v.name)), ...view.variables];
    for (const key of TOKEN_FIELDS) if (view.token?.[key]) p[key] = view.token[key];
  });
  return view.report;
}

function showPostmanReport(r) {
  const list = (title, items) => items.length
    ? el("details", { open: items.length <= 20 }, el("summary", { text: `${title} (${items.length})` }), el("ul", {}, ...items.map((t) => el("li", { text: t }))))
    : null;
  $("import-report").replaceChildren(
    el("p", { text: `${r.format} “${r.name}”: ${r.requests} requests in ${r.folders} folders, ${r.variables} variables imported.` }),
    r.withScripts ? el("p", { text: `${r.withScripts} requests carry pre-request scripts or tests; they are not run.` }) : null,
    list("Changed", r.changed),
    list("Skipped", r.skipped),
    list("Imported", r.imported));
}

async function runImport() {
  hideError("import-error");
  const text = $("import-text").value;
  try {
    if (looksLikeCurl(text)) {
      showReport(await pasteCurl(text));
      return;
    }
    const path = $("import-path").value.trim();
    if (!path && !text.trim()) {
      showReport(["Type a file path, choose a file, or paste a curl command or Postman JSON."]);
      return;
    }
    showPostmanReport(await importPostman(path ? { path } : { text }));
  } catch (error) {
    showError("import-error", error);
  }
}

export function wireCollections() {
  $("open-import").addEventListener("click", () => {
    hideError("import-error");
    $("import-report").replaceChildren();
    $("import-dialog").showModal();
  });
  $("import-close").addEventListener("click", () => $("import-dialog").close());
  $("import-run").addEventListener("click", runImport);
  $("import-choose").addEventListener("click", async () => {
    try {
      const path = await call("choose_import_file");
      if (path) $("import-path").value = path;
    } catch (error) {
      showError("import-error", error);
    }
  });
  $("export-choose").addEventListener("click", async () => {
    try {
      const path = await call("choose_export_file");
      if (path) $("export-path").value = path;
    } catch (error) {
      showError("import-error", error);
    }
  });
  $("export-run").addEventListener("click", async () => {
    hideError("import-error");
    try {
      const written = await call("export_postman", { profileId: currentProfile().id, path: $("export-path").value });
      showReport([`Exported (no secret values): ${written.join(", ")}`]);
    } catch (error) {
      showError("import-error", error);
    }
  });
  // A file dropped onto the window: Tauri's drag-drop event gives its path.
  listen("tauri://drag-drop", ({ payload }) => {
    const path = payload?.paths?.[0];
    if (!path) return;
    $("import-path").value = path;
    $("import-text").value = "";
    if (!$("import-dialog").open) $("import-dialog").showModal();
    runImport();
  });
  $("url").addEventListener("paste", async (event) => {
    const text = event.clipboardData?.getData("text") ?? "";
    if (!looksLikeCurl(text)) return;
    event.preventDefault();
    try {
      $("paste-status").textContent = (await pasteCurl(text)).join(" ");
      hideError("response-error");
    } catch (error) {
      $("paste-status").textContent = "";
      showError("response-error", error);
    }
  });
}
