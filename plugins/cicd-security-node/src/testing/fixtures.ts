import fs from 'fs';
import path from 'path';
import { parseFactsDocument } from '../facts';
import {
  FactsSnapshot,
  FilteredSnapshot,
  LocalDirectorySnapshot,
  RepoSnapshot,
} from '../snapshot';
import { ScorecardCheck, CheckOutcome } from '../checks/types';

/**
 * Fixture tests of the checks.
 *
 * Layout: `src/checks/__fixtures__/<check-id>/<case>/` holds a small
 * repository. The case folder's name is the status the check must return
 * there, alone or followed by `-` and a label: `pass`, `fail-gitlab`,
 * `not-applicable-no-ci`, `inconclusive`, `error-malformed` (`warn` too).
 * The test derives the expected status from the name, so a case cannot claim
 * one status and assert another.
 *
 * Lines are marked inline, as zizmor's test data does: a trailing `# NOT OK`
 * (or `// NOT OK` in Jenkinsfiles) marks its own line; a comment line holding
 * only the marker marks the next non-blank, non-comment line. `# OK` marks a
 * line that must stay clean; it documents intent, since every unmarked line
 * must stay clean too.
 *
 * The comparison is strict: every `# NOT OK` line has a finding, and every
 * finding points at a `# NOT OK` line, unless the case declares it in an
 * optional `expected.json` at the case root (the check never sees that file):
 *
 * ```json
 * {
 *   "notOk": ["package.json:4"],
 *   "wholeFiles": ["LICENSE", "<repository>"],
 *   "knownFalsePositives": [{ "at": "ci.yml:12", "why": "..." }]
 * }
 * ```
 *
 * - `notOk`: `file:line` of findings on lines that cannot carry a marker
 *   (JSON files, `//` lines of an `.npmrc`, binary files).
 * - `wholeFiles`: findings about a file as a whole (no line, or line 1 of
 *   that file); `<repository>` stands for findings with no file at all. Each
 *   entry must be reported.
 * - `knownFalsePositives`: `file:line` (or `file`, `<repository>`) of a
 *   finding the check reports but should not, with the reason. Each entry
 *   must still be reported, so the list shrinks when the check is fixed.
 *
 * A check of SCM settings reads its facts from an optional `facts.json` at
 * the case root, in the format of the CLI's `--facts` file (validated by the
 * facts' schemas); the check never sees that file either.
 *
 * `describeCheckFixtures(check)` runs this comparison on every case folder
 * of the check; `summarise(outcome)` gives a stable, path-free view of a
 * whole outcome for inline snapshots.
 */

/** Folder holding every check's fixtures: `src/checks/__fixtures__/<check-id>/<case>/`. */
export const FIXTURES_DIR = path.resolve(__dirname, '../checks/__fixtures__');

/** The per-case declaration file; it is hidden from the check. */
export const CASE_DECLARATION = 'expected.json';

/**
 * The per-case facts file (the CLI's `--facts` document: `facts` and
 * `unavailable`), for checks of SCM settings; hidden from the check.
 */
export const CASE_FACTS = 'facts.json';

/** Stands for findings that name no file. */
export const REPOSITORY = '<repository>';

/** Statuses a case folder name may start with. */
export const CASE_STATUSES = [
  'pass',
  'fail',
  'warn',
  'not-applicable',
  'inconclusive',
  'error',
] as const;

/** The status a case folder's name asserts, or undefined if it names none. */
export function caseStatus(
  caseName: string,
): CheckOutcome['status'] | undefined {
  // longest first, so `not-applicable` is not read as `not`
  return [...CASE_STATUSES]
    .sort((a, b) => b.length - a.length)
    .find(s => caseName === s || caseName.startsWith(`${s}-`));
}

/** Every case folder of a check, sorted. */
export function fixtureCases(checkId: string): string[] {
  const dir = path.join(FIXTURES_DIR, checkId);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter(e => e.isDirectory())
    .map(e => e.name)
    .sort();
}

/** A snapshot over one fixture case, e.g. `fixtureSnapshot('unpinned-actions', 'fail')`. */
export function fixtureSnapshot(
  checkId: string,
  caseName: string,
): RepoSnapshot {
  const dir = path.join(FIXTURES_DIR, checkId, caseName);
  if (!fs.existsSync(dir)) {
    throw new Error(`no fixture case ${checkId}/${caseName}`);
  }
  const files = new FilteredSnapshot(
    LocalDirectorySnapshot.create(dir),
    f => f !== CASE_DECLARATION && f !== CASE_FACTS,
  );
  const factsFile = path.join(dir, CASE_FACTS);
  if (!fs.existsSync(factsFile)) return files;
  const parsed = parseFactsDocument(
    JSON.parse(fs.readFileSync(factsFile, 'utf8')),
  );
  if ('errors' in parsed) {
    throw new Error(
      `${checkId}/${caseName}/${CASE_FACTS}: ${parsed.errors.join('; ')}`,
    );
  }
  return new FactsSnapshot(files, parsed.facts);
}

/** What a case's `expected.json` declares. */
export interface CaseDeclaration {
  notOk: string[];
  wholeFiles: string[];
  knownFalsePositives: Array<{ at: string; why: string }>;
}

/** Read a case's `expected.json` (empty lists when there is none). */
export function caseDeclaration(
  checkId: string,
  caseName: string,
): CaseDeclaration {
  const file = path.join(FIXTURES_DIR, checkId, caseName, CASE_DECLARATION);
  if (!fs.existsSync(file)) {
    return { notOk: [], wholeFiles: [], knownFalsePositives: [] };
  }
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const unknown = Object.keys(raw).filter(
    k => !['notOk', 'wholeFiles', 'knownFalsePositives'].includes(k),
  );
  if (unknown.length) {
    throw new Error(
      `${checkId}/${caseName}/${CASE_DECLARATION}: unknown keys ${unknown.join(
        ', ',
      )}`,
    );
  }
  return {
    notOk: raw.notOk ?? [],
    wholeFiles: raw.wholeFiles ?? [],
    knownFalsePositives: raw.knownFalsePositives ?? [],
  };
}

export interface MarkedLines {
  /** `file:line` of every line marked `# NOT OK` (a finding is expected there). */
  notOk: string[];
  /** `file:line` of every line marked `# OK` (no finding may point there). */
  ok: string[];
}

const MARK_RE = /(?:#|\/\/)\s*(NOT OK|OK)\b/;

/**
 * Read the inline markers of a fixture: a trailing `# NOT OK` / `# OK`
 * comment marks its own line; a comment line holding only the marker marks
 * the next non-blank, non-comment line. `//` comments work too (Jenkinsfiles).
 */
export function markedLines(snapshot: RepoSnapshot): MarkedLines {
  const notOk: string[] = [];
  const ok: string[] = [];
  for (const file of snapshot.files()) {
    const text = snapshot.read(file);
    if (text === undefined) continue;
    const lines = text.split('\n');
    let pending: 'NOT OK' | 'OK' | undefined;
    lines.forEach((raw, i) => {
      const line = raw.trim();
      const m = MARK_RE.exec(raw);
      const isComment = line.startsWith('#') || line.startsWith('//');
      if (
        m &&
        isComment &&
        line
          .replace(MARK_RE, '')
          .replace(/^(#|\/\/)\s*:?/, '')
          .trim().length < 80 &&
        /^(#|\/\/)\s*(NOT OK|OK)\b/.test(line)
      ) {
        pending = m[1] as 'NOT OK' | 'OK';
        return;
      }
      if (!line || isComment) return;
      const mark = m ? (m[1] as 'NOT OK' | 'OK') : pending;
      pending = undefined;
      if (mark === 'NOT OK') notOk.push(`${file}:${i + 1}`);
      else if (mark === 'OK') ok.push(`${file}:${i + 1}`);
    });
  }
  return { notOk, ok };
}

/** Where a finding points: `file:line`, `file`, or `<repository>`. */
function findingKey(f: { file?: string; line?: number }): string {
  if (!f.file) return REPOSITORY;
  return f.line === undefined ? f.file : `${f.file}:${f.line}`;
}

/** `file:line` (or `file`, `<repository>`) of every finding of an outcome. */
export function findingLines(out: CheckOutcome): string[] {
  if (!('findings' in out)) return [];
  return out.findings.map(findingKey);
}

/**
 * Run a check on a fixture case and compare its findings with the markers
 * and the case's declaration (see the file comment):
 * - `missing`: `# NOT OK` lines and declared whole files with no finding;
 * - `unexpected`: findings on any other line;
 * - `stale`: declared known false positives the check no longer reports.
 */
export async function runOnFixture(check: ScorecardCheck, caseName: string) {
  const snapshot = fixtureSnapshot(check.id, caseName);
  const out = await check.run(snapshot);
  const marks = markedLines(snapshot);
  const declared = caseDeclaration(check.id, caseName);
  const findings = 'findings' in out ? out.findings : [];
  const expectedLines = [...marks.notOk, ...declared.notOk];
  const notOk = new Set(expectedLines);
  const whole = new Set(declared.wholeFiles);
  const knownFalse = new Set(declared.knownFalsePositives.map(k => k.at));
  const hit = new Set<string>();
  const unexpected: string[] = [];
  for (const f of findings) {
    const key = findingKey(f);
    const file = f.file ?? REPOSITORY;
    if (notOk.has(key)) hit.add(key);
    else if (whole.has(file) && (f.line === undefined || f.line === 1)) {
      hit.add(file);
    } else if (knownFalse.has(key)) hit.add(key);
    else unexpected.push(key);
  }
  return {
    outcome: out,
    snapshot,
    marks,
    declared,
    missing: [...expectedLines, ...declared.wholeFiles].filter(
      l => !hit.has(l),
    ),
    unexpected: [...new Set(unexpected)].sort(),
    stale: [...knownFalse].filter(l => !hit.has(l)),
  };
}

/**
 * The fixture test of a check: one test per case folder of
 * `__fixtures__/<check-id>/`, asserting the status its name gives and the
 * strict comparison of findings with markers and declaration.
 */
export function describeCheckFixtures(check: ScorecardCheck): void {
  const cases = fixtureCases(check.id);
  describe(`${check.id} fixtures`, () => {
    it('has fixture cases', () => {
      expect(cases).not.toEqual([]);
    });
    it.each(cases)('%s', async name => {
      const { outcome, missing, unexpected, stale } = await runOnFixture(
        check,
        name,
      );
      expect({
        status: outcome.status,
        missing,
        unexpected,
        stale,
      }).toEqual({
        status: caseStatus(name) ?? `(case name starts with no status)`,
        missing: [],
        unexpected: [],
        stale: [],
      });
    });
  });
}

/** Code-unit order, independent of the locale. */
function cmp(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * A stable, complete view of an outcome for (inline) snapshots: status,
 * score, reason, and each finding as `file:line:column severity message`,
 * sorted by file, line, column and message. Severity is the finding's own
 * or, given the check, its default. No absolute paths, no timings.
 */
export function summarise(out: CheckOutcome, check?: ScorecardCheck) {
  const clean = (s: string) => s.split(FIXTURES_DIR).join('<fixtures>');
  if (!('findings' in out)) {
    return { status: out.status, reason: clean(out.reason) };
  }
  const findings = [...out.findings]
    .sort(
      (a, b) =>
        cmp(a.file ?? '', b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        (a.column ?? 0) - (b.column ?? 0) ||
        cmp(a.message, b.message),
    )
    .map(f => {
      const at = [f.file ?? REPOSITORY, f.line, f.column]
        .filter(x => x !== undefined)
        .join(':');
      const severity = f.severity ?? check?.severity ?? 'default';
      return `${at} ${severity} ${clean(f.message)}`;
    });
  return {
    status: out.status,
    score: out.score,
    ...(out.reason !== undefined ? { reason: clean(out.reason) } : {}),
    findings,
  };
}
