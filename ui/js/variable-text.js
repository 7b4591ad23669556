// `{{name}}` in the URL field: the preview under it shows the URL as Send
// will resolve it, unresolved names marked. Pure functions, tested with
// `node --test` (tests/ui/variable-text.test.js). The core resolves the
// request itself at Send (send/variables.rs); this is only what the field
// shows, with the same rules: names trimmed, no braces in a name, the last
// enabled row of a name wins, one pass.

/** The variables as the core reads them: enabled rows with a name. */
export function variableMap(rows = []) {
  const map = new Map();
  for (const row of rows) {
    const name = (row.name ?? "").trim();
    if (row.enabled === false || name === "") continue;
    map.set(name, { value: row.value ?? "", secret: Boolean(row.secret) });
  }
  return map;
}

const isName = (name) => name !== "" && !/[{}]/.test(name);

/**
 * `text` cut into segments: `{kind: "text", text}`, `{kind: "value", name,
 * text}` (a resolved variable; a secret one's text is masked), `{kind:
 * "missing", name, text}` (written as `{{name}}`).
 */
export function previewSegments(text, rows) {
  const map = variableMap(rows);
  const out = [];
  let rest = text ?? "";
  const push = (segment) => {
    const last = out[out.length - 1];
    if (segment.kind === "text" && last?.kind === "text") last.text += segment.text;
    else if (segment.text !== "" || segment.kind !== "text") out.push(segment);
  };
  for (;;) {
    const start = rest.indexOf("{{");
    if (start < 0) break;
    const end = rest.indexOf("}}", start + 2);
    if (end < 0) break;
    const name = rest.slice(start + 2, end).trim();
    if (!isName(name)) {
      push({ kind: "text", text: rest.slice(0, start + 2) });
      rest = rest.slice(start + 2);
      continue;
    }
    push({ kind: "text", text: rest.slice(0, start) });
    const variable = map.get(name);
    if (variable) push({ kind: "value", name, text: variable.secret ? "••••••" : variable.value });
    else push({ kind: "missing", name, text: rest.slice(start, end + 2) });
    rest = rest.slice(end + 2);
  }
  push({ kind: "text", text: rest });
  return out;
}

/** The names written in `text` that no variable resolves, each once. */
export function unresolvedNames(text, rows) {
  return [...new Set(previewSegments(text, rows).filter((s) => s.kind === "missing").map((s) => s.name))];
}

/** Whether the text refers to any variable (the preview is shown only then). */
export const hasReference = (text) => previewSegments(text, []).some((s) => s.kind === "missing");
