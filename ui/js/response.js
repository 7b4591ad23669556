// The response panel: status, time, size, headers, the redirect chain (with
// whether Authorization went along and why), and the body in a virtualised
// viewer with folding and search.

import { $, el, flash, flashCopied, formatBytes, formatDuration, showError } from "./dom.js";
import { call } from "./ipc.js";
import { TextViewer } from "./viewer.js";

let viewer = null;
let current = null;

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
  renderHops(response.hops);

  $("response-binary").hidden = response.bodyKind !== "binary";
  $("response-body-tools").hidden = response.bodyKind === "binary";
  if (response.bodyKind === "binary") {
    viewer.setText("", false);
    $("response-binary-text").textContent = `Binary body, ${formatBytes(response.size)} (${response.contentType || "no content type"}).`;
    $("response-view").hidden = true;
  } else {
    $("response-view").hidden = false;
    const bytes = await call("response_body", { responseId: response.id });
    const text = new TextDecoder().decode(bytes);
    viewer.setText(text, response.bodyKind === "json");
  }
  document.body.dataset.responseShown = String(response.id);
  document.dispatchEvent(new CustomEvent("response-shown", { detail: response }));
}

function renderHops(hops) {
  $("redirects-count").textContent = hops.length > 1 ? String(hops.length - 1) : "";
  $("response-hops").replaceChildren(...hops.map((hop) =>
    el("li", { class: "hop" },
      el("span", { class: `status s${String(hop.status)[0]}xx`, text: String(hop.status) }),
      el("span", { class: "hop-method", text: hop.method }),
      el("code", { class: "hop-url", text: hop.url }),
      el("span", { class: hop.authorizationForwarded ? "hop-auth forwarded" : "hop-auth", text: `Authorization: ${hop.authorizationNote}` }))));
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
  for (const tab of $("response-tabs").querySelectorAll("[role=tab]")) {
    tab.addEventListener("click", () => {
      for (const other of $("response-tabs").querySelectorAll("[role=tab]")) {
        other.setAttribute("aria-selected", String(other === tab));
        $(other.getAttribute("aria-controls")).hidden = other !== tab;
      }
      if (tab.getAttribute("aria-controls") === "response-tab-body") viewer.render();
    });
  }
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
