import { test } from "node:test";
import assert from "node:assert/strict";
import { archiveName, confirmation, progressText, requestSentLines, requestSummary, switchFor } from "../../ui/js/oic-admin-text.js";

const activate = {
  method: "POST",
  url: "https://design.example/ic/api/integration/v1/integrations/HELLO_WORLD%7C01.00.0000?integrationInstance=oic-prod",
  headers: [{ name: "Content-Type", value: "application/json", enabled: true }, { name: "X-HTTP-Method-Override", value: "PATCH", enabled: true }],
  body: { kind: "json", text: '{"status":"ACTIVATED"}' },
};

test("Request sent shows the method, the URL with integrationInstance, the headers and the body, never the token", () => {
  assert.deepEqual(requestSentLines(activate, { withToken: true }), [
    `POST ${activate.url}`,
    "Authorization: Bearer <the attached token>",
    "Content-Type: application/json",
    "X-HTTP-Method-Override: PATCH",
    "",
    '{"status":"ACTIVATED"}',
  ]);
  assert.equal(requestSummary(activate), `POST ${activate.url}`);
});

test("an import shows its multipart parts, the archive by path", () => {
  const lines = requestSentLines({
    method: "PUT",
    url: "https://x/ic/api/integration/v1/integrations/archive?integrationInstance=i",
    headers: [{ name: "Accept", value: "application/json" }],
    body: { kind: "multipart", parts: [{ name: "file", value: "", file: "/tmp/A.iar", enabled: true }, { name: "type", value: "application/octet-stream", enabled: true }] },
  });
  assert.deepEqual(lines.slice(2), ["Content-Type: multipart/form-data", "", "file=@/tmp/A.iar", "type=application/octet-stream"]);
});

test("a secret or disabled header is not shown in clear", () => {
  const lines = requestSentLines({ method: "GET", url: "u", headers: [{ name: "X-Key", value: "test-secret-not-real", secret: true }, { name: "Off", value: "x", enabled: false }], body: { kind: "none" } });
  assert.deepEqual(lines, ["GET u", "X-Key: ••••"]);
});

test("an activated integration offers Deactivate, a configured one Activate, one in progress neither", () => {
  assert.equal(switchFor("ACTIVATED"), "deactivate");
  assert.equal(switchFor("CONFIGURED"), "activate");
  assert.equal(switchFor("FAILEDACTIVATION"), "activate");
  assert.equal(switchFor("INPROGRESS"), null);
  assert.equal(switchFor(undefined), null);
});

test("confirmations name the integration and the instance, and warn where it matters", () => {
  const row = { name: "Hello World", code: "HELLO_WORLD", version: "01.00.0000" };
  const off = confirmation("deactivate", row, "oic-prod");
  assert.equal(off.text, "Deactivate Hello World (HELLO_WORLD 01.00.0000) on the instance oic-prod?");
  assert.match(off.warning, /lost/);
  assert.equal(confirmation("activate", row, "").text, "Activate Hello World (HELLO_WORLD 01.00.0000) on this instance?");
  assert.match(confirmation("importReplace", { file: "/tmp/a.iar" }, "i").warning, /overwritten/);
  assert.equal(confirmation("resubmitMany", { count: 2 }, "i").text, "Resubmit 2 errored instances on the instance i?");
});

test("the progress line counts what is loaded", () => {
  assert.equal(progressText("integrations", 100, 2000, "loading"), "Loading integrations… 100 of 2000");
  assert.equal(progressText("integrations", 300, 300, "done"), "300 of 300 integrations loaded.");
  assert.equal(progressText("errors", 5, null, "cancelled"), "Stopped: 5 errors loaded.");
});

test("the export suggests CODE_VERSION.iar", () => {
  assert.equal(archiveName("HELLO_WORLD|01.00.0000"), "HELLO_WORLD_01.00.0000.iar");
  assert.equal(archiveName("A/B|1"), "A_B_1.iar");
});
