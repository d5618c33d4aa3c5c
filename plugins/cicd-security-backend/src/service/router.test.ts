import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Scorecard,
  TeamsResponse,
  Waiver,
} from '@cicd-security/plugin-cicd-security-common';
import {
  CheckRegistry,
  builtinChecks,
  createScorecardCheck,
  evidenceSchema,
  LocalDirectorySnapshot,
  readCheckGuide,
  verifyEvidence,
} from '@cicd-security/plugin-cicd-security-node';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import express from 'express';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import YAML from 'yaml';
import { toScorecardDigest } from '../database/latestScorecards';
import { ScorecardDigest, ScorecardStore } from '../database/ScorecardStore';
import { WaiverStore } from '../database/WaiverStore';
import { fakeCatalog } from '../testing/fakeCatalog';
import { EntityScanner } from '../scanner/EntityScanner';
import { ScanQueue } from '../scheduler/ScanQueue';
import { createRouter, RouterOptions } from './router';
import { CHROMIUM_PATHS } from '../evidence/pdf';

// ---- The OpenAPI document and a validator for responses ------------------

const spec = YAML.parse(
  fs.readFileSync(path.join(__dirname, '../schema/openapi.yaml'), 'utf8'),
);
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ReturnType<Ajv['compile']>>();
const exercised = new Set<string>();

function responseSpec(method: string, specPath: string, status: number) {
  let response = spec.paths[specPath]?.[method]?.responses?.[String(status)];
  if (response?.$ref) {
    response = spec.components.responses[response.$ref.split('/').pop()];
  }
  return response;
}

/** Asserts the response is documented and matches its schema. */
function expectSpec(specPath: string, res: request.Response) {
  const method = (
    res as unknown as { req: { method: string } }
  ).req.method.toLowerCase();
  const response = responseSpec(method, specPath, res.status);
  if (!response) {
    throw new Error(`${method} ${specPath} ${res.status} is not documented`);
  }
  exercised.add(`${method} ${specPath} ${res.status}`);
  const type = String(res.headers['content-type'] ?? '').split(';')[0];
  const media = response.content?.[type];
  if (!media) {
    throw new Error(
      `${method} ${specPath} ${res.status}: undocumented ${type}`,
    );
  }
  const key = `${method} ${specPath} ${res.status} ${type}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ ...media.schema, components: spec.components });
    validators.set(key, validate);
  }
  const body =
    type === 'text/csv' || type === 'text/html'
      ? res.text
      : type === 'application/pdf'
      ? 'PDF bytes, checked by the test'
      : type === 'application/json'
      ? res.body
      : JSON.parse(res.text);
  if (!validate(body)) {
    throw new Error(
      `${key} does not match the schema: ${ajv.errorsText(validate.errors)}`,
    );
  }
}

// ---- Fixtures ---------------------------------------------------------------

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: { type: 'service', lifecycle: 'production', owner },
});

const entities: Entity[] = [
  component('payments-api', 'team-payments'),
  component('web', 'team-web'),
  component('secret', 'team-web'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-web' },
    spec: { type: 'team', children: [] },
  },
  // A group the mock user may not read (see canRead below).
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-hidden' },
    spec: { type: 'team', children: [] },
  },
];

/** What the signed-in mock user may not read in the catalog. */
const HIDDEN = new Set(['secret', 'team-hidden']);

const CHECK_STATS = [
  {
    checkId: 'fake-check',
    applicable: 4,
    failing: 2,
    openFailing: 1,
    waivedFailing: 1,
    suppressedFindings: 3,
    inconclusive: 0,
    passRate: 0.5,
  },
  {
    checkId: 'removed-check',
    applicable: 1,
    failing: 1,
    openFailing: 1,
    waivedFailing: 0,
    suppressedFindings: 0,
    inconclusive: 0,
    passRate: 0,
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

const counts = {
  passed: 0,
  failed: 1,
  warned: 0,
  notApplicable: 0,
  inconclusive: 0,
  errored: 0,
  findings: 1,
  suppressedFindings: 0,
  criticalFindings: 0,
};

const scorecard: Scorecard = {
  entityRef: 'component:default/payments-api',
  kind: 'Component',
  namespace: 'default',
  name: 'payments-api',
  owner: 'group:default/team-payments',
  state: 'ok',
  score: 4,
  grade: 'D',
  categories: [{ category: 'compliance', score: 4, applicable: 1, failing: 1 }],
  counts,
  scannedAt: '2026-01-02T03:04:05.000Z',
  checks: [
    {
      checkId: 'fake-check',
      title: 'A fake check',
      category: 'compliance',
      severity: 'medium',
      status: 'fail',
      score: 4,
      findings: [
        {
          checkId: 'fake-check',
          severity: 'medium',
          message: 'Something is off, e.g. "quoted", in =cell',
          file: '.github/workflows/ci.yml',
          line: 3,
          column: 5,
          fingerprint: 'fp',
        },
      ],
    },
  ],
  problems: [],
  explanation: {
    checks: [
      {
        checkId: 'fake-check',
        category: 'compliance',
        weight: 2,
        score: 4,
        counted: true,
      },
    ],
    categories: [
      { category: 'compliance', score: 4, applicable: 1, failing: 1 },
    ],
    categoryWeights: {
      'secrets-management': 1,
      'vulnerability-scanning': 1,
      'code-quality': 1,
      'access-control': 1,
      compliance: 1,
      'network-security': 1,
      'third-party-software': 1,
    },
    gradeBands: { A: 9, B: 7, C: 5, D: 3 },
  },
  fixFirst: [
    {
      checkId: 'fake-check',
      title: 'A fake check',
      severity: 'medium',
      findings: 1,
      scoreIfFixed: 10,
      gain: 6,
      gradeIfFixed: 'A',
    },
  ],
};

const stats = {
  components: 1,
  scanned: 1,
  averageScore: 4,
  medianScore: 4,
  grades: { A: 0, B: 0, C: 0, D: 1, F: 0 },
  categories: {
    'secrets-management': null,
    'vulnerability-scanning': null,
    'code-quality': null,
    'access-control': null,
    compliance: 4,
    'network-security': null,
    'third-party-software': null,
  },
  change30d: null,
  openCriticalFindings: 0,
};

const teams: TeamsResponse = {
  items: [
    {
      groupRef: 'group:default/team-web',
      type: 'team',
      children: [],
      direct: stats,
      rollup: stats,
    },
  ],
  owners: [
    {
      owner: 'group:default/team-web',
      components: 1,
      scanned: 1,
      averageScore: 4,
      grades: stats.grades,
    },
  ],
  computedAt: '2026-01-02T03:04:00.000Z',
};

const waiver: Waiver = {
  id: 'w-1',
  checkId: 'fake-check',
  scope: { type: 'entity', entityRef: 'component:default/web' },
  reason: 'Accepted',
  expiresAt: '2099-01-01T00:00:00.000Z',
  createdBy: 'user:default/mock',
  createdAt: '2026-01-01T00:00:00.000Z',
  active: true,
  history: [
    {
      action: 'created',
      actor: 'user:default/mock',
      at: '2026-01-01T00:00:00.000Z',
      reason: 'Accepted',
    },
  ],
};

function mockStore(): jest.Mocked<ScorecardStore> {
  const store = {
    saveScan: jest.fn(),
    setState: jest.fn(),
    listScorecards: jest
      .fn()
      .mockResolvedValue({ items: [scorecard], totalCount: 1 }),
    getScorecard: jest.fn().mockResolvedValue(scorecard),
    getHistory: jest.fn().mockResolvedValue([
      {
        scannedAt: '2026-01-02T03:04:05.000Z',
        score: 4,
        grade: 'D',
        state: 'ok',
        categories: [],
      },
    ]),
    teamSummaries: jest.fn().mockResolvedValue([]),
    teams: jest.fn().mockResolvedValue(teams),
    overview: jest.fn().mockResolvedValue({
      stats,
      shareAB: 0,
      trend: [{ date: '2026-01-02', averageScore: 4, scanned: 1 }],
      computedAt: '2026-01-02T03:04:00.000Z',
    }),
    checkStats: jest.fn().mockResolvedValue(CHECK_STATS),
    checkStatsWithTime: jest.fn().mockResolvedValue({
      value: CHECK_STATS,
      computedAt: Date.parse('2026-01-02T03:04:00.000Z'),
    }),
    warmAggregates: jest.fn().mockResolvedValue(undefined),
    failingEntities: jest.fn().mockResolvedValue([
      {
        entityRef: 'component:default/payments-api',
        owner: 'group:default/team-payments',
        score: 4,
        findings: 1,
      },
    ]),
    rescore: jest.fn(),
    listEntityRefs: jest.fn(),
    deleteEntities: jest.fn(),
    getScanStates: jest.fn(),
    pruneHistory: jest.fn(),
  } as unknown as jest.Mocked<ScorecardStore>;
  // The bulk read answers what getScorecard answers, without findings.
  store.getScorecardDigests = jest.fn(async (refs: string[]) => {
    const out = new Map<string, ScorecardDigest>();
    for (const ref of refs) {
      const card = await store.getScorecard(ref);
      if (card) out.set(ref, toScorecardDigest(card));
    }
    return out;
  });
  return store;
}

function mockWaivers(): jest.Mocked<WaiverStore> {
  return {
    create: jest.fn().mockResolvedValue(waiver),
    get: jest
      .fn()
      .mockImplementation(async (id: string) =>
        id === waiver.id ? waiver : undefined,
      ),
    list: jest.fn().mockResolvedValue([
      waiver,
      {
        ...waiver,
        id: 'w-2',
        scope: { type: 'entity', entityRef: 'component:default/secret' },
      },
    ]),
    revoke: jest.fn().mockResolvedValue({
      ...waiver,
      active: false,
      revokedBy: 'user:default/mock',
      revokedAt: '2026-01-03T00:00:00.000Z',
    }),
    applyExpired: jest.fn().mockResolvedValue(0),
    coveredEntities: jest.fn(),
  };
}

const enc = encodeURIComponent;
const WEB = enc('component:default/web');
const PAY = enc('component:default/payments-api');
const SECRET = enc('component:default/secret');
const future = () => new Date(Date.now() + 86_400_000).toISOString();

describe('createRouter', () => {
  let app: express.Express;
  let store: jest.Mocked<ScorecardStore>;
  let waivers: jest.Mocked<WaiverStore>;
  let scanner: { scan: jest.Mock };
  let guidesDir: string;

  async function setup(
    options: {
      permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
      router?: Partial<RouterOptions>;
      entities?: Entity[];
    } = {},
  ) {
    store = mockStore();
    waivers = mockWaivers();
    scanner = { scan: jest.fn().mockResolvedValue({ state: 'ok' }) };
    const router = await createRouter({
      store,
      waivers,
      scanner,
      // The signed-in mock user may not read component:default/secret nor
      // group:default/team-hidden.
      catalog: fakeCatalog({
        entities: options.entities ?? entities,
        canRead: (_user, e) => !HIDDEN.has(e.metadata.name),
      }),
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
      logger: mockServices.logger.mock(),
      registry: new CheckRegistry([fakeCheck]),
      guidesDir,
      visibilityTtlMs: 0,
      ...options.router,
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
    expectSpec('/health', res);
  });

  it.each([
    ['get', '/nope'],
    ['post', '/scorecards/component:default/web/nope'],
    ['delete', '/checks'],
  ])(
    'answers %s %s, which has no route, with a JSON 404',
    async (method, url) => {
      const res = await (request(app) as any)[method](url);
      expect(res.status).toBe(404);
      expect(res.type).toBe('application/json');
      expect(res.body.error).toMatchObject({
        name: 'NotFoundError',
        message: `No route for ${method.toUpperCase()} ${url}`,
      });
    },
  );

  describe('GET /scorecards', () => {
    it('passes validated filters and the visible refs to the store', async () => {
      const res = await request(app).get(
        '/scorecards?owner=group:default/team-payments&grade=D,F&sort=criticalFindings&order=desc&limit=10&offset=5&q=pay&category=compliance&categoryBelow=5&failingCheck=fake-check&system=system:default/pay&type=service&lifecycle=production',
      );
      expect(res.status).toBe(200);
      expectSpec('/scorecards', res);
      expect(res.body).toEqual({ items: [scorecard], totalCount: 1 });
      expect(store.listScorecards).toHaveBeenCalledWith({
        owner: 'group:default/team-payments',
        system: 'system:default/pay',
        type: 'service',
        lifecycle: 'production',
        grade: 'D,F',
        category: 'compliance',
        categoryBelow: 5,
        failingCheck: 'fake-check',
        sort: 'criticalFindings',
        order: 'desc',
        limit: 10,
        offset: 5,
        q: 'pay',
        // The catalog does not let this user read component:default/secret.
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
      ['grade=A,,B'],
      ['state=weird'],
      ['sort=password'],
      ['order=up'],
      ['owner=a&owner=b'],
      ['owner=not a ref'],
      ['category=compliance'],
      ['categoryBelow=3'],
      ['category=nope&categoryBelow=3'],
      ['failingCheck=../x'],
      ['unknown=1'],
    ])('rejects %s with 400', async query => {
      const res = await request(app).get(`/scorecards?${query}`);
      expect(res.status).toBe(400);
      expectSpec('/scorecards', res);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(/^Invalid query: /);
      expect(store.listScorecards).not.toHaveBeenCalled();
    });
  });

  describe('GET /scorecards/export', () => {
    it('exports CSV with escaped cells', async () => {
      const res = await request(app).get(
        '/scorecards/export?format=csv&grade=D',
      );
      expect(res.status).toBe(200);
      expectSpec('/scorecards/export', res);
      expect(res.headers['content-disposition']).toMatch(
        /attachment; filename=".*\.csv"/,
      );
      const [header, row] = res.text.split('\r\n');
      expect(header.split(',')).toEqual(
        expect.arrayContaining(['entityRef', 'score', 'grade', 'compliance']),
      );
      expect(row).toContain('component:default/payments-api');
      expect(store.listScorecards).toHaveBeenCalledWith(
        expect.objectContaining({ grade: 'D', limit: 500, offset: 0 }),
      );
    });

    it('exports JSON', async () => {
      const res = await request(app).get('/scorecards/export?format=json');
      expect(res.status).toBe(200);
      expectSpec('/scorecards/export', res);
      expect(res.body.items).toHaveLength(1);
    });

    it('rejects an unknown format', async () => {
      const res = await request(app).get('/scorecards/export?format=xls');
      expect(res.status).toBe(400);
      expectSpec('/scorecards/export', res);
    });
  });

  describe('GET /scorecards/:entityRef', () => {
    it('returns the stored scorecard', async () => {
      const res = await request(app).get(`/scorecards/${PAY}`);
      expect(res.status).toBe(200);
      expectSpec('/scorecards/{entityRef}', res);
      expect(res.body).toEqual(scorecard);
      expect(store.getScorecard).toHaveBeenCalledWith(
        'component:default/payments-api',
      );
      // Reads never write: expired waivers are applied by the housekeeping.
      expect(waivers.applyExpired).not.toHaveBeenCalled();
    });

    it('returns a pending summary for an entity never scanned', async () => {
      store.getScorecard.mockResolvedValue(undefined);
      const res = await request(app).get(`/scorecards/${WEB}`);
      expect(res.status).toBe(200);
      expectSpec('/scorecards/{entityRef}', res);
      expect(res.body).toMatchObject({
        entityRef: 'component:default/web',
        owner: 'group:default/team-web',
        state: 'pending',
        score: null,
        checks: [],
      });
    });

    it('answers 400 for a malformed ref', async () => {
      const res = await request(app).get('/scorecards/not-a-ref');
      expect(res.status).toBe(400);
      expectSpec('/scorecards/{entityRef}', res);
    });

    it.each([['component:default/nope'], ['component:default/secret']])(
      'answers 404 for %s, which the catalog does not show',
      async ref => {
        const res = await request(app).get(`/scorecards/${enc(ref)}`);
        expect(res.status).toBe(404);
        expectSpec('/scorecards/{entityRef}', res);
        expect(res.body.error.name).toBe('NotFoundError');
        expect(store.getScorecard).not.toHaveBeenCalled();
      },
    );
  });

  describe('GET /scorecards/:entityRef/history', () => {
    it('returns the history with the requested limit and start', async () => {
      const res = await request(app).get(
        `/scorecards/${WEB}/history?limit=5&since=2026-01-01T00:00:00Z`,
      );
      expect(res.status).toBe(200);
      expectSpec('/scorecards/{entityRef}/history', res);
      expect(store.getHistory).toHaveBeenCalledWith(
        'component:default/web',
        5,
        new Date('2026-01-01T00:00:00Z'),
      );
    });

    it('rejects a bad limit', async () => {
      const res = await request(app).get(`/scorecards/${WEB}/history?limit=-3`);
      expect(res.status).toBe(400);
      expectSpec('/scorecards/{entityRef}/history', res);
      const since = await request(app).get(
        `/scorecards/${WEB}/history?since=yesterday`,
      );
      expect(since.status).toBe(400);
    });

    it('hides entities the catalog does not show', async () => {
      const res = await request(app).get(`/scorecards/${SECRET}/history`);
      expect(res.status).toBe(404);
      expectSpec('/scorecards/{entityRef}/history', res);
    });
  });

  describe('GET /scorecards/:entityRef/sarif', () => {
    it('returns SARIF 2.1.0 of the findings', async () => {
      const res = await request(app).get(`/scorecards/${PAY}/sarif`);
      expect(res.status).toBe(200);
      expectSpec('/scorecards/{entityRef}/sarif', res);
      const sarif = JSON.parse(res.text);
      expect(sarif.runs[0].tool.driver.rules.map((r: any) => r.id)).toEqual([
        'fake-check',
      ]);
      expect(sarif.runs[0].results[0]).toMatchObject({
        ruleId: 'fake-check',
        level: 'warning',
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: '.github/workflows/ci.yml' },
              region: { startLine: 3, startColumn: 5 },
            },
          },
        ],
      });
    });

    it('rejects a malformed ref and hides invisible entities', async () => {
      let res = await request(app).get('/scorecards/bad/sarif');
      expect(res.status).toBe(400);
      expectSpec('/scorecards/{entityRef}/sarif', res);
      res = await request(app).get(`/scorecards/${SECRET}/sarif`);
      expect(res.status).toBe(404);
      expectSpec('/scorecards/{entityRef}/sarif', res);
    });
  });

  describe('GET /scorecards/:entityRef/sbom', () => {
    const demo = path.resolve(__dirname, '../../../../examples/repos');

    it('returns a CycloneDX SBOM of the packages the source pins', async () => {
      const readSource = jest.fn(async () => ({
        snapshot: LocalDirectorySnapshot.create(
          path.join(demo, 'session-gateway'),
        ),
      }));
      await setup({
        router: { scanner: { scan: jest.fn(), readSource } },
      });
      const res = await request(app).get(`/scorecards/${PAY}/sbom`);
      expect(res.status).toBe(200);
      expectSpec('/scorecards/{entityRef}/sbom', res);
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="payments-api.cdx.json"',
      );
      const bom = JSON.parse(res.text);
      expect(bom.metadata.component.name).toBe('payments-api');
      expect(bom.components.map((c: any) => c.purl)).toContain(
        'pkg:golang/github.com/golang-jwt/jwt/v5@v5.2.1',
      );
    });

    it('answers 404 with the reason when the entity has no readable source', async () => {
      await setup({
        router: {
          scanner: {
            scan: jest.fn(),
            readSource: async () => ({ reason: 'no source location' }),
          },
        },
      });
      const res = await request(app).get(`/scorecards/${PAY}/sbom`);
      expect(res.status).toBe(404);
      expectSpec('/scorecards/{entityRef}/sbom', res);
      expect(res.body.error.message).toContain('no source location');
      const hidden = await request(app).get(`/scorecards/${SECRET}/sbom`);
      expect(hidden.status).toBe(404);
      const bad = await request(app).get('/scorecards/bad/sbom');
      expect(bad.status).toBe(400);
      expectSpec('/scorecards/{entityRef}/sbom', bad);
    });

    it('counts against the refresh rate limit: it reads the whole source', async () => {
      await setup({ router: { refreshRateLimit: 2 } });
      for (let i = 0; i < 2; i++) {
        expect((await request(app).get(`/scorecards/${PAY}/sbom`)).status).toBe(
          404,
        );
      }
      const res = await request(app).get(`/scorecards/${PAY}/sbom`);
      expect(res.status).toBe(429);
      expectSpec('/scorecards/{entityRef}/sbom', res);
    });
  });

  describe('GET /scorecards/:entityRef/source', () => {
    // A fake token, built so that no file holds it whole.
    const TOKEN = `ghp_${'a1B2c3D4e5F6g7H8i9J0'}${'k1L2m3N4o5P6q7R8'}`;
    let root: string;
    let outside: string;
    const withSource = (name: string, location: string): Entity => ({
      ...component(name, 'team-payments'),
      metadata: {
        name,
        annotations: { 'backstage.io/source-location': location },
      },
    });

    beforeAll(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-source-view-'));
      outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-outside-'));
      const repo = path.join(root, 'payments-api');
      const write = (file: string, content: string | Buffer) => {
        fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
        fs.writeFileSync(path.join(repo, file), content);
      };
      write(
        '.github/workflows/ci.yml',
        'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n',
      );
      write(
        'deploy/release.sh',
        `#!/bin/sh\nset -e\nexport GITHUB_TOKEN=${TOKEN}\ncurl -H "Authorization: token ${TOKEN}" https://api.github.com/user\necho done\n`,
      );
      write('docs/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      write('data/blob.dat', Buffer.from([1, 0, 2, 0, 3]));
      write('.git/config', '[remote "origin"]\n');
      fs.writeFileSync(path.join(outside, 'passwd'), 'root:x:0:0\n');
      fs.symlinkSync(path.join(outside, 'passwd'), path.join(repo, 'escape'));
      fs.symlinkSync(
        path.join(repo, '.github/workflows/ci.yml'),
        path.join(repo, 'ci-link.yml'),
      );
    });
    afterAll(() => {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    });

    async function setupSources() {
      const readTree = jest.fn();
      await setup({
        entities: [
          withSource('payments-api', `dir:${path.join(root, 'payments-api')}`),
          withSource('web', 'url:https://github.com/acme/web'),
          withSource('gone', `dir:${path.join(root, 'missing')}`),
          { ...withSource('secret', `dir:${root}`) },
        ],
        router: {
          scanner: new EntityScanner({
            store: mockStore(),
            registry: new CheckRegistry([fakeCheck]),
            logger: mockServices.logger.mock(),
            localRoots: [root],
            urlReader: { readTree },
            integrations: { byUrl: () => ({}) },
            allow: [{ host: 'github.com' }],
          }),
        },
      });
      return { readTree };
    }
    const get = (ref: string, file: string) =>
      request(app).get(`/scorecards/${ref}/source?path=${enc(file)}`);

    it('serves a file of a dir: source with its lines', async () => {
      await setupSources();
      const res = await get(PAY, '.github/workflows/ci.yml');
      expect(res.status).toBe(200);
      expectSpec('/scorecards/{entityRef}/source', res);
      expect(res.body).toEqual({
        entityRef: 'component:default/payments-api',
        path: '.github/workflows/ci.yml',
        content: 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n',
        size: 51,
        redactions: 0,
        sourceLocation: `dir:${path.join(root, 'payments-api')}`,
      });
      // A link that stays inside the source is followed.
      const link = await get(PAY, 'ci-link.yml');
      expect(link.status).toBe(200);
      expect(link.body.content).toContain('runs-on: ubuntu-latest');
    });

    it('never serves a secret in clear, and keeps the line numbers', async () => {
      await setupSources();
      const res = await get(PAY, 'deploy/release.sh');
      expect(res.status).toBe(200);
      expectSpec('/scorecards/{entityRef}/source', res);
      expect(res.text).not.toContain(TOKEN);
      expect(res.text).not.toContain(TOKEN.slice(4, 20));
      const lines = res.body.content.split('\n');
      expect(lines).toHaveLength(6);
      expect(lines[2]).toBe('export GITHUB_TOKEN=ghp_…[REDACTED 36 chars]');
      expect(lines[3]).toContain('[REDACTED');
      expect(lines[3]).toContain('https://api.github.com/user');
      expect(lines[4]).toBe('echo done');
      expect(res.body.redactions).toBeGreaterThanOrEqual(2);
    });

    it('answers 400 with the reason for a path that is not a file of the source', async () => {
      await setupSources();
      for (const [file, reason] of [
        ['../payments-api/deploy/release.sh', 'must not contain ..'],
        ['/etc/passwd', 'relative to the repository root'],
        ['deploy//release.sh', 'empty or . segments'],
        ['deploy\\release.sh', 'separator'],
        ['.github/workflows', 'names a directory'],
        ['.github/workflows/', 'names a directory'],
        ['', 'the path is empty'],
        ['docs/logo.png', 'binary'],
        ['data/blob.dat', 'binary file'],
      ]) {
        const res = await get(PAY, file);
        expect({ file, status: res.status }).toEqual({ file, status: 400 });
        expectSpec('/scorecards/{entityRef}/source', res);
        expect(res.body.error.message).toContain(reason);
      }
      const none = await request(app).get(`/scorecards/${PAY}/source`);
      expect(none.status).toBe(400);
      expect(none.body.error.message).toContain('path');
      const two = await request(app).get(
        `/scorecards/${PAY}/source?path=a&path=b`,
      );
      expect(two.status).toBe(400);
    });

    it('answers 404 for files outside the snapshot and unknown entities or sources', async () => {
      await setupSources();
      for (const file of ['missing.txt', 'escape', '.git/config']) {
        const res = await get(PAY, file);
        expect({ file, status: res.status }).toEqual({ file, status: 404 });
        expectSpec('/scorecards/{entityRef}/source', res);
      }
      expect((await get(SECRET, 'payments-api/deploy/release.sh')).status).toBe(
        404,
      );
      const gone = await get(enc('component:default/gone'), 'a.txt');
      expect(gone.status).toBe(404);
      expect(gone.body.error.message).toContain('does not exist');
      expect((await get('bad', 'a.txt')).status).toBe(400);
    });

    it('answers 409 for a url: source, whose SCM shows its files', async () => {
      const { readTree } = await setupSources();
      const res = await get(WEB, 'README.md');
      expect(res.status).toBe(409);
      expectSpec('/scorecards/{entityRef}/source', res);
      expect(res.body.error.message).toContain(
        'url:https://github.com/acme/web',
      );
      expect(readTree).not.toHaveBeenCalled();
    });

    it('gives the scorecard of a dir: source its link template', async () => {
      await setup({
        router: {
          sourceLinkTemplate:
            '/cicd-security/source/{namespace}/{kind}/{name}?path={path}&line={line}',
        },
      });
      store.getScorecard.mockResolvedValue({
        ...scorecard,
        sourceLocation: 'dir:../repos/payments-api',
      });
      const res = await request(app).get(`/scorecards/${PAY}`);
      expectSpec('/scorecards/{entityRef}', res);
      expect(res.body.sourceLinkTemplate).toBe(
        '/cicd-security/source/default/component/payments-api?path={path}&line={line}',
      );
      store.getScorecard.mockResolvedValue({
        ...scorecard,
        sourceLocation: 'url:https://github.com/acme/payments-api',
        scmUrl: 'https://github.com/acme/payments-api',
      });
      const url = await request(app).get(`/scorecards/${PAY}`);
      expect(url.body.sourceLinkTemplate).toBeUndefined();
    });
  });

  describe('POST /scorecards/:entityRef/refresh', () => {
    it('marks the entity as scanning and starts a scan', async () => {
      const res = await request(app).post(`/scorecards/${WEB}/refresh`);
      expect(res.status).toBe(202);
      expectSpec('/scorecards/{entityRef}/refresh', res);
      expect(res.body).toEqual({
        entityRef: 'component:default/web',
        state: 'scanning',
        status: 'scanning',
        alreadyQueued: false,
      });
      expect(scanner.scan).toHaveBeenCalled();
    });

    /** A scanner whose scans end when released; counts scans at once. */
    function slowScanner() {
      const gates: Array<() => void> = [];
      const tally = { running: 0, peak: 0, started: [] as string[] };
      const scan = jest.fn(async (entity: Entity) => {
        tally.started.push(entity.metadata.name);
        tally.running++;
        tally.peak = Math.max(tally.peak, tally.running);
        await new Promise<void>(resolve => gates.push(resolve));
        tally.running--;
        return { entityRef: entity.metadata.name, state: 'ok' as const };
      });
      const releaseAll = async () => {
        while (tally.running > 0 || gates.length) {
          gates.splice(0).forEach(g => g());
          await new Promise(r => setTimeout(r, 5));
        }
      };
      return { scan, stats: tally, releaseAll };
    }

    it('30 concurrent refreshes of one entity queue one scan', async () => {
      const slow = slowScanner();
      const queue = new ScanQueue(2);
      await setup({
        router: { scanner: slow, scanQueue: queue, refreshRateLimit: 31 },
      });
      const responses = await Promise.all(
        Array.from({ length: 30 }, () =>
          request(app).post(`/scorecards/${WEB}/refresh`),
        ),
      );
      expect(responses.map(r => r.status)).toEqual(Array(30).fill(202));
      responses.forEach(r => expectSpec('/scorecards/{entityRef}/refresh', r));
      expect(responses.filter(r => !r.body.alreadyQueued)).toHaveLength(1);
      expect(
        responses.filter(r => r.body.alreadyQueued).map(r => r.body.status),
      ).toEqual(Array(29).fill('scanning'));
      expect(slow.scan).toHaveBeenCalledTimes(1);
      await slow.releaseAll();
      // Once the scan ended, a new refresh queues a new one.
      const again = await request(app).post(`/scorecards/${WEB}/refresh`);
      expect(again.body).toMatchObject({ alreadyQueued: false });
      expect(slow.scan).toHaveBeenCalledTimes(2);
      await slow.releaseAll();
    });

    it('30 refreshes of 30 entities run at most `concurrency` scans at once', async () => {
      const slow = slowScanner();
      const many = Array.from({ length: 30 }, (_, i) =>
        component(`svc-${i}`, 'team-web'),
      );
      const queue = new ScanQueue(3);
      await setup({
        entities: many,
        router: { scanner: slow, scanQueue: queue },
      });
      const responses = await Promise.all(
        many.map(e =>
          request(app).post(
            `/scorecards/${enc(
              `component:default/${e.metadata.name}`,
            )}/refresh`,
          ),
        ),
      );
      expect(responses.map(r => r.status)).toEqual(Array(30).fill(202));
      expect(responses.filter(r => r.body.status === 'queued')).toHaveLength(
        27,
      );
      expect(slow.stats.running).toBe(3);
      expect(queue.size).toBe(30);
      await slow.releaseAll();
      expect(slow.scan).toHaveBeenCalledTimes(30);
      expect(slow.stats.peak).toBe(3);
      expect(queue.size).toBe(0);
    });

    it('answers 429 with Retry-After past the per-caller rate limit', async () => {
      await setup({ router: { refreshRateLimit: 5 } });
      for (let i = 0; i < 5; i++) {
        const ok = await request(app).post(`/scorecards/${WEB}/refresh`);
        expect(ok.status).toBe(202);
      }
      const res = await request(app).post(`/scorecards/${PAY}/refresh`);
      expect(res.status).toBe(429);
      expectSpec('/scorecards/{entityRef}/refresh', res);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(res.body.error).toEqual({
        name: 'TooManyRequestsError',
        message: expect.stringMatching(
          /^Too many refresh requests: at most 5 per 60 s per caller; retry in \d+ s$/,
        ),
      });
      // Another caller has a budget of its own.
      const other = await request(app)
        .post(`/scorecards/${WEB}/refresh`)
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/other'),
        );
      expect(other.status).toBe(202);
      // Each scan ended before the next request: five, then the other's.
      expect(scanner.scan).toHaveBeenCalledTimes(6);
    });

    it('answers 400 and 404', async () => {
      let res = await request(app).post('/scorecards/x/refresh');
      expect(res.status).toBe(400);
      expectSpec('/scorecards/{entityRef}/refresh', res);
      res = await request(app).post(`/scorecards/${SECRET}/refresh`);
      expect(res.status).toBe(404);
      expectSpec('/scorecards/{entityRef}/refresh', res);
      expect(scanner.scan).not.toHaveBeenCalled();
    });
  });

  describe('GET /overview', () => {
    it('returns the overview of visible entities', async () => {
      const res = await request(app).get('/overview?days=7');
      expect(res.status).toBe(200);
      expectSpec('/overview', res);
      // Cached figures say when they were computed.
      expect(res.body.computedAt).toBe('2026-01-02T03:04:00.000Z');
      expect(store.overview).toHaveBeenCalledWith({
        entityRefs: ['component:default/payments-api', 'component:default/web'],
        days: 7,
      });
    });

    it('rejects bad days', async () => {
      const res = await request(app).get('/overview?days=0');
      expect(res.status).toBe(400);
      expectSpec('/overview', res);
    });
  });

  describe('policies', () => {
    const policies: RouterOptions['policies'] = [
      {
        name: 'Production services',
        select: { lifecycle: ['production'] },
        minGrade: 'B',
      },
      {
        name: 'Payments',
        select: { owner: ['group:default/team-payments'] },
        checksPassing: ['fake-check'],
      },
      { name: 'Websites', select: { type: ['website'] }, minScore: 5 },
    ];

    it('GET /policies counts the visible components of each policy and lists what to fix', async () => {
      await setup({ router: { policies } });
      store.getScorecard.mockImplementation(async ref =>
        ref === 'component:default/payments-api' ? scorecard : undefined,
      );
      const res = await request(app).get('/policies');
      expect(res.status).toBe(200);
      expectSpec('/policies', res);
      const failed = [
        {
          requirement: 'Grade B or better',
          kind: 'minGrade',
          met: false,
          detail: 'grade D: raise the score to grade B',
        },
      ];
      expect(res.body.items).toEqual([
        {
          name: 'Production services',
          select: { lifecycle: ['production'] },
          requirements: ['Grade B or better'],
          // component:default/secret is hidden from the caller; web was
          // never scanned.
          counts: { selected: 2, inPolicy: 0, outOfPolicy: 1, notEvaluated: 1 },
          outOfPolicy: [
            {
              entityRef: 'component:default/payments-api',
              name: 'payments-api',
              owner: 'group:default/team-payments',
              score: 4,
              grade: 'D',
              failed,
            },
          ],
        },
        expect.objectContaining({
          name: 'Payments',
          counts: { selected: 1, inPolicy: 0, outOfPolicy: 1, notEvaluated: 0 },
          outOfPolicy: [
            expect.objectContaining({
              failed: [
                {
                  requirement: 'fake-check passes',
                  kind: 'checkPassing',
                  met: false,
                  detail: 'fails with 1 finding: fix it',
                  checkIds: ['fake-check'],
                },
              ],
            }),
          ],
        }),
        expect.objectContaining({
          name: 'Websites',
          counts: { selected: 0, inPolicy: 0, outOfPolicy: 0, notEvaluated: 0 },
          outOfPolicy: [],
        }),
      ]);
      expect(store.getScorecard).not.toHaveBeenCalledWith(
        'component:default/secret',
      );
    });

    it('GET /policies answers an empty list without policies, 400 for parameters', async () => {
      const res = await request(app).get('/policies');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [] });
      const bad = await request(app).get('/policies?x=1');
      expect(bad.status).toBe(400);
      expectSpec('/policies', bad);
    });

    it('GET /scorecards/:entityRef/policies says what the component must meet', async () => {
      await setup({ router: { policies } });
      const res = await request(app).get(`/scorecards/${PAY}/policies`);
      expect(res.status).toBe(200);
      expectSpec('/scorecards/{entityRef}/policies', res);
      expect(res.body).toEqual({
        entityRef: 'component:default/payments-api',
        items: [
          expect.objectContaining({
            policy: 'Production services',
            status: 'out-of-policy',
          }),
          expect.objectContaining({
            policy: 'Payments',
            status: 'out-of-policy',
          }),
        ],
      });
    });

    it('GET /scorecards/:entityRef/policies: not evaluated before the first scan', async () => {
      await setup({ router: { policies } });
      store.getScorecard.mockResolvedValue(undefined);
      const res = await request(app).get(`/scorecards/${WEB}/policies`);
      expect(res.status).toBe(200);
      expectSpec('/scorecards/{entityRef}/policies', res);
      expect(res.body.items).toEqual([
        {
          policy: 'Production services',
          status: 'not-evaluated',
          reason: 'never scanned',
          requirements: [
            {
              requirement: 'Grade B or better',
              kind: 'minGrade',
              met: false,
              detail: 'not evaluated',
            },
          ],
        },
      ]);
    });

    it('GET /scorecards/:entityRef/policies answers 400 and 404', async () => {
      await setup({ router: { policies } });
      const bad = await request(app).get('/scorecards/not%20a%20ref/policies');
      expect(bad.status).toBe(400);
      expectSpec('/scorecards/{entityRef}/policies', bad);
      const hidden = await request(app).get(`/scorecards/${SECRET}/policies`);
      expect(hidden.status).toBe(404);
      expectSpec('/scorecards/{entityRef}/policies', hidden);
    });
  });

  describe('GET /compliance/:framework', () => {
    const withChecks = (
      entityRef: string,
      status: 'pass' | 'fail',
    ): Scorecard => ({
      ...scorecard,
      entityRef,
      checks: [
        {
          checkId: 'hardcoded-secrets',
          title: 'Hard-coded secrets',
          category: 'secrets-management',
          severity: 'critical',
          status,
          findings: [],
        },
        {
          checkId: 'build-provenance',
          title: 'Build provenance',
          category: 'compliance',
          severity: 'medium',
          status: 'pass',
          findings: [],
        },
      ],
    });

    it("returns one entity's view with its estimated SLSA Build level", async () => {
      store.getScorecard.mockResolvedValue(
        withChecks('component:default/web', 'fail'),
      );
      const res = await request(app).get(
        `/compliance/owasp-cicd-top10?entityRef=${WEB}`,
      );
      expect(res.status).toBe(200);
      expectSpec('/compliance/{framework}', res);
      expect(res.body.scope).toEqual({
        type: 'entity',
        entityRef: 'component:default/web',
      });
      expect(res.body.framework.id).toBe('owasp-cicd-top10');
      const sec6 = res.body.controls.find(
        (c: any) => c.controlId === 'CICD-SEC-6',
      );
      expect(sec6).toMatchObject({
        status: 'not-met',
        evidence: [
          expect.objectContaining({
            checkId: 'hardcoded-secrets',
            status: 'fail',
          }),
        ],
      });
      expect(res.body.components).toEqual({ evaluated: 1, notEvaluated: 0 });
      expect(res.body.slsa.level).toBeGreaterThanOrEqual(1);
    });

    it('aggregates the visible components of the organisation', async () => {
      store.getScorecard.mockImplementation(async ref =>
        ref === 'component:default/web'
          ? withChecks(ref, 'fail')
          : ref === 'component:default/payments-api'
          ? withChecks(ref, 'pass')
          : undefined,
      );
      const res = await request(app).get('/compliance/owasp-cicd-top10');
      expect(res.status).toBe(200);
      expectSpec('/compliance/{framework}', res);
      expect(res.body.scope).toEqual({ type: 'org' });
      const sec6 = res.body.controls.find(
        (c: any) => c.controlId === 'CICD-SEC-6',
      );
      expect(sec6.status).toBe('partially-met');
      expect(sec6.entities).toEqual({
        met: 1,
        'not-met': 1,
        'partially-met': 0,
        'not-assessed': 0,
      });
      // The hidden component is never read.
      expect(store.getScorecard).not.toHaveBeenCalledWith(
        'component:default/secret',
      );
      expect(res.body.components).toEqual({ evaluated: 2, notEvaluated: 0 });
    });

    it("a team's view covers its components through the group hierarchy", async () => {
      store.getScorecard.mockResolvedValue(
        withChecks('component:default/web', 'pass'),
      );
      const res = await request(app).get(
        '/compliance/openssf-scorecard?owner=team-web',
      );
      expect(res.status).toBe(200);
      expectSpec('/compliance/{framework}', res);
      expect(res.body.scope).toEqual({
        type: 'owner',
        owner: 'group:default/team-web',
      });
      expect(store.listScorecards).toHaveBeenCalledWith(
        expect.objectContaining({ owner: 'group:default/team-web' }),
      );
    });

    it('counts components never scanned apart', async () => {
      store.getScorecard.mockResolvedValue(undefined);
      const res = await request(app).get('/compliance/slsa-build');
      expect(res.status).toBe(200);
      expect(res.body.components).toEqual({ evaluated: 0, notEvaluated: 2 });
      expect(
        res.body.controls.every((c: any) => c.status === 'not-assessed'),
      ).toBe(true);
    });

    it('answers 400 for an unknown framework with the known ones, and 404 for what the caller cannot see', async () => {
      const unknown = await request(app).get('/compliance/iso-27001');
      expect(unknown.status).toBe(400);
      expectSpec('/compliance/{framework}', unknown);
      expect(unknown.body.error.message).toBe(
        "Unknown framework 'iso-27001'; known frameworks: owasp-cicd-top10, openssf-scorecard, osps-baseline, slsa-build, nist-ssdf",
      );
      const both = await request(app).get(
        `/compliance/slsa-build?owner=team-web&entityRef=${WEB}`,
      );
      expect(both.status).toBe(400);
      const hiddenEntity = await request(app).get(
        `/compliance/slsa-build?entityRef=${SECRET}`,
      );
      expect(hiddenEntity.status).toBe(404);
      expectSpec('/compliance/{framework}', hiddenEntity);
      const hiddenGroup = await request(app).get(
        '/compliance/slsa-build?owner=team-hidden',
      );
      expect(hiddenGroup.status).toBe(404);
    });
  });

  describe('GET /evidence', () => {
    const evidenceValidate = new Ajv2020({
      allErrors: true,
      strict: false,
    }).compile(evidenceSchema);
    const scanned = (entityRef: string): Scorecard => ({
      ...scorecard,
      entityRef,
      state: 'ok',
      scannedAt: '2026-11-20T10:00:00.000Z',
      revision: '0123456789abcdef0123456789abcdef01234567',
      checks: [
        {
          checkId: 'hardcoded-secrets',
          title: 'Hard-coded secrets',
          category: 'secrets-management',
          severity: 'critical',
          status: 'fail',
          findings: [
            {
              checkId: 'hardcoded-secrets',
              severity: 'critical',
              message: 'token in <script>alert(1)</script>',
              file: '.github/workflows/ci.yml',
              line: 3,
              fingerprint: 'fp-1',
            },
          ],
          waiver: {
            id: 'w-1',
            reason: 'rotating',
            expiresAt: '2099-01-01T00:00:00.000Z',
            createdBy: 'user:default/alice',
          },
        },
      ],
    });

    it("exports one entity's evidence, schema-valid and byte-identical twice", async () => {
      store.getScorecard.mockImplementation(async ref => scanned(ref));
      const url = `/evidence?entityRef=${WEB}&framework=nist-ssdf`;
      const res = await request(app).get(url);
      expect(res.status).toBe(200);
      expectSpec('/evidence', res);
      expect(evidenceValidate(res.body) ? [] : evidenceValidate.errors).toEqual(
        [],
      );
      expect(res.body.content.scope).toEqual({
        kind: 'entity',
        entityRef: 'component:default/web',
      });
      expect(res.body.content.framework.id).toBe('nist-ssdf');
      expect(res.body.content.components[0].commitSha).toBe(
        '0123456789abcdef0123456789abcdef01234567',
      );
      expect(res.body.content.components[0].waivers[0].grantedBy).toBe(
        'user:default/alice',
      );
      expect(verifyEvidence(res.body).valid).toBe(true);
      expect(res.headers['x-evidence-digest']).toBe(
        `sha256:${res.body.integrity.digest}`,
      );
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      const again = await request(app).get(url);
      expect(again.text).toBe(res.text);
    });

    it('exports the organisation and a team, with the default framework', async () => {
      store.getScorecard.mockImplementation(async ref => scanned(ref));
      const org = await request(app).get('/evidence');
      expect(org.status).toBe(200);
      expectSpec('/evidence', org);
      expect(evidenceValidate(org.body)).toBe(true);
      expect(org.body.content.scope).toEqual({ kind: 'org' });
      expect(org.body.content.framework.id).toBe('owasp-cicd-top10');
      const team = await request(app).get('/evidence?owner=team-web');
      expect(team.status).toBe(200);
      expect(team.body.content.scope).toEqual({
        kind: 'team',
        owner: 'group:default/team-web',
      });
      expect(store.listScorecards).toHaveBeenCalledWith(
        expect.objectContaining({ owner: 'group:default/team-web' }),
      );
    });

    it('renders the HTML report with every text escaped', async () => {
      store.getScorecard.mockImplementation(async ref => scanned(ref));
      const res = await request(app).get(
        `/evidence?entityRef=${WEB}&format=html`,
      );
      expect(res.status).toBe(200);
      expectSpec('/evidence', res);
      expect(res.text).not.toContain('<script');
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.headers['content-security-policy']).toContain(
        "default-src 'none'",
      );
    });

    it('answers 503 with the reason for a PDF where Chromium is not installed', async () => {
      await setup({
        router: {
          evidencePdf: {
            unavailable: () => 'PDF export needs headless Chromium',
            render: jest.fn(),
          },
        },
      });
      const res = await request(app).get(
        `/evidence?entityRef=${WEB}&format=pdf`,
      );
      expect(res.status).toBe(503);
      expectSpec('/evidence', res);
      expect(res.body.error.message).toContain('needs headless Chromium');
    });

    it('prints the report as a PDF with headless Chromium', async () => {
      const chromium = CHROMIUM_PATHS.find(p => fs.existsSync(p));
      if (!chromium) {
        // eslint-disable-next-line no-console
        console.log('SKIPPED: no headless Chromium installed for the PDF test');
        return;
      }
      store.getScorecard.mockImplementation(async ref => scanned(ref));
      const res = await request(app)
        .get(`/evidence?entityRef=${WEB}&format=pdf`)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expectSpec('/evidence', res);
      expect(res.headers['content-disposition']).toMatch(/\.pdf"$/);
      const pdf = res.body as Buffer;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(1000);
    }, 60_000);

    it('answers 400 for bad input and 404 for what the caller cannot see', async () => {
      const unknown = await request(app).get('/evidence?framework=iso-27001');
      expect(unknown.status).toBe(400);
      expectSpec('/evidence', unknown);
      expect(unknown.body.error.message).toContain(
        "Unknown framework 'iso-27001'",
      );
      const badFormat = await request(app).get('/evidence?format=docx');
      expect(badFormat.status).toBe(400);
      const both = await request(app).get(
        `/evidence?owner=team-web&entityRef=${WEB}`,
      );
      expect(both.status).toBe(400);
      const hiddenEntity = await request(app).get(
        `/evidence?entityRef=${SECRET}`,
      );
      expect(hiddenEntity.status).toBe(404);
      expectSpec('/evidence', hiddenEntity);
      const hiddenGroup = await request(app).get('/evidence?owner=team-hidden');
      expect(hiddenGroup.status).toBe(404);
    });
  });

  describe('GET /teams', () => {
    it('returns aggregates of visible entities under a root', async () => {
      const res = await request(app).get('/teams?root=team-web');
      expect(res.status).toBe(200);
      expectSpec('/teams', res);
      expect(res.body.computedAt).toBe('2026-01-02T03:04:00.000Z');
      expect(store.teams).toHaveBeenCalledWith({
        entityRefs: ['component:default/payments-api', 'component:default/web'],
        root: 'group:default/team-web',
      });
    });

    it('leaves out the groups the caller may not read', async () => {
      store.teams.mockResolvedValue({
        items: [
          {
            ...teams.items[0],
            groupRef: 'group:default/team-web',
            children: ['group:default/team-hidden'],
          },
          {
            ...teams.items[0],
            groupRef: 'group:default/team-hidden',
            parent: 'group:default/team-web',
            children: [],
          },
          {
            ...teams.items[0],
            groupRef: 'group:default/unknown-to-catalog',
            children: [],
          },
        ],
        owners: teams.owners,
        computedAt: teams.computedAt,
      });
      const res = await request(app).get('/teams');
      expect(res.status).toBe(200);
      expectSpec('/teams', res);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          groupRef: 'group:default/team-web',
          children: [],
        }),
      ]);
    });

    it.each([['group:default/team-hidden'], ['team-hidden'], ['nope']])(
      'answers 404 for root=%s, hidden or missing alike, without reading the store',
      async root => {
        const res = await request(app).get(`/teams?root=${enc(root)}`);
        expect(res.status).toBe(404);
        expect(res.body.error).toEqual({
          name: 'NotFoundError',
          message: expect.stringMatching(
            /^No group group:default\/(team-hidden|nope)$/,
          ),
        });
        expect(store.teams).not.toHaveBeenCalled();
      },
    );

    it('answers 404 for an unknown root and 400 for a bad one', async () => {
      store.teams.mockResolvedValue(undefined);
      let res = await request(app).get('/teams?root=group:default/nope');
      expect(res.status).toBe(404);
      expectSpec('/teams', res);
      res = await request(app).get('/teams?root=a:b:c');
      expect(res.status).toBe(400);
      expectSpec('/teams', res);
    });
  });

  describe('GET /checks', () => {
    it('lists the checks with their stats, open, waived and suppressed apart', async () => {
      const res = await request(app).get('/checks');
      expect(res.status).toBe(200);
      expectSpec('/checks', res);
      expect(res.body.computedAt).toBe('2026-01-02T03:04:00.000Z');
      expect(res.body.items).toEqual([
        expect.objectContaining({
          id: 'fake-check',
          applicable: 4,
          failing: 2,
          openFailing: 1,
          waivedFailing: 1,
          suppressedFindings: 3,
          passRate: 0.5,
        }),
      ]);
      expect(res.body.items[0].run).toBeUndefined();
    });

    it('rejects unknown parameters', async () => {
      const res = await request(app).get('/checks?x=1');
      expect(res.status).toBe(400);
      expectSpec('/checks', res);
    });

    it('returns one check with its guide and failing entities', async () => {
      const res = await request(app).get('/checks/fake-check');
      expect(res.status).toBe(200);
      expectSpec('/checks/{checkId}', res);
      expect(res.body).toMatchObject({
        id: 'fake-check',
        openFailing: 1,
        waivedFailing: 1,
        suppressedFindings: 3,
        guide: '# Fake check\n',
        failingEntities: [{ entityRef: 'component:default/payments-api' }],
      });
      expect(store.failingEntities).toHaveBeenCalledWith(
        'fake-check',
        {
          entityRefs: [
            'component:default/payments-api',
            'component:default/web',
          ],
        },
        200,
      );
    });

    it("serves a built-in check's guide from the engine package unless the organisation's guidesDir has one", async () => {
      const builtin = builtinChecks.find(c => c.id === 'unpinned-actions')!;
      const registry = new CheckRegistry([fakeCheck, builtin]);
      await setup({ router: { registry, guidesDir: undefined } });
      let res = await request(app).get('/checks/unpinned-actions');
      expect(res.status).toBe(200);
      expect(res.body.guide).toBe(readCheckGuide('unpinned-actions'));
      expect(res.body.guide).toMatch(/^# unpinned-actions/);

      const orgGuides = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-org-'));
      try {
        fs.writeFileSync(
          path.join(orgGuides, 'unpinned-actions.md'),
          '# Our pinning rules\n',
        );
        await setup({ router: { registry, guidesDir: orgGuides } });
        res = await request(app).get('/checks/unpinned-actions');
        expect(res.body.guide).toBe('# Our pinning rules\n');
        // A check the organisation wrote no guide for: the built-in one.
        fs.rmSync(path.join(orgGuides, 'unpinned-actions.md'));
        res = await request(app).get('/checks/unpinned-actions');
        expect(res.body.guide).toBe(readCheckGuide('unpinned-actions'));
      } finally {
        fs.rmSync(orgGuides, { recursive: true, force: true });
      }
    });

    it('answers 404 for an unknown check, 400 for bad parameters', async () => {
      let res = await request(app).get('/checks/unknown-check');
      expect(res.status).toBe(404);
      expectSpec('/checks/{checkId}', res);
      res = await request(app).get(`/checks/${enc('../../etc/passwd')}`);
      expect(res.status).toBe(404);
      res = await request(app).get('/checks/fake-check?x=1');
      expect(res.status).toBe(400);
      expectSpec('/checks/{checkId}', res);
    });
  });

  describe('waivers', () => {
    it('lists waivers of visible entities only', async () => {
      const res = await request(app).get(
        '/waivers?active=true&checkId=fake-check&owner=team-web',
      );
      expect(res.status).toBe(200);
      expectSpec('/waivers', res);
      expect(res.body.items.map((w: Waiver) => w.id)).toEqual(['w-1']);
      expect(waivers.list).toHaveBeenCalledWith({
        active: true,
        checkId: 'fake-check',
        owner: 'group:default/team-web',
      });
      const bad = await request(app).get('/waivers?active=maybe');
      expect(bad.status).toBe(400);
      expectSpec('/waivers', bad);
    });

    it('creates a waiver recorded with its author', async () => {
      const expiresAt = future();
      const res = await request(app)
        .post('/waivers')
        .send({
          checkId: 'fake-check',
          scope: { type: 'owner', ownerRef: 'group:default/team-web' },
          reason: 'Accepted risk',
          expiresAt,
        });
      expect(res.status).toBe(201);
      expectSpec('/waivers', res);
      expect(waivers.create).toHaveBeenCalledWith(
        {
          checkId: 'fake-check',
          scope: { type: 'owner', ownerRef: 'group:default/team-web' },
          reason: 'Accepted risk',
          expiresAt,
        },
        'user:default/mock',
      );
    });

    it.each([
      [{}],
      [
        {
          checkId: 'fake-check',
          scope: { type: 'entity', entityRef: 'component:default/web' },
          reason: 'x',
          expiresAt: '2000-01-01T00:00:00Z',
        },
      ],
      [
        {
          checkId: 'nope',
          scope: { type: 'entity', entityRef: 'component:default/web' },
          reason: 'x',
          expiresAt: future(),
        },
      ],
      [
        {
          checkId: 'fake-check',
          scope: { type: 'team', ref: 'x' },
          reason: 'x',
          expiresAt: future(),
        },
      ],
      [
        {
          checkId: 'fake-check',
          scope: { type: 'entity', entityRef: 'component:default/web' },
          reason: ' ',
          expiresAt: future(),
        },
      ],
    ])('rejects the body %j with 400', async body => {
      const res = await request(app).post('/waivers').send(body);
      expect(res.status).toBe(400);
      expectSpec('/waivers', res);
      expect(waivers.create).not.toHaveBeenCalled();
    });

    it.each([
      ['in year 9999', '9999-12-31T00:00:00Z', /at most 365 days ahead/],
      ['in the past', '2000-01-01T00:00:00Z', /must be in the future/],
      ['not a date', 'next tuesday', /expiresAt: Invalid datetime/],
      [
        'an impossible date',
        '2027-02-30T00:00:00Z',
        /expiresAt: not a date|Invalid datetime/,
      ],
      ['a date without time', '2027-01-01', /expiresAt: Invalid datetime/],
    ])(
      'rejects an expiry %s with 400 and the reason',
      async (_n, expiresAt, reason) => {
        const res = await request(app)
          .post('/waivers')
          .send({
            checkId: 'fake-check',
            scope: { type: 'entity', entityRef: 'component:default/web' },
            reason: 'x',
            expiresAt,
          });
        expect(res.status).toBe(400);
        expectSpec('/waivers', res);
        expect(res.body.error.message).toMatch(reason);
        expect(waivers.create).not.toHaveBeenCalled();
      },
    );

    it('accepts expiries up to cicdSecurity.waivers.maxDays', async () => {
      await setup({ router: { waiverMaxDays: 30 } });
      const body = (days: number) => ({
        checkId: 'fake-check',
        scope: { type: 'entity', entityRef: 'component:default/web' },
        reason: 'x',
        expiresAt: new Date(Date.now() + days * 86_400_000).toISOString(),
      });
      expect(
        (await request(app).post('/waivers').send(body(29.9))).status,
      ).toBe(201);
      const far = await request(app).post('/waivers').send(body(31));
      expect(far.status).toBe(400);
      expect(far.body.error.message).toContain(
        'expiresAt must be at most 30 days ahead (cicdSecurity.waivers.maxDays)',
      );
    });

    it('lists owner waivers only of owners the caller may read', async () => {
      waivers.list.mockResolvedValue([
        waiver,
        {
          ...waiver,
          id: 'w-hidden-group',
          scope: { type: 'owner', ownerRef: 'group:default/team-hidden' },
        },
        {
          ...waiver,
          id: 'w-visible-group',
          scope: { type: 'owner', ownerRef: 'group:default/team-web' },
        },
        {
          ...waiver,
          id: 'w-missing-user',
          scope: { type: 'owner', ownerRef: 'user:default/nobody' },
        },
      ]);
      const res = await request(app).get('/waivers');
      expect(res.status).toBe(200);
      expect(res.body.items.map((w: Waiver) => w.id)).toEqual([
        'w-1',
        'w-visible-group',
      ]);
    });

    it.each([
      ['entityRef', 'component:default/secret'],
      ['entityRef', 'component:default/nope'],
      ['owner', 'group:default/team-hidden'],
      ['owner', 'team-hidden'],
      ['owner', 'group:default/nope'],
    ])(
      'answers 404 for ?%s=%s, hidden or missing alike',
      async (param, ref) => {
        const res = await request(app).get(`/waivers?${param}=${enc(ref)}`);
        expect(res.status).toBe(404);
        expectSpec('/waivers', res);
        expect(res.body.error.name).toBe('NotFoundError');
        expect(waivers.list).not.toHaveBeenCalled();
      },
    );

    it('answers 404 for a waiver on an entity the caller cannot see', async () => {
      const res = await request(app)
        .post('/waivers')
        .send({
          checkId: 'fake-check',
          scope: { type: 'entity', entityRef: 'component:default/secret' },
          reason: 'x',
          expiresAt: future(),
        });
      expect(res.status).toBe(404);
      expectSpec('/waivers', res);
    });

    it('needs a user, not a service, to create or revoke', async () => {
      const res = await request(app)
        .post('/waivers')
        .set('Authorization', mockCredentials.service.header())
        .send({
          checkId: 'fake-check',
          scope: { type: 'entity', entityRef: 'component:default/web' },
          reason: 'x',
          expiresAt: future(),
        });
      expect(res.status).toBe(403);
    });

    it('revokes a waiver', async () => {
      const res = await request(app)
        .delete('/waivers/w-1')
        .send({ reason: 'Fixed' });
      expect(res.status).toBe(200);
      expectSpec('/waivers/{id}', res);
      expect(waivers.revoke).toHaveBeenCalledWith(
        'w-1',
        'user:default/mock',
        'Fixed',
      );
      let other = await request(app).delete('/waivers/nope');
      expect(other.status).toBe(404);
      expectSpec('/waivers/{id}', other);
      other = await request(app).delete('/waivers/w-1').send({ reason: 5 });
      expect(other.status).toBe(400);
      expectSpec('/waivers/{id}', other);
    });
  });

  // Every route: 401 without credentials, 403 without the permission.
  const routes: Array<[string, string, string, object | null]> = [
    ['get', '/scorecards', '/scorecards', null],
    ['get', '/scorecards/export', '/scorecards/export', null],
    ['get', `/scorecards/${WEB}`, '/scorecards/{entityRef}', null],
    [
      'get',
      `/scorecards/${WEB}/history`,
      '/scorecards/{entityRef}/history',
      null,
    ],
    ['get', `/scorecards/${WEB}/sarif`, '/scorecards/{entityRef}/sarif', null],
    ['get', `/scorecards/${WEB}/sbom`, '/scorecards/{entityRef}/sbom', null],
    [
      'get',
      `/scorecards/${WEB}/source?path=README.md`,
      '/scorecards/{entityRef}/source',
      null,
    ],
    [
      'post',
      `/scorecards/${WEB}/refresh`,
      '/scorecards/{entityRef}/refresh',
      null,
    ],
    [
      'get',
      `/scorecards/${WEB}/policies`,
      '/scorecards/{entityRef}/policies',
      null,
    ],
    ['get', '/overview', '/overview', null],
    ['get', '/policies', '/policies', null],
    ['get', '/compliance/slsa-build', '/compliance/{framework}', null],
    ['get', '/evidence', '/evidence', null],
    ['get', '/teams', '/teams', null],
    ['get', '/checks', '/checks', null],
    ['get', '/checks/fake-check', '/checks/{checkId}', null],
    ['get', '/waivers', '/waivers', null],
    [
      'post',
      '/waivers',
      '/waivers',
      {
        checkId: 'fake-check',
        scope: { type: 'entity', entityRef: 'component:default/web' },
        reason: 'x',
        expiresAt: future(),
      },
    ],
    ['delete', '/waivers/w-1', '/waivers/{id}', null],
  ];

  it.each(routes)(
    '%s %s answers 401 without credentials',
    async (method, url, specPath, body) => {
      const res = await (request(app) as any)
        [method](url)
        .set('Authorization', mockCredentials.none.header())
        .send(body ?? undefined);
      expect(res.status).toBe(401);
      expectSpec(specPath, res);
    },
  );

  it.each(routes)(
    '%s %s answers 403 when the policy denies',
    async (method, url, specPath, body) => {
      await setup({ permission: AuthorizeResult.DENY });
      const res = await (request(app) as any)
        [method](url)
        .send(body ?? undefined);
      expect(res.status).toBe(403);
      expectSpec(specPath, res);
      expect(res.body.error.name).toBe('NotAllowedError');
      expect(store.setState).not.toHaveBeenCalled();
      expect(waivers.create).not.toHaveBeenCalled();
      expect(waivers.revoke).not.toHaveBeenCalled();
    },
  );

  describe('the OpenAPI document', () => {
    it('lists exactly the routes of the router', async () => {
      const router: any = await createRouter({
        store,
        waivers,
        scanner,
        catalog: fakeCatalog({ entities }),
        auth: mockServices.auth(),
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions(),
        logger: mockServices.logger.mock(),
        registry: new CheckRegistry([fakeCheck]),
      });
      const routed = (router.stack as any[])
        .filter(layer => layer.route)
        .flatMap(layer =>
          Object.keys(layer.route.methods).map(
            m => `${m} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`,
          ),
        )
        .sort();
      const documented = Object.entries(spec.paths)
        .flatMap(([p, ops]) => Object.keys(ops as object).map(m => `${m} ${p}`))
        .sort();
      expect(routed).toEqual(documented);
    });
  });

  afterAll(() => {
    // Every documented route × status was exercised and validated above.
    const documented = Object.entries(spec.paths).flatMap(([p, ops]) =>
      Object.entries(ops as Record<string, any>).flatMap(([m, op]) =>
        Object.keys(op.responses).map(s => `${m} ${p} ${s}`),
      ),
    );
    const missing = documented.filter(d => !exercised.has(d));
    expect(missing).toEqual([]);
  });
});
