const isQuote = (c: string | undefined) => c === '"' || c === "'";
const isBlank = (c: string) => /\s/.test(c);

/**
 * A line without its trailing ` # comment`: from the first run of blanks
 * followed by `#`. With `keepQuoted`, a `#` whose rest of line closes a
 * quoted value (`echo "a #b"`) is not a comment. Linear in the line's length
 * (the equivalent regular expressions, `/\s+#.*$/`, backtrack quadratically
 * on long runs of blanks).
 */
export function stripTrailingComment(line: string, keepQuoted = false): string {
  let end = line.length - 1;
  while (end >= 0 && isBlank(line[end])) end--;
  const endsWithQuote = keepQuoted && isQuote(line[end]);
  let lastInnerQuote = -1;
  if (endsWithQuote) {
    for (let k = end - 1; k >= 0; k--) {
      if (isQuote(line[k])) {
        lastInnerQuote = k;
        break;
      }
    }
  }
  const re = /\s#/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const hashAt = m.index + 1;
    // The rest after `#` holds no quote but the one that closes the line.
    if (endsWithQuote && lastInnerQuote < hashAt) continue;
    let start = m.index;
    while (start > 0 && isBlank(line[start - 1])) start--;
    return line.slice(0, start);
  }
  return line;
}
