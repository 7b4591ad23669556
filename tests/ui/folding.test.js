// JSON folding and search in the response body (ui/js/folding.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { findMatches, matchBrackets, nextMatch } from "../../ui/js/folding.js";

const json = [
  "{",
  '  "items": [',
  "    {",
  '      "id": "A"',
  "    },",
  "    {}",
  "  ],",
  '  "hasMore": false',
  "}",
];

test("each opening line is matched with its closing line", () => {
  const closing = matchBrackets(json);
  assert.equal(closing[0], 8);
  assert.equal(closing[1], 6);
  assert.equal(closing[2], 4);
  assert.equal(closing[3], 0, "a value line opens nothing");
  assert.equal(closing[5], 0, "an empty object on one line folds nothing");
});

test("unbalanced text does not throw", () => {
  assert.doesNotThrow(() => matchBrackets(["]", "}", "{", "["]));
});

test("search ignores case and finds every line", () => {
  assert.deepEqual(findMatches(json, "ID"), [3]);
  assert.deepEqual(findMatches(json, '"'), [1, 3, 7]);
  assert.deepEqual(findMatches(json, ""), []);
});

test("the next match wraps around in both directions", () => {
  const matches = [1, 3, 7];
  assert.equal(nextMatch(matches, -1), 1);
  assert.equal(nextMatch(matches, 3), 7);
  assert.equal(nextMatch(matches, 7), 1);
  assert.equal(nextMatch(matches, 1, true), 7);
  assert.equal(nextMatch(matches, 7, true), 3);
  assert.equal(nextMatch([], 0), -1);
});
