import path from 'path';
import { LocalDirectorySnapshot, RepoSnapshot } from '../snapshot';
import { ScorecardCheck, CheckOutcome } from '../checks/types';

/** Folder holding every check's fixtures: `src/checks/__fixtures__/<check-id>/<case>/`. */
export const FIXTURES_DIR = path.resolve(__dirname, '../checks/__fixtures__');

/** A snapshot over one fixture case, e.g. `fixtureSnapshot('unpinned-actions', 'fail')`. */
export function fixtureSnapshot(
  checkId: string,
  caseName: string,
): RepoSnapshot {
  return LocalDirectorySnapshot.create(
    path.join(FIXTURES_DIR, checkId, caseName),
  );
}

export interface MarkedLines {
  /** `file:line` of every line marked `# NOT OK` (a finding is expected there). */
  notOk: string[];
  /** `file:line` of every line marked `# OK` (no finding may point there). */
  ok: string[];
}

const MARK_RE = /(?:#|\/\/)\s*(NOT OK|OK)\b/;

/**
 * Read the inline markers of a fixture, as zizmor's test data does:
 * a trailing `# NOT OK` / `# OK` comment marks its own line; a comment line
 * holding only the marker marks the next non-blank, non-comment line.
 * `//` comments work too (Jenkinsfiles).
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

/** `file:line` of every finding of an outcome. */
export function findingLines(out: CheckOutcome): string[] {
  if (!('findings' in out)) return [];
  return out.findings.map(f => `${f.file}:${f.line}`);
}

/**
 * Run a check on a fixture case and compare its findings with the markers:
 * every `# NOT OK` line has a finding, no `# OK` line has one.
 */
export async function runOnFixture(check: ScorecardCheck, caseName: string) {
  const snapshot = fixtureSnapshot(check.id, caseName);
  const out = await check.run(snapshot);
  const marks = markedLines(snapshot);
  const lines = new Set(findingLines(out));
  return {
    outcome: out,
    snapshot,
    marks,
    missing: marks.notOk.filter(l => !lines.has(l)),
    unexpected: marks.ok.filter(l => lines.has(l)),
  };
}

/**
 * The standard fixture test of a check: for each `[case, status]`, the check
 * run on `__fixtures__/<check-id>/<case>/` has that status, reports every
 * `# NOT OK` line and no `# OK` line.
 */
export function itMatchesFixtureMarkers(
  check: ScorecardCheck,
  cases: Array<[caseName: string, status: CheckOutcome['status']]>,
): void {
  it.each(cases)(
    'matches the markers of the %s fixture',
    async (name, status) => {
      const { missing, unexpected, outcome } = await runOnFixture(check, name);
      expect(missing).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(outcome.status).toBe(status);
    },
  );
}
