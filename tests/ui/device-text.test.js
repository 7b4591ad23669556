// The device code panel's status line and countdown (ui/js/device-text.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { expiryText, pollingStatus } from "../../ui/js/device-text.js";

test("at the server's own interval the window says it waits for the sign-in", () => {
  assert.equal(pollingStatus(5, 5), "Waiting for you to sign in… (checking every 5 s)");
});

test("after slow_down the window says the server asked to slow down, with the new interval", () => {
  assert.equal(pollingStatus(5, 10), "Server asked to slow down: polling every 10 s");
  assert.equal(pollingStatus(5, 15), "Server asked to slow down: polling every 15 s");
});

test("the countdown shows minutes and two-digit seconds, then that the code expired", () => {
  assert.equal(expiryText(600), "The code expires in 10 min 00 s");
  assert.equal(expiryText(65), "The code expires in 1 min 05 s");
  assert.equal(expiryText(9), "The code expires in 0 min 09 s");
  assert.equal(expiryText(0), "The code has expired");
  assert.equal(expiryText(-3), "The code has expired");
});
