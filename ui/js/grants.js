// The grant types of the Authorization panel: which fields each shows, and
// how Get New Access Token gets its token. Client credentials and password go
// to request_token; the authorization code is a sign-in, in the login window,
// the system browser, or by pasting the redirected URL; the device code is
// js/device.js. The sign-in itself (authorize URL, state check, code
// exchange) happens in Rust.

import { $, el, flash, flashCopied, hideError, showError } from "./dom.js";
import { call, newRequestId } from "./ipc.js";
import { obtainDeviceToken, wireDevice } from "./device.js";
import { isSignIn, modeHelp, pastePlaceholder, pasteProgress, tieNote } from "./implicit.js";

const MODE_HELP = {
  window: "A window of the app shows the identity domain's sign-in page. When the sign-in reaches the Callback URL, the app takes the code without loading that page and closes the window.",
  browser: "Your default browser opens the sign-in page. The app listens on the Callback URL, which must be http://127.0.0.1:<port>/<path>, for up to 5 minutes.",
  paste: "The app shows the sign-in URL. Open it in any browser, sign in, and paste the whole address the browser ends on (the Callback URL with code and state).",
};

const WAITING = {
  window: "Waiting for you to sign in in the login window…",
  browser: "Waiting for you to sign in in your browser (up to 5 minutes)…",
};

let tokenReceived = () => {};
let completing = null;

/** Get New Access Token, by grant type: the token, or null while a pasted URL is awaited. */
export async function obtainToken(requestId, request) {
  if (request.grantType === "device_code") return obtainDeviceToken(requestId, request);
  if (!isSignIn(request.grantType)) {
    return call("request_token", { requestId, request });
  }
  const mode = request.loginMode || "window";
  $("paste-sign-in").hidden = true;
  showUsed(null);
  if (WAITING[mode]) $("progress").textContent = WAITING[mode];
  const signIn = await call("start_authorization", { requestId, request, mode });
  showUsed(signIn.authorization);
  if (signIn.token) return signIn.token;
  showPasteBox(signIn.authorization);
  return null;
}

/** State and nonce as sent, under their fields when they were generated. */
function showUsed(authorization) {
  for (const [field, id, value] of [
    ["state", "state-used", authorization?.state],
    ["nonce", "nonce-used", authorization?.nonce],
  ]) {
    const generated = Boolean(value) && $(field).value.trim() === "";
    $(id).textContent = generated ? `Generated for the last sign-in: ${value}` : "";
    $(id).hidden = !generated;
  }
}

function showPasteBox(authorization) {
  $("authorize-url").value = authorization.authorizeUrl;
  $("redirected-url").placeholder = pastePlaceholder($("grant-type").value);
  $("paste-sign-in").hidden = false;
  $("redirected-url").focus();
}

async function useRedirectedUrl() {
  if (completing !== null) return;
  const requestId = newRequestId();
  completing = requestId;
  const button = $("use-redirected-url");
  button.disabled = true;
  button.classList.add("busy");
  $("paste-progress").textContent = pasteProgress($("grant-type").value);
  hideError("error");
  try {
    const signIn = await call("complete_authorization", { requestId, redirectedUrl: $("redirected-url").value });
    $("paste-sign-in").hidden = true;
    $("redirected-url").value = "";
    tokenReceived(signIn.token);
  } catch (error) {
    // The pasted URL stays, to be corrected; a foreign state leaves the sign-in waiting.
    showError("error", error);
    $("empty-state").hidden = true;
  } finally {
    completing = null;
    button.disabled = false;
    button.classList.remove("busy");
    $("paste-progress").textContent = "";
  }
}

async function copyAuthorizeUrl(event) {
  const button = event.currentTarget;
  try {
    flashCopied(button, await call("copy_authorization_url"));
  } catch (error) {
    showError("error", error);
    $("empty-state").hidden = true;
  }
}

async function urlAction(event, command, done) {
  const button = event.currentTarget;
  try {
    await call(command);
    flash(button, done);
  } catch (error) {
    showError("error", error);
    $("empty-state").hidden = true;
  }
}

function buildPasteBox() {
  const box = el("div", { id: "paste-sign-in", class: "paste-sign-in", hidden: true },
    el("p", { class: "help", text: "Open this sign-in URL in a browser and sign in. The browser then ends on the Callback URL (often an error page, which is fine): copy the whole address from its address bar and paste it below." }),
    el("div", { class: "field" },
      el("label", { for: "authorize-url", text: "Sign-in URL" }),
      el("textarea", { id: "authorize-url", rows: "3", readonly: true, spellcheck: "false" }),
      el("div", { class: "row-actions" },
        el("button", { type: "button", id: "copy-authorize-url", class: "quiet", text: "Copy", onclick: copyAuthorizeUrl }),
        el("button", { type: "button", id: "open-authorize-url", class: "quiet", text: "Open in browser", onclick: (e) => urlAction(e, "open_authorization_url", "Opened") }))),
    el("div", { class: "field" },
      el("label", { for: "redirected-url", text: "Redirected URL" }),
      el("textarea", { id: "redirected-url", rows: "3", spellcheck: "false", placeholder: "https://…/callback?code=…&state=…" })),
    el("div", { class: "row-actions" },
      el("button", { type: "button", id: "use-redirected-url", class: "primary", text: "Use this URL", onclick: useRedirectedUrl }),
      el("span", { id: "paste-progress", class: "muted", role: "status" })));
  $("progress").after(box);
}

function showGrantFields() {
  const grant = $("grant-type").value;
  for (const node of $("token-form").querySelectorAll("[data-grants]")) {
    node.hidden = !node.dataset.grants.split(/\s+/).includes(grant);
  }
  $("login-mode-help").textContent = modeHelp(grant, $("login-mode").value, MODE_HELP[$("login-mode").value] ?? "");
  tieNote($("grant-type"));
  if (!isSignIn(grant)) $("paste-sign-in").hidden = true;
}

function togglePassword() {
  const input = $("password");
  const show = input.type === "password";
  input.type = show ? "text" : "password";
  $("toggle-password").textContent = show ? "Hide" : "Show";
  $("toggle-password").setAttribute("aria-pressed", String(show));
}

async function clearLoginSession() {
  const status = $("login-session-status");
  try {
    await call("clear_login_session");
    status.textContent = "Login session cleared: the next sign-in asks for the user again.";
  } catch (error) {
    status.textContent = "";
    showError("error", error);
    $("empty-state").hidden = true;
  }
}

export function wireGrants(panel) {
  tokenReceived = panel.tokenReceived;
  buildPasteBox();
  wireDevice({ onLoaded: panel.onLoaded });
  $("grant-type").addEventListener("change", showGrantFields);
  $("login-mode").addEventListener("change", showGrantFields);
  panel.onLoaded(() => {
    showGrantFields();
    showUsed(null);
    $("paste-sign-in").hidden = true;
  });
  $("toggle-password").addEventListener("click", togglePassword);
  $("clear-login-session").addEventListener("click", clearLoginSession);
  showGrantFields();
}
