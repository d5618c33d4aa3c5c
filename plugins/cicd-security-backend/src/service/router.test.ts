import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Scorecard } from '@cicd-security/plugin-cicd-security-common';
import {
  CheckRegistry,
  createScorecardCheck,
} from '@cicd-security/plugin-cicd-security-node';
import express from 'express';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { ScorecardStore } from '../database/ScorecardStore';
import { createRouter } from './router';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', title: 'Payments API' },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'web' },
    spec: { type: 'website', lifecycle: 'production', owner: 'team-web' },
  },
];

const fakeCheck = createScorecardCheck({
  id: 'fake-check',
  title: 'A fake check',
  description: 'Used by tests.',
  category: 'compliance',
  severity: 'medium',
  platforms: ['repository'],
  frameworks: [],
  run: () => ({ status: 'pass', score: 10, findings: [] }),
});

const scorecard: Scorecard = {
  entityRef: 'component:default/payments-api',
  kind: 'Component',
  namespace: 'default',
  name: 'payments-api',
  state: 'ok',
  score: 8,
  grade: 'B',
  categories: [],
  counts: {
    passed: 1,
    failed: 0,
    warned: 0,
    notApplicable: 0,
    inconclusive: 0,
    errored: 0,
    findings: 0,
    suppressedFindings: 0,
    criticalFindings: 0,
  },
  checks: [],
  problems: [],
};

function mockStore(): jest.Mocked<ScorecardStore> {
  return {
    saveScan: jest.fn(),
    setState: jest.fn(),
    listScorecards: jest.fn().mockResolvedValue({ items: [], totalCount: 0 }),
    getScorecard: jest.fn(),
    getHistory: jest.fn().mockResolvedValue([]),
    teamSummaries: jest.fn().mockResolvedValue([]),
    checkStats: jest.fn().mockResolvedValue([]),
    listEntityRefs: jest.fn(),
    deleteEntities: jest.fn(),
  };
}

describe('createRouter', () => {
  let app: express.Express;
  let store: jest.Mocked<ScorecardStore>;
  let scanner: { scan: jest.Mock };
  let guidesDir: string;

  async function setup(
    options: { permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {},
  ) {
    store = mockStore();
    scanner = { scan: jest.fn().mockResolvedValue({ state: 'ok' }) };
    const router = await createRouter({
      store,
      scanner,
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
      logger: mockServices.logger.mock(),
      registry: new CheckRegistry([fakeCheck]),
      guidesDir,
    });
    app = express().use(router).use(mockErrorHandler());
  }

  beforeAll(() => {
    guidesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-guides-'));
    fs.writeFileSync(path.join(guidesDir, 'fake-check.md'), '# Fake check\n');
  });
  afterAll(() => fs.rmSync(guidesDir, { recursive: true, force: true }));

  beforeEach(() => setup());

  it('answers /health', async () => {
    const res = await request(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  describe('GET /scorecards', () => {
    it('passes validated filters and the visible refs to the store', async () => {
      store.listScorecards.mockResolvedValue({
        items: [scorecard],
        totalCount: 1,
      });
      const res = await request(app).get(
        '/scorecards?owner=group:default/team-payments&grade=B&sort=score&order=desc&limit=10&offset=5&q=pay',
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [scorecard], totalCount: 1 });
      expect(store.listScorecards).toHaveBeenCalledWith({
        owner: 'group:default/team-payments',
        grade: 'B',
        sort: 'score',
        order: 'desc',
        limit: 10,
        offset: 5,
        q: 'pay',
        entityRefs: ['component:default/payments-api', 'component:default/web'],
      });
    });

    it('applies default paging', async () => {
      await request(app).get('/scorecards');
      expect(store.listScorecards).toHaveBeenCalledWith({
        limit: 50,
        offset: 0,
        entityRefs: expect.any(Array),
      });
    });

    it.each([
      ['limit=0'],
      ['limit=501'],
      ['limit=abc'],
      ['offset=-1'],
      ['grade=E'],
      ['state=weird'],
      ['sort=password'],
      ['order=up'],
      ['owner=a&owner=b'],
    ])('rejects %s with 400', async query => {
      const res = await request(app).get(`/scorecards?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(/^Invalid query: /);
      expect(store.listScorecards).not.toHaveBeenCalled();
    });

    it('answers 403 without the read permission', async () => {
      await setup({ permission: AuthorizeResult.DENY });
      const res = await request(app).get('/scorecards');
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
    });
  });

  describe('GET /scorecards/:entityRef', () => {
    it('returns the stored scorecard', async () => {
      store.getScorecard.mockResolvedValue(scorecard);
      const res = await request(app).get(
        `/scorecards/${encodeURIComponent('component:default/payments-api')}`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual(scorecard);
      expect(store.getScorecard).toHaveBeenCalledWith(
        'component:default/payments-api',
      );
    });

    it('returns a pending summary for an entity never scanned', async () => {
      store.getScorecard.mockResolvedValue(undefined);
      const res = await request(app).get(
        `/scorecards/${encodeURIComponent('component:default/web')}`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        entityRef: 'component:default/web',
        kind: 'Component',
        name: 'web',
        owner: 'group:default/team-web',
        state: 'pending',
        score: null,
        grade: null,
        checks: [],
        problems: [],
      });
    });

    it('answers 400 for a malformed ref', async () => {
      const res = await request(app).get('/scorecards/not-a-ref');
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    });

    it('answers 404 for an entity the catalog does not show', async () => {
      const res = await request(app).get(
        `/scorecards/${encodeURIComponent('component:default/nope')}`,
      );
      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
      expect(store.getScorecard).not.toHaveBeenCalled();
    });
  });

  describe('GET /scorecards/:entityRef/history', () => {
    it('returns the history with the requested limit', async () => {
      const res = await request(app).get(
        `/scorecards/${encodeURIComponent(
          'component:default/web',
        )}/history?limit=5`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [] });
      expect(store.getHistory).toHaveBeenCalledWith('component:default/web', 5);
    });

    it('rejects a bad limit', async () => {
      const res = await request(app).get(
        `/scorecards/${encodeURIComponent(
          'component:default/web',
        )}/history?limit=-3`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    });
  });

  describe('POST /scorecards/:entityRef/refresh', () => {
    const url = `/scorecards/${encodeURIComponent(
      'component:default/web',
    )}/refresh`;

    it('marks the entity as scanning and starts a scan', async () => {
      const res = await request(app).post(url);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        entityRef: 'component:default/web',
        state: 'scanning',
      });
      expect(store.setState).toHaveBeenCalledWith(
        'component:default/web',
        'scanning',
        undefined,
        expect.objectContaining({
          entityRef: 'component:default/web',
          kind: 'Component',
        }),
      );
      expect(scanner.scan).toHaveBeenCalledWith(
        expect.objectContaining({
          metadata: expect.objectContaining({ name: 'web' }),
        }),
      );
    });

    it('answers 403 when the refresh permission is denied', async () => {
      await setup({ permission: AuthorizeResult.DENY });
      const res = await request(app).post(url);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      expect(store.setState).not.toHaveBeenCalled();
      expect(scanner.scan).not.toHaveBeenCalled();
    });

    it('answers 404 for an unknown entity', async () => {
      const res = await request(app).post(
        `/scorecards/${encodeURIComponent('component:default/nope')}/refresh`,
      );
      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
    });

    it('answers 401 without credentials', async () => {
      const res = await request(app)
        .post(url)
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    });
  });

  describe('GET /teams', () => {
    it('returns team summaries of visible entities', async () => {
      store.teamSummaries.mockResolvedValue([
        {
          owner: 'group:default/team-web',
          components: 1,
          scanned: 1,
          averageScore: 5,
          grades: { A: 0, B: 0, C: 0, D: 1, F: 0 },
        },
      ]);
      const res = await request(app).get('/teams');
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      expect(store.teamSummaries).toHaveBeenCalledWith({
        entityRefs: ['component:default/payments-api', 'component:default/web'],
      });
    });
  });

  describe('GET /checks', () => {
    it('lists the checks with their stats', async () => {
      store.checkStats.mockResolvedValue([
        { checkId: 'fake-check', applicable: 4, failing: 1, passRate: 0.75 },
        { checkId: 'removed-check', applicable: 1, failing: 1, passRate: 0 },
      ]);
      const res = await request(app).get('/checks');
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          id: 'fake-check',
          title: 'A fake check',
          docsPath: 'docs/checks/fake-check.md',
          applicable: 4,
          failing: 1,
          passRate: 0.75,
        }),
      ]);
      expect(res.body.items[0].run).toBeUndefined();
    });

    it('returns one check with its guide', async () => {
      const res = await request(app).get('/checks/fake-check');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: 'fake-check',
        applicable: 0,
        failing: 0,
        passRate: null,
        guide: '# Fake check\n',
      });
    });

    it('answers 404 for an unknown check', async () => {
      const res = await request(app).get('/checks/unknown-check');
      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
    });

    it('never reads outside the guides folder', async () => {
      const res = await request(app).get(
        `/checks/${encodeURIComponent('../../etc/passwd')}`,
      );
      expect(res.status).toBe(404);
    });
  });
});
