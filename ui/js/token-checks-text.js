// What Introspect shows, as pure functions (tests/ui/token-checks.test.js).

/** "12 min 5 s", "1 h 2 min", "45 s". */
export function countdownText(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h) return `${h} h ${m} min`;
  if (m) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

/** The one line that says what the server thinks of the token, at `nowMs`. */
export function introspectionSummary(answer, nowMs) {
  if (!answer.active) {
    return "The server says this token is not active: expired, revoked or unknown.";
  }
  if (!answer.expiresAt) return "Active: the server accepts this token (it did not say until when).";
  const left = answer.expiresAt - nowMs / 1000;
  if (left <= 0) return "Active when asked, but its expiry has passed since: ask again.";
  return `Active: the server accepts this token for ${countdownText(left)} more (until ${new Date(answer.expiresAt * 1000).toLocaleString()}).`;
}

const NAMED = ["active", "exp", "scope", "sub", "client_id", "aud", "token_type"];

/** The rows under it: the named fields first (exp as a date), then every other field. */
export function introspectionRows(answer) {
  const fields = answer.fields ?? {};
  const text = (v) => (typeof v === "string" ? v : JSON.stringify(v));
  const rows = [];
  for (const key of NAMED) {
    if (!(key in fields)) continue;
    rows.push([key, key === "exp" && typeof fields.exp === "number"
      ? `${fields.exp} (${new Date(fields.exp * 1000).toISOString()})`
      : text(fields[key])]);
  }
  for (const [key, value] of Object.entries(fields)) {
    if (!NAMED.includes(key)) rows.push([key, text(value)]);
  }
  return rows;
}
