// History's rows, as pure functions (tests/ui/history.test.js): what a row
// shows of a send the core recorded: `{id, at, method, url, status, reason,
// error, durationMs, size}` (`at` in Unix milliseconds).

import { formatBytes, formatDuration } from "./dom.js";

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
export function outcomeText(row) {
  if (row?.status) return String(row.status);
  return row?.error ?? "";
}

/** Time taken and size ("84 ms · 1.2 KB"), when there was a response. */
export function detailText(row) {
  if (!row?.status) return "";
  const parts = [];
  if (typeof row.durationMs === "number") parts.push(formatDuration(row.durationMs));
  if (typeof row.size === "number") parts.push(formatBytes(row.size));
  return parts.join(" · ");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n) => String(n).padStart(2, "0");

/** `HH:MM:SS` of `date`, in local time. */
export function clockTime(date) {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map(two).join(":");
}

/** When a send was, in local time: `14:03:22` today, `2 Dec 14:03` earlier
 * this year, `2 Dec 2025 14:03` before. */
export function whenText(at, now = new Date()) {
  const date = new Date(at);
  if (date.toDateString() === now.toDateString()) return clockTime(date);
  const day = `${date.getDate()} ${MONTHS[date.getMonth()]}`;
  const year = date.getFullYear() === now.getFullYear() ? "" : ` ${date.getFullYear()}`;
  return `${day}${year} ${two(date.getHours())}:${two(date.getMinutes())}`;
}
