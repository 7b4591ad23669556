// JSON folding and search over the response body's lines: pure functions,
// tested with `node --test` (tests/ui/).

/** For each line that opens a `{` or `[` block, the index of its closing line
 * (0 for the others): the core pretty-prints JSON one value per line. */
export function matchBrackets(lines) {
  const closing = new Int32Array(lines.length);
  const stack = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let end = line.length - 1;
    while (end >= 0 && line.charCodeAt(end) === 32) end--;
    const last = line[end];
    let start = 0;
    while (start < line.length && line.charCodeAt(start) === 32) start++;
    const first = line[start];
    if ((first === "}" || first === "]") && stack.length) closing[stack.pop()] = i;
    if (last === "{" || last === "[") stack.push(i);
  }
  return closing;
}

/** The indexes of the lines containing `query`, ignoring case. */
export function findMatches(lines, query) {
  if (!query) return [];
  const needle = query.toLowerCase();
  const matches = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].toLowerCase().includes(needle)) matches.push(i);
  return matches;
}

/** The match after (or before) the line `current`, wrapping around. */
export function nextMatch(matches, current, backwards = false) {
  if (matches.length === 0) return -1;
  return backwards
    ? [...matches].reverse().find((i) => i < current) ?? matches[matches.length - 1]
    : matches.find((i) => i > current) ?? matches[0];
}
