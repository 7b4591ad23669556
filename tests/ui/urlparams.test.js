// The URL's query and the Params tab (ui/js/urlparams.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { paramsFromUrl, parseQuery, splitUrl, urlWithParams } from "../../ui/js/urlparams.js";

test("a URL splits at its first question mark and loses its fragment", () => {
  assert.deepEqual(splitUrl("https://h/p?a=1&b=2#top"), ["https://h/p", "a=1&b=2"]);
  assert.deepEqual(splitUrl("https://h/p"), ["https://h/p", ""]);
  assert.deepEqual(splitUrl("https://h/p?q=a?b"), ["https://h/p", "q=a?b"]);
});

test("pairs keep their text as typed, including a key without a value", () => {
  assert.deepEqual(parseQuery("q=a%20b&flag&&x="), [
    { key: "q", value: "a%20b", enabled: true },
    { key: "flag", value: "", enabled: true },
    { key: "x", value: "", enabled: true },
  ]);
});

test("switched-off params survive an edit of the URL", () => {
  const off = { key: "limit", value: "5", enabled: false };
  const rows = paramsFromUrl("https://h/p?a=1", [{ key: "old", value: "x", enabled: true }, off]);
  assert.deepEqual(rows, [{ key: "a", value: "1", enabled: true }, off]);
});

test("the URL is rebuilt from the enabled params only", () => {
  const rows = [
    { key: "a", value: "1", enabled: true },
    { key: "b", value: "2", enabled: false },
    { key: "flag", value: "", enabled: true },
    { key: "", value: "", enabled: true },
  ];
  assert.equal(urlWithParams("https://h/p?old=1#f", rows), "https://h/p?a=1&flag");
  assert.equal(urlWithParams("https://h/p?old=1", []), "https://h/p");
});

test("the URL and its params round-trip", () => {
  const url = "https://h/ic/api/integration/v1/integrations?q={status:'ACTIVATED'}&limit=10&offset=0";
  assert.equal(urlWithParams(url, paramsFromUrl(url)), url);
});
