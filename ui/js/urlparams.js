// The URL's query and the Params tab, kept in step: pure functions, tested
// with `node --test` (ui/js/tests/). Values stay as typed: nothing is
// encoded or decoded, so what the user sees is what is sent.

/** [the URL before `?`, the query without `?`]; a `#fragment` is dropped. */
export function splitUrl(url) {
  const hash = url.indexOf("#");
  const withoutHash = hash >= 0 ? url.slice(0, hash) : url;
  const q = withoutHash.indexOf("?");
  return q >= 0 ? [withoutHash.slice(0, q), withoutHash.slice(q + 1)] : [withoutHash, ""];
}

/** The query's pairs as Params rows: {key, value, enabled: true}. */
export function parseQuery(query) {
  if (!query) return [];
  return query.split("&").filter((p) => p !== "").map((pair) => {
    const eq = pair.indexOf("=");
    return eq >= 0
      ? { key: pair.slice(0, eq), value: pair.slice(eq + 1), enabled: true }
      : { key: pair, value: "", enabled: true };
  });
}

/** The Params rows after the URL changed: the URL's pairs, then the switched-off rows kept. */
export function paramsFromUrl(url, rows = []) {
  return [...parseQuery(splitUrl(url)[1]), ...rows.filter((p) => !p.enabled)];
}

/** The URL with its query rebuilt from the enabled Params rows. */
export function urlWithParams(url, rows) {
  const [base] = splitUrl(url);
  const query = rows
    .filter((p) => p.enabled && (p.key || p.value))
    .map((p) => (p.value === "" && !p.key.includes("=") ? p.key : `${p.key}=${p.value}`))
    .join("&");
  return query ? `${base}?${query}` : base;
}
