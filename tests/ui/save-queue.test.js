// The profile's saves: after a pause, the last edit wins, one save of a kind at a time (ui/js/save-queue.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { saveQueue } from "../../ui/js/save-queue.js";

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store whose saves finish when the test says so. */
function slowStore() {
  const stored = [];
  const started = [];
  const save = (value) => () =>
    new Promise((resolve, reject) => {
      started.push({ value, finish: () => resolve(stored.push(value)), fail: () => reject({ message: "disk full" }) });
    });
  return { stored, started, save };
}

test("edits in quick succession are saved once, with the last one, after the pause", async () => {
  const store = slowStore();
  const queue = saveQueue({ delayMs: 10 });
  queue.schedule("profile", store.save("a"));
  queue.schedule("profile", store.save("ab"));
  assert.deepEqual(queue.status(), { waiting: 1, inFlight: 0, failed: null });
  await tick(30);
  assert.deepEqual(store.started.map((s) => s.value), ["ab"]);
  store.started[0].finish();
  await tick();
  assert.deepEqual(store.stored, ["ab"]);
  assert.deepEqual(queue.status(), { waiting: 0, inFlight: 0, failed: null });
});

test("a second save of the profile starts only once the first has finished, so the older never lands last", async () => {
  const store = slowStore();
  const queue = saveQueue({ delayMs: 5 });
  queue.schedule("profile", store.save("old"));
  await tick(20);
  queue.schedule("profile", store.save("new"));
  await tick(20);
  assert.deepEqual(store.started.map((s) => s.value), ["old"], "the newer save waits for the older");
  assert.equal(queue.status().inFlight, 2);
  store.started[0].finish();
  await tick();
  assert.deepEqual(store.started.map((s) => s.value), ["old", "new"]);
  store.started[1].finish();
  await tick();
  assert.deepEqual(store.stored, ["old", "new"]);
});

test("saves of different kinds do not wait for each other", async () => {
  const store = slowStore();
  const queue = saveQueue({ delayMs: 5 });
  queue.schedule("profile", store.save("profile"));
  queue.schedule("secret:password", store.save("password"));
  await tick(20);
  assert.deepEqual(store.started.map((s) => s.value).sort(), ["password", "profile"]);
});

test("a failed save is reported, does not stop the next one, and the next success clears it", async () => {
  const store = slowStore();
  const queue = saveQueue({ delayMs: 5 });
  queue.schedule("profile", store.save("first"));
  await tick(20);
  queue.schedule("profile", store.save("second"));
  await tick(20);
  store.started[0].fail();
  await tick();
  assert.deepEqual(queue.status().failed, { message: "disk full" });
  store.started[1].finish();
  await tick();
  assert.deepEqual(store.stored, ["second"]);
  assert.equal(queue.status().failed, null);
});

test("flush saves what waits at once and resolves only when every save has finished", async () => {
  const store = slowStore();
  const queue = saveQueue({ delayMs: 60_000 });
  queue.schedule("profile", store.save("typed"));
  let flushed = false;
  const flushing = queue.flush().then(() => (flushed = true));
  await tick();
  assert.deepEqual(store.started.map((s) => s.value), ["typed"], "sent without waiting for the pause");
  assert.equal(flushed, false, "not before the save has finished");
  store.started[0].finish();
  await flushing;
  assert.deepEqual(store.stored, ["typed"]);
});

test("status changes are announced as saves wait, run and finish", async () => {
  const store = slowStore();
  const seen = [];
  const queue = saveQueue({ delayMs: 5, onChange: () => seen.push({ ...queue.status() }) });
  queue.schedule("profile", store.save("x"));
  await tick(20);
  store.started[0].finish();
  await tick();
  assert.deepEqual(seen.map(({ waiting, inFlight }) => [waiting, inFlight]), [[1, 0], [0, 1], [0, 0]]);
});
