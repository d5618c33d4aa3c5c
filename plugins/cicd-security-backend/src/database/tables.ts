/**
 * The tables of the store and their rows as the drivers return them. Every
 * module of the store names tables through these constants and reads rows
 * through these types; `rows.ts` maps them to the API's shapes.
 */

export const SCORECARDS = 'cicd_security_scorecards';
export const SCANS = 'cicd_security_scans';
export const CHECK_RESULTS = 'cicd_security_check_results';
export const FINDINGS = 'cicd_security_findings';
export const PROBLEMS = 'cicd_security_problems';
export const WAIVERS = 'cicd_security_waivers';
export const WAIVER_EVENTS = 'cicd_security_waiver_events';
export const GROUPS = 'cicd_security_groups';
export const GROUP_CLOSURE = 'cicd_security_group_closure';

/**
 * A timestamp as the drivers return it: `Date` (PostgreSQL), epoch
 * milliseconds as a number (SQLite, written by knex) or text (SQLite rows
 * written by other tools, or numbers read back as text).
 */
export type DbTimestamp = Date | number | string;

export type RawDbScorecardRow = {
  entity_ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  type: string | null;
  lifecycle: string | null;
  owner: string | null;
  system: string | null;
  state: string;
  state_reason: string | null;
  score: number | string | null;
  grade: string | null;
  categories: string;
  counts: string;
  revision: string | null;
  source_location: string | null;
  check_set_version: string | null;
  scanned_at: DbTimestamp | null;
  updated_at: DbTimestamp;
  scm_url?: string | null;
  scoring_version?: string | null;
  /** JSON array of FactReading, or null when the scan read no fact. */
  facts?: string | null;
  /** JSON of `Scorecard.changes`, or null when the entity has no scanned scorecard. */
  changes?: string | null;
};

export type RawDbScanRow = {
  id?: number;
  entity_ref: string;
  scanned_at: DbTimestamp;
  state: string;
  score: number | string | null;
  grade: string | null;
  categories: string;
  duration_ms: number | null;
  /** Commit SHA of a backfilled scan. */
  revision?: string | null;
  /** True (1 in SQLite) for scans of earlier revisions, dated at the commit. */
  backfilled?: boolean | number;
};

export type RawDbCheckResultRow = {
  entity_ref: string;
  check_id: string;
  status: string;
  score: number | string | null;
  severity: string;
  category: string;
  title: string;
  reason: string | null;
  /** JSON of `CheckResult.unlisted`, when the check listed only part of its findings. */
  unlisted?: string | null;
};

export type RawDbFindingRow = {
  id?: number;
  entity_ref: string;
  check_id: string;
  severity: string;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  end_line: number | null;
  end_column: number | null;
  snippet: string | null;
  fingerprint: string;
  suggested_fix: string | null;
  suppressed: string | null;
  /** JSON of `Finding.alsoReportedBy`. */
  also_reported_by?: string | null;
  /** `Finding.newSinceLastScan`; null when there was nothing to compare with. SQLite returns 0/1. */
  new_since_last_scan?: boolean | number | null;
};

export type RawDbProblemRow = {
  id?: number;
  entity_ref: string;
  file: string;
  line: number | null;
  column: number | null;
  kind: string;
  message: string;
};

export type RawDbWaiverRow = {
  id: string;
  check_id: string;
  scope_type: 'entity' | 'owner';
  scope_ref: string;
  reason: string;
  expires_at: DbTimestamp;
  created_by: string;
  created_at: DbTimestamp;
  revoked_by: string | null;
  revoked_at: DbTimestamp | null;
  expiry_applied: boolean | number;
};

export type RawDbWaiverEventRow = {
  id?: number;
  waiver_id: string;
  action: 'created' | 'revoked';
  actor: string;
  at: DbTimestamp;
  reason: string | null;
};

export type RawDbGroupRow = {
  group_ref: string;
  title: string | null;
  type: string | null;
  parent_ref: string | null;
};

export type RawDbGroupClosureRow = {
  ancestor: string;
  descendant: string;
  depth: number;
};
