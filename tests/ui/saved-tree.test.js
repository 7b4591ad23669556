// The saved requests' tree (ui/js/saved-tree.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  buildTree, canMoveFolder, countRequests, filterTree, folderChoices, folderPath, removeFolder,
} from "../../ui/js/saved-tree.js";

const folders = [
  { id: "oic", name: "OIC" },
  { id: "int", name: "Integrations", parent: "oic" },
  { id: "idcs", name: "Identity" },
];
const requests = [
  { id: "r1", name: "List integrations", method: "GET", url: "https://oic.example/ic/api/integration/v1/integrations", folder: "int" },
  { id: "r2", name: "Token", method: "POST", url: "https://idcs.example/oauth2/v1/token", folder: "idcs" },
  { id: "r3", name: "Loose one", method: "GET", url: "https://x.example/", folder: null },
];

const names = (nodes) => nodes.map((n) => (n.kind === "folder" ? `${n.folder.name}/[${names(n.children)}]` : n.request.name)).join(",");

test("folders come first, then requests, nested under their parents", () => {
  assert.equal(names(buildTree(folders, requests)), "OIC/[Integrations/[List integrations]],Identity/[Token],Loose one");
});

test("a request or folder whose folder is gone shows at the top level, and a loop draws once", () => {
  const odd = [{ id: "a", name: "A", parent: "b" }, { id: "b", name: "B", parent: "a" }, { id: "c", name: "C", parent: "gone" }];
  const tree = buildTree(odd, [{ id: "r", name: "R", folder: "gone" }]);
  assert.equal(names(tree), "C/[],R");
});

test("a folder's path and the choices for a select name every level", () => {
  assert.deepEqual(folderPath(folders, "int"), ["OIC", "Integrations"]);
  assert.deepEqual(folderChoices(folders).map((c) => c.label), ["OIC", "OIC / Integrations", "Identity"]);
});

test("a folder cannot move into itself or a folder inside it", () => {
  assert.equal(canMoveFolder(folders, "oic", "int"), false);
  assert.equal(canMoveFolder(folders, "oic", "oic"), false);
  assert.equal(canMoveFolder(folders, "int", "idcs"), true);
  assert.equal(canMoveFolder(folders, "int", null), true);
});

test("removing a folder removes what it holds at any depth and says what, for Undo", () => {
  const out = removeFolder(folders, requests, "oic");
  assert.deepEqual(out.folders.map((f) => f.id), ["idcs"]);
  assert.deepEqual(out.requests.map((r) => r.id), ["r2", "r3"]);
  assert.deepEqual(out.removedFolders.map((f) => f.id), ["oic", "int"]);
  assert.deepEqual(out.removedRequests.map((r) => r.id), ["r1"]);
});

test("the filter matches every word in name, method, URL or folder, in any case", () => {
  const tree = buildTree(folders, requests);
  assert.equal(names(filterTree(tree, "list")), "OIC/[Integrations/[List integrations]]");
  assert.equal(names(filterTree(tree, "post TOKEN")), "Identity/[Token]");
  assert.equal(names(filterTree(tree, "oic get")), "OIC/[Integrations/[List integrations]]");
  assert.equal(names(filterTree(tree, "identity")), "Identity/[Token]");
  assert.equal(names(filterTree(tree, "nothing-like-this")), "");
  assert.equal(filterTree(tree, "  "), tree);
});

test("filtering 500 requests in nested folders finds one and counts them all", () => {
  const many = [];
  const deep = [{ id: "f0", name: "Root" }];
  for (let n = 1; n < 50; n++) deep.push({ id: `f${n}`, name: `Folder ${n}`, parent: `f${n % 7 === 0 ? 0 : n - 1}` });
  for (let n = 0; n < 500; n++) many.push({ id: `r${n}`, name: `Request ${n}`, method: "GET", url: `https://h.example/${n}`, folder: `f${n % 50}` });
  const tree = buildTree(deep, many);
  assert.equal(countRequests(tree), 500);
  assert.equal(countRequests(filterTree(tree, "request 437")), 1);
});
