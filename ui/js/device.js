// Device Code (RFC 8628) in the Authorization panel. Get New Access Token
// runs the whole flow in Rust (`start_device_code`): the core asks the device
// endpoint for a User Code, the app tells this module what to show (event
// `device-code-started`) and the interval before each poll
// (`device-code-polling`), and the command's answer is the token. The
// panel's Cancel (`cancel_request`) stops the polling. Copy and Open in
// browser act on the flow's own values in Rust. The device code never
// reaches the window; the User Code is not a secret.

import { $, el, flash, flashCopied, showError } from "./dom.js";
import { call, listen } from "./ipc.js";
import { expiryText, pollingStatus } from "./device-text.js";

const STARTED = "device-code-started";
const POLLING = "device-code-polling";

// The flow on screen: {requestId, interval (as first given), expiresAt (ms)}.
let flow = null;
let countdownTimer = null;

/** Get New Access Token for Device Code: resolves with the token, or throws `{code, message, hint}`. */
export async function obtainDeviceToken(requestId, request) {
  flow = { requestId, interval: null, expiresAt: null };
  hidePanel();
  $("progress").textContent = "Asking the identity domain for a User Code…";
  try {
    const token = await call("start_device_code", { requestId, request });
    flow = null;
    hidePanel();
    return token;
  } catch (error) {
    stopped(error);
    throw error;
  }
}

function shown(payload) {
  if (!flow || payload.requestId !== flow.requestId) return;
  flow.interval = payload.interval;
  flow.expiresAt = Date.now() + payload.expiresIn * 1000;
  $("device-user-code").value = payload.userCode;
  $("device-verification-url").value = payload.verificationUri;
  const complete = payload.verificationUriComplete ?? "";
  $("device-verification-url-complete").value = complete;
  $("device-complete-field").hidden = complete === "";
  for (const button of $("device-sign-in").querySelectorAll("button")) button.disabled = false;
  setStatus("Waiting for you to sign in…");
  $("progress").textContent = "Waiting for you to sign in…";
  $("device-sign-in").hidden = false;
  $("device-sign-in").scrollIntoView({ block: "start" });
  startCountdown();
}

function polling(payload) {
  if (!flow || payload.requestId !== flow.requestId || flow.interval === null) return;
  setStatus(pollingStatus(flow.interval, payload.intervalSecs));
}

/** The flow ended without a token: the panel says why; every field stays as it was. */
function stopped(error) {
  clearInterval(countdownTimer);
  flow = null;
  if ($("device-sign-in").hidden) return;
  setStatus(error?.code === "cancelled"
    ? "Cancelled: the app stopped polling for this User Code."
    : `Stopped: ${error?.message ?? String(error)}`);
  for (const button of $("device-sign-in").querySelectorAll("button")) button.disabled = true;
}

function setStatus(text) {
  $("device-status").textContent = text;
}

function hidePanel() {
  clearInterval(countdownTimer);
  $("device-sign-in").hidden = true;
  setStatus("");
  $("device-expiry").textContent = "";
}

function startCountdown() {
  clearInterval(countdownTimer);
  const out = $("device-expiry");
  const tick = () => {
    if (!flow?.expiresAt) return;
    const left = Math.max(0, Math.round((flow.expiresAt - Date.now()) / 1000));
    out.classList.toggle("expired", left === 0);
    out.textContent = expiryText(left);
    if (left === 0) clearInterval(countdownTimer);
  };
  tick();
  countdownTimer = setInterval(tick, 1000);
}

async function copyValue(event, which) {
  const button = event.currentTarget;
  try {
    flashCopied(button, await call("copy_device_value", { which }));
  } catch (error) {
    showError("error", error);
    $("empty-state").hidden = true;
  }
}

async function openInBrowser(event, which) {
  const button = event.currentTarget;
  try {
    await call("open_verification_url", { which });
    flash(button, "Opened");
  } catch (error) {
    showError("error", error);
    $("empty-state").hidden = true;
  }
}

/** A read-only field with its label, and its buttons beside it. */
function readonlyField(id, label, extra, ...buttons) {
  return [
    el("label", { for: id, text: label }),
    el("div", { class: "with-action" },
      el("input", { id, type: "text", readonly: true, spellcheck: "false", autocomplete: "off", ...extra }),
      ...buttons),
  ];
}

function buildPanel() {
  const panel = el("section", { id: "device-sign-in", class: "device-sign-in", "aria-label": "Device sign-in", hidden: true },
    el("p", { class: "help", text: "Open the Verification URL in any browser (on this computer or another), enter the User Code there and sign in. The app checks with the identity domain until you have, then shows the token." }),
    el("div", { class: "field" },
      ...readonlyField("device-user-code", "User Code", { class: "user-code" },
        el("button", { type: "button", id: "copy-device-user-code", class: "quiet", text: "Copy", onclick: (e) => copyValue(e, "user_code") }))),
    el("p", { id: "device-expiry", class: "device-expiry muted", role: "timer", "aria-live": "off" }),
    el("p", { id: "device-status", class: "device-status", role: "status", "aria-live": "polite" }),
    el("div", { class: "field" },
      ...readonlyField("device-verification-url", "Verification URL", {},
        el("button", { type: "button", id: "open-device-verification-url", class: "quiet", text: "Open in browser", onclick: (e) => openInBrowser(e, "verification_uri") }),
        el("button", { type: "button", id: "copy-device-verification-url", class: "quiet", text: "Copy", onclick: (e) => copyValue(e, "verification_uri") }))),
    el("div", { class: "field", id: "device-complete-field", hidden: true },
      ...readonlyField("device-verification-url-complete", "Verification URL with the code", {},
        el("button", { type: "button", id: "open-device-verification-url-complete", class: "quiet", text: "Open in browser", onclick: (e) => openInBrowser(e, "verification_uri_complete") }),
        el("button", { type: "button", id: "copy-device-verification-url-complete", class: "quiet", text: "Copy", onclick: (e) => copyValue(e, "verification_uri_complete") }))));
  $("progress").after(panel);
}

/** Builds the panel and listens for the flow's events; `onLoaded` hides it on a profile switch. */
export function wireDevice({ onLoaded }) {
  buildPanel();
  listen(STARTED, ({ payload }) => shown(payload));
  listen(POLLING, ({ payload }) => polling(payload));
  $("grant-type").addEventListener("change", () => {
    if ($("grant-type").value !== "device_code" && !flow) hidePanel();
  });
  onLoaded(() => {
    if (!flow) hidePanel();
  });
}
