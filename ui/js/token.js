// Token Details: the token the core holds, shown without its value until
// Show; Use Token attaches it to the request panel; Copy puts it on the
// clipboard (cleared later by the core); Refresh, and its request as cURL;
// the JWT's header and claims decoded.

import { $, el, flash, flashCopied, hideError, showError } from "./dom.js";
import { call, listen, newRequestId } from "./ipc.js";
import { useToken } from "./request.js";
import { currentProfile, setToken, subscribe } from "./store.js";

/** Sent by the core when a held token changes: Refresh, auto-refresh before Send, a refused refresh. */
const TOKEN_UPDATED = "token-updated";

let countdownTimer = null;
let current = null;
let shownFor = null; // the id of the profile that was current when the token was shown

export function currentToken() {
  return current;
}

export function showToken(token) {
  current = token;
  shownFor = currentProfile()?.id ?? null;
  setToken(token);
  setMasked(true);
  $("token-type").textContent = token.tokenType;
  $("token-scope").textContent = token.scope ?? "(not returned)";
  $("issued-at").textContent = new Date(token.issuedAt * 1000).toLocaleString();
  $("has-refresh").textContent = token.hasRefreshToken ? "Yes" : "No";
  $("refresh-token").disabled = !token.hasRefreshToken;
  $("refresh-curl").hidden = !token.hasRefreshToken;

  const extra = $("extra");
  extra.replaceChildren(...Object.entries(token.extra ?? {}).flatMap(([key, value]) => [
    el("dt", { text: key }),
    el("dd", { text: typeof value === "string" ? value : JSON.stringify(value) }),
  ]));
  $("extra-title").hidden = extra.childElementCount === 0;
  $("warnings").replaceChildren(...(token.warnings ?? []).map((text) => el("li", { text })));

  startCountdown(token.expiresAt);
  showClaims(token);
  $("empty-state").hidden = true;
  $("token").hidden = false;
  $("use-token").disabled = false;
  $("use-id-token-label").hidden = !token.hasIdToken;
  if (!token.hasIdToken) $("use-id-token").checked = false;
}

/**
 * No Current Token: after a switch to another profile, whose requests go to
 * other hosts with other scopes, the previous profile's token is not offered
 * (Use Token, or filling in a saved request, would attach it).
 */
function clearToken() {
  current = null;
  shownFor = null;
  clearInterval(countdownTimer);
  setToken(null);
  hideError("error");
  $("token").hidden = true;
  $("empty-state").hidden = false;
  $("use-token").disabled = true;
  $("use-id-token-label").hidden = true;
  $("use-id-token").checked = false;
}

async function setMasked(masked) {
  const value = $("access-token");
  const toggle = $("toggle-token");
  if (masked) {
    value.textContent = "•".repeat(24) + ` (${current.accessTokenLength} characters)`;
  } else {
    try {
      value.textContent = await call("reveal_token", { tokenId: current.id, kind: "access" });
    } catch (error) {
      showError("error", error);
      return;
    }
  }
  value.classList.toggle("masked", masked);
  toggle.textContent = masked ? "Show" : "Hide";
  toggle.setAttribute("aria-pressed", String(!masked));
}

function showClaims(token) {
  showDecoded("jwt", token.jwt);
  showDecoded("id-token", token.idTokenJwt);
  // What the sign-in's check of the ID token found (core id_token.rs).
  const check = $("id-token-check");
  const verified = token.idTokenCheck?.startsWith("Signature verified") ?? false;
  check.textContent = token.idTokenCheck ? `(${token.idTokenCheck})` : "(not verified: the signature is not checked)";
  check.classList.toggle("unverified", !verified);
  check.classList.toggle("verified", verified);
}

/** A decoded JWT (access token: `jwt`, ID token: `id-token`) in its section. */
function showDecoded(section, jwt) {
  if (!jwt) {
    $(section).hidden = true;
    return;
  }
  $(section).hidden = false;
  $(`${section}-header`).textContent = JSON.stringify(jwt.header, null, 2);
  $(`${section}-claims`).textContent = JSON.stringify(jwt.claims, null, 2);
  const times = ["exp", "iat", "nbf", "auth_time"].filter((k) => typeof jwt.claims[k] === "number");
  $(`${section}-times`).replaceChildren(...times.flatMap((k) => [
    el("dt", { text: k }),
    el("dd", { text: new Date(jwt.claims[k] * 1000).toLocaleString() }),
  ]));
}

/** Refresh: a new token for the refresh token, with the same client; the details follow. */
async function refresh() {
  if (!current) return;
  const button = $("refresh-token");
  button.disabled = true;
  button.classList.add("busy");
  hideError("error");
  try {
    showToken(await call("refresh_token", { requestId: newRequestId(), tokenId: current.id }));
  } catch (error) {
    // A refused refresh token also arrives as TOKEN_UPDATED: the token shows as expired.
    showError("error", error);
  } finally {
    button.classList.remove("busy");
    button.disabled = !current?.hasRefreshToken;
  }
}

/** Copy as cURL beside Refresh: the refresh request Refresh would send,
 * the refresh token masked unless "include secrets" (then cleared later). */
async function copyRefreshAsCurl(event) {
  const button = event.currentTarget;
  if (!current) return;
  try {
    const seconds = await call("copy_refresh_request_as_curl", {
      tokenId: current.id,
      includeSecrets: $("refresh-curl-include-secrets").checked,
    });
    hideError("error");
    flashCopied(button, seconds);
  } catch (error) {
    showError("error", error);
  }
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
  const out = $("expires-in");
  if (expiresAt == null) {
    out.textContent = "Unknown (the server did not say)";
    out.classList.remove("expired");
    return;
  }
  const at = new Date(expiresAt * 1000).toLocaleTimeString();
  const tick = () => {
    const left = Math.round(expiresAt - Date.now() / 1000);
    out.classList.toggle("expired", left <= 0);
    out.textContent = left > 0 ? `${formatRemaining(left)} (until ${at})` : `Expired at ${at}`;
    if (left <= 0) clearInterval(countdownTimer);
  };
  tick();
  countdownTimer = setInterval(tick, 1000);
}

/**
 * Use Token: `Authorization: <prefix from Settings> <access token or ID
 * token>` on the request. Also what filling a saved request that uses the
 * profile's token does. Returns whether a token was attached (none shown,
 * or refused: the error is shown).
 */
export async function attachCurrentToken() {
  const token = current;
  if (!token) return false;
  const idToken = token.hasIdToken && $("use-id-token").checked;
  try {
    const prefix = await call("use_token", { tokenId: token.id, idToken });
    const label = `${idToken ? "ID token of " : ""}${token.name ?? "access token"}`;
    useToken({ id: token.id, label, prefix });
    return true;
  } catch (error) {
    showError("error", error);
    return false;
  }
}

async function useSelectedToken(button) {
  if (await attachCurrentToken()) flash(button, "Attached");
}

/** Copy: the token on the clipboard, cleared later by the app (Settings). */
async function copySelectedToken(event) {
  const button = event.currentTarget;
  if (!current) return;
  try {
    flashCopied(button, await call("copy_token", { tokenId: current.id, kind: "access" }));
  } catch (error) {
    showError("error", error);
  }
}

export function wireTokenPanel() {
  subscribe("profile", (profile) => {
    if (current && profile?.id !== shownFor) clearToken();
  });
  $("copy-token").addEventListener("click", copySelectedToken);
  $("refresh-token").addEventListener("click", refresh);
  $("copy-refresh-curl").addEventListener("click", copyRefreshAsCurl);
  listen(TOKEN_UPDATED, ({ payload }) => {
    if (current && payload.id === current.id) showToken(payload);
  });
  $("toggle-token").addEventListener("click", () => setMasked($("toggle-token").textContent === "Hide"));
  $("use-token").addEventListener("click", (event) => {
    if (!current) return;
    useSelectedToken(event.currentTarget);
  });
}
