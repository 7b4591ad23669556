// After a 401 to a request that carried the token from Use Token: one press
// asks the Introspection URL whether that token is still active, so the
// administrator sees at once whether the token is the problem (expired,
// revoked) or something else is (the wrong audience, scope or role).

import { $, normalizeError } from "./dom.js";
import { attachedToken } from "./request.js";
import { onResponseShown } from "./response.js";
import { introspectToken } from "./token-checks.js";
import { introspectionSummary } from "./token-checks-text.js";

let sentToken = null;

function onResponse(response) {
  sentToken = response.status === 401 ? attachedToken() : null;
  $("unauthorized").hidden = !sentToken;
  $("unauthorized-answer").textContent = "";
}

async function introspectSent(event) {
  if (!sentToken) return;
  const button = event.currentTarget;
  button.disabled = true;
  $("unauthorized-answer").textContent = "Asking the server…";
  try {
    const answer = await introspectToken(sentToken.id);
    $("unauthorized-answer").textContent = answer.active
      ? `${introspectionSummary(answer, Date.now())} So the token itself is fine: check its audience (aud: ${answer.aud.join(", ") || "none"}) and scope (${answer.scope ?? "none"}) against what this API expects, and the user's or application's roles.`
      : `${introspectionSummary(answer, Date.now())} Press Get New Access Token (or Refresh), then Use Token and Send again.`;
  } catch (error) {
    const e = normalizeError(error);
    $("unauthorized-answer").textContent = `${e.message}${e.hint ? ` ${e.hint}` : ""}`;
  } finally {
    button.disabled = false;
  }
}

export function wireUnauthorized() {
  onResponseShown(onResponse);
  $("introspect-sent-token").addEventListener("click", introspectSent);
}
