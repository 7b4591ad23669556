// Settings → Network: the proxy, the CA bundle, the request timeout and the
// response body limit the app's HTTP client is built with (command `update_network_settings`, which
// refuses a proxy URL or CA file it cannot use and then changes nothing, so
// the fields stay as typed, and saves them with the app's settings; a proxy
// password is kept for the session only, never written to disk).
// Also Copy as cURL for the token request, which carries the same settings.
//
// The section goes into the Settings dialog's `#settings-network`; without
// that dialog it gets its own "Network settings" dialog opened from the top bar.

import { $, el, flash, flashCopied, hideError, showError } from "./dom.js";
import { call } from "./ipc.js";
import { onAuthLoaded, tokenRequest } from "./auth.js";
import { describeHelps } from "./a11y.js";

const MAX_TIMEOUT = 3600;
const DEFAULT_MAX_BODY_MB = 50;
const MAX_BODY_MB = 4096;

function errorBox(prefix) {
  return el("div", { id: prefix, class: "error", role: "alert", hidden: true },
    el("p", { id: `${prefix}-message`, class: "error-message" }),
    el("p", { id: `${prefix}-hint`, class: "error-hint" }),
    el("p", { class: "error-code" }, "Error code: ", el("code", { id: `${prefix}-code` })));
}

function section() {
  return el("section", { id: "network-settings", class: "network-settings", "aria-labelledby": "network-title" },
    el("h3", { id: "network-title", text: "Network" }),
    el("div", { class: "field" },
      el("label", { for: "network-proxy", text: "Proxy URL" }),
      el("input", { id: "network-proxy", type: "text", spellcheck: "false", autocomplete: "off", placeholder: "Empty: the system's HTTPS_PROXY and NO_PROXY" }),
      el("p", { class: "help", text: "E.g. http://proxy.example.com:8080, or http://user:password@proxy.example.com:8080 when the proxy asks for a password (kept for this session only, never saved). This computer (localhost, 127.0.0.1) is always reached directly." })),
    el("div", { class: "field" },
      el("label", { for: "network-ca-bundle", text: "CA bundle" }),
      el("div", { class: "with-action" },
        el("input", { id: "network-ca-bundle", type: "text", spellcheck: "false", autocomplete: "off", placeholder: "Empty: the built-in trusted roots only" }),
        el("button", { type: "button", id: "network-choose-ca", class: "quiet", text: "Choose…" })),
      el("p", { class: "help", text: "A PEM file of CA certificates trusted in addition to the built-in ones, for networks that inspect TLS. Certificate checks stay on." })),
    el("div", { class: "field" },
      el("label", { for: "network-timeout", text: "Request timeout (seconds)" }),
      el("input", { id: "network-timeout", type: "number", min: "1", max: String(MAX_TIMEOUT), step: "1", value: "30" }),
      el("p", { class: "help", text: "Each request, from connecting to the last byte of the answer. Default 30." })),
    el("div", { class: "field" },
      el("label", { for: "network-max-body", text: "Keep response bodies up to (MB)" }),
      el("input", { id: "network-max-body", type: "number", min: "1", max: String(MAX_BODY_MB), step: "1", value: String(DEFAULT_MAX_BODY_MB) }),
      el("p", { class: "help", text: "A longer body is cut there and shown as truncated; Save to file still writes all of it. Default 50." })),
    errorBox("network-error"),
    el("div", { class: "actions" },
      el("button", { type: "button", id: "network-apply", class: "primary", text: "Apply network settings" }),
      el("span", { id: "network-status", class: "muted", role: "status", "aria-live": "polite" })));
}

/** Where the section goes: the Settings dialog's place for it, else a dialog of its own. */
function mount(node) {
  const place = $("settings-network");
  if (place) {
    place.append(node);
    describeHelps(node);
    return;
  }
  const dialog = el("dialog", { id: "network-dialog", class: "network-dialog", "aria-labelledby": "network-dialog-title" },
    el("h2", { id: "network-dialog-title", text: "Network settings" }),
    node,
    el("div", { class: "actions" },
      el("button", { type: "button", id: "network-close", text: "Close", onclick: () => dialog.close() })));
  document.body.append(dialog);
  const open = el("button", { type: "button", id: "open-network-settings", class: "quiet", text: "Network settings", onclick: () => dialog.showModal() });
  document.querySelector(".sidebar-foot").append(open);
}

function fill(view) {
  $("network-proxy").value = view.proxy ?? "";
  $("network-ca-bundle").value = view.caBundle ?? "";
  $("network-timeout").value = String(view.timeoutSeconds);
  $("network-max-body").value = String(view.maxBodyMegabytes);
}

/** The fields as `update_network_settings` reads them, or a problem with the timeout. */
function typedSettings() {
  const raw = $("network-timeout").value.trim();
  const timeout = raw === "" ? 30 : Number(raw);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT) {
    throw {
      code: "invalid_timeout",
      message: `Request timeout must be a whole number of seconds from 1 to ${MAX_TIMEOUT}, not "${raw}"`,
      hint: "30 seconds is the default.",
    };
  }
  const rawBody = $("network-max-body").value.trim();
  const maxBody = rawBody === "" ? DEFAULT_MAX_BODY_MB : Number(rawBody);
  if (!Number.isInteger(maxBody) || maxBody < 1 || maxBody > MAX_BODY_MB) {
    throw {
      code: "invalid_body_limit",
      message: `Keep response bodies up to (MB) must be a whole number from 1 to ${MAX_BODY_MB}, not "${rawBody}"`,
      hint: `${DEFAULT_MAX_BODY_MB} MB is the default.`,
    };
  }
  return {
    timeoutSeconds: timeout,
    maxBodyMegabytes: maxBody,
    proxy: $("network-proxy").value.trim() || null,
    caBundle: $("network-ca-bundle").value.trim() || null,
  };
}

async function apply() {
  const status = $("network-status");
  const button = $("network-apply");
  hideError("network-error");
  status.textContent = "";
  button.disabled = true;
  try {
    // Applied and saved by the core, which writes no proxy password.
    const view = await call("update_network_settings", { settings: typedSettings() });
    status.textContent = view.proxyHasPassword
      ? "Applied. The proxy password is kept for this session only."
      : "Applied and saved.";
  } catch (error) {
    showError("network-error", error);
  } finally {
    button.disabled = false;
  }
}

async function chooseCaBundle() {
  try {
    const path = await call("choose_ca_bundle");
    if (path) $("network-ca-bundle").value = path;
  } catch (error) {
    showError("network-error", error);
  }
}

/** The command that copies the request as cURL, by grant type. */
const TOKEN_CURL = {
  client_credentials: "copy_token_request_as_curl",
  password: "copy_token_request_as_curl",
  jwt_assertion: "copy_token_request_as_curl",
  authorization_code: "copy_code_exchange_as_curl",
  device_code: "copy_device_request_as_curl",
};

async function copyTokenRequestAsCurl(event) {
  const button = event.currentTarget;
  try {
    const command = TOKEN_CURL[$("grant-type").value];
    const seconds = await call(command, {
      request: tokenRequest(),
      includeSecrets: $("token-curl-include-secrets").checked,
    });
    hideError("error");
    flashCopied(button, seconds);
  } catch (error) {
    showError("error", error);
    $("empty-state").hidden = true;
  }
}

/** Copy as cURL for the token request exists for every grant type but
 * Implicit (whose token comes back in the redirect): Authorization Code
 * copies the code exchange (code and PKCE verifier as placeholders, or a
 * waiting paste sign-in's verifier with secrets), Device Code its first
 * step, the device authorization request. The refresh request is copied
 * beside Refresh (js/token.js). */
function showTokenCurl() {
  const available = $("grant-type").value in TOKEN_CURL;
  $("copy-token-curl").hidden = !available;
  $("token-curl-secrets").hidden = !available;
}

async function wireNetworkSettings() {
  mount(section());
  $("network-apply").addEventListener("click", apply);
  $("network-choose-ca").addEventListener("click", chooseCaBundle);
  $("copy-token-curl").addEventListener("click", copyTokenRequestAsCurl);
  $("grant-type").addEventListener("change", showTokenCurl);
  onAuthLoaded(showTokenCurl);
  showTokenCurl();
  try {
    fill(await call("network_settings"));
  } catch (error) {
    showError("network-error", error);
  }
}

// After every module has run, so that the Settings dialog, if the app
// builds one, is there.
if (document.readyState === "complete") wireNetworkSettings();
else window.addEventListener("load", wireNetworkSettings, { once: true });
