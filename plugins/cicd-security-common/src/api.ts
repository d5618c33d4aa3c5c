/*
 * The REST API of the cicd-security backend, mounted at `/api/cicd-security`.
 * Entity refs in paths are URL-encoded full refs: `component:default/payments-api`
 * → `/scorecards/component%3Adefault%2Fpayments-api`.
 *
 * GET  /scorecards                          → ListScorecardsResponse (query: ListScorecardsQuery)
 * GET  /scorecards/:entityRef               → Scorecard (404 unknown entity, 400 malformed ref)
 * GET  /scorecards/:entityRef/history       → ScorecardHistoryResponse (query: limit)
 * POST /scorecards/:entityRef/refresh       → 202 RefreshResponse (scan runs in the background)
 * GET  /teams                               → TeamsResponse
 * GET  /checks                              → ChecksResponse
 * GET  /checks/:checkId                     → CheckDetailResponse (404 unknown check)
 * GET  /health                              → { status: 'ok' }
 */
import {
  CheckMetadata,
  Grade,
  Scorecard,
  ScorecardHistoryPoint,
  ScorecardState,
  ScorecardSummary,
  TeamSummary,
} from './types';

export type ScorecardSortField =
  | 'name'
  | 'score'
  | 'grade'
  | 'owner'
  | 'scannedAt';

export interface ListScorecardsQuery {
  /** Owner entity ref, e.g. `group:default/team-payments`. */
  owner?: string;
  kind?: string;
  grade?: Grade;
  state?: ScorecardState;
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

export interface ScorecardHistoryResponse {
  items: ScorecardHistoryPoint[];
}

export interface RefreshResponse {
  entityRef: string;
  state: ScorecardState;
}

export interface TeamsResponse {
  items: TeamSummary[];
}

export interface CheckWithStats extends CheckMetadata {
  /** Share of scanned entities where the check passed, 0..1, or null when it never applied. */
  passRate: number | null;
  failing: number;
  applicable: number;
}

export interface ChecksResponse {
  items: CheckWithStats[];
}

export interface CheckDetailResponse extends CheckWithStats {
  /** The guide page (`docs/checks/<id>.md`) as Markdown, when available. */
  guide?: string;
}
