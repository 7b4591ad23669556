// Discover: reads the identity domain's discovery document (in Rust:
// `discover`), fills the Configure New Token form's endpoint fields with
// what it found (each can still be changed; read-only fields, such as the
// Sandbox profile's, are left alone), says what it found, and marks the
// grants the server does not advertise. Nothing is saved but the fields
// filled in, like a typed value.

import { $, el, hideError, showError } from "./dom.js";
import { call } from "./ipc.js";
import { edited } from "./parts.js";
import { advertisedGrants, discoveryRows } from "./discovery-text.js";

async function discover() {
  const button = $("discover");
  hideError("discover-error");
  $("discover-result").hidden = true;
  button.disabled = true;
  button.textContent = "Discovering…";
  try {
    const found = await call("discover", { url: $("token-url").value });
    show(found);
  } catch (error) {
    showError("discover-error", error);
  } finally {
    button.disabled = false;
    button.textContent = "Discover";
  }
}

function show(found) {
  const filled = [];
  const fill = (id, value, label) => {
    const input = $(id);
    if (!value || !input || input.readOnly || input.value === value) return;
    input.value = value;
    filled.push(label);
  };
  // TLS client authentication goes to the secure token endpoint where the domain has one.
  const tls = $("client-auth").value === "tls_client_auth" && found.secureTokenEndpoint;
  fill("token-url", tls ? found.secureTokenEndpoint : found.tokenEndpoint, tls ? "Access Token URL (the secure token endpoint)" : "Access Token URL");
  fill("auth-url", found.authorizationEndpoint, "Auth URL");
  fill("device-url", found.deviceAuthorizationEndpoint, "Device Authorization URL");
  fill("introspection-url", found.introspectionEndpoint, "Introspection URL");
  fill("revocation-url", found.revocationEndpoint, "Revocation URL");
  if (filled.length) edited();

  const grants = advertisedGrants([...$("grant-type").options].map((o) => ({ value: o.value, text: o.text })), found.grantTypesSupported);
  for (const option of $("grant-type").options) {
    if (grants.notAdvertised.some((g) => g.value === option.value)) option.dataset.notAdvertised = "true";
    else delete option.dataset.notAdvertised;
  }
  const result = $("discover-result");
  result.replaceChildren(...[
    el("p", { text: `Found the discovery document of ${found.issuer} (${found.source}).` }),
    el("p", { text: filled.length ? `Filled in: ${filled.join(", ")}.` : "The fields already hold these endpoints." }),
    el("dl", { class: "details" }, ...discoveryRows(found).flatMap(([name, value]) => [el("dt", { text: name }), el("dd", {}, el("code", { text: value }))])),
    grants.notAdvertised.length
      ? el("p", { class: "warn", text: `This server does not advertise: ${grants.notAdvertised.map((g) => g.text).join(", ")}. Getting a token with ${grants.notAdvertised.length === 1 ? "it" : "them"} will likely be refused.` })
      : null].filter(Boolean));
  result.hidden = false;
}

export function wireDiscovery() {
  $("discover").addEventListener("click", discover);
}
