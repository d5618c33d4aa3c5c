import { createApiRef } from '@backstage/core-plugin-api';
import {
  CheckDetailResponse,
  ChecksResponse,
  ComplianceFrameworkId,
  ComplianceResponse,
  EntityPoliciesResponse,
  PoliciesResponse,
  CreateWaiverRequest,
  ListScorecardsQuery,
  ListScorecardsResponse,
  OverviewResponse,
  RefreshResponse,
  Scorecard,
  ScorecardHistoryResponse,
  SourceFileResponse,
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
  /**
   * One file of the entity's `dir:` source, secrets redacted, for the
   * source view (`path` relative to the repository root).
   */
  getSourceFile(entityRef: string, path: string): Promise<SourceFileResponse>;
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
  /** The organisation's policies, each with the components out of it. */
  getPolicies(): Promise<PoliciesResponse>;
  /** The policies that apply to one entity, each requirement met or not. */
  getEntityPolicies(entityRef: string): Promise<EntityPoliciesResponse>;
  /**
   * A compliance framework's view of one entity (`entityRef`), a team
   * (`owner`, through the group hierarchy) or the organisation (neither).
   */
  getCompliance(
    framework: ComplianceFrameworkId,
    scope?: { entityRef?: string; owner?: string },
  ): Promise<ComplianceResponse>;
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
