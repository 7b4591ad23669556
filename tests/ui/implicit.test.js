import { test } from "node:test";
import assert from "node:assert/strict";
import { describedBy, isSignIn, modeHelp, NOT_RECOMMENDED_ID, pastePlaceholder, pasteProgress } from "../../ui/js/implicit.js";

test("the authorization code and Implicit are sign-ins, the other grants are not", () => {
  assert.ok(isSignIn("authorization_code"));
  assert.ok(isSignIn("implicit"));
  for (const grant of ["client_credentials", "password", "device_code", "jwt_assertion"]) assert.ok(!isSignIn(grant), grant);
});

test("the note is tied to Grant Type only while Implicit is chosen, other descriptions kept", () => {
  assert.equal(describedBy("", "implicit"), NOT_RECOMMENDED_ID);
  assert.equal(describedBy("help-1", "implicit"), `help-1 ${NOT_RECOMMENDED_ID}`);
  assert.equal(describedBy(`help-1 ${NOT_RECOMMENDED_ID}`, "implicit"), `help-1 ${NOT_RECOMMENDED_ID}`, "never twice");
  assert.equal(describedBy(`help-1 ${NOT_RECOMMENDED_ID}`, "authorization_code"), "help-1");
  assert.equal(describedBy(null, "password"), "");
});

test("for Implicit the system browser's help says to use the window or paste", () => {
  assert.match(modeHelp("implicit", "browser", "usual"), /cannot use the system browser/);
  assert.match(modeHelp("implicit", "paste", "usual"), /# and all/);
  assert.match(modeHelp("implicit", "window", "usual"), /reads the token/);
  assert.equal(modeHelp("authorization_code", "browser", "usual"), "usual");
});

test("the paste box speaks of a token for Implicit and of a code otherwise", () => {
  assert.match(pasteProgress("implicit"), /Reading the token/);
  assert.match(pasteProgress("authorization_code"), /Exchanging the code/);
  assert.match(pastePlaceholder("implicit"), /#access_token=/);
  assert.match(pastePlaceholder("authorization_code"), /\?code=/);
});
