// The layout and theme's saves: an older answer never undoes a newer change (ui/js/latest-save.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { latestSave } from "../../ui/js/latest-save.js";

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

/** A core whose answers the test releases one by one, in any order. */
function slowCore() {
  const calls = [];
  let saved = { theme: "system", layout: "below" };
  const send = (changes) =>
    new Promise((resolve, reject) => {
      saved = { ...saved, ...changes };
      const answer = { ...saved };
      calls.push({ changes, answer: () => resolve(answer), fail: () => reject(new Error("disk full")) });
    });
  return { calls, send };
}

test("changes made in quick succession are sent once, together, after the pause", async () => {
  const core = slowCore();
  const shown = [];
  const save = latestSave({ send: core.send, apply: (s) => shown.push(s), delayMs: 20 });
  save({ layout: "beside" });
  save({ sidebar: "collapsed" });
  await tick(40);
  assert.deepEqual(core.calls.map((c) => c.changes), [{ layout: "beside", sidebar: "collapsed" }]);
  core.calls[0].answer();
  await tick();
  assert.deepEqual(shown, [{ theme: "system", layout: "beside", sidebar: "collapsed" }]);
});

test("an answer that comes back after a newer change was made is not shown", async () => {
  const core = slowCore();
  const shown = [];
  const save = latestSave({ send: core.send, apply: (s) => shown.push(s), delayMs: 10 });
  save({ layout: "beside" });
  await tick(25); // the layout's save is on its way
  save({ theme: "dark" }, { now: true });
  core.calls[0].answer(); // the core's answer to the layout, with the old theme
  await tick();
  assert.deepEqual(shown, [], "the old theme was not shown again");
  await tick(10);
  core.calls[1].answer();
  await tick();
  assert.deepEqual(shown, [{ theme: "dark", layout: "beside" }]);
});

test("an answer that comes back while a change waits for its pause is not shown", async () => {
  const core = slowCore();
  const shown = [];
  const save = latestSave({ send: core.send, apply: (s) => shown.push(s), delayMs: 10 });
  save({ layout: "beside" });
  await tick(25);
  save({ layout: "below" });
  core.calls[0].answer();
  await tick();
  assert.deepEqual(shown, [], "the waiting change is not undone");
  await tick(25);
  core.calls[1].answer();
  await tick();
  assert.deepEqual(shown, [{ theme: "system", layout: "below" }]);
});

test("a failed save shows nothing and the next change is still sent", async () => {
  const core = slowCore();
  const shown = [];
  const save = latestSave({ send: core.send, apply: (s) => shown.push(s), delayMs: 5 });
  save({ theme: "light" }, { now: true });
  await tick();
  core.calls[0].fail();
  await tick();
  assert.deepEqual(shown, []);
  save({ theme: "dark" }, { now: true });
  await tick();
  core.calls[1].answer();
  await tick();
  assert.deepEqual(shown, [{ theme: "dark", layout: "below" }]);
});
