import {
  FixedFinding,
  ScorecardChanges,
  Severity,
} from '@cicd-security/plugin-cicd-security-common';
import type { ScanResult } from '@cicd-security/plugin-cicd-security-node';
import { Knex } from 'knex';
import { optional, parseJson, toIso } from './rows';
import {
  CHECK_RESULTS,
  FINDINGS,
  RawDbCheckResultRow,
  RawDbFindingRow,
  RawDbScorecardRow,
  SCORECARDS,
} from './tables';

/**
 * The statuses of a check that concluded: its findings are the whole story
 * (not-applicable: nothing left to check, e.g. the workflow was removed).
 */
const CONCLUSIVE = new Set(['pass', 'fail', 'warn', 'not-applicable']);

/** What a new scorecard stores about the one it replaces. */
export interface ComputedChanges {
  /** The scorecard's `changes`. */
  changes: ScorecardChanges;
  /**
   * Whether a finding of the new scan is new, by check id and fingerprint;
   * undefined on the first scorecard (nothing to compare with).
   */
  isNew?: (checkId: string, fingerprint: string) => boolean;
}

/** The stored results of the previous scorecard, as far as the comparison needs them. */
export interface PreviousResults {
  scannedAt: string;
  revision?: string;
  /** Its own comparison, when it was stored with one. */
  changes?: ScorecardChanges;
  checks: Array<
    Pick<RawDbCheckResultRow, 'check_id' | 'title'> & {
      /** The check listed only part of its findings. */
      partial: boolean;
    }
  >;
  findings: Array<
    Pick<
      RawDbFindingRow,
      | 'check_id'
      | 'fingerprint'
      | 'severity'
      | 'file'
      | 'line'
      | 'message'
      | 'new_since_last_scan'
    >
  >;
}

const key = (checkId: string, fingerprint: string) =>
  `${checkId}\u0000${fingerprint}`;

/**
 * Reads the results of the entity's current scorecard, before a new scan
 * replaces them; undefined when the entity has no scanned scorecard (never
 * scanned, or its source disappeared).
 */
export async function readPreviousResults(
  tx: Knex | Knex.Transaction,
  entityRef: string,
): Promise<PreviousResults | undefined> {
  const row = await tx<RawDbScorecardRow>(SCORECARDS)
    .select('scanned_at', 'revision', 'changes')
    .where({ entity_ref: entityRef })
    .first();
  if (!row || row.scanned_at === null || row.scanned_at === undefined) {
    return undefined;
  }
  const [checks, findings] = await Promise.all([
    tx<RawDbCheckResultRow>(CHECK_RESULTS)
      .select('check_id', 'title', 'unlisted')
      .where({ entity_ref: entityRef }),
    tx<RawDbFindingRow>(FINDINGS)
      .select(
        'check_id',
        'fingerprint',
        'severity',
        'file',
        'line',
        'message',
        'new_since_last_scan',
      )
      .where({ entity_ref: entityRef })
      .orderBy('id'),
  ]);
  return {
    scannedAt: toIso(row.scanned_at),
    ...optional('revision', row.revision),
    ...optional('changes', parseChanges(row.changes)),
    checks: checks.map(c => ({
      check_id: c.check_id,
      title: c.title,
      partial: isPartial(c.unlisted),
    })),
    findings,
  };
}

function isPartial(unlisted: string | null | undefined): boolean {
  return parseJson<{ findings?: number }>(unlisted, {}).findings! > 0;
}

/**
 * Compares a new scan with the previous scorecard by check id and
 * fingerprint. A rescan of the same revision that finds exactly the same
 * findings changes nothing: the previous scorecard's comparison and marks
 * are kept, as for scans that keep the results. A finding is new when the previous scorecard did not have it;
 * a previous finding is fixed when the new scan ran its check to a
 * conclusion (pass, fail, warn or not-applicable) and no longer reports it. Where a check
 * listed only part of its findings (past the engine's cap), the unlisted
 * ones are unknown: its findings are not marked new (previous side) or
 * fixed (new side).
 */
export function compareWithPrevious(
  previous: PreviousResults | undefined,
  result: ScanResult,
  revision?: string,
): ComputedChanges {
  if (!previous) {
    return {
      changes: { comparedWith: null, newFindings: 0, fixedFindings: [] },
    };
  }
  const kept = keptFromPrevious(previous, result, revision);
  if (kept) return kept;
  const before = new Set(
    previous.findings.map(f => key(f.check_id, f.fingerprint)),
  );
  const partialBefore = new Set(
    previous.checks.filter(c => c.partial).map(c => c.check_id),
  );
  const isNew = (checkId: string, fingerprint: string) =>
    !partialBefore.has(checkId) && !before.has(key(checkId, fingerprint));

  let newFindings = 0;
  const now = new Set<string>();
  const concluded = new Set<string>();
  for (const c of result.checks) {
    if (CONCLUSIVE.has(c.status) && !c.unlisted?.findings) {
      concluded.add(c.checkId);
    }
    for (const f of c.findings) {
      now.add(key(c.checkId, f.fingerprint));
      if (isNew(c.checkId, f.fingerprint)) newFindings++;
    }
  }

  const titles = new Map(previous.checks.map(c => [c.check_id, c.title]));
  const fixedFindings: FixedFinding[] = [];
  const listed = new Set<string>();
  for (const f of previous.findings) {
    const k = key(f.check_id, f.fingerprint);
    if (now.has(k) || listed.has(k) || !concluded.has(f.check_id)) continue;
    listed.add(k);
    fixedFindings.push({
      checkId: f.check_id,
      checkTitle: titles.get(f.check_id) ?? f.check_id,
      severity: f.severity as Severity,
      ...optional('file', f.file),
      ...optional('line', f.line === null ? null : Number(f.line)),
      message: f.message,
      fingerprint: f.fingerprint,
    });
  }

  return {
    changes: {
      comparedWith: {
        scannedAt: previous.scannedAt,
        ...optional('revision', previous.revision),
      },
      newFindings,
      fixedFindings,
    },
    isNew,
  };
}

/**
 * The previous comparison and marks, when the new scan saw the same revision
 * and found exactly the same findings.
 */
function keptFromPrevious(
  previous: PreviousResults,
  result: ScanResult,
  revision: string | undefined,
): ComputedChanges | undefined {
  if (!previous.changes || !revision || previous.revision !== revision) {
    return undefined;
  }
  const before = new Set(
    previous.findings.map(f => key(f.check_id, f.fingerprint)),
  );
  const now = new Set(
    result.checks.flatMap(c =>
      c.findings.map(f => key(c.checkId, f.fingerprint)),
    ),
  );
  if (before.size !== now.size || [...now].some(k => !before.has(k))) {
    return undefined;
  }
  const marked = new Set(
    previous.findings
      .filter(f => f.new_since_last_scan)
      .map(f => key(f.check_id, f.fingerprint)),
  );
  const compared = previous.changes.comparedWith !== null;
  return {
    changes: previous.changes,
    ...(compared
      ? { isNew: (checkId: string, fp: string) => marked.has(key(checkId, fp)) }
      : {}),
  };
}

/** The stored `changes` column of a scorecard, or undefined when it has none. */
export function parseChanges(
  text: string | null | undefined,
): ScorecardChanges | undefined {
  const parsed = parseJson<ScorecardChanges | undefined>(text, undefined);
  if (!parsed || typeof parsed !== 'object') return undefined;
  return {
    comparedWith: parsed.comparedWith ?? null,
    newFindings: Number(parsed.newFindings) || 0,
    fixedFindings: Array.isArray(parsed.fixedFindings)
      ? parsed.fixedFindings
      : [],
  };
}
