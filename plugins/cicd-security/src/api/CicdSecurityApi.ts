import { createApiRef } from '@backstage/core-plugin-api';
import {
  CheckDetailResponse,
  ChecksResponse,
  CreateWaiverRequest,
  ListScorecardsQuery,
  ListScorecardsResponse,
  OverviewResponse,
  RefreshResponse,
  Scorecard,
  ScorecardHistoryResponse,
  TeamsResponse,
  Waiver,
  WaiversResponse,
} from '@cicd-security/plugin-cicd-security-common';

/** Filters of the waiver list. */
export interface ListWaiversQuery {
  entityRef?: string;
  checkId?: string;
  owner?: string;
  active?: boolean;
}

/**
 * Access to the cicd-security backend (`/api/cicd-security`).
 *
 * @public
 */
export interface CicdSecurityApi {
  /** One entity's full scorecard, by full entity ref (`component:default/payments-api`). */
  getScorecard(entityRef: string): Promise<Scorecard>;
  /** The org-wide list, filtered, sorted and paged by the backend. */
  listScorecards(query?: ListScorecardsQuery): Promise<ListScorecardsResponse>;
  /** The filtered list as a CSV file (no paging). */
  exportScorecards(query?: ListScorecardsQuery): Promise<Blob>;
  /** Past scans of one entity, newest first. */
  getScorecardHistory(
    entityRef: string,
    options?: { limit?: number; since?: string },
  ): Promise<ScorecardHistoryResponse>;
  /** The entity's findings as a SARIF 2.1.0 file. */
  getSarif(entityRef: string): Promise<Blob>;
  /** Asks for a rescan; the scan runs in the background. */
  refreshScorecard(entityRef: string): Promise<RefreshResponse>;
  /** KPIs, grade distribution and trend of the whole organisation. */
  getOverview(): Promise<OverviewResponse>;
  /** Scorecards aggregated per group of the owner hierarchy. */
  getTeams(options?: { root?: string }): Promise<TeamsResponse>;
  /** The check catalogue with org-wide pass rates. */
  getChecks(): Promise<ChecksResponse>;
  /** One check with its guide page and failing components. */
  getCheck(checkId: string): Promise<CheckDetailResponse>;
  /** Portal waivers. */
  listWaivers(query?: ListWaiversQuery): Promise<WaiversResponse>;
  createWaiver(request: CreateWaiverRequest): Promise<Waiver>;
  revokeWaiver(id: string, reason?: string): Promise<Waiver>;
}

/** @public */
export const cicdSecurityApiRef = createApiRef<CicdSecurityApi>({
  id: 'plugin.cicd-security.service',
});
