// make bench: the saved-requests filter as the window runs it on each
// keystroke (ui/js/saved-tree.js: buildTree + filterTree + countRequests),
// over the tree of the generated 500-request collection
// (crates/core/examples/bench_import.rs writes it). Types a query one
// character at a time, RUNS times; prints {"filterMs": [every keystroke]}.
// The drawing of the matches is not included (the window draws only what
// matches). Usage: node scripts/bench-filter.mjs TREE_JSON [RUNS]
import { readFileSync } from "node:fs";
import { buildTree, filterTree, countRequests } from "../ui/js/saved-tree.js";

const [, , treePath, runsArg] = process.argv;
const { folders, requests } = JSON.parse(readFileSync(treePath, "utf8"));
const runs = Math.max(5, Number(runsArg) || 5);
const query = "area 7.3 request 377 update";
const times = [];
// One warm-up pass, not counted: the window's engine has compiled these
// functions long before the user types in the filter.
for (let run = -1; run < runs; run += 1) {
  for (let i = 1; i <= query.length; i += 1) {
    const started = performance.now();
    const tree = filterTree(buildTree(folders, requests), query.slice(0, i), folders);
    countRequests(tree);
    if (run >= 0) times.push(performance.now() - started);
  }
}
console.log(JSON.stringify({ filterMs: times, requests: requests.length }));
