// The parts of a multipart/form-data body and a binary-file body, between
// the Body tab's rows and the core's `FormPart` / `{kind: "file"}` shape, as
// pure functions (tests/ui/body-parts.test.js). A part is text, or a file
// (`file` is its path, "" until one is typed or chosen); the core reads the
// file when the request goes out.

/** A part as the Body tab edits it: `{name, value, file, contentType,
 * enabled, secret}`, `file` null for a text part. */
export function partFromCore(part = {}) {
  return {
    name: part.name ?? "",
    value: part.value ?? "",
    file: typeof part.file === "string" ? part.file : null,
    contentType: part.contentType ?? "",
    enabled: part.enabled ?? true,
    secret: Boolean(part.secret),
  };
}

/** A row as the core's `FormPart`: a file part has no value and no lock
 * (a path is not a secret); an empty content type is left out. */
export function partToCore(row) {
  const part = { name: row.name, value: row.file === null ? row.value : "", enabled: row.enabled };
  if (row.file !== null) part.file = row.file;
  if (row.contentType?.trim()) part.contentType = row.contentType.trim();
  if (row.file === null && row.secret) part.secret = true;
  return part;
}

/** The row switched to `type` ("text" or "file"), keeping what was typed
 * for the other type out of the way. */
export function withPartType(row, type) {
  if (type === "file") return row.file === null ? { ...row, file: "", secret: false } : row;
  return row.file === null ? row : { ...row, file: null };
}

/** The name a file is sent under: its path's last component. */
export function sentFileName(path) {
  const trimmed = (path ?? "").trim().replace(/[\\/]+$/, "");
  const parts = trimmed.split(/[\\/]/);
  return parts[parts.length - 1] ?? "";
}

/** The Body tab's binary file in the core's shape. */
export function fileBody(path, contentType) {
  const body = { kind: "file", path: path.trim() };
  if (contentType.trim()) body.contentType = contentType.trim();
  return body;
}
