// OAuth Console's window. It collects what the user typed, asks the Rust core
// (through Tauri commands) to do the work, and shows the answer. It builds no
// HTTP request itself and stores nothing on disk.

const { invoke } = window.__TAURI__.core;

const $ = (id) => document.getElementById(id);

let nextRequestId = 1;
let inFlightId = null;
let countdownTimer = null;
let shownToken = null; // the access token, only while it is on screen

function tokenRequest() {
  return {
    grantType: $("grant-type").value,
    tokenUrl: $("token-url").value.trim(),
    clientId: $("client-id").value.trim(),
    clientSecret: $("client-secret").value,
    scope: $("scope").value.trim(),
    clientAuth: $("client-auth").value,
  };
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
  if (inFlightId !== null) return;
  const requestId = nextRequestId++;
  inFlightId = requestId;
  setBusy(true);
  hideError();
  try {
    const token = await invoke("request_token", { requestId, request: tokenRequest() });
    showToken(token);
  } catch (error) {
    showError(error);
  } finally {
    inFlightId = null;
    setBusy(false);
  }
}

async function cancel() {
  if (inFlightId !== null) {
    await invoke("cancel_request", { requestId: inFlightId });
  }
}

function hideError() {
  $("error").hidden = true;
}

function showError(error) {
  // Commands reject with {code, message, hint}; anything else is a bug in
  // the app, shown as it is rather than lost.
  const e = typeof error === "object" && error !== null ? error : { code: "internal", message: String(error) };
  $("error-message").textContent = e.message ?? "Something went wrong.";
  $("error-hint").textContent = e.hint ?? "";
  $("error-hint").hidden = !e.hint;
  $("error-code").textContent = e.code ?? "internal";
  $("error").hidden = false;
  $("empty-state").hidden = true;
}

function showToken(token) {
  shownToken = token.accessToken;
  setTokenMasked(true);
  $("token-type").textContent = token.tokenType;
  $("token-scope").textContent = token.scope ?? "(not returned)";
  $("issued-at").textContent = new Date(token.issuedAt * 1000).toLocaleString();
  $("has-refresh").textContent = token.hasRefreshToken ? "Yes" : "No";

  const extra = $("extra");
  extra.replaceChildren();
  for (const [key, value] of Object.entries(token.extra ?? {})) {
    const dt = document.createElement("dt");
    dt.textContent = key;
    const dd = document.createElement("dd");
    dd.textContent = typeof value === "string" ? value : JSON.stringify(value);
    extra.append(dt, dd);
  }
  $("extra-title").hidden = extra.childElementCount === 0;

  const warnings = $("warnings");
  warnings.replaceChildren(...(token.warnings ?? []).map((text) => {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }));

  startCountdown(token.expiresAt);
  $("empty-state").hidden = true;
  $("token").hidden = false;
}

function setTokenMasked(masked) {
  const el = $("access-token");
  el.classList.toggle("masked", masked);
  el.textContent = masked ? "•".repeat(24) + ` (${shownToken.length} characters)` : shownToken;
  $("toggle-token").textContent = masked ? "Show" : "Hide";
  $("toggle-token").setAttribute("aria-pressed", String(!masked));
}

function formatRemaining(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${m} min ${s} s`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}

function startCountdown(expiresAt) {
  clearInterval(countdownTimer);
  const el = $("expires-in");
  if (expiresAt == null) {
    el.textContent = "Unknown (the server did not say)";
    el.classList.remove("expired");
    return;
  }
  const at = new Date(expiresAt * 1000).toLocaleTimeString();
  const tick = () => {
    const left = Math.round(expiresAt - Date.now() / 1000);
    el.classList.toggle("expired", left <= 0);
    el.textContent = left > 0 ? `${formatRemaining(left)} (until ${at})` : `Expired at ${at}`;
    if (left <= 0) clearInterval(countdownTimer);
  };
  tick();
  countdownTimer = setInterval(tick, 1000);
}

function toggleSecret() {
  const input = $("client-secret");
  const show = input.type === "password";
  input.type = show ? "text" : "password";
  $("toggle-secret").textContent = show ? "Hide" : "Show";
  $("toggle-secret").setAttribute("aria-pressed", String(show));
}

$("token-form").addEventListener("submit", getNewAccessToken);
$("cancel-token").addEventListener("click", cancel);
$("toggle-secret").addEventListener("click", toggleSecret);
$("toggle-token").addEventListener("click", () => setTokenMasked($("toggle-token").textContent === "Hide"));
document.body.dataset.ready = "true";
