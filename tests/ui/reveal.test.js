// The workspace is shown at start-up once ready, or after a while if not (ui/js/reveal.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { showWhenReady } from "../../ui/js/reveal.js";

test("the workspace is shown as soon as the panels are ready, without waiting for the time limit", async () => {
  const shown = [];
  const started = Date.now();
  await showWhenReady(Promise.resolve("filled"), 60_000, () => shown.push("shown"));
  assert.deepEqual(shown, ["shown"]);
  assert.ok(Date.now() - started < 1000, "it did not wait for the time limit");
});

test("a start-up that fails still shows the workspace", async () => {
  const shown = [];
  await showWhenReady(Promise.reject(new Error("app_state failed")), 60_000, () => shown.push("shown"));
  assert.deepEqual(shown, ["shown"]);
});

test("a profile that never comes shows the workspace after the time limit", async () => {
  const shown = [];
  const never = new Promise(() => {});
  const waiting = showWhenReady(never, 30, () => shown.push("shown"));
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(shown, [], "not before the time limit");
  await waiting;
  assert.deepEqual(shown, ["shown"]);
});

test("the workspace is shown once, even when the panels become ready after the time limit", async () => {
  const shown = [];
  let fill;
  const later = new Promise((resolve) => (fill = resolve));
  await showWhenReady(later, 10, () => shown.push("shown"));
  fill("filled");
  await later;
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(shown, ["shown"]);
});
