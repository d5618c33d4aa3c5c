import { stripTrailingComment } from './comments';

describe('stripTrailingComment', () => {
  it.each([
    ['run: npm test # unit tests', 'run: npm test'],
    ['run: npm test\t\t#x', 'run: npm test'],
    ['# a full-line comment', '# a full-line comment'],
    ['url: http://x/#anchor', 'url: http://x/#anchor'],
    ['a # one # two', 'a'],
    ['no comment here', 'no comment here'],
  ])('strips the comment of %j', (line, expected) => {
    expect(stripTrailingComment(line)).toBe(expected);
    // The regular expression it replaces gives the same answer.
    expect(line.replace(/\s+#.*$/, '')).toBe(expected);
  });

  it.each([
    [`run: echo "a #b"`, `run: echo "a #b"`],
    [`run: echo 'x' # note`, `run: echo 'x'`],
    // Like the expression it replaces, only a quote that closes the line counts.
    [`run: echo "a #b" # "c"`, `run: echo "a`],
    [`k: v # it's "quoted"`, `k: v`],
    [`k: v # 'x' 'y'  `, `k: v`],
  ])('keeps a # inside a quoted value: %j', (line, expected) => {
    const re = /\s+#(?![^'"]*['"]\s*$).*$/;
    expect(stripTrailingComment(line, true)).toBe(line.replace(re, ''));
    expect(stripTrailingComment(line, true)).toBe(expected);
  });

  it('keeps a long run of blanks', () => {
    const line = `a${' '.repeat(1 << 20)}b`;
    // The backtracking expression took minutes here; one pass is instant.
    // Its growth with the run's length is measured by `node bench/run.js hostile`.
    expect(stripTrailingComment(line)).toBe(line);
    expect(stripTrailingComment(line, true)).toBe(line);
  });
});
