import { spawnSync } from 'child_process';
import path from 'path';
import { InMemorySnapshot } from '../snapshot';
import {
  LARGE_FILE_WINDOW_BYTES,
  MAX_MATCHES_PER_FILE,
  scanSnapshotSecrets,
} from './scanSecrets';

/** A fake AWS key id per index: `AKIA` and 16 characters of [A-Z2-7]. */
function awsKeyId(i: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let s = '';
  for (let n = i, k = 0; k < 16; k++, n = Math.floor(n / 32))
    s += alphabet[n % 32];
  return `AKIA${s}`;
}

/**
 * Runs in a separate Node process with a 1 GiB heap, so that a regression
 * fails the test instead of crashing the test runner: the scanner used to
 * keep one redacted copy of the whole line alive per key and aborted at
 * 4.3 GB on this input.
 */
const CHILD = `
require('sucrase/register/ts');
const { InMemorySnapshot } = require(${JSON.stringify(
  path.resolve(__dirname, '../snapshot'),
)});
const { scanSnapshotSecrets } = require(${JSON.stringify(
  path.resolve(__dirname, 'scanSecrets'),
)});
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const keys = [];
for (let i = 0; i < Math.floor((1024 * 1024 - 100) / 21); i++) {
  let s = '';
  for (let n = i, k = 0; k < 16; k++, n = Math.floor(n / 32)) s += alphabet[n % 32];
  keys.push('AKIA' + s);
}
const text = keys.join(' ');
global.gc();
const before = process.memoryUsage().heapUsed;
const result = scanSnapshotSecrets(new InMemorySnapshot({ 'keys.env': text }));
global.gc();
process.stdout.write(JSON.stringify({
  bytes: text.length,
  matches: result.matches.length,
  omitted: result.omitted,
  longestSnippet: Math.max(...result.matches.map(m => m.snippet.length)),
  retainedMb: (process.memoryUsage().heapUsed - before) / 1048576,
  rssMb: process.memoryUsage().rss / 1048576,
  kept: result.matches.length > 0,
}));
`;

describe('secrets in large inputs', () => {
  it('scans a 1 MiB one-line file of AWS key ids in bounded memory', () => {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=1024', '-e', CHILD],
      {
        cwd: path.resolve(__dirname, '../..'),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const out = JSON.parse(child.stdout);
    expect(out.bytes).toBeGreaterThan(1_000_000);
    expect(out.matches).toBe(MAX_MATCHES_PER_FILE);
    expect(out.omitted).toEqual([
      { file: 'keys.env', count: Math.floor((1024 * 1024 - 100) / 21) - 100 },
    ]);
    expect(out.longestSnippet).toBeLessThanOrEqual(201);
    // About 1.5 MB retained (the old scanner aborted at the 1 GiB heap limit
    // here); its time is measured by `node bench/run.js hostile`.
    expect(out.retainedMb).toBeLessThan(300);
  }, 70_000);

  it('lists at most 100 secrets per file and says how many more there are', () => {
    const text = Array.from(
      { length: 250 },
      (_, i) => `KEY_${i}=${awsKeyId(i)}`,
    ).join('\n');
    const { matches, omitted } = scanSnapshotSecrets(
      new InMemorySnapshot({ 'a.env': text }),
    );
    expect(matches).toHaveLength(100);
    expect(matches[99].line).toBe(100);
    expect(omitted).toEqual([{ file: 'a.env', count: 150 }]);
  });

  it('bounds snippets on long lines and redacts every secret in them', () => {
    const a = awsKeyId(1);
    const b = awsKeyId(2);
    const line = `${'x'.repeat(5000)} ${a} ${b} ${'y'.repeat(5000)}`;
    const { matches } = scanSnapshotSecrets(
      new InMemorySnapshot({ 'a.env': `first\n${line}\n` }),
    );
    expect(matches).toHaveLength(2);
    for (const m of matches) {
      expect(m.snippet.length).toBeLessThanOrEqual(201);
      expect(m.snippet).toMatch(
        /^…x+ AKIA…\[REDACTED 16 chars\] AKIA…\[REDACTED 16 chars\] y+…$/,
      );
      expect(m.line).toBe(2);
    }
    expect(matches[0].column).toBe(5002);
  });

  it('scans files over the 1 MiB cap in windows, with exact lines and columns', () => {
    // Keys on the lines around every window seam (each window repeats the
    // last line of the one before: those keys are seen twice, listed once).
    const filler = `# ${'lorem ipsum '.repeat(16)}`;
    const lines: string[] = [];
    const planted: Array<{ line: number; key: string }> = [];
    let size = 0;
    while (size < 5 * LARGE_FILE_WINDOW_BYTES + 12345) {
      const n = lines.length + 1;
      const distance = size % LARGE_FILE_WINDOW_BYTES;
      const nearSeam =
        size > LARGE_FILE_WINDOW_BYTES / 2 &&
        Math.min(distance, LARGE_FILE_WINDOW_BYTES - distance) < 1000;
      const l = nearSeam ? `AWS_KEY=${awsKeyId(n)} ${filler}` : filler;
      if (nearSeam) planted.push({ line: n, key: awsKeyId(n) });
      lines.push(l);
      size += l.length + 1;
    }
    lines.push(`TAIL_KEY=${awsKeyId(7)}`);
    planted.push({ line: lines.length, key: awsKeyId(7) });
    const text = `${lines.join('\n')}\n`;
    const snapshot = new InMemorySnapshot({
      'big.env': text,
      'bin.env': Buffer.concat([
        Buffer.alloc(10),
        Buffer.alloc(2 * 1024 * 1024, 65),
      ]),
    });
    expect(snapshot.read('big.env')).toBeUndefined();
    const { files, matches } = scanSnapshotSecrets(snapshot);
    expect(files).toBe(1);
    expect(planted.length).toBeGreaterThan(40);
    expect(planted.length).toBeLessThan(100);
    expect(matches.map(m => m.line)).toEqual(planted.map(p => p.line));
    for (const m of matches) {
      expect(m.column).toBe(m.snippet.startsWith('TAIL') ? 10 : 9);
      expect(m.file).toBe('big.env');
    }
  });

  it('finds a secret that straddles a window seam inside a very long line', () => {
    const key = awsKeyId(42);
    const at = LARGE_FILE_WINDOW_BYTES - 10;
    const text = `${'a '.repeat(at / 2)}${key} ${'b '.repeat(
      LARGE_FILE_WINDOW_BYTES,
    )}`;
    const { matches } = scanSnapshotSecrets(
      new InMemorySnapshot({ 'one.env': text }),
    );
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ line: 1, column: at + 1 });
  });
});

describe('large files in all', () => {
  it('scans at most 64 MiB of large files per repository, and says which were left out', () => {
    const big = Buffer.alloc(15 * 1024 * 1024, 'a');
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 5; i++) files[`data${i}.json`] = big;
    const snapshot = new InMemorySnapshot(files);
    const { files: scanned } = scanSnapshotSecrets(snapshot);
    expect(scanned).toBe(4);
    expect(
      snapshot.problems.filter(p =>
        p.message.startsWith('not scanned for secrets'),
      ),
    ).toEqual([expect.objectContaining({ file: 'data4.json' })]);
  }, 30_000);
});
