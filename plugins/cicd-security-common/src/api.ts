/*
 * The REST API of the cicd-security backend, mounted at `/api/cicd-security`.
 * Entity refs in paths are URL-encoded full refs: `component:default/payments-api`
 * → `/scorecards/component%3Adefault%2Fpayments-api`. The OpenAPI document
 * (`plugins/cicd-security-backend/src/schema/openapi.yaml`) is the formal version.
 *
 * GET    /scorecards                       → ListScorecardsResponse (query: ListScorecardsQuery)
 * GET    /scorecards/export                → CSV (format=csv) or JSON (format=json) of the filtered list
 * GET    /scorecards/:entityRef            → Scorecard (404 unknown entity, 400 malformed ref)
 * GET    /scorecards/:entityRef/history    → ScorecardHistoryResponse (query: limit, since)
 * GET    /scorecards/:entityRef/sarif      → SARIF 2.1.0 of the entity's findings
 * POST   /scorecards/:entityRef/refresh    → 202 RefreshResponse (scan runs in the background)
 * GET    /overview                         → OverviewResponse (KPIs, grade distribution, org trend)
 * GET    /teams                            → TeamsResponse (query: root = group ref)
 * GET    /checks                           → ChecksResponse
 * GET    /checks/:checkId                  → CheckDetailResponse (404 unknown check)
 * GET    /waivers                          → WaiversResponse (query: entityRef, checkId, owner, active)
 * POST   /waivers                          → 201 Waiver (body: CreateWaiverRequest)
 * DELETE /waivers/:id                      → 200 Waiver (revoked; body: { reason? })
 * GET    /health                           → { status: 'ok' }
 */
import {
  CategoryScore,
  CheckCategory,
  CheckMetadata,
  Grade,
  Scorecard,
  ScorecardHistoryPoint,
  ScorecardState,
  ScorecardSummary,
  Severity,
  TeamSummary,
} from './types';

export type ScorecardSortField =
  | 'name'
  | 'score'
  | 'grade'
  | 'owner'
  | 'system'
  | 'kind'
  | 'lifecycle'
  | 'state'
  | 'criticalFindings'
  | 'findings'
  | 'scannedAt';

export interface ListScorecardsQuery {
  /**
   * Owner entity ref, e.g. `group:default/team-payments`. A group matches the
   * components it owns and those owned by every group below it in the hierarchy.
   */
  owner?: string;
  /** System entity ref, e.g. `system:default/payments`. */
  system?: string;
  kind?: string;
  type?: string;
  lifecycle?: string;
  /** One grade, or several comma-separated (`D,F`). */
  grade?: Grade | string;
  state?: ScorecardState;
  /** With `categoryBelow`: components whose score in this category is below it. */
  category?: CheckCategory;
  categoryBelow?: number;
  /** Components where this check fails. */
  failingCheck?: string;
  /** Case-insensitive text search over name, title and owner. */
  q?: string;
  sort?: ScorecardSortField;
  order?: 'asc' | 'desc';
  /** 1..500, default 50. */
  limit?: number;
  offset?: number;
}

export interface ListScorecardsResponse {
  items: ScorecardSummary[];
  totalCount: number;
}

export type ScorecardResponse = Scorecard;

/** One file of an entity's `dir:` source (`GET /scorecards/:entityRef/source`). */
export interface SourceFileResponse {
  entityRef: string;
  /** The path inside the repository, e.g. `.github/workflows/ci.yml`. */
  path: string;
  /** The text, with every secret found in it redacted; lines are kept. */
  content: string;
  /** Size of the file, in bytes. */
  size: number;
  /** How many secrets or credentials were redacted. */
  redactions: number;
  /** The entity's source location, e.g. `dir:../repos/payments-api`. */
  sourceLocation: string;
}

export interface ScorecardHistoryResponse {
  items: ScorecardHistoryPoint[];
}

/** Aggregate figures for a set of components. */
export interface ScoreStats {
  components: number;
  scanned: number;
  averageScore: number | null;
  medianScore: number | null;
  grades: Record<Grade, number>;
  /** Average per category over the scanned components. */
  categories: Record<CheckCategory, number | null>;
  /** Average score now minus average score 30 days ago, or null without history. */
  change30d: number | null;
  openCriticalFindings: number;
}

/** One group of the owner hierarchy with its own and rolled-up figures. */
export interface TeamAggregate {
  groupRef: string;
  title?: string;
  /** Group type from the catalog: team, department, organization… */
  type?: string;
  parent?: string;
  children: string[];
  /** Components the group owns directly. */
  direct: ScoreStats;
  /** Components owned by the group and every group below it. */
  rollup: ScoreStats;
}

export interface OverviewResponse {
  stats: ScoreStats;
  /** Share (0..1) of scanned components graded A or B. */
  shareAB: number | null;
  /** One point per day: the average of each component's latest score that day. */
  trend: Array<{ date: string; averageScore: number | null; scanned: number }>;
  /**
   * When the figures were computed (ISO 8601): org-wide figures are reused
   * for up to 15 seconds, so they may lag a scan by that much.
   */
  computedAt: string;
}

export interface RefreshResponse {
  entityRef: string;
  state: ScorecardState;
}

export interface TeamsResponse {
  /** Every group in the hierarchy under `root` (all groups when absent), parents before children. */
  items: TeamAggregate[];
  /** Flat per-owner summary (owners that are not groups included). */
  owners: TeamSummary[];
  /** When the figures were computed (ISO 8601); they may lag a scan by the cache TTL. */
  computedAt: string;
}

export interface CheckWithStats extends CheckMetadata {
  /** Share of scanned entities where the check passed, 0..1, or null when it never applied. */
  passRate: number | null;
  /** Entities where the check fails, waived or not. */
  failing: number;
  /** Failing entities that no active portal waiver covers. */
  openFailing: number;
  /** Failing entities where an active portal waiver (of the entity or its owner) covers the check. */
  waivedFailing: number;
  /** Findings of the check that repositories suppress in code (inline comment or configuration file). */
  suppressedFindings: number;
  applicable: number;
  /** Scanned entities where the check was inconclusive (it could not see what it needs). */
  inconclusive: number;
}

export interface ChecksResponse {
  items: CheckWithStats[];
  /** When the figures were computed (ISO 8601); they may lag a scan or a waiver by the cache TTL. */
  computedAt: string;
}

export interface CheckDetailResponse extends CheckWithStats {
  /** The check's guide page (`<id>.md`) as Markdown, when available. */
  guide?: string;
  /** Components where the check fails, worst first (at most 200). */
  failingEntities: Array<{
    entityRef: string;
    title?: string;
    owner?: string;
    score: number | null;
    findings: number;
  }>;
}

/** Where a portal waiver applies. */
export type WaiverScope =
  | { type: 'entity'; entityRef: string }
  | { type: 'owner'; ownerRef: string };

export interface WaiverEvent {
  action: 'created' | 'revoked';
  actor: string;
  at: string;
  reason?: string;
}

/**
 * A portal waiver: the check stays visible on the scorecard, marked waived,
 * but stops lowering the score until the waiver expires or is revoked.
 */
export interface Waiver {
  id: string;
  checkId: string;
  scope: WaiverScope;
  reason: string;
  /** ISO date-time. */
  expiresAt: string;
  createdBy: string;
  createdAt: string;
  revokedBy?: string;
  revokedAt?: string;
  /** Active = not revoked and not expired. */
  active: boolean;
  /** Audit trail, oldest first. */
  history: WaiverEvent[];
}

export interface CreateWaiverRequest {
  checkId: string;
  scope: WaiverScope;
  reason: string;
  expiresAt: string;
}

export interface WaiversResponse {
  items: Waiver[];
}

/** How the score of a scorecard was computed, for the UI to explain it. */
/**
 * A failing or warning check with the score the entity would have if it
 * passed: re-scored with the same scoring code, config and waivers as the
 * stored score.
 */
export interface FixFirstItem {
  checkId: string;
  title: string;
  severity: Severity;
  /** Open findings of the check (suppressed ones left out). */
  findings: number;
  /** The overall score with this check passing (score 10, no findings). */
  scoreIfFixed: number;
  /** `scoreIfFixed` minus the current score, rounded to one decimal. */
  gain: number;
  gradeIfFixed: Grade;
}

export interface ScoreExplanation {
  checks: Array<{
    checkId: string;
    category: CheckCategory;
    weight: number;
    score: number | null;
    /** False for not-applicable, inconclusive, errored, disabled checks. */
    counted: boolean;
    /** Why it was left out, or that it was waived. */
    note?: string;
  }>;
  categories: CategoryScore[];
  categoryWeights: Record<CheckCategory, number>;
  gradeBands: Record<'A' | 'B' | 'C' | 'D', number>;
}
