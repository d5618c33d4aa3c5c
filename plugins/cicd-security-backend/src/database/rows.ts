import {
  CategoryScore,
  CheckCategory,
  CheckResult,
  CheckStatus,
  Finding,
  Grade,
  ScanProblem,
  ScorecardCounts,
  ScorecardHistoryPoint,
  ScorecardState,
  ScorecardSummary,
  Severity,
  WaiverScope,
} from '@cicd-security/plugin-cicd-security-common';
import {
  DbTimestamp,
  RawDbCheckResultRow,
  RawDbFindingRow,
  RawDbProblemRow,
  RawDbScanRow,
  RawDbScorecardRow,
  RawDbWaiverRow,
} from './tables';

/** Row → API mappers shared by the write and read sides of the store. */

export const EMPTY_COUNTS: ScorecardCounts = {
  passed: 0,
  failed: 0,
  warned: 0,
  notApplicable: 0,
  inconclusive: 0,
  errored: 0,
  findings: 0,
  suppressedFindings: 0,
  criticalFindings: 0,
};

/** What a check result shows of the waiver that covers it. */
export type WaiverInfo = {
  id: string;
  reason: string;
  expiresAt: string;
  createdBy: string;
};

/**
 * A stored timestamp as ISO 8601 text (UTC, milliseconds). Accepts what both
 * drivers return: `Date` (PostgreSQL), epoch milliseconds as a number or as
 * digit-only text (SQLite), and SQL text such as `YYYY-MM-DD HH:MM:SS`
 * (taken as UTC) or ISO text (SQLite rows written by other tools).
 */
export function toIso(value: DbTimestamp): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const asNumber = Number(value);
  if (/^\d+$/.test(value) && Number.isFinite(asNumber)) {
    return new Date(asNumber).toISOString();
  }
  return new Date(
    value.includes('T') ? value : `${value.replace(' ', 'T')}Z`,
  ).toISOString();
}

/** `{ [key]: value }` when value is set, `{}` otherwise. */
export function optional<K extends string, V>(
  key: K,
  value: V | null | undefined,
): { [P in K]?: V } {
  return value === null || value === undefined
    ? {}
    : ({ [key]: value } as { [P in K]?: V });
}

/** A numeric column (PostgreSQL returns some numbers as text). */
export function toNumberOrNull(
  value: number | string | null | undefined,
): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A JSON text column, or the fallback when empty or unreadable. */
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toSummary(row: RawDbScorecardRow): ScorecardSummary {
  return {
    entityRef: row.entity_ref,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    ...optional('title', row.title),
    ...optional('type', row.type),
    ...optional('lifecycle', row.lifecycle),
    ...optional('owner', row.owner),
    ...optional('system', row.system),
    state: row.state as ScorecardState,
    ...optional('stateReason', row.state_reason),
    score: toNumberOrNull(row.score),
    grade: (row.grade as Grade | null) ?? null,
    categories: parseJson<CategoryScore[]>(row.categories, []),
    counts: {
      ...EMPTY_COUNTS,
      ...parseJson<Partial<ScorecardCounts>>(row.counts, {}),
    },
    ...optional(
      'scannedAt',
      row.scanned_at === null ? null : toIso(row.scanned_at),
    ),
    ...optional('revision', row.revision),
    ...optional('sourceLocation', row.source_location),
  };
}

/** A stored check result without its findings, with the waiver that covers it. */
export function toCheckResult(
  c: Pick<
    RawDbCheckResultRow,
    | 'check_id'
    | 'title'
    | 'category'
    | 'severity'
    | 'status'
    | 'score'
    | 'reason'
    | 'unlisted'
  >,
  waiver: CheckResult['waiver'],
): Omit<CheckResult, 'findings'> {
  return {
    checkId: c.check_id,
    ...(waiver ? { waiver } : {}),
    title: c.title,
    category: c.category as CheckCategory,
    severity: c.severity as Severity,
    status: c.status as CheckStatus,
    ...(c.score === null ? {} : { score: Number(c.score) }),
    ...(c.reason === null ? {} : { reason: c.reason }),
    ...(c.unlisted ? { unlisted: JSON.parse(c.unlisted) } : {}),
  };
}

export function toFinding(f: RawDbFindingRow): Finding {
  return {
    checkId: f.check_id,
    severity: f.severity as Severity,
    message: f.message,
    ...optional('file', f.file),
    ...optional('line', f.line),
    ...optional('column', f.column),
    ...optional('endLine', f.end_line),
    ...optional('endColumn', f.end_column),
    ...optional('snippet', f.snippet),
    fingerprint: f.fingerprint,
    ...optional(
      'suggestedFix',
      parseJson<Finding['suggestedFix']>(f.suggested_fix, undefined),
    ),
    ...optional(
      'suppressed',
      parseJson<Finding['suppressed']>(f.suppressed, undefined),
    ),
    ...optional(
      'alsoReportedBy',
      parseJson<Finding['alsoReportedBy']>(
        f.also_reported_by ?? null,
        undefined,
      ),
    ),
    ...(f.new_since_last_scan === null || f.new_since_last_scan === undefined
      ? {}
      : { newSinceLastScan: Boolean(f.new_since_last_scan) }),
  };
}

export function toProblem(p: RawDbProblemRow): ScanProblem {
  return {
    file: p.file,
    ...(p.line === null ? {} : { line: p.line }),
    ...(p.column === null ? {} : { column: p.column }),
    kind: p.kind as ScanProblem['kind'],
    message: p.message,
  };
}

export function toHistoryPoint(r: RawDbScanRow): ScorecardHistoryPoint {
  return {
    scannedAt: toIso(r.scanned_at),
    score: toNumberOrNull(r.score),
    grade: (r.grade as Grade | null) ?? null,
    state: r.state as ScorecardState,
    categories: parseJson<CategoryScore[]>(r.categories, []),
    ...(r.backfilled ? { backfilled: true } : {}),
    ...(r.backfilled && r.revision ? { revision: r.revision } : {}),
  };
}

export function toScope(row: RawDbWaiverRow): WaiverScope {
  return row.scope_type === 'owner'
    ? { type: 'owner', ownerRef: row.scope_ref }
    : { type: 'entity', entityRef: row.scope_ref };
}

export function toWaiverInfo(r: RawDbWaiverRow): WaiverInfo {
  return {
    id: r.id,
    reason: r.reason,
    expiresAt: toIso(r.expires_at),
    createdBy: r.created_by,
  };
}

/** The SCM URL of a `url:` source location, for links to files. */
export function toScmUrl(location: string | null): string | undefined {
  if (!location) return undefined;
  const match = /^url:(https?:\/\/.+)$/i.exec(location.trim());
  return match ? match[1] : undefined;
}
