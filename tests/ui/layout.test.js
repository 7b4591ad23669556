// The layout's pure helpers (ui/js/layout-math.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { clamp, splitKey } from "../../ui/js/layout-math.js";

test("a split is remembered per position and window size, rounded to 100 px", () => {
  assert.equal(splitKey("below", 1280, 800), "below 1300x800");
  assert.equal(splitKey("beside", 1024, 640), "beside 1000x600");
  assert.equal(splitKey("anything", 1010, 590), "below 1000x600");
  assert.equal(splitKey("below", 10, 10), "below 100x100");
});

test("sizes are clamped into their range", () => {
  assert.equal(clamp(5, 15, 85), 15);
  assert.equal(clamp(90, 15, 85), 85);
  assert.equal(clamp(40, 15, 85), 40);
});
