import { createApiRef } from '@backstage/core-plugin-api';
import {
  CheckDetailResponse,
  ChecksResponse,
  ListScorecardsQuery,
  ListScorecardsResponse,
  RefreshResponse,
  Scorecard,
  ScorecardHistoryResponse,
  TeamsResponse,
} from '@cicd-security/plugin-cicd-security-common';

/**
 * Read access to the cicd-security backend (`/api/cicd-security`).
 *
 * @public
 */
export interface CicdSecurityApi {
  /** One entity's full scorecard, by full entity ref (`component:default/payments-api`). */
  getScorecard(entityRef: string): Promise<Scorecard>;
  /** The org-wide list, filtered, sorted and paged by the backend. */
  listScorecards(query?: ListScorecardsQuery): Promise<ListScorecardsResponse>;
  /** Past scans of one entity, newest first. */
  getScorecardHistory(
    entityRef: string,
    options?: { limit?: number },
  ): Promise<ScorecardHistoryResponse>;
  /** Asks for a rescan; the scan runs in the background. */
  refreshScorecard(entityRef: string): Promise<RefreshResponse>;
  /** Scorecards aggregated per owner. */
  getTeams(): Promise<TeamsResponse>;
  /** The check catalogue with org-wide pass rates. */
  getChecks(): Promise<ChecksResponse>;
  /** One check with its guide page. */
  getCheck(checkId: string): Promise<CheckDetailResponse>;
}

/** @public */
export const cicdSecurityApiRef = createApiRef<CicdSecurityApi>({
  id: 'plugin.cicd-security.service',
});
