// What Introspect shows (ui/js/token-checks-text.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { countdownText, introspectionRows, introspectionSummary } from "../../ui/js/token-checks-text.js";

test("an inactive token is said plainly", () => {
  assert.equal(introspectionSummary({ active: false }, 0), "The server says this token is not active: expired, revoked or unknown.");
});

test("an active token says how long it has left", () => {
  const text = introspectionSummary({ active: true, expiresAt: 4000 }, 1000 * 1000);
  assert.match(text, /^Active: the server accepts this token for 50 min 0 s more \(until /);
  assert.equal(introspectionSummary({ active: true, expiresAt: 10 }, 20_000), "Active when asked, but its expiry has passed since: ask again.");
});

test("the countdown reads in hours, minutes and seconds", () => {
  assert.equal(countdownText(3725), "1 h 2 min");
  assert.equal(countdownText(65), "1 min 5 s");
  assert.equal(countdownText(-3), "0 s");
});

test("named fields come first, exp with its date, then every other field", () => {
  const rows = introspectionRows({ fields: { tenant: "t1", exp: 0, active: true, aud: ["a", "b"] } });
  assert.deepEqual(rows, [["active", "true"], ["exp", "0 (1970-01-01T00:00:00.000Z)"], ["aud", "[\"a\",\"b\"]"], ["tenant", "t1"]]);
});
