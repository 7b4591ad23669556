// The saved requests' tree, as pure functions (tests/ui/saved-tree.test.js):
// folders ({id, name, parent}) and requests ({id, name, folder, method, url,
// ...}) as the profile holds them, turned into what the sidebar draws, and
// the filter that finds a request among hundreds as you type. The core
// repairs whatever the window sends (store/saved_tree.rs), but these keep
// the tree whole on their own too.

/** Nodes of the tree under `parent` (null: the top level): folders first,
 * then requests, each in the order they were made. */
export function buildTree(folders, requests, parent = null, seen = new Set()) {
  const known = new Set(folders.map((f) => f.id));
  const inside = (ref) => (known.has(ref) ? ref : null);
  const nodes = [];
  for (const folder of folders) {
    if (inside(folder.parent ?? null) !== parent || seen.has(folder.id)) continue;
    seen.add(folder.id);
    nodes.push({ kind: "folder", folder, children: buildTree(folders, requests, folder.id, seen) });
  }
  for (const request of requests) {
    if (inside(request.folder ?? null) === parent) nodes.push({ kind: "request", request });
  }
  return nodes;
}

/** The names from the top level down to folder `id`. */
export function folderPath(folders, id) {
  const byId = new Map(folders.map((f) => [f.id, f]));
  const names = [];
  for (let at = byId.get(id); at && names.length <= folders.length; at = byId.get(at.parent)) names.unshift(at.name);
  return names;
}

/** Every folder, as "Parent / Child" labels in tree order, for a select. */
export function folderChoices(folders) {
  const out = [];
  const walk = (nodes, depth) => {
    for (const node of nodes) {
      if (node.kind !== "folder") continue;
      out.push({ id: node.folder.id, label: folderPath(folders, node.folder.id).join(" / "), depth });
      walk(node.children, depth + 1);
    }
  };
  walk(buildTree(folders, []), 0);
  return out;
}

/** Folder `id` and every folder inside it, at any depth. */
export function folderAndInside(folders, id) {
  const ids = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const f of folders) {
      if (f.parent && ids.has(f.parent) && !ids.has(f.id)) {
        ids.add(f.id);
        grew = true;
      }
    }
  }
  return ids;
}

/** Whether folder `id` may move into `target` (null: the top level): not
 * into itself or a folder inside it. */
export function canMoveFolder(folders, id, target) {
  return target === null || !folderAndInside(folders, id).has(target);
}

/** The tree without folder `id` and what it holds; also what was removed,
 * for Undo. */
export function removeFolder(folders, requests, id) {
  const gone = folderAndInside(folders, id);
  return {
    folders: folders.filter((f) => !gone.has(f.id)),
    requests: requests.filter((r) => !gone.has(r.folder)),
    removedFolders: folders.filter((f) => gone.has(f.id)),
    removedRequests: requests.filter((r) => gone.has(r.folder)),
  };
}

/** The tree with only what matches `query` (every word, any case, in a
 * request's name, method, URL or folder names; a matching folder keeps all
 * it holds). Empty query: the whole tree. */
export function filterTree(nodes, query, folders = []) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return nodes;
  const matches = (text) => words.every((w) => text.includes(w));
  const keep = (list, path) => {
    const out = [];
    for (const node of list) {
      if (node.kind === "folder") {
        const here = `${path} ${node.folder.name}`.toLowerCase();
        if (matches(here)) out.push(node);
        else {
          const children = keep(node.children, here);
          if (children.length) out.push({ ...node, children });
        }
      } else {
        const r = node.request;
        if (matches(`${path} ${r.name} ${r.method} ${r.url}`.toLowerCase())) out.push(node);
      }
    }
    return out;
  };
  return keep(nodes, "");
}

/** How many requests the nodes hold, at any depth. */
export function countRequests(nodes) {
  return nodes.reduce((n, node) => n + (node.kind === "request" ? 1 : countRequests(node.children)), 0);
}
