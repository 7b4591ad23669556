// History's rows (ui/js/history-list.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { clockTime, detailText, outcomeText, shownPath, whenText } from "../../ui/js/history-list.js";

test("a row shows the path and query, not the host", () => {
  assert.equal(shownPath("https://oic.example.com/ic/api/integration/v1/integrations?q=a"), "/ic/api/integration/v1/integrations?q=a");
  assert.equal(shownPath("http://127.0.0.1:8080"), "/");
});

test("a URL that does not parse is shown as typed", () => {
  assert.equal(shownPath("not a url"), "not a url");
  assert.equal(shownPath(""), "");
});

test("the answer is the status code, or the error's code without a response", () => {
  assert.equal(outcomeText({ status: 200, reason: "OK" }), "200");
  assert.equal(outcomeText({ status: 404 }), "404");
  assert.equal(outcomeText({ error: "timeout" }), "timeout");
  assert.equal(outcomeText(undefined), "");
});

test("time taken and size are shown for a response and nothing for an error", () => {
  assert.equal(detailText({ status: 200, durationMs: 84, size: 1300 }), "84 ms · 1.3 KB");
  assert.equal(detailText({ status: 204, durationMs: 1500, size: 0 }), "1.50 s · 0 B");
  assert.equal(detailText({ error: "timeout" }), "");
});

test("times are two digits each", () => {
  assert.equal(clockTime(new Date(2026, 11, 2, 4, 5, 6)), "04:05:06");
});

test("a send of today shows its time, an older one its day too, and the year when it was another year", () => {
  const now = new Date(2026, 11, 2, 18, 0, 0);
  assert.equal(whenText(new Date(2026, 11, 2, 4, 5, 6).getTime(), now), "04:05:06");
  assert.equal(whenText(new Date(2026, 10, 30, 23, 59, 1).getTime(), now), "30 Nov 23:59");
  assert.equal(whenText(new Date(2025, 0, 9, 7, 3, 0).getTime(), now), "9 Jan 2025 07:03");
});
