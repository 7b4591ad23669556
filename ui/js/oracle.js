// The Oracle Integration profile: a "Profile type" choice in the
// Authorization panel and, for Oracle profiles, the few values an OIC
// administrator copies from the OCI Console. The core derives everything else
// (command `oracle_preview`); this module shows each derived value with the
// problems next to the field they come from, writes the values into the
// generic fields (Access Token URL, Auth URL, Scope, Callback URL, Device
// Authorization URL, the request panel's URL base and Trusted hosts) unless
// the user typed over them, offers the quick requests, adds
// `integrationInstance` to Developer API URLs before Send, and explains OIC's
// 401/403 answers in the response panel.
//
// Loaded by its own <script type="module"> before app.js, so that its part is
// registered before the first profile is loaded.

import { $, el } from "./dom.js";
import { call } from "./ipc.js";
import { edited, registerPart } from "./parts.js";
import { attachedToken, beforeSend, setBodyKind, setMethod, setUrl } from "./request.js";
import { onResponseShown } from "./response.js";
import { describeHelps } from "./a11y.js";

// The generic fields the derived values go into, by their profile key.
const TARGETS = ["tokenUrl", "authUrl", "scope", "callbackUrl", "deviceUrl"];
const TARGET_LABELS = { tokenUrl: "Access Token URL", authUrl: "Auth URL", scope: "Scope", callbackUrl: "Callback URL", deviceUrl: "Device Authorization URL" };

// The Oracle fields of the form: profile key, label, element id, kind.
const INPUTS = [
  { key: "identityDomainUrl", label: "Identity domain URL", id: "oracle-identity-domain-url" },
  { key: "oicUrl", label: "OIC instance URL", id: "oracle-oic-url" },
  { key: "instanceName", label: "Integration instance name", id: "oracle-instance-name" },
  { key: "audience", label: "Scope audience", id: "oracle-audience" },
];

const state = {
  kind: "generic", // the current profile's kind
  help: null, // {fields: [{field, label, example, help}], loopbackCallback, oicCallbackPath}
  view: null, // the last oracle_preview answer
  applied: {}, // per target: the value last written into the generic field
  appliedHosts: [], // trusted hosts last written into the request panel
  appliedBase: null, // request base URL last written into the request panel's URL
  seq: 0, // the latest preview asked for; older answers are dropped
  timer: null,
};

const isOracle = () => state.kind === "oracle";

const kindListeners = [];

/** `listener(isOracle)` whenever the current profile's kind is shown (the administration button). */
export function onOracleKind(listener) {
  kindListeners.push(listener);
}

/** Where Developer API calls go for the current Oracle profile: `{baseUrl, instance}` (null before there is a base URL). */
export function oicTarget() {
  const p = state.view?.preview;
  if (!isOracle() || !p?.apiBaseUrl) return null;
  return { baseUrl: p.apiBaseUrl, instance: p.integrationInstance ?? "" };
}

/** The generic field holding `key` (Authorization panel), if it exists. */
const authInput = (key) => $("token-form").querySelector(`[data-field="${key}"]`);

function helpOf(field) {
  return state.help?.fields.find((h) => h.field === field) ?? null;
}

// ---- Building the block ------------------------------------------------------

function whereToFind(field) {
  return el("details", { class: "where", "data-help": field },
    el("summary", { text: "Where to find this" }),
    el("p", { class: "help", text: "" }));
}

function problemsList(field) {
  return el("ul", { class: "problems", id: `oracle-problems-${field}`, "aria-live": "polite" });
}

function textField({ key, label, id }) {
  return el("div", { class: "field" },
    el("label", { for: id, text: label }),
    el("input", { id, type: "text", spellcheck: "false", "data-oracle": key, autocomplete: "off" }),
    problemsList(key),
    whereToFind(key));
}

function selectField(id, label, key, options) {
  return el("div", { class: "field" },
    el("label", { for: id, text: label }),
    el("select", { id, "data-oracle": key }, ...options.map(([value, text]) => el("option", { value, text }))),
    problemsList(key),
    whereToFind(key));
}

function derivedRow(key, label) {
  return [
    el("dt", { text: label }),
    el("dd", { id: `oracle-derived-${key}` },
      el("code", { class: "derived-value" }),
      el("span", { class: "derived-state" }),
      problemsList(key)),
  ];
}

function build() {
  const container = el("div", { id: "oracle-profile", class: "oracle" },
    el("div", { class: "field", id: "profile-type-field" },
      el("label", { for: "profile-type", text: "Profile type" }),
      el("select", { id: "profile-type" },
        el("option", { value: "generic", text: "Generic OAuth 2.0" }),
        el("option", { value: "oracle", text: "Oracle Integration" })),
      el("p", { class: "help", text: "Oracle Integration: fill in a few values from the OCI Console and the URLs and scope are derived." })),
    el("fieldset", { id: "oracle-fields", class: "oracle-fields", hidden: true },
      el("legend", { text: "Oracle Integration" }),
      ...INPUTS.map(textField),
      selectField("oracle-scope-kind", "Scope type", "scopeKind", [
        ["all", "Integrations and Developer APIs"],
        ["api", "Developer APIs only"],
      ]),
      el("div", { class: "field" },
        el("label", { for: "oracle-redirect", text: "Redirect URL" }),
        el("select", { id: "oracle-redirect", "data-oracle": "redirect" },
          el("option", { value: "oic_callback", text: "OIC callback" }),
          el("option", { value: "loopback", text: "This app (loopback)" }),
          el("option", { value: "custom", text: "Custom" })),
        el("div", { id: "oracle-custom-redirect", class: "sub-field", hidden: true },
          el("label", { for: "oracle-custom-redirect-url", text: "Custom Redirect URL" }),
          el("input", { id: "oracle-custom-redirect-url", type: "url", spellcheck: "false", "data-oracle": "customRedirect", autocomplete: "off" })),
        problemsList("redirect"),
        whereToFind("redirect")),
      el("h3", { text: "Derived values" }),
      el("p", { class: "help", text: "Written into the fields below and into the request panel. Type over a field to override its value." }),
      el("dl", { id: "oracle-derived", class: "details derived" },
        ...derivedRow("tokenUrl", "Access Token URL"),
        ...derivedRow("authUrl", "Auth URL"),
        ...derivedRow("scope", "Scope"),
        ...derivedRow("callbackUrl", "Callback URL"),
        ...derivedRow("deviceUrl", "Device Authorization URL"),
        ...derivedRow("apiBaseUrl", "Request base URL"),
        ...derivedRow("integrationInstance", "integrationInstance"),
        ...derivedRow("trustedHosts", "Trusted hosts")),
      el("p", { class: "help", text: "The request base URL is the OIC instance URL: give the design-time URL there to skip the runtime URL's redirect." })));
  $("sidebar-oracle").append(container);
  describeHelps(container);

  $("request-form").after(el("p", { id: "quick-request-note", class: "help quick-note", hidden: true }));
  $("response-note").after(el("div", { id: "oic-guidance", class: "oic-guidance", role: "note", hidden: true },
    el("p", { class: "oic-guidance-title", text: "What to check (Oracle Integration)" }),
    el("p", { id: "oic-guidance-text" })));
}

function fillHelp() {
  for (const details of document.querySelectorAll("#oracle-profile details.where")) {
    const help = helpOf(details.dataset.help);
    details.querySelector("p").textContent = help?.help ?? "";
    details.hidden = !help;
  }
  for (const { key, id } of INPUTS) {
    const example = helpOf(key)?.example;
    if (example) $(id).placeholder = `e.g. ${example}`;
  }
}

// ---- The form's values -------------------------------------------------------

function redirectChoice() {
  const kind = $("oracle-redirect").value;
  return kind === "custom" ? { kind, url: $("oracle-custom-redirect-url").value.trim() } : { kind };
}

/** A scope compared without offline_access (the refresh-token checkbox adds it) and order. */
const scopeKey = (scope) => (scope ?? "").split(/\s+/).filter((s) => s && s !== "offline_access").sort().join(" ");

function sameValue(key, a, b) {
  return key === "scope" ? scopeKey(a) === scopeKey(b) : (a ?? "").trim() === (b ?? "").trim();
}

/** What the user typed over a derived value, or null. */
function overrideOf(key) {
  const input = authInput(key);
  if (!input) return null;
  const value = input.value.trim();
  if (value === "" || sameValue(key, value, state.applied[key])) return null;
  return value;
}

/** What `oracle_preview` reads: the Oracle fields, the refresh-token choice and the overrides. */
export function oracleInputs() {
  const value = (id) => $(id).value;
  return {
    identityDomainUrl: value("oracle-identity-domain-url"),
    oicUrl: value("oracle-oic-url"),
    instanceName: value("oracle-instance-name"),
    audience: value("oracle-audience"),
    scopeKind: value("oracle-scope-kind"),
    // The checkbox is kept across grant types; client credentials get no refresh token.
    requestRefreshToken: Boolean(authInput("requestRefreshToken")?.checked) && authInput("grantType")?.value !== "client_credentials",
    redirect: redirectChoice(),
    overrides: {
      tokenUrl: overrideOf("tokenUrl"),
      authUrl: overrideOf("authUrl"),
      scope: overrideOf("scope"),
      apiBaseUrl: null,
    },
  };
}

/** The Redirect URL preset a saved Callback URL stands for, given the OIC callback derived for the profile. */
function inferRedirect(callbackUrl, oicCallback) {
  const url = (callbackUrl ?? "").trim();
  if (url === "" || url === oicCallback) return { kind: "oic_callback" };
  if (url === state.help?.loopbackCallback) return { kind: "loopback" };
  return { kind: "custom", url };
}

function showKind() {
  const sandbox = state.kind === "sandbox";
  $("oracle-profile").hidden = sandbox;
  $("profile-type").value = isOracle() ? "oracle" : "generic";
  $("oracle-fields").hidden = !isOracle();
  document.body.dataset.profileKind = state.kind;
  for (const listener of kindListeners) listener(isOracle());
  if (!isOracle()) {
    renderQuickRequests([]);
    $("oic-guidance").hidden = true;
  }
}

function showCustomRedirect() {
  $("oracle-custom-redirect").hidden = $("oracle-redirect").value !== "custom";
}

// ---- Preview: derived values, problems, quick requests ------------------------

function schedulePreview(delay = 150) {
  if (!isOracle()) return;
  clearTimeout(state.timer);
  state.timer = setTimeout(preview, delay);
}

async function preview() {
  if (!isOracle()) return null;
  const seq = ++state.seq;
  let view;
  try {
    view = await call("oracle_preview", { inputs: oracleInputs() });
  } catch (error) {
    // The command cannot fail on its own; a failure is the app's, shown as such.
    showProblems([{ field: "identityDomainUrl", severity: "error", message: error?.message ?? String(error) }]);
    return null;
  }
  if (seq !== state.seq || !isOracle()) return null;
  state.view = view;
  apply(view);
  render(view);
  return view;
}

/** Writes the derived values into the generic fields the user did not type over. */
function apply(view) {
  let changed = false;
  for (const key of TARGETS) {
    const input = authInput(key);
    const derived = view.derived[key];
    if (!input || derived == null) continue;
    const current = input.value.trim();
    const untouched = current === "" || sameValue(key, current, state.applied[key]);
    state.applied[key] = derived;
    if (untouched && current !== derived) {
      input.value = derived;
      changed = true;
    }
  }
  changed = applyTrustedHosts(view.preview.trustedHosts) || changed;
  changed = applyBase(view) || changed;
  if (changed) edited();
}

/** Trusted hosts: the derived ones, plus every entry the user added. */
function applyTrustedHosts(derived) {
  if (!derived?.length) return false;
  const box = $("trusted-hosts");
  const current = box.value.split(/[\s,]+/).filter(Boolean);
  const mine = current.filter((h) => !state.appliedHosts.includes(h) && !derived.includes(h));
  const next = [...derived, ...mine];
  state.appliedHosts = derived;
  if (next.join("\n") === current.join("\n")) return false;
  box.value = next.join("\n");
  return true;
}

/** The request URL follows the request base URL: empty → List connections; old base → new base. */
function applyBase(view) {
  const base = view.preview.apiBaseUrl;
  const previous = state.appliedBase;
  if (!base) return false;
  state.appliedBase = base;
  const url = $("url");
  const current = url.value.trim();
  let next = null;
  if (current === "") {
    next = view.quickRequests.find((q) => q.id === "list_connections")?.url ?? null;
  } else if (previous && previous !== base && current.startsWith(previous) && /^($|[/?#])/.test(current.slice(previous.length))) {
    next = base + current.slice(previous.length);
  }
  if (next === null || next === current) return false;
  setUrl(next);
  return true;
}

function showProblems(problems) {
  for (const list of document.querySelectorAll("#oracle-profile ul.problems")) list.replaceChildren();
  for (const problem of problems) {
    const list = $(`oracle-problems-${problem.field}`) ?? $("oracle-problems-identityDomainUrl");
    list.append(el("li", { class: `problem ${problem.severity}`, text: problem.message }));
  }
  for (const { key, id } of INPUTS) {
    const bad = problems.some((p) => p.field === key && p.severity === "error");
    $(id).setAttribute("aria-invalid", String(bad));
  }
}

function render(view) {
  const { preview: p, derived: d } = view;
  const show = (key, value, state_, stateClass) => {
    const row = $(`oracle-derived-${key}`);
    row.querySelector(".derived-value").textContent = value ?? "—";
    row.querySelector(".derived-value").classList.toggle("missing", value == null);
    const status = row.querySelector(".derived-state");
    status.replaceChildren(...(Array.isArray(state_) ? state_ : [state_ ?? ""]));
    status.className = `derived-state ${stateClass ?? ""}`;
  };
  for (const key of TARGETS) {
    const input = authInput(key);
    const current = input?.value.trim() ?? "";
    const overridden = input && d[key] != null && current !== "" && !sameValue(key, current, d[key]);
    if (overridden) {
      show(key, d[key], [
        `overridden in ${TARGET_LABELS[key]}: `,
        el("code", { text: current }),
        " ",
        el("button", { type: "button", class: "quiet small", "data-use-derived": key, text: "Use derived" }),
      ], "overridden");
    } else {
      show(key, d[key], "");
    }
  }
  show("apiBaseUrl", p.apiBaseUrl, p.apiBaseUrl ? (p.designTime ? "design-time URL" : "not a design-time host: Developer API calls may be redirected to the design-time URL") : "");
  show("integrationInstance", p.integrationInstance ? `integrationInstance=${p.integrationInstance}` : null,
    p.integrationInstance ? "added to Developer API URLs" : "fill in Integration instance name to add it");
  show("trustedHosts", p.trustedHosts.length ? p.trustedHosts.join(", ") : null, p.trustedHosts.length ? "trusted with Authorization across redirects" : "");
  showProblems(p.problems);
  renderQuickRequests(view.quickRequests);
}

// ---- Quick requests ----------------------------------------------------------

function renderQuickRequests(requests) {
  const box = $("quick-requests");
  // Kept as they are when nothing changed, so a click in progress is not lost.
  const key = JSON.stringify(requests);
  if (box.dataset.shown === key) return;
  box.dataset.shown = key;
  box.replaceChildren(...requests.map((q) =>
    el("button", { type: "button", class: "quiet", title: q.description, "data-quick": q.id, text: q.name })));
  box.hidden = requests.length === 0;
  if (!requests.length) $("quick-request-note").hidden = true;
}

/** Fills the request panel with a quick request. Nothing is sent until Send. */
function fillQuickRequest(id) {
  const q = state.view?.quickRequests.find((r) => r.id === id);
  if (!q) return;
  setMethod(q.method);
  if (q.method === "GET" && $("body-kind").value !== "none") setBodyKind("none");
  const url = $("url");
  setUrl(q.url);
  const note = $("quick-request-note");
  note.textContent = `${q.name}: ${q.description} Press Send when ready.`;
  note.hidden = false;
  url.focus();
  const placeholder = q.url.indexOf("{id}");
  if (placeholder >= 0) url.setSelectionRange(placeholder, placeholder + 4);
}

// ---- Send: integrationInstance; the response: OIC's refusals -----------------

async function addIntegrationInstance() {
  if (!isOracle()) return;
  const name = state.view?.preview.integrationInstance ?? "";
  const url = $("url");
  if (!name || !url.value.trim()) return;
  const next = await call("oracle_instance_url", { url: url.value.trim(), instanceName: name });
  if (next !== url.value.trim()) setUrl(next);
}

function looksLikeOic(url) {
  try {
    return new URL(url).pathname.startsWith("/ic/");
  } catch {
    return false;
  }
}

async function explainRefusal(response) {
  const box = $("oic-guidance");
  box.hidden = true;
  const sent = response.hops?.[0]?.url ?? response.url;
  if (![401, 403].includes(response.status) || !(isOracle() || looksLikeOic(sent))) return;
  let hint = null;
  try {
    hint = await call("oic_refusal_hint", {
      responseId: response.id,
      tokenId: attachedToken()?.id ?? null,
      oracle: isOracle() ? oracleInputs() : null,
    });
  } catch {
    return; // the response is gone (a newer one replaced it); nothing to explain
  }
  if (!hint) return;
  $("oic-guidance-text").textContent = hint;
  box.hidden = false;
}

// ---- Profile part -------------------------------------------------------------

function loadOracle(profile) {
  state.kind = profile.kind ?? "generic";
  const o = profile.oracle ?? {};
  for (const { key, id } of INPUTS) $(id).value = o[key] ?? "";
  $("oracle-scope-kind").value = o.scopeKind === "api" ? "api" : "all";
  $("oracle-redirect").value = "oic_callback";
  $("oracle-custom-redirect-url").value = "";
  showCustomRedirect();
  showKind();
  state.view = null;
  // Until the first preview says otherwise, what the profile holds counts
  // as derived, not typed over.
  state.applied = Object.fromEntries(TARGETS.map((key) => [key, profile[key] ?? ""]));
  state.appliedHosts = [];
  state.appliedBase = null;
  if (isOracle()) adoptSaved(profile);
}

/** For a loaded Oracle profile: values equal to the derived ones are derived; others are overrides. */
async function adoptSaved(profile) {
  const seq = ++state.seq;
  await helpReady;
  let view;
  try {
    // With the OIC callback preset first: the saved Callback URL says which preset it was.
    view = await call("oracle_preview", { inputs: { ...oracleInputs(), overrides: {} } });
  } catch {
    return;
  }
  if (seq !== state.seq) return;
  const redirect = inferRedirect(profile.callbackUrl, view.derived.callbackUrl);
  $("oracle-redirect").value = redirect.kind;
  $("oracle-custom-redirect-url").value = redirect.url ?? "";
  showCustomRedirect();
  for (const key of TARGETS) {
    if (view.derived[key] != null) state.applied[key] = view.derived[key];
  }
  if (redirect.kind !== "oic_callback") state.applied.callbackUrl = profile.callbackUrl;
  state.appliedHosts = view.derived.trustedHosts ?? [];
  state.appliedBase = view.derived.apiBaseUrl ?? null;
  await preview();
}

function saveOracle(profile) {
  if (profile.kind === "sandbox" || state.kind === "sandbox") return;
  profile.kind = state.kind;
  if (!isOracle()) return;
  profile.oracle = {
    ...(profile.oracle ?? {}),
    ...Object.fromEntries(INPUTS.map(({ key, id }) => [key, $(id).value.trim()])),
    scopeKind: $("oracle-scope-kind").value,
  };
}

function changeKind() {
  state.kind = $("profile-type").value;
  if (isOracle()) {
    // The generic fields' values are replaced as soon as a value is derived.
    state.applied = Object.fromEntries(TARGETS.map((key) => [key, authInput(key)?.value.trim() ?? ""]));
    state.appliedHosts = [];
    state.appliedBase = null;
  }
  showKind();
  schedulePreview(0);
  edited();
}

async function loadHelp() {
  try {
    state.help = await call("oracle_help");
  } catch {
    state.help = { fields: [], loopbackCallback: "", oicCallbackPath: "" };
  }
  fillHelp();
}

let helpReady = Promise.resolve();

function wireOracle() {
  build();
  registerPart({ name: "Oracle Integration", load: loadOracle, save: saveOracle });
  helpReady = loadHelp();
  showKind();
  $("profile-type").addEventListener("change", changeKind);
  const fields = $("oracle-fields");
  fields.addEventListener("input", () => {
    schedulePreview();
    edited();
  });
  fields.addEventListener("change", (event) => {
    if (event.target.id === "oracle-redirect") showCustomRedirect();
    schedulePreview(0);
    edited();
  });
  fields.addEventListener("click", (event) => {
    const key = event.target.dataset?.useDerived;
    const value = key && state.view?.derived[key];
    if (!value) return;
    authInput(key).value = value;
    state.applied[key] = value;
    schedulePreview(0);
    edited();
  });
  // Typing over a generic field is an override; the refresh-token checkbox changes the scope.
  $("token-form").addEventListener("input", () => schedulePreview());
  $("token-form").addEventListener("change", () => schedulePreview());
  $("quick-requests").addEventListener("click", (event) => {
    const id = event.target.closest("[data-quick]")?.dataset.quick;
    if (id) fillQuickRequest(id);
  });
  beforeSend(addIntegrationInstance);
  onResponseShown(explainRefusal);
}

wireOracle();
