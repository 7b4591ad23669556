// The key pair of the JWT Assertion grant, of client assertion
// authentication and of mutual TLS (TLS client authentication, Send client
// certificate), in the Authorization panel: Private Key (only ever typed
// or pasted here on its way to Import; the key itself lives in the system
// keychain), Certificate, Key ID, Assertion Audience and lifetime, the
// Import / Generate / Save certificate… actions, and the decoded assertion
// shown before sending. Keys, signing and the keychain are Rust's
// (commands import_key_pair, generate_key_pair, save_certificate,
// assertion_preview); the window never gets a private key back.
//
// The Sandbox profile signs with the sandbox's own sandbox-only key pair,
// shown as such: its certificate and alias come from sandbox_key_pair, and
// the app takes the key from the sandbox when it signs.

import { $, hideError, showError } from "./dom.js";
import { call } from "./ipc.js";
import { edited, registerPart } from "./parts.js";
import { currentProfile } from "./store.js";

const PREVIEW_DELAY_MS = 300;
/** Key ID suggested after Generate, for the alias typed at Import certificate. */
const SUGGESTED_ALIAS = "oauth-console";

const state = {
  sandbox: false, // the profile shown is the Sandbox profile
  shown: 0, // counts loads, so a late answer does not fill another profile
  sandboxKeyShown: false, // the Sandbox profile's key pair was asked for since the load
  previewTimer: null,
  previewTurn: 0,
};

const isSandboxProfile = (profile) => profile?.kind === "sandbox";

/** Whether the shown request signs anything: JWT Assertion, or client assertion auth. */
function signs() {
  return $("grant-type").value === "jwt_assertion" || $("client-auth").value === "client_assertion";
}

/** Whether the token request presents the key pair's certificate in the TLS handshake. */
function presentsCertificate() {
  return $("client-auth").value === "tls_client_auth" || $("mutual-tls").checked;
}

/** Whether the shown request uses the key pair at all. */
function usesKeyPair() {
  return signs() || presentsCertificate();
}

/** The signing settings as the core reads them (`assertion::Signing`). */
function signing() {
  const lifetime = Number.parseInt($("assertion-lifetime").value, 10);
  return {
    // Empty: the profile's key from the keychain (the sandbox's for the Sandbox profile).
    privateKey: state.sandbox ? "" : $("private-key").value.trim(),
    certificate: $("certificate").value.trim(),
    keyId: $("key-id").value.trim(),
    keyIdKind: $("key-id-kind").value,
    audience: $("assertion-audience").value.trim(),
    lifetimeSecs: Number.isInteger(lifetime) && lifetime > 0 ? lifetime : 0,
  };
}

/**
 * `request` (what Get New Access Token sends) with what signs it: the
 * user assertion's settings for JWT Assertion, the client assertion's when
 * the client authenticates with one.
 */
export function withAssertion(request) {
  const out = { ...request };
  if (request.grantType === "jwt_assertion") Object.assign(out, signing());
  // The key pair also makes the TLS client certificate (mutual TLS).
  if (request.clientAuth === "client_assertion" || request.clientAuth === "tls_client_auth" || request.mutualTls) out.clientAssertion = signing();
  return out;
}

// ---- The profile's part --------------------------------------------------------

function load(profile) {
  const turn = ++state.shown;
  state.sandbox = isSandboxProfile(profile);
  $("private-key").value = "";
  $("certificate").value = state.sandbox ? "" : profile.certificate ?? "";
  $("key-id").value = state.sandbox ? "" : profile.keyId ?? "";
  $("key-id-kind").value = profile.keyIdKind === "x5t" ? "x5t" : "alias";
  $("assertion-audience").value = profile.assertionAudience ?? "";
  $("assertion-lifetime").value = profile.assertionLifetimeSecs ? String(profile.assertionLifetimeSecs) : "";
  $("certificate-saved").textContent = "";
  $("key-pair-progress").textContent = "";
  $("replace-key-pair").hidden = true;
  hideError("keys-error");
  state.sandboxKeyShown = false;
  lockForSandbox(state.sandbox);
  showKeyStatus("");
  showFields();
  if (!state.sandbox) showSavedKey(profile, turn);
}

function save(profile) {
  const lifetime = Number.parseInt($("assertion-lifetime").value, 10);
  Object.assign(profile, {
    certificate: $("certificate").value.trim(),
    keyId: $("key-id").value.trim(),
    keyIdKind: $("key-id-kind").value,
    assertionAudience: $("assertion-audience").value.trim(),
    assertionLifetimeSecs: Number.isInteger(lifetime) && lifetime > 0 ? lifetime : 0,
  });
  // The Sandbox profile's key pair is the sandbox's, new each launch: not saved.
  if (isSandboxProfile(profile)) Object.assign(profile, { certificate: "", keyId: "" });
}

/** The Sandbox profile's key pair is the sandbox's own: shown, not replaced. */
function lockForSandbox(locked) {
  for (const id of ["private-key", "certificate", "key-id"]) {
    $(id).readOnly = locked;
    $(id).toggleAttribute("data-sandbox-owned", locked);
  }
  $("import-key-pair").disabled = locked;
  $("generate-key-pair").disabled = locked;
  $("sandbox-key-note").hidden = !locked;
}

function showKeyStatus(text, saved = false) {
  $("private-key-status").textContent = text;
  $("private-key-status").classList.toggle("saved", saved);
  $("private-key").placeholder = saved
    ? `•••••••• ${text}`
    : "Paste the PEM private key (-----BEGIN PRIVATE KEY-----) or type the path of its file, then press Import";
}

async function showSandboxKey(turn) {
  showKeyStatus("Loading the sandbox-only key pair…");
  try {
    const key = await call("sandbox_key_pair");
    if (turn !== state.shown) return;
    $("certificate").value = key.certificate;
    $("key-id").value = key.alias;
    showKeyStatus("Sandbox-only key (in memory, trusted by this sandbox only)", true);
    schedulePreview();
  } catch (error) {
    if (turn !== state.shown) return;
    state.sandboxKeyShown = false;
    showKeyStatus("");
    showError("keys-error", error);
  }
}

async function showSavedKey(profile, turn) {
  try {
    const saved = await call("secret_saved", { profileId: profile.id, kind: "private_key", tokenUrl: null });
    if (turn !== state.shown || $("private-key").value !== "") return;
    if (saved.state === "saved") showKeyStatus(keptText("keychain"), true);
  } catch (error) {
    if (turn === state.shown) showError("keys-error", error);
  }
}

const keptText = (kept) => kept === "session"
  ? "Kept for this session (the keychain is unavailable)"
  : "Saved in the keychain";

// ---- Which fields show --------------------------------------------------------

function showFields() {
  const shown = usesKeyPair();
  $("assertion-keys").hidden = !shown;
  $("tls-client-help").hidden = $("client-auth").value !== "tls_client_auth";
  // TLS client authentication always presents it: the box would say nothing.
  $("mutual-tls-row").hidden = $("client-auth").value === "tls_client_auth";
  $("mutual-tls-help").hidden = $("mutual-tls-row").hidden;
  $("assertion-preview").hidden = !signs();
  if (!shown) return;
  // The sandbox makes its key pair on first use (an RSA key takes a moment).
  if (state.sandbox && !state.sandboxKeyShown) {
    state.sandboxKeyShown = true;
    showSandboxKey(state.shown);
  }
  schedulePreview();
}

// ---- Import, Generate, Save certificate… -------------------------------------------

async function keyAction(button, progress, work) {
  const profile = currentProfile();
  if (!profile || state.sandbox) return;
  hideError("keys-error");
  button.disabled = true;
  $("key-pair-progress").textContent = progress;
  try {
    const kept = await work(profile.id);
    if (currentProfile()?.id !== profile.id) return;
    $("certificate").value = kept.certificate;
    $("private-key").value = "";
    showKeyStatus(keptText(kept.kept), true);
    $("key-pair-progress").textContent = "";
    // The certificate and alias are the profile's: saved like any edit.
    edited();
    schedulePreview();
    return kept;
  } catch (error) {
    $("key-pair-progress").textContent = "";
    showError("keys-error", error);
    return null;
  } finally {
    button.disabled = state.sandbox;
  }
}

function importKeyPair(event) {
  return keyAction(event.currentTarget, "Importing…", (profileId) =>
    call("import_key_pair", { profileId, privateKey: $("private-key").value, certificate: $("certificate").value }));
}

/** Generate: at once when no key is saved, else after Replace the saved key. */
function askToGenerate(event) {
  if (!$("private-key-status").classList.contains("saved")) return generateKeyPair(event.currentTarget);
  $("replace-key-pair").hidden = false;
  $("key-pair-progress").textContent =
    "A private key is saved for this profile: a new one replaces it, and the application then needs the new certificate.";
  $("replace-key-pair").focus();
}

async function generateKeyPair(button) {
  $("replace-key-pair").hidden = true;
  const kept = await keyAction(button, "Generating a 2048-bit RSA key pair…", (profileId) =>
    call("generate_key_pair", { profileId, commonName: $("client-id").value.trim() }));
  if (!kept) return;
  if ($("key-id").value.trim() === "") {
    $("key-id").value = SUGGESTED_ALIAS;
    edited();
  }
  $("key-pair-progress").textContent =
    "New key pair: Save certificate…, then import it to the application with the Key ID as its alias.";
}

async function saveCertificate(event) {
  const button = event.currentTarget;
  hideError("keys-error");
  $("certificate-saved").textContent = "";
  button.disabled = true;
  try {
    const path = await call("save_certificate", {
      certificate: $("certificate").value,
      path: $("certificate-path").value.trim() || null,
    });
    if (path) $("certificate-saved").textContent = `Certificate saved to ${path}`;
  } catch (error) {
    showError("keys-error", error);
  } finally {
    button.disabled = false;
  }
}

// ---- The assertion shown before sending -----------------------------------------------

function schedulePreview() {
  clearTimeout(state.previewTimer);
  state.previewTimer = setTimeout(() => showPreview(previewRequest()), PREVIEW_DELAY_MS);
}

/** The request as the preview reads it: no secret goes along. */
function previewRequest() {
  const fields = {};
  for (const input of $("token-form").querySelectorAll("[data-field]")) {
    fields[input.dataset.field] = input.type === "checkbox" ? input.checked : input.value.trim();
  }
  return withAssertion({ ...fields, clientSecret: "", password: "" });
}

function pretty(value) {
  return JSON.stringify(value, null, 2);
}

/**
 * Shows the header and claims of the assertions `request` would sign (no
 * signature): called while the fields are edited and right before sending.
 * A field that is not ready yet is said in the preview; it never stops Send.
 */
export async function showPreview(request) {
  clearTimeout(state.previewTimer);
  const turn = ++state.previewTurn;
  const userWanted = request.grantType === "jwt_assertion";
  const clientWanted = request.clientAuth === "client_assertion";
  if (!userWanted && !clientWanted) return;
  const forPreview = { ...withAssertion({ ...request, clientSecret: "", password: "" }) };
  // The client assertion is the same whatever the grant: read as client credentials.
  if (!userWanted) forPreview.grantType = "client_credentials";
  if (forPreview.privateKey !== undefined) forPreview.privateKey = "";
  if (forPreview.clientAssertion) forPreview.clientAssertion = { ...forPreview.clientAssertion, privateKey: "" };
  try {
    const preview = await call("assertion_preview", { request: forPreview });
    if (turn !== state.previewTurn) return;
    $("assertion-preview-error").hidden = true;
    $("user-assertion").hidden = !preview.user;
    $("user-assertion-preview").textContent = preview.user ? `${pretty(preview.user.header)}\n${pretty(preview.user.claims)}` : "";
    $("client-assertion").hidden = !preview.client;
    $("client-assertion-preview").textContent = preview.client ? `${pretty(preview.client.header)}\n${pretty(preview.client.claims)}` : "";
  } catch (error) {
    if (turn !== state.previewTurn) return;
    $("user-assertion").hidden = true;
    $("client-assertion").hidden = true;
    const message = error?.message ?? String(error);
    $("assertion-preview-error").textContent = `Not ready to sign: ${message}`;
    $("assertion-preview-error").hidden = false;
  }
}

export function wireAssertion() {
  registerPart({ name: "Signing key", load, save });
  $("grant-type").addEventListener("change", showFields);
  $("client-auth").addEventListener("change", showFields);
  $("mutual-tls").addEventListener("change", showFields);
  $("import-key-pair").addEventListener("click", importKeyPair);
  $("generate-key-pair").addEventListener("click", askToGenerate);
  $("replace-key-pair").addEventListener("click", () => generateKeyPair($("generate-key-pair")));
  $("save-certificate").addEventListener("click", saveCertificate);
  // Any edit of the form may change what would be signed (client ID, username, audience…).
  $("token-form").addEventListener("input", () => signs() && schedulePreview());
  $("token-form").addEventListener("change", () => signs() && schedulePreview());
  showFields();
}
