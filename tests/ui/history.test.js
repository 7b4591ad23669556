// History's list (ui/js/history-list.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { addEntry, clockTime, outcomeText, shownPath } from "../../ui/js/history-list.js";

test("the newest entry comes first and the list stops at its limit", () => {
  let list = [];
  for (let n = 1; n <= 5; n++) list = addEntry(list, { n }, 3);
  assert.deepEqual(list.map((e) => e.n), [5, 4, 3]);
});

test("a row shows the path and query, not the host", () => {
  assert.equal(shownPath("https://oic.example.com/ic/api/integration/v1/integrations?q=a"), "/ic/api/integration/v1/integrations?q=a");
  assert.equal(shownPath("http://127.0.0.1:8080"), "/");
});

test("a URL that does not parse is shown as typed", () => {
  assert.equal(shownPath("not a url"), "not a url");
  assert.equal(shownPath(""), "");
});

test("the answer is the status code, or the error's code without a response", () => {
  assert.equal(outcomeText({ status: "200 OK" }), "200");
  assert.equal(outcomeText({ status: "404 Not Found" }), "404");
  assert.equal(outcomeText({ error: "timeout" }), "timeout");
  assert.equal(outcomeText(undefined), "");
});

test("times are two digits each", () => {
  assert.equal(clockTime(new Date(2026, 11, 2, 4, 5, 6)), "04:05:06");
});
