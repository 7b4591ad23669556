// Import… and Paste cURL: a curl command pasted into the URL field or the
// Import box fills the request panel (or, for a token request, the
// Authorization panel: the core keeps its secrets); a Postman collection,
// environment or globals file becomes saved requests in folders and
// Variables. The core reads them (collections/); this module applies them.

import { $, el, hideError, showError } from "./dom.js";
import { call } from "./ipc.js";
import { edited } from "./parts.js";
import { apiRequest, loadRequest } from "./request.js";
import { authFields, loadAuth } from "./auth.js";
import { currentProfile, refreshSavedSecrets } from "./profiles.js";

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

async function runImport() {
  hideError("import-error");
  const text = $("import-text").value;
  try {
    if (looksLikeCurl(text)) {
      showReport(await pasteCurl(text));
      return;
    }
    showReport(["Paste a curl command, or give a Postman file."]);
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
