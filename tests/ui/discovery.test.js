// What Discover shows (ui/js/discovery-text.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { advertisedGrants, discoveryRows } from "../../ui/js/discovery-text.js";

const options = [
  { value: "client_credentials", text: "Client Credentials" },
  { value: "device_code", text: "Device Code" },
  { value: "jwt_assertion", text: "JWT Assertion" },
];

test("grants the server does not list are marked, by their option text", () => {
  const out = advertisedGrants(options, ["client_credentials", "urn:ietf:params:oauth:grant-type:jwt-bearer"]);
  assert.deepEqual(out.notAdvertised.map((o) => o.text), ["Device Code"]);
});

test("a server that lists no grant types marks none", () => {
  assert.deepEqual(advertisedGrants(options, []).notAdvertised, []);
  assert.deepEqual(advertisedGrants(options, undefined).notAdvertised, []);
});

test("only what the document had is shown", () => {
  const rows = discoveryRows({ tokenEndpoint: "https://x/t", grantTypesSupported: ["password"], revocationEndpoint: null });
  assert.deepEqual(rows, [["Token endpoint", "https://x/t"], ["Grant types", "password"]]);
});
