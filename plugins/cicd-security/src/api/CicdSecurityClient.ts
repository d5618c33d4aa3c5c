import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
import { CicdSecurityApi, ListWaiversQuery } from './CicdSecurityApi';

/** `?a=1&b=2` of the defined, non-empty values; empty string when none. */
export function toSearch(query: object = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      params.append(key, String(value));
    }
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

/**
 * The default {@link CicdSecurityApi}: talks to the backend found through
 * discovery, with the user's credentials added by `fetchApi`.
 *
 * @public
 */
export class CicdSecurityClient implements CicdSecurityApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getScorecard(entityRef: string): Promise<Scorecard> {
    return this.request<Scorecard>(
      `/scorecards/${encodeURIComponent(entityRef)}`,
    );
  }

  async listScorecards(
    query: ListScorecardsQuery = {},
  ): Promise<ListScorecardsResponse> {
    return this.request<ListScorecardsResponse>(
      `/scorecards${toSearch(query)}`,
    );
  }

  async exportScorecards(query: ListScorecardsQuery = {}): Promise<Blob> {
    const { limit: _limit, offset: _offset, ...filters } = query;
    return this.blob(
      `/scorecards/export${toSearch({ format: 'csv', ...filters })}`,
    );
  }

  async getScorecardHistory(
    entityRef: string,
    options: { limit?: number; since?: string } = {},
  ): Promise<ScorecardHistoryResponse> {
    return this.request<ScorecardHistoryResponse>(
      `/scorecards/${encodeURIComponent(entityRef)}/history${toSearch(
        options,
      )}`,
    );
  }

  async getSourceFile(
    entityRef: string,
    path: string,
  ): Promise<SourceFileResponse> {
    return this.request<SourceFileResponse>(
      `/scorecards/${encodeURIComponent(
        entityRef,
      )}/source?path=${encodeURIComponent(path)}`,
    );
  }

  async getSarif(entityRef: string): Promise<Blob> {
    return this.blob(`/scorecards/${encodeURIComponent(entityRef)}/sarif`);
  }

  async refreshScorecard(entityRef: string): Promise<RefreshResponse> {
    return this.request<RefreshResponse>(
      `/scorecards/${encodeURIComponent(entityRef)}/refresh`,
      { method: 'POST' },
    );
  }

  async getOverview(): Promise<OverviewResponse> {
    return this.request<OverviewResponse>('/overview');
  }

  async getTeams(options: { root?: string } = {}): Promise<TeamsResponse> {
    return this.request<TeamsResponse>(`/teams${toSearch(options)}`);
  }

  async getChecks(): Promise<ChecksResponse> {
    return this.request<ChecksResponse>('/checks');
  }

  async getPolicies(): Promise<PoliciesResponse> {
    return this.request<PoliciesResponse>('/policies');
  }

  async getEntityPolicies(entityRef: string): Promise<EntityPoliciesResponse> {
    return this.request<EntityPoliciesResponse>(
      `/scorecards/${encodeURIComponent(entityRef)}/policies`,
    );
  }

  async getCompliance(
    framework: ComplianceFrameworkId,
    scope: { entityRef?: string; owner?: string } = {},
  ): Promise<ComplianceResponse> {
    return this.request<ComplianceResponse>(
      `/compliance/${encodeURIComponent(framework)}${toSearch(scope)}`,
    );
  }

  async getCheck(checkId: string): Promise<CheckDetailResponse> {
    return this.request<CheckDetailResponse>(
      `/checks/${encodeURIComponent(checkId)}`,
    );
  }

  async listWaivers(query: ListWaiversQuery = {}): Promise<WaiversResponse> {
    return this.request<WaiversResponse>(`/waivers${toSearch(query)}`);
  }

  async createWaiver(request: CreateWaiverRequest): Promise<Waiver> {
    return this.request<Waiver>('/waivers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  async revokeWaiver(id: string, reason?: string): Promise<Waiver> {
    return this.request<Waiver>(`/waivers/${encodeURIComponent(id)}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(reason ? { reason } : {}),
    });
  }

  private async fetch(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('cicd-security');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.fetch(path, init)).json()) as T;
  }

  private async blob(path: string): Promise<Blob> {
    return (await this.fetch(path)).blob();
  }
}
