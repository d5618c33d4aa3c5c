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

/**
 * Agreement per finding: an expected entry matches one of our findings of the
 * mapped check in the same file whose line is within one of the expected
 * line; an entry without a line matches any of our findings in its file and
 * accounts for one of them. Our findings are counted per distinct place
 * (`file:line`), so one line reported by several sub-findings counts once.
 */
export interface FindingAgreement {
  /** Entries the peer expects for this check. */
  expected: number;
  /** Distinct places (`file:line`) where we report this check. */
  reported: number;
  /** Expected entries we match. */
  matched: number;
  /** Our places that match an expected entry. */
  confirmed: number;
  recall: number | null;
  precision: number | null;
  /** Expected entries we do not match, as `file:line` (or `file`). */
  missed: string[];
  /** Our places no expected entry accounts for, as `file:line`. */
  extra: string[];
}

export interface CheckAgreement {
  checkId: string;
  /** The comparison per finding (the one the tests hold to). */
  findings: FindingAgreement;
  /** Distinct files the peer expects for this check. */
  expected: number;
  /** Distinct files where we report this check. */
  reported: number;
  /** Expected files we also report. */
  matched: number;
  /** File-level recall. */
  recall: number | null;
  /** File-level precision. */
  precision: number | null;
  /**
   * Expected entries with a line where we report that line or one of the next
   * five (a loose line view kept beside the per-finding comparison).
   */
  lineMatched: number;
  linesExpected: number;
  /** Expected files we do not report. */
  missed: string[];
  /** Files we report and the peer does not. */
  extra: string[];
}

/** Overall agreement per finding over several checks' rows. */
export function overallAgreement(rows: CheckAgreement[]): {
  expected: number;
  matched: number;
  reported: number;
  confirmed: number;
  recall: number | null;
  precision: number | null;
} {
  const sum = (k: 'expected' | 'matched' | 'reported' | 'confirmed') =>
    rows.reduce((n, r) => n + r.findings[k], 0);
  const [expected, matched, reported, confirmed] = [
    sum('expected'),
    sum('matched'),
    sum('reported'),
    sum('confirmed'),
  ];
  return {
    expected,
    matched,
    reported,
    confirmed,
    recall: expected ? matched / expected : null,
    precision: reported ? confirmed / reported : null,
  };
}

/** One of our findings' places: a file and, when it has one, a line. */
interface Place {
  file: string;
  line?: number;
}

const placeKey = (p: Place) => (p.line ? `${p.file}:${p.line}` : p.file);

/**
 * Match a check's expected entries with our places (see FindingAgreement).
 */
export function matchFindings(
  expected: Array<{ path: string; line?: number }>,
  ours: Place[],
): FindingAgreement {
  const places = [
    ...new Map(ours.map(p => [placeKey(p), p] as const)).values(),
  ].sort(
    (a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0),
  );
  const confirmed = new Set<Place>();
  const missed: string[] = [];
  let matched = 0;
  const lined = expected.filter(e => e.line);
  const fileOnly = expected.filter(e => !e.line);
  for (const e of lined) {
    const hits = places.filter(
      p =>
        p.file === e.path &&
        p.line !== undefined &&
        Math.abs(p.line - (e.line as number)) <= 1,
    );
    if (hits.length === 0) {
      missed.push(`${e.path}:${e.line}`);
      continue;
    }
    matched++;
    for (const h of hits) confirmed.add(h);
  }
  for (const e of fileOnly) {
    const inFile = places.filter(p => p.file === e.path);
    if (inFile.length === 0) {
      missed.push(e.path);
      continue;
    }
    matched++;
    const free = inFile.find(p => !confirmed.has(p));
    if (free) confirmed.add(free);
  }
  return {
    expected: expected.length,
    reported: places.length,
    matched,
    confirmed: confirmed.size,
    recall: expected.length ? matched / expected.length : null,
    precision: places.length ? confirmed.size / places.length : null,
    missed,
    extra: places.filter(p => !confirmed.has(p)).map(placeKey),
  };
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

/** The expected findings a peer's corpus lists. */
export function readPeerExpectations(dir: string): PeerExpectation[] {
  return JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'))
    .expected;
}

/**
 * Scan a peer's corpus as one repository and compare with the findings the
 * peer expects, per check: per finding (see FindingAgreement), and at file
 * level as a secondary view.
 */
export async function compareWithPeer(
  dir: string,
  registry: CheckRegistry,
): Promise<CheckAgreement[]> {
  const expected = readPeerExpectations(dir);
  const result = await runScan(
    LocalDirectorySnapshot.create(path.join(dir, 'repo')),
    registry,
  );
  const ours = new Map<string, Place[]>();
  for (const c of result.checks) {
    for (const f of c.findings) {
      if (!f.file) continue;
      if (!ours.has(c.checkId)) ours.set(c.checkId, []);
      ours.get(c.checkId)!.push({ file: f.file, line: f.line });
    }
  }
  const ids = [
    ...new Set(expected.map(e => e.checkId).filter((x): x is string => !!x)),
  ]
    .filter(id => registry.get(id))
    .sort();
  return ids.map(checkId => {
    const mine = expected.filter(e => e.checkId === checkId);
    const places = ours.get(checkId) ?? [];
    const files = new Set(mine.map(e => e.path));
    const reported = new Set(places.map(p => p.file));
    const matched = [...files].filter(f => reported.has(f));
    const ourLines = new Set(places.map(placeKey));
    const withLine = mine.filter(e => e.line);
    const lineMatched = withLine.filter(e =>
      [0, 1, 2, 3, 4, 5].some(d =>
        ourLines.has(`${e.path}:${(e.line as number) + d}`),
      ),
    ).length;
    return {
      checkId,
      findings: matchFindings(mine, places),
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
