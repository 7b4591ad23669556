// Profiles in the window: the profile bar (select, New, Rename, Duplicate,
// Delete with a confirmation in the page), saving what the user edits
// (debounced, through the core's profile store), the secrets typed into the
// Client Secret and Password fields (to the keychain, never back), the
// Sandbox profile (filled from the running sandbox each time it is shown,
// never saved with its ports), the notices, and the Settings dialog.

import { $, el, hideError, normalizeError, showError } from "./dom.js";
import { call } from "./ipc.js";
import { collectProfile, loadProfile, onEdit } from "./parts.js";
import { saveQueue } from "./save-queue.js";
import { currentSettings as storedSettings, setProfile, setSettings } from "./store.js";

const SAVE_DELAY_MS = 300;

const state = {
  snapshot: null, // what app_state and the profile commands return
  current: null, // the current profile as stored (the base of every save)
  sandbox: null, // the running sandbox's URLs and credentials, once started
  loading: false, // true while a profile is being shown: edits are not saved
  loadFailed: false, // true when a panel could not show the profile: nothing is saved over it
  shown: 0, // counts showSnapshot calls, so a late one does not overwrite a newer one
  dismissed: new Set(),
  localNotices: [],
};

/** The profile shown, as stored. */
export const currentProfile = () => state.current;

/** The app's settings (clipboard clear seconds, auto-refresh, header prefix, network). */
export const currentSettings = () => storedSettings();

/** The profile as stored changed (shown, saved, renamed): the store follows. */
function setCurrent(profile) {
  state.current = profile;
  setProfile(profile);
}

const isSandbox = (profile) => profile?.kind === "sandbox";

// ---- Save status ------------------------------------------------------------

const saving = saveQueue({ delayMs: SAVE_DELAY_MS, onChange: () => showSaveStatus() });
const { schedule, flush } = saving;

function showSaveStatus() {
  const status = $("save-status");
  const { waiting, inFlight, failed: error } = saving.status();
  const failed = error ? normalizeError(error) : null;
  const pending = waiting + inFlight;
  status.classList.toggle("failed", state.loadFailed || (Boolean(failed) && pending === 0));
  status.title = failed?.hint ?? "";
  if (state.loadFailed && pending === 0) {
    status.textContent = "Not saved: this profile was not shown completely";
    return;
  }
  if (pending > 0) status.textContent = inFlight > 0 ? "Saving…" : "Unsaved changes";
  else if (failed) status.textContent = `Not saved: ${failed.message}`;
  else status.textContent = "Saved";
}

// ---- The profile's fields ---------------------------------------------------

/** What the Sandbox profile shows: the stored profile with the running sandbox's values. */
function withSandbox(profile, s) {
  const request = { ...(profile.request ?? {}) };
  const url = request.url ?? "";
  if (url === "") request.url = `${s.runtimeUrl}/ic/api/integration/v1/connections`;
  else if (url.startsWith("/")) request.url = `${s.runtimeUrl}${url}`;
  return {
    ...profile,
    tokenUrl: s.tokenUrl,
    authUrl: s.authorizeUrl,
    deviceUrl: s.deviceUrl,
    introspectionUrl: `${s.identityUrl}/oauth2/v1/introspect`,
    revocationUrl: `${s.identityUrl}/oauth2/v1/revoke`,
    callbackUrl: s.redirectUri,
    clientId: s.clientId,
    scope: s.scopeAll,
    username: s.username,
    request: { ...request, trustedHosts: ["oraclecloud.com", s.designHost] },
  };
}

/** The Sandbox profile as saved: without the sandbox's ports and credentials, which change every launch. */
function withoutSandbox(profile, s) {
  const request = { ...(profile.request ?? {}) };
  if (s && (request.url ?? "").startsWith(s.runtimeUrl)) request.url = request.url.slice(s.runtimeUrl.length);
  request.trustedHosts = [];
  return { ...profile, tokenUrl: "", authUrl: "", deviceUrl: "", introspectionUrl: "", revocationUrl: "", callbackUrl: "", clientId: "", scope: "", username: "", request };
}

function profileToSave() {
  const profile = collectProfile(state.current);
  return isSandbox(profile) ? withoutSandbox(profile, state.sandbox) : profile;
}

function onProfileEdited() {
  if (state.loading || !state.current) return;
  // Saving a half-shown profile would write the failed panel's stale fields
  // (another profile's, or empty ones) over the stored profile.
  if (state.loadFailed) {
    showSaveStatus();
    return;
  }
  schedule("profile", async () => {
    const profile = profileToSave();
    const rememberChanged = Boolean(state.current?.rememberPassword) !== Boolean(profile.rememberPassword);
    await call("save_profile", { profile });
    if (state.current?.id === profile.id) setCurrent({ ...profile, tokens: state.current.tokens });
    // Turning Remember off while the keychain is unavailable leaves the
    // password in it until it is back: the core says so in a notice.
    if (rememberChanged) await refreshNotices();
  });
}

// ---- Secrets ------------------------------------------------------------------

const SECRETS = [
  { kind: "client_secret", input: () => $("client-secret") },
  { kind: "password", input: () => $("password") },
];

function keychainAvailable() {
  return state.snapshot?.keychain?.state !== "unavailable";
}

function rememberPassword() {
  const box = document.querySelector('[data-field="rememberPassword"]');
  return box ? box.checked : Boolean(state.current?.rememberPassword);
}

function savedPlaceholder(kind) {
  const inKeychain = keychainAvailable() && (kind === "client_secret" || rememberPassword());
  return inKeychain ? "Saved in the keychain" : "Kept for this session";
}

/** Empty fields with a placeholder when the profile has a saved secret. */
async function showSavedSecrets(profile) {
  for (const { kind, input } of SECRETS) {
    const field = input();
    if (!field) continue;
    field.placeholder = "";
    if (isSandbox(profile)) continue;
    try {
      const tokenUrl = $("token-url")?.value ?? null;
      const saved = await call("secret_saved", { profileId: profile.id, kind, tokenUrl });
      if (state.current?.id !== profile.id || field.value !== "") continue;
      // A saved secret is sent only to the origin it was saved for.
      field.placeholder = saved.state === "saved" ? savedPlaceholder(kind)
        : saved.state === "other_origin" ? `Saved for ${saved.savedFor}: enter it again for this Access Token URL`
        : "";
    } catch (error) {
      addNotice({ code: "keychain", ...normalizeError(error) });
    }
  }
}

function onSecretTyped(kind, field) {
  if (state.loading || !state.current || isSandbox(state.current)) return;
  const profileId = state.current.id;
  schedule(`secret:${kind}`, async () => {
    // The secret is bound to the Access Token URL's origin it is typed with.
    const tokenUrl = $("token-url")?.value ?? null;
    const outcome = await call("put_secret", { profileId, kind, value: field.value, tokenUrl });
    if ((outcome === "session" && kind === "client_secret") || outcome === "deletion_pending") await refreshNotices();
    if (state.current?.id === profileId && field.value === "") field.placeholder = "";
  });
}

// ---- Showing a profile ------------------------------------------------------------

function renderBar() {
  const { profiles, current } = state.snapshot;
  $("profile").replaceChildren(...profiles.map((p) => el("option", { value: p.id, text: p.name })));
  $("profile").value = current.id;
  $("profile-delete").disabled = profiles.length < 2;
  $("profile-delete").title = profiles.length < 2 ? "The only profile cannot be deleted" : "";
}

/**
 * The Sandbox profile's fields that the running sandbox fills at every
 * launch (its ports change): read-only there, so no edit is thrown away
 * at the next launch. Duplicate to edit makes an ordinary copy.
 */
const SANDBOX_OWNED = ["token-url", "auth-url", "device-url", "introspection-url", "revocation-url", "callback-url", "client-id", "client-secret", "scope", "username", "password", "trusted-hosts"];

function lockSandboxOwned(locked) {
  for (const id of SANDBOX_OWNED) {
    const field = $(id);
    if (!field) continue;
    field.readOnly = locked;
    field.toggleAttribute("data-sandbox-owned", locked);
  }
}

function renderSandbox(profile) {
  const sandbox = isSandbox(profile);
  lockSandboxOwned(sandbox);
  $("sandbox-badge").hidden = !sandbox;
  // The first-launch guidance, until its Dismiss (remembered in the settings).
  $("sandbox-note").hidden = !sandbox || Boolean(storedSettings().layout?.sandboxGuidanceDismissed);
  const list = $("sandbox-credentials");
  const s = state.sandbox;
  list.hidden = !(sandbox && s);
  if (!sandbox || !s) return;
  const rows = [
    ["Client ID", s.clientId],
    ["Client Secret", s.clientSecret],
    ["Username", s.username],
    ["Password", s.password],
    ["Scope", s.scopeAll],
  ];
  list.replaceChildren(
    el("dt", { class: "caption", text: "Sandbox credentials: not secret, valid only on this computer" }),
    ...rows.flatMap(([name, value]) => [el("dt", { text: name }), el("dd", { text: value })]));
}

const NOT_SHOWN = "profile_not_shown";

/** Says which panels could not show the profile; from then on nothing is saved over it. */
function showLoadFailures(profile, failures) {
  state.loadFailed = failures.length > 0;
  state.localNotices = state.localNotices.filter((n) => n.code !== NOT_SHOWN);
  renderNotices();
  if (!state.loadFailed) return;
  const panels = failures.map(({ panel, error }) => `${panel ?? "A panel"}: ${normalizeError(error).message}`);
  addNotice({
    code: NOT_SHOWN,
    message: `The profile “${profile.name}” could not be shown completely (${panels.join("; ")}). ` +
      "Nothing you change in it is saved, so the stored profile stays as it was.",
    hint: "Switch to another profile and back, or restart the app. If it happens again, report it with this message.",
  });
}

/** Fills every panel with the snapshot's current profile. */
async function showSnapshot(snapshot) {
  const turn = ++state.shown;
  state.loading = true;
  document.body.dataset.profileLoading = "true";
  state.snapshot = snapshot;
  setCurrent(snapshot.current);
  setSettings(snapshot.settings);
  renderBar();
  renderNotices();
  let shown = snapshot.current;
  try {
    if (isSandbox(shown)) {
      try {
        state.sandbox = state.sandbox ?? snapshot.sandbox ?? (await call("sandbox_start"));
        shown = withSandbox(shown, state.sandbox);
      } catch (error) {
        addNotice({ code: "sandbox_unavailable", ...normalizeError(error) });
      }
    }
    if (turn !== state.shown) return; // another profile was chosen meanwhile
    showLoadFailures(shown, loadProfile(shown));
    if (isSandbox(shown) && state.sandbox) {
      $("client-secret").value = state.sandbox.clientSecret;
      if ($("password")) $("password").value = state.sandbox.password;
    }
  } finally {
    if (turn === state.shown) state.loading = false;
  }
  renderSandbox(shown);
  showSaveStatus();
  await showSavedSecrets(shown);
  if (turn === state.shown) delete document.body.dataset.profileLoading;
}

// ---- Notices ------------------------------------------------------------------------

function renderNotices() {
  const all = [...(state.snapshot?.notices ?? []), ...state.localNotices];
  const shown = all.filter((n) => !state.dismissed.has(n.code + n.message));
  $("notices").replaceChildren(...shown.map((n) =>
    el("div", { class: `notice${n.code === "keychain_unavailable" ? " keychain" : ""}`, "data-code": n.code },
      el("div", { class: "notice-text" },
        el("p", { text: n.message }),
        n.hint ? el("p", { class: "notice-hint", text: n.hint }) : null),
      el("button", {
        type: "button", class: "quiet", text: "Dismiss",
        onclick: () => {
          state.dismissed.add(n.code + n.message);
          renderNotices();
        },
      }))));
}

/** A notice of the window's own (the sandbox did not start, a keychain error). */
export function addNotice(notice) {
  if (!state.localNotices.some((n) => n.code === notice.code && n.message === notice.message)) {
    state.localNotices.push(notice);
  }
  renderNotices();
}

async function refreshNotices() {
  try {
    const snapshot = await call("app_state");
    state.snapshot = { ...state.snapshot, notices: snapshot.notices, keychain: snapshot.keychain };
    renderNotices();
  } catch {
    // The notices stay as they were.
  }
}

// ---- New, Rename, Duplicate, Delete, switch ---------------------------------------------

let nameAction = null;

function openNameDialog({ title, ok, name, action }) {
  nameAction = action;
  $("profile-dialog-title").textContent = title;
  $("profile-dialog-ok").textContent = ok;
  $("profile-name").value = name;
  hideError("profile-dialog-error");
  $("profile-dialog").showModal();
  $("profile-name").focus();
  $("profile-name").select();
}

async function submitName(event) {
  event.preventDefault();
  const name = $("profile-name").value;
  if (name.trim() === "") {
    showError("profile-dialog-error", { code: "missing_field", message: "Profile name is empty", hint: "Type a name, e.g. the identity domain or environment: OIC dev." });
    return;
  }
  const button = $("profile-dialog-ok");
  button.disabled = true;
  try {
    await nameAction(name);
    $("profile-dialog").close();
  } catch (error) {
    showError("profile-dialog-error", error);
  } finally {
    button.disabled = false;
  }
}

async function newProfile(name) {
  await flush();
  const snapshot = await call("create_profile", { name });
  $("profile-dialog").close();
  await showSnapshot(snapshot);
}

async function renameProfile(name) {
  await flush();
  const snapshot = await call("rename_profile", { id: state.current.id, name });
  state.snapshot = { ...state.snapshot, profiles: snapshot.profiles };
  setCurrent({ ...state.current, name: snapshot.current.name });
  renderBar();
}

/**
 * Duplicate to edit, on the Sandbox profile: a copy of it as an ordinary
 * profile, with the running sandbox's URLs and credentials written in, which
 * the user may change. The Sandbox profile itself stays as it is.
 */
async function duplicateSandboxToEdit() {
  const s = state.sandbox;
  if (!s || !isSandbox(state.current)) return;
  document.body.dataset.profileLoading = "true";
  await flush();
  try {
    const snapshot = await call("duplicate_profile", { id: state.current.id });
    const copy = { ...withSandbox(snapshot.current, s), kind: "generic" };
    await call("save_profile", { profile: copy });
    await call("put_secret", { profileId: copy.id, kind: "client_secret", value: s.clientSecret, tokenUrl: copy.tokenUrl });
    await call("put_secret", { profileId: copy.id, kind: "password", value: s.password, tokenUrl: copy.tokenUrl });
    await showSnapshot(await call("app_state"));
    addNotice({
      code: "sandbox_copy",
      message: `“${copy.name}” is an editable copy of the Sandbox profile: change any field. ` +
        "The Sandbox profile stays as it was and is filled from the sandbox at each launch; " +
        "this copy keeps this launch's ports, which change when the app restarts.",
    });
  } catch (error) {
    addNotice({ code: "duplicate_failed", ...normalizeError(error) });
    // Show what the store holds now (the copy, if it was made), not a guess.
    try {
      await showSnapshot(await call("app_state"));
    } catch {
      delete document.body.dataset.profileLoading;
    }
  }
}

async function duplicateProfile() {
  // A copy of the Sandbox profile is only useful as an editable one.
  if (isSandbox(state.current) && state.sandbox) return duplicateSandboxToEdit();
  await flush();
  try {
    await showSnapshot(await call("duplicate_profile", { id: state.current.id }));
  } catch (error) {
    addNotice({ code: "duplicate_failed", ...normalizeError(error) });
  }
}

function confirmDelete() {
  const profile = state.current;
  const tokens = profile.tokens?.length ?? 0;
  $("delete-dialog-text").textContent =
    `Delete the profile “${profile.name}”? Its fields, its secrets in the keychain` +
    (tokens ? ` and its ${tokens} saved token${tokens === 1 ? "" : "s"}` : "") +
    " are removed from this computer. This cannot be undone.";
  hideError("delete-dialog-error");
  $("delete-dialog").showModal();
  $("delete-dialog-cancel").focus();
}

async function deleteProfile() {
  const button = $("delete-dialog-ok");
  button.disabled = true;
  try {
    await flush();
    await showSnapshot(await call("delete_profile", { id: state.current.id }));
    $("delete-dialog").close();
  } catch (error) {
    showError("delete-dialog-error", error);
  } finally {
    button.disabled = false;
  }
}

async function switchProfile() {
  const id = $("profile").value;
  if (id === state.current?.id) return;
  await flush();
  try {
    await showSnapshot(await call("switch_profile", { id }));
  } catch (error) {
    $("profile").value = state.current.id;
    addNotice({ code: "switch_failed", ...normalizeError(error) });
  }
}

// ---- Settings ---------------------------------------------------------------------------

function openSettings() {
  const settings = currentSettings();
  $("settings-clipboard-seconds").value = String(settings.clipboardClearSeconds ?? 60);
  $("settings-auto-refresh").checked = settings.autoRefresh ?? true;
  $("settings-retry-401").checked = settings.retryOn401 ?? false;
  $("settings-header-prefix").value = settings.headerPrefix ?? "Bearer";
  $("settings-status").textContent = "";
  hideError("settings-error");
  const keychain = state.snapshot?.keychain;
  $("settings-keychain").textContent = keychain?.state === "unavailable"
    ? `Client secrets, passwords and tokens are kept in memory for this session only: ${keychain.reason}. Nothing is written to disk in plain text.`
    : "Client secrets, remembered passwords and tokens are kept in the system keychain.";
  $("settings-file").textContent = state.snapshot?.settingsFile ?? "";
  $("settings-dialog").showModal();
}

async function saveSettings(event) {
  event.preventDefault();
  hideError("settings-error");
  $("settings-status").textContent = "";
  const raw = $("settings-clipboard-seconds").value.trim();
  const seconds = raw === "" ? NaN : Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) {
    showError("settings-error", {
      code: "invalid_settings",
      message: `Clear copied token after must be a whole number of seconds, 0 or more, not "${raw}"`,
      hint: "0 keeps the token on the clipboard; 60 is the default.",
    });
    return;
  }
  try {
    const settings = await call("save_settings", {
      changes: {
        clipboardClearSeconds: seconds,
        autoRefresh: $("settings-auto-refresh").checked,
        retryOn401: $("settings-retry-401").checked,
        headerPrefix: $("settings-header-prefix").value.trim(),
      },
    });
    state.snapshot = { ...state.snapshot, settings };
    setSettings(settings);
    $("settings-status").textContent = "Saved.";
  } catch (error) {
    showError("settings-error", error);
  }
}

// ---- Wiring ---------------------------------------------------------------------------------

export function wireProfiles() {
  onEdit(onProfileEdited);
  for (const { kind, input } of SECRETS) {
    // The password field may be added by the grants panel later in the page's life.
    document.addEventListener("input", (event) => {
      if (event.target === input()) onSecretTyped(kind, event.target);
    });
  }
  // The saved secrets' placeholders depend on the Access Token URL's origin.
  $("token-url")?.addEventListener("change", () => state.current && showSavedSecrets(state.current));
  $("profile").addEventListener("change", switchProfile);
  $("profile-new").addEventListener("click", () =>
    openNameDialog({ title: "New profile", ok: "Create profile", name: "", action: newProfile }));
  $("profile-rename").addEventListener("click", () =>
    openNameDialog({ title: "Rename profile", ok: "Rename profile", name: state.current?.name ?? "", action: renameProfile }));
  $("profile-duplicate").addEventListener("click", duplicateProfile);
  $("sandbox-duplicate").addEventListener("click", duplicateSandboxToEdit);
  $("profile-delete").addEventListener("click", confirmDelete);
  $("profile-dialog-form").addEventListener("submit", submitName);
  $("profile-dialog-cancel").addEventListener("click", () => $("profile-dialog").close());
  $("delete-dialog-ok").addEventListener("click", deleteProfile);
  $("delete-dialog-cancel").addEventListener("click", () => $("delete-dialog").close());
  $("open-settings").addEventListener("click", openSettings);
  $("settings-form").addEventListener("submit", saveSettings);
  $("settings-close").addEventListener("click", () => $("settings-dialog").close());
}

/** Shows the last used profile from the app's state (`asked`: an
 * `app_state` call already under way, see start-mark.js). */
export async function startProfiles(asked = call("app_state")) {
  try {
    const snapshot = await asked;
    performance.mark("profile read");
    await showSnapshot(snapshot);
  } catch (error) {
    addNotice({ code: "profiles_unavailable", ...normalizeError(error) });
  }
}

/** Changes the shown profile as a whole (an import): the panels' fields as
 * they are, then `change(profile)`; saved now and shown again from the store. */
export async function changeProfile(change) {
  await flush();
  const profile = profileToSave();
  change(profile);
  await call("save_profile", { profile });
  await showSnapshot(await call("app_state"));
}

/** The client secret and password fields' placeholders again (a secret was saved elsewhere, e.g. Paste cURL). */
export async function refreshSavedSecrets() {
  if (state.current) await showSavedSecrets(state.current);
}
