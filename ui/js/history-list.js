// History's list, as pure functions (tests/ui/history.test.js): what an
// entry shows and how the list grows. The entries live in the window's
// memory only, for this session.

/** The most entries kept; older ones drop off. */
export const HISTORY_LIMIT = 50;

/** The list with `entry` first, at most `limit` long. */
export function addEntry(list, entry, limit = HISTORY_LIMIT) {
  return [entry, ...list].slice(0, Math.max(0, limit));
}

/** The part of a URL a row shows: the path and query (the host is in the
 * tooltip), or the text as typed when it is not a URL. */
export function shownPath(url) {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}` || "/";
  } catch {
    return url;
  }
}

/** What a row says of the answer: the status code ("200"), or the error's
 * code ("timeout") when there was no response. */
export function outcomeText(outcome) {
  if (outcome?.status) return outcome.status.split(" ")[0];
  return outcome?.error ?? "";
}

/** `HH:MM:SS` of `date`, in local time. */
export function clockTime(date) {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}
