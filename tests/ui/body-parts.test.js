// The Body tab's multipart parts and binary file (ui/js/body-parts.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileBody, partFromCore, partToCore, sentFileName, withPartType } from "../../ui/js/body-parts.js";

test("a text part and a file part go to the core in its FormPart shape and come back the same", () => {
  const text = { name: "type", value: "replace", enabled: true };
  const file = { name: "file", value: "", file: "/home/me/HELLO.iar", contentType: "application/octet-stream", enabled: false };
  assert.deepEqual(partToCore(partFromCore(text)), text);
  assert.deepEqual(partToCore(partFromCore(file)), file);
});

test("a missing field of a stored part gets the core's default", () => {
  assert.deepEqual(partFromCore({ name: "a" }), { name: "a", value: "", file: null, contentType: "", enabled: true, secret: false });
});

test("a locked text part stays locked and a file part is never locked", () => {
  const locked = partFromCore({ name: "note", value: "", secret: true });
  assert.equal(partToCore(locked).secret, true);
  const file = withPartType(locked, "file");
  assert.equal(file.file, "");
  assert.equal("secret" in partToCore(file), false);
});

test("switching a part between text and file keeps the typed text for when it comes back", () => {
  const row = partFromCore({ name: "n", value: "typed" });
  const asFile = withPartType(row, "file");
  assert.deepEqual(partToCore(asFile), { name: "n", value: "", file: "", enabled: true });
  assert.equal(withPartType(asFile, "text").value, "typed");
  assert.equal(withPartType(row, "text"), row, "no change, the same row");
});

test("a blank content type is left out", () => {
  assert.equal("contentType" in partToCore(partFromCore({ name: "f", file: "/x", contentType: "  " })), false);
  assert.deepEqual(fileBody(" /tmp/a.iar ", " "), { kind: "file", path: "/tmp/a.iar" });
  assert.deepEqual(fileBody("/tmp/a.bin", "application/zip"), { kind: "file", path: "/tmp/a.bin", contentType: "application/zip" });
});

test("a file is sent under its path's last component", () => {
  assert.equal(sentFileName("/home/me/HELLO_WORLD_01.00.0000.iar"), "HELLO_WORLD_01.00.0000.iar");
  assert.equal(sentFileName("C:\\Users\\me\\a.iar"), "a.iar");
  assert.equal(sentFileName(""), "");
});
