import { test } from "node:test";
import assert from "node:assert/strict";
import { previewSegments, unresolvedNames, hasReference, variableMap } from "../../ui/js/variable-text.js";

const rows = [
  { name: "baseUrl", value: "https://oic.example", enabled: true },
  { name: "password", value: "test-secret-not-real", enabled: true, secret: true },
  { name: "off", value: "x", enabled: false },
];

test("a known name shows its value and an unknown one is marked missing", () => {
  assert.deepEqual(previewSegments("{{baseUrl}}/ic/api/{{ id }}?q=1", rows), [
    { kind: "value", name: "baseUrl", text: "https://oic.example" },
    { kind: "text", text: "/ic/api/" },
    { kind: "missing", name: "id", text: "{{ id }}" },
    { kind: "text", text: "?q=1" },
  ]);
  assert.deepEqual(unresolvedNames("{{a}}{{off}}{{a}}{{baseUrl}}", rows), ["a", "off"]);
});

test("a secret variable's value is masked in the preview", () => {
  const shown = previewSegments("x{{password}}", rows).map((s) => s.text).join("");
  assert.ok(!shown.includes("test-secret-not-real"));
  assert.equal(shown, "x••••••");
});

test("braces that are not a name stay text", () => {
  assert.deepEqual(previewSegments("{{}} {{a} {{{{baseUrl}}", rows).map((s) => s.kind), ["text", "value"]);
  assert.equal(hasReference("https://x/{a}"), false);
  assert.equal(hasReference("https://x/{{a}}"), true);
});

test("the last enabled row of a name wins and disabled rows do not count", () => {
  const map = variableMap([{ name: " a ", value: "1" }, { name: "a", value: "2", enabled: true }, { name: "a", value: "3", enabled: false }]);
  assert.equal(map.get("a").value, "2");
});
