// Introspect and Revoke, under the token details: ask the server whether
// the token shown is still active (RFC 7662), or revoke it (RFC 7009), with
// the client that got it. The URLs are the Configure New Token form's
// Introspection URL and Revocation URL (Discover fills them in).

import { $, el, hideError, showError } from "./dom.js";
import { call, newRequestId } from "./ipc.js";
import { currentToken, subscribe } from "./store.js";
import { showToken } from "./token.js";
import { introspectionRows, introspectionSummary } from "./token-checks-text.js";

let countdown = null;

function reset(token) {
  clearInterval(countdown);
  hideError("verify-error");
  const check = $("jwt-check");
  check.textContent = "(not verified: the signature is not checked)";
  check.classList.add("unverified");
  check.classList.remove("verified");
  $("introspection").hidden = true;
  hideError("token-check-error");
  $("token-revoked").hidden = !token?.revoked;
  $("revoke-token").disabled = Boolean(token?.revoked);
  $("revoke-refresh-token").hidden = !token?.hasRefreshToken;
}

async function busy(button, text, work) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = text;
  hideError("token-check-error");
  try {
    await work();
  } catch (error) {
    showError("token-check-error", error);
  } finally {
    button.textContent = label;
    button.disabled = button.id === "revoke-token" && Boolean(currentToken()?.revoked);
  }
}

/** What the Introspection URL says about the held token `tokenId`'s access
 * token (also used by Manage Tokens and beside a 401). */
export function introspectToken(tokenId) {
  return call("introspect_token", {
    requestId: newRequestId(), tokenId, url: $("introspection-url").value, kind: "access_token",
  });
}

function introspect(event) {
  const token = currentToken();
  if (!token) return;
  return busy(event.currentTarget, "Asking…", async () => show(await introspectToken(token.id)));
}

function show(answer) {
  clearInterval(countdown);
  const box = $("introspection");
  const summary = el("p", { class: answer.active ? "ok" : "warn" });
  const tick = () => {
    summary.textContent = introspectionSummary(answer, Date.now());
  };
  tick();
  if (answer.active && answer.expiresAt) countdown = setInterval(tick, 1000);
  box.replaceChildren(summary,
    el("dl", { class: "details" }, ...introspectionRows(answer).flatMap(([name, value]) => [
      el("dt", { text: name }), el("dd", {}, el("code", { text: value })),
    ])));
  box.hidden = false;
}

function revoke(kind) {
  return (event) => {
    const token = currentToken();
    if (!token) return;
    return busy(event.currentTarget, "Revoking…", async () => {
      const view = await call("revoke_token", {
        requestId: newRequestId(), tokenId: token.id, url: $("revocation-url").value, kind,
      });
      showToken(view);
      $("introspection").replaceChildren(el("p", {
        class: "ok",
        text: kind === "access_token"
          ? "The server revoked the access token."
          : "The server revoked the refresh token; Refresh is no longer offered for this token.",
      }));
      $("introspection").hidden = false;
    });
  };
}

/** Verify signature: the access token (a JWT) against the domain's keys. */
function verifySignature(event) {
  const token = currentToken();
  if (!token) return;
  hideError("verify-error");
  return busy(event.currentTarget, "Checking…", async () => {
    try {
      const said = await call("verify_token_signature", { requestId: newRequestId(), tokenId: token.id, jwksUrl: "" });
      const check = $("jwt-check");
      check.textContent = `(${said})`;
      check.classList.remove("unverified");
      check.classList.add("verified");
    } catch (error) {
      showError("verify-error", error);
    }
  });
}

export function wireTokenChecks() {
  $("verify-signature").addEventListener("click", verifySignature);
  $("introspect-token").addEventListener("click", introspect);
  $("revoke-token").addEventListener("click", revoke("access_token"));
  $("revoke-refresh-token").addEventListener("click", revoke("refresh_token"));
  subscribe("token", reset);
}

