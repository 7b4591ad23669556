// Small DOM helpers shared by the panels.

export const $ = (id) => document.getElementById(id);

/** Creates an element: el("td", {class: "x", text: "y"}, child, ...). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Shows an `{code, message, hint}` error in the alert box `prefix`. */
export function showError(prefix, error) {
  const e = normalizeError(error);
  $(`${prefix}-message`).textContent = e.message;
  $(`${prefix}-hint`).textContent = e.hint ?? "";
  $(`${prefix}-hint`).hidden = !e.hint;
  $(`${prefix}-code`).textContent = e.code;
  $(prefix).hidden = false;
}

export function hideError(prefix) {
  $(prefix).hidden = true;
}

export function normalizeError(error) {
  if (error && typeof error === "object" && "code" in error) {
    return { code: error.code, message: error.message ?? "Something went wrong.", hint: error.hint };
  }
  return { code: "internal", message: String(error), hint: null };
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDuration(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A short visible confirmation next to a button ("Copied"). */
/** "Copied", and when the copy held a secret that the app clears from the
 * clipboard after `seconds`, says so in the button's tooltip. */
export function flashCopied(button, seconds, ms = 2500) {
  button.title = seconds > 0
    ? `Copied; it holds a secret, so the clipboard is cleared in ${seconds} s if it still holds it`
    : "Copied";
  flash(button, "Copied", ms);
}

export function flash(button, text, ms = 1500) {
  const original = button.dataset.label ?? button.textContent;
  button.dataset.label = original;
  button.textContent = text;
  clearTimeout(button._flash);
  button._flash = setTimeout(() => (button.textContent = original), ms);
}
