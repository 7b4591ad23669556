// The response panel: status, time, size, headers, the redirect chain (with
// whether Authorization went along and why, and a redirect the sender
// stopped, with Follow once without credentials), and the body in a
// virtualised viewer with folding and search. A body cut at the body limit
// says so and offers Save to file, which streams the whole body to disk.

import { $, el, flash, flashCopied, formatBytes, formatDuration, hideError, showError } from "./dom.js";
import { call, Channel, newRequestId } from "./ipc.js";
import { TextViewer } from "./viewer.js";
import { wireTabs } from "./tabs.js";

let viewer = null;
let current = null;
/** The request id of a Save to file or Follow once in flight, for Cancel. */
let saving = null;

const MEGABYTE = 1024 * 1024;
const shownListeners = [];

/** `listener(response)` after each response is shown (e.g. OIC's 401/403 guidance). */
export function onResponseShown(listener) {
  shownListeners.push(listener);
}

/** Progress in the response area while a request is out (`text`), with its
 * Cancel; `null` when it is back. */
export function setWaiting(text) {
  const progress = $("response-progress");
  progress.textContent = text ?? "";
  progress.classList.toggle("busy", Boolean(text));
  $("cancel-send").hidden = !text;
}

export async function showResponse(response) {
  current = response;
  $("response-empty").hidden = true;
  $("response-result").hidden = false;

  const status = $("response-status");
  status.textContent = `${response.status} ${response.reason ?? ""}`.trim();
  status.className = `status s${String(response.status)[0]}xx`;
  const t = response.timing;
  $("response-time").textContent = formatDuration(t.totalMs);
  $("response-time").title = [
    t.redirectsMs ? `redirects ${formatDuration(t.redirectsMs)}` : null,
    `waiting for headers (connect, TLS, server) ${formatDuration(t.toHeadersMs)}`,
    `download ${formatDuration(t.downloadMs)}`,
  ].filter(Boolean).join(", ");
  $("response-note").textContent = response.note ?? "";
  $("response-note").hidden = !response.note;
  $("response-size").textContent = formatBytes(response.size);

  $("response-headers").replaceChildren(...response.headers.map((h) =>
    el("tr", {}, el("th", { scope: "row", text: h.name }), el("td", { text: h.value }))));
  renderHops(response.hops, response.stopped, response.retry);
  showTruncated(response.truncatedAt);
  $("response-body-notice").hidden = true;

  $("response-binary").hidden = response.bodyKind !== "binary";
  // Save writes the bytes kept; a cut body is saved whole with Save to file.
  $("save-body").hidden = Boolean(response.truncatedAt);
  $("response-body-tools").hidden = response.bodyKind === "binary";
  if (response.bodyKind === "binary") {
    viewer.setText("", false);
    $("response-binary-text").textContent = `Binary body, ${formatBytes(response.size)} (${response.contentType || "no content type"}).`;
    $("response-view").hidden = true;
  } else {
    $("response-view").hidden = false;
    const { notice, text } = splitBody(new Uint8Array(await call("response_body", { responseId: response.id })));
    $("response-body-notice").textContent = notice ?? "";
    $("response-body-notice").hidden = !notice;
    viewer.setText(text, response.bodyKind === "json" && !notice);
  }
  document.body.dataset.responseShown = String(response.id);
  for (const listener of shownListeners) listener(response);
}

/** `response_body`'s answer: a JSON head line ({notice}), then the body. */
function splitBody(bytes) {
  const newline = bytes.indexOf(10);
  const decoder = new TextDecoder();
  const head = JSON.parse(decoder.decode(bytes.subarray(0, newline)));
  return { notice: head.notice, text: decoder.decode(bytes.subarray(newline + 1)) };
}

/** The Redirects tab: every hop; after a retry on 401 (Settings), first the
 * 401's hops, then the new token's request, then the retry's hops. */
function renderHops(hops, stopped, retry) {
  const count = hops.length - 1 + (stopped ? 1 : 0) + (retry ? retry.first.length + 1 : 0);
  $("redirects-count").textContent = count > 0 ? String(count) : "";
  const hop = (hop) =>
    el("li", { class: "hop" },
      el("span", { class: `status s${String(hop.status)[0]}xx`, text: String(hop.status) }),
      el("span", { class: "hop-method", text: hop.method }),
      el("code", { class: "hop-url", text: hop.url }),
      el("span", { class: hop.authorizationForwarded ? "hop-auth forwarded" : "hop-auth", text: `Authorization: ${hop.authorizationNote}` }));
  const items = [];
  if (retry) {
    items.push(...retry.first.map(hop));
    items.push(el("li", { class: "hop retry" },
      el("span", { class: "status retry", text: "New token" }),
      el("span", { class: "hop-reason", text: `${retry.tokenRequest}, then the request once more:` })));
  }
  items.push(...hops.map(hop));
  if (stopped) {
    items.push(el("li", { class: "hop stopped" },
      el("span", { class: "status stopped", text: "Stopped" }),
      el("span", { class: "hop-method", text: stopped.method }),
      el("code", { class: "hop-url", text: stopped.url }),
      el("span", { class: "hop-reason", text: stopped.message }),
      stopped.canFollowOnce
        ? el("button", { type: "button", class: "quiet", text: "Follow once without credentials", onclick: followOnce })
        : null));
  }
  $("response-hops").replaceChildren(...items);
}

async function followOnce(event) {
  if (!current || saving !== null) return;
  const button = event.currentTarget;
  button.disabled = true;
  hideError("response-error");
  saving = newRequestId();
  $("response-progress").textContent = "Following the redirect once…";
  try {
    await showResponse(await call("follow_redirect_once", { requestId: saving, responseId: current.id }));
  } catch (error) {
    button.disabled = false;
    showError("response-error", error);
  } finally {
    saving = null;
    $("response-progress").textContent = "";
  }
}

function showTruncated(truncatedAt) {
  $("response-truncated").hidden = !truncatedAt;
  if (!truncatedAt) return;
  const mb = truncatedAt / MEGABYTE;
  $("response-truncated-text").textContent =
    `Truncated at ${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB: only the beginning of the body is shown. Save to file sends the request again and writes the whole body.`;
  $("save-progress").textContent = "";
}

function setSaving(on) {
  $("save-to-file").disabled = on;
  $("cancel-save").hidden = !on;
}

async function saveToFile() {
  if (!current || saving !== null) return;
  hideError("response-error");
  const path = $("save-body-path").value.trim();
  if (!path) {
    showError("response-error", { code: "no_path", message: "Type a file path or press Choose… first", hint: "The whole body is written to that file." });
    return;
  }
  const progress = new Channel();
  progress.onmessage = ({ written, total }) => {
    $("save-progress").textContent = total ? `${formatBytes(written)} of ${formatBytes(total)}` : `${formatBytes(written)} written`;
  };
  saving = newRequestId();
  setSaving(true);
  $("save-progress").textContent = "Starting…";
  try {
    const saved = await call("save_body_to_file", { requestId: saving, responseId: current.id, path, progress });
    $("save-progress").textContent = `Saved ${formatBytes(saved.bytes)} to ${path}`;
  } catch (error) {
    $("save-progress").textContent = error?.code === "cancelled" ? "Cancelled; nothing was saved." : "";
    if (error?.code !== "cancelled") showError("response-error", error);
  } finally {
    saving = null;
    setSaving(false);
  }
}

async function chooseSavePath() {
  if (!current) return;
  try {
    const path = await call("choose_save_path", { responseId: current.id });
    if (path) $("save-body-path").value = path;
  } catch (error) {
    showError("response-error", error);
  }
}

export function clearResponse() {
  current = null;
  $("response-result").hidden = true;
  $("response-empty").hidden = false;
}

function search(backwards) {
  const query = $("response-search").value;
  const { index, total } = viewer.find(query, backwards);
  $("response-search-count").textContent = query ? (total ? `${index + 1} of ${total}` : "No match") : "";
}

export function wireResponsePanel() {
  viewer = new TextViewer($("response-view"));
  wireTabs($("response-tabs"), (tab) => {
    if (tab.getAttribute("aria-controls") === "response-tab-body") viewer.render();
  });
  $("response-search").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      search(event.shiftKey);
    }
  });
  $("response-search").addEventListener("input", () => search(false));
  $("copy-body").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    if (!current) return;
    try {
      flashCopied(button, await call("copy_response_body", { responseId: current.id }));
    } catch (error) {
      showError("response-error", error);
    }
  });
  $("save-to-file").addEventListener("click", saveToFile);
  $("choose-save-path").addEventListener("click", chooseSavePath);
  $("cancel-save").addEventListener("click", () => saving !== null && call("cancel_request", { requestId: saving }));
  $("save-body").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    if (!current) return;
    try {
      const saved = await call("save_response_body", { responseId: current.id });
      if (saved) flash(button, "Saved");
    } catch (error) {
      showError("response-error", error);
    }
  });
}
