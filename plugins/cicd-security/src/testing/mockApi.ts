import { CicdSecurityApi } from '../api';
import {
  checkDetail,
  checkWithStats,
  history,
  overview,
  scorecard,
  summary,
  teamSummaries,
  teams,
  waivers,
} from './data';
import { complianceEmpty, policies } from './policyData';

/** A jest mock of the whole API, answering with the sample data. */
export function mockCicdSecurityApi(
  overrides: Partial<CicdSecurityApi> = {},
): jest.Mocked<CicdSecurityApi> {
  return {
    getScorecard: jest.fn(async () => scorecard),
    listScorecards: jest.fn(async () => ({ items: [summary], totalCount: 1 })),
    exportScorecards: jest.fn(
      async () => new Blob(['entityRef,score\n'], { type: 'text/csv' }),
    ),
    getScorecardHistory: jest.fn(async () => ({ items: history })),
    getSarif: jest.fn(async () => new Blob(['{}'])),
    getSourceFile: jest.fn(async (entityRef: string, path: string) => ({
      entityRef,
      path,
      content: 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n',
      size: 51,
      redactions: 0,
      sourceLocation: 'dir:../repos/payments-api',
    })),
    refreshScorecard: jest.fn(async () => ({
      entityRef: scorecard.entityRef,
      state: 'scanning' as const,
    })),
    getOverview: jest.fn(async () => overview),
    getTeams: jest.fn(async () => ({
      items: teams,
      owners: teamSummaries,
      computedAt: new Date(Date.now() - 2 * 60_000).toISOString(),
    })),
    getChecks: jest.fn(async () => ({
      items: [checkWithStats],
      computedAt: new Date().toISOString(),
    })),
    getCheck: jest.fn(async () => checkDetail),
    getPolicies: jest.fn(async () => policies),
    // No policy applies and no control is evaluated unless a test says so,
    // so the Security tab's own tests see only their cards.
    getEntityPolicies: jest.fn(async () => ({
      entityRef: scorecard.entityRef,
      items: [],
    })),
    getCompliance: jest.fn(async () => complianceEmpty),
    listWaivers: jest.fn(async () => ({ items: [] })),
    createWaiver: jest.fn(async request => ({
      id: 'w-new',
      ...request,
      createdBy: 'user:default/guest',
      createdAt: new Date().toISOString(),
      active: true,
      history: [
        {
          action: 'created' as const,
          actor: 'user:default/guest',
          at: new Date().toISOString(),
          reason: request.reason,
        },
      ],
    })),
    revokeWaiver: jest.fn(async (id, reason) => {
      const existing = waivers.find(w => w.id === id) ?? waivers[0];
      const at = new Date().toISOString();
      return {
        ...existing,
        id,
        active: false,
        revokedBy: 'user:default/guest',
        revokedAt: at,
        history: [
          ...existing.history,
          {
            action: 'revoked' as const,
            actor: 'user:default/guest',
            at,
            reason,
          },
        ],
      };
    }),
    ...overrides,
  } as jest.Mocked<CicdSecurityApi>;
}
