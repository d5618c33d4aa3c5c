import fs from 'fs';
import path from 'path';
import { CheckRegistry, runScan } from '../engine';
import { LocalDirectorySnapshot } from '../snapshot';

/** One finding a peer scanner expects on a corpus. */
export interface PeerExpectation {
  peerRule: string;
  checkId: string | null;
  path: string;
  line?: number;
  job?: string;
  details?: string;
}

export interface CheckAgreement {
  checkId: string;
  /** Distinct (file) places the peer expects for this check. */
  expected: number;
  /** Distinct files where we report this check. */
  reported: number;
  /** Expected files we also report. */
  matched: number;
  recall: number | null;
  precision: number | null;
  /**
   * Expected entries with a line where we report that line or one of the next
   * five: peers point at a step's `run:` key, we point at the offending
   * command or token inside it.
   */
  lineMatched: number;
  linesExpected: number;
  missed: string[];
  extra: string[];
}

/** Shared calibration corpora outside the repository (absent on a fresh clone). */
export const SHARED_CORPORA = path.resolve(
  __dirname,
  '../../../../../shared/corpus',
);

/**
 * Where a peer's calibration corpus lives: the shared folder beside the
 * clone, or undefined (a fresh clone has none). Peers' test files are not
 * copied into this repository: our fixtures are our own, and the corpus
 * only measures agreement where it is present.
 */
export function corpusDir(name: string): string | undefined {
  const dir = path.join(SHARED_CORPORA, name);
  return fs.existsSync(path.join(dir, 'expected.json')) ? dir : undefined;
}

/**
 * Scan a peer's corpus as one repository and compare with the findings the
 * peer expects, per check: at file level (recall and precision) and, where
 * the peer records a line, at line level.
 */
export async function compareWithPeer(
  dir: string,
  registry: CheckRegistry,
): Promise<CheckAgreement[]> {
  const expected: PeerExpectation[] = JSON.parse(
    fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'),
  ).expected;
  const result = await runScan(
    LocalDirectorySnapshot.create(path.join(dir, 'repo')),
    registry,
  );
  const ours = new Map<string, Set<string>>();
  const ourLines = new Map<string, Set<string>>();
  for (const c of result.checks) {
    for (const f of c.findings) {
      if (!f.file) continue;
      if (!ours.has(c.checkId)) ours.set(c.checkId, new Set());
      ours.get(c.checkId)!.add(f.file);
      if (!ourLines.has(c.checkId)) ourLines.set(c.checkId, new Set());
      ourLines.get(c.checkId)!.add(`${f.file}:${f.line}`);
    }
  }
  const ids = [
    ...new Set(expected.map(e => e.checkId).filter((x): x is string => !!x)),
  ]
    .filter(id => registry.get(id))
    .sort();
  return ids.map(checkId => {
    const mine = expected.filter(e => e.checkId === checkId);
    const files = new Set(mine.map(e => e.path));
    const reported = ours.get(checkId) ?? new Set<string>();
    const matched = [...files].filter(f => reported.has(f));
    const withLine = mine.filter(e => e.line);
    const lineMatched = withLine.filter(e =>
      [0, 1, 2, 3, 4, 5].some(d =>
        ourLines.get(checkId)?.has(`${e.path}:${(e.line as number) + d}`),
      ),
    ).length;
    return {
      checkId,
      expected: files.size,
      reported: reported.size,
      matched: matched.length,
      recall: files.size ? matched.length / files.size : null,
      precision: reported.size
        ? [...reported].filter(f => files.has(f)).length / reported.size
        : null,
      lineMatched,
      linesExpected: withLine.length,
      missed: [...files].filter(f => !reported.has(f)),
      extra: [...reported].filter(f => !files.has(f)),
    };
  });
}

/**
 * `describe` for tests that need a shared calibration corpus: when it is
 * absent (a user's clone has no ../shared), the block is skipped and says so.
 */
export function describeWithCorpus(
  corpus: string,
  name: string,
  fn: (dir: string) => void,
): void {
  const dir = corpusDir(corpus);
  if (!dir) {
    // eslint-disable-next-line no-console
    console.warn(
      `SKIPPED "${name}": the ${corpus} corpus (../shared/corpus/${corpus}) is not present`,
    );
    describe.skip(name, () => {
      it('needs the corpus', () => {});
    });
    return;
  }
  describe(name, () => fn(dir));
}

/** `describe` when the corpus folder exists; otherwise a skip that says why. */
export function corpusDescribe(
  dir: string,
): (name: string, fn: () => void) => void {
  if (fs.existsSync(path.join(dir, 'expected.json'))) return describe;
  return (name, fn) => {
    // eslint-disable-next-line no-console
    console.warn(
      `SKIPPED "${name}": ${dir} is not present (shared calibration data, not part of this repository)`,
    );
    describe.skip(name, fn);
  };
}
