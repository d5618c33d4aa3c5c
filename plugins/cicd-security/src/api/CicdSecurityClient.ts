import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
import { CicdSecurityApi } from './CicdSecurityApi';

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
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') {
        params.append(key, String(value));
      }
    }
    const search = params.toString();
    return this.request<ListScorecardsResponse>(
      `/scorecards${search ? `?${search}` : ''}`,
    );
  }

  async getScorecardHistory(
    entityRef: string,
    options: { limit?: number } = {},
  ): Promise<ScorecardHistoryResponse> {
    const search = options.limit !== undefined ? `?limit=${options.limit}` : '';
    return this.request<ScorecardHistoryResponse>(
      `/scorecards/${encodeURIComponent(entityRef)}/history${search}`,
    );
  }

  async refreshScorecard(entityRef: string): Promise<RefreshResponse> {
    return this.request<RefreshResponse>(
      `/scorecards/${encodeURIComponent(entityRef)}/refresh`,
      { method: 'POST' },
    );
  }

  async getTeams(): Promise<TeamsResponse> {
    return this.request<TeamsResponse>('/teams');
  }

  async getChecks(): Promise<ChecksResponse> {
    return this.request<ChecksResponse>('/checks');
  }

  async getCheck(checkId: string): Promise<CheckDetailResponse> {
    return this.request<CheckDetailResponse>(
      `/checks/${encodeURIComponent(checkId)}`,
    );
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('cicd-security');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
