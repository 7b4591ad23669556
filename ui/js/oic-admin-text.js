// Pure helpers of the Oracle Integration administration panels: the
// "Request sent" text of an `ApiRequest` (the core's spelling), which of
// Activate / Deactivate a row offers, the confirmation texts and the
// progress line. No DOM; tested with node --test (tests/ui/oic-admin.test.js).

/** The request as lines: `METHOD URL`, the headers, then the body. The
 * token is never shown, only that it went along. */
export function requestSentLines(request, { withToken = false } = {}) {
  const lines = [`${request.method} ${request.url}`];
  if (withToken) lines.push("Authorization: Bearer <the attached token>");
  for (const h of request.headers ?? []) {
    if (h.enabled === false || !h.name) continue;
    lines.push(`${h.name}: ${h.secret ? "••••" : h.value}`);
  }
  const body = request.body ?? { kind: "none" };
  if ((body.kind === "json" || body.kind === "text") && body.text) {
    lines.push("", body.text);
  } else if (body.kind === "multipart") {
    lines.push("Content-Type: multipart/form-data", "");
    for (const part of body.parts ?? []) {
      if (part.enabled === false || !part.name) continue;
      lines.push(part.file ? `${part.name}=@${part.file}` : `${part.name}=${part.value ?? ""}`);
    }
  } else if (body.kind === "file" && body.path) {
    lines.push("", `@${body.path}`);
  }
  return lines;
}

/** The one-line summary of a request: `POST https://…`. */
export const requestSummary = (request) => `${request.method} ${request.url}`;

/** Activate for a configured (or failed) integration, Deactivate for an
 * activated one, neither while it is still being built. */
export function switchFor(status) {
  const s = (status ?? "").toUpperCase();
  if (s === "ACTIVATED") return "deactivate";
  if (s === "CONFIGURED" || s === "FAILEDACTIVATION") return "activate";
  return null;
}

/** The confirmation for an action on `row` of the instance `instance`:
 * `{title, text, warning}`; the text names the integration and the instance. */
export function confirmation(action, row, instance) {
  const where = instance ? `on the instance ${instance}` : "on this instance";
  const it = row ? `${row.name} (${row.code} ${row.version})` : "";
  switch (action) {
    case "activate":
      return { title: "Activate integration", text: `Activate ${it} ${where}?`, warning: null };
    case "deactivate":
      return {
        title: "Deactivate integration",
        text: `Deactivate ${it} ${where}?`,
        warning: "It stops processing new messages; requests not yet processed are lost.",
      };
    case "resubmit":
      return { title: "Resubmit errored instance", text: `Resubmit instance ${row.id} of ${row.integration} ${where}?`, warning: null };
    case "abort":
      return {
        title: "Abort errored instance",
        text: `Abort instance ${row.id} of ${row.integration} ${where}?`,
        warning: "An aborted instance can no longer be resubmitted.",
      };
    case "resubmitMany":
      return { title: "Resubmit selected", text: `Resubmit ${row.count} errored instance${row.count === 1 ? "" : "s"} ${where}?`, warning: null };
    case "importReplace":
      return {
        title: "Import .iar (replace)",
        text: `Replace the integration in ${row.file} ${where}?`,
        warning: "The integration of the same code and version is overwritten by the archive.",
      };
    default:
      return { title: action, text: `${action} ${where}?`, warning: null };
  }
}

/** The progress line of a table loading page by page. */
export function progressText(what, loaded, total, state) {
  const of = total != null ? ` of ${total}` : "";
  if (state === "loading") return `Loading ${what}… ${loaded}${of}`;
  if (state === "cancelled") return `Stopped: ${loaded}${of} ${what} loaded.`;
  return `${loaded}${of} ${what} loaded.`;
}

/** The file name Export .iar suggests: `CODE_VERSION.iar`. */
export const archiveName = (id) => `${id.replace("|", "_").replace(/[^A-Za-z0-9._-]/g, "_")}.iar`;
