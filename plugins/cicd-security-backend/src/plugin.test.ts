import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { builtinChecks } from '@cicd-security/plugin-cicd-security-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { cicdSecurityPlugin } from './plugin';
import { securityFileChecksModule } from './testing/securityFileCheck';

jest.setTimeout(30_000);

function component(name: string, source?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: source ? { 'backstage.io/source-location': source } : {},
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

const ref = (name: string) => encodeURIComponent(`component:default/${name}`);

describe('cicdSecurityPlugin', () => {
  let root: string;

  beforeAll(() => {
    root = fs.realpathSync(
      fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-plugin-')),
    );
    fs.mkdirSync(path.join(root, 'good'));
    fs.writeFileSync(path.join(root, 'good', 'SECURITY.md'), '# Policy\n');
    fs.mkdirSync(path.join(root, 'bad'));
    fs.writeFileSync(path.join(root, 'bad', 'README.md'), '# Bad\n');
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  async function start(options: { scanOnStartup: boolean }) {
    const { server } = await startTestBackend({
      features: [
        cicdSecurityPlugin,
        securityFileChecksModule,
        catalogServiceMock.factory({
          entities: [
            component('good', `dir:${root}/good`),
            component('bad', `dir:${root}/bad`),
            component('nowhere'),
            component('sneaky', `dir:${root}/../../etc`),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            cicdSecurity: {
              // What a scan stores, at once: the org figures uncached.
              aggregates: { cacheTtlMs: 0 },
              sources: { localRoots: [root] },
              // The test scheduler runs each task once at start-up; a single
              // replica need not hand shards over.
              maxConcurrentShards: 4,
              // Only the test module's check runs, so scores are predictable.
              checks: Object.fromEntries(
                builtinChecks.map(c => [c.id, { enabled: false }]),
              ),
            },
          },
        }),
        mockServices.scheduler.factory({
          skipTaskRunOnStartup: !options.scanOnStartup,
          includeInitialDelayedTasksOnStartup: true,
        }),
      ],
    });
    return server;
  }

  it('scans the catalog on schedule and serves the scorecards', async () => {
    const server = await start({ scanOnStartup: true });

    const list = await request(server).get(
      '/api/cicd-security/scorecards?sort=score&order=desc',
    );
    expect(list.status).toBe(200);
    expect(list.body.totalCount).toBe(4);
    expect(
      list.body.items.map((i: any) => [i.name, i.state, i.score, i.grade]),
    ).toEqual([
      ['good', 'ok', 10, 'A'],
      ['bad', 'ok', 0, 'F'],
      ['nowhere', 'no-source', null, null],
      ['sneaky', 'no-source', null, null],
    ]);

    const detail = await request(server).get(
      `/api/cicd-security/scorecards/${ref('bad')}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      entityRef: 'component:default/bad',
      owner: 'group:default/team-a',
      state: 'ok',
      grade: 'F',
    });
    expect(detail.body.checks).toEqual([
      expect.objectContaining({
        checkId: 'test-security-file',
        status: 'fail',
        findings: [
          expect.objectContaining({
            message: 'SECURITY.md is missing',
            file: 'SECURITY.md',
          }),
        ],
      }),
    ]);

    const sneaky = await request(server).get(
      `/api/cicd-security/scorecards/${ref('sneaky')}`,
    );
    expect(sneaky.body.stateReason).toContain(
      'outside the allowed local roots',
    );

    const history = await request(server).get(
      `/api/cicd-security/scorecards/${ref('good')}/history`,
    );
    expect(history.body.items).toEqual([
      expect.objectContaining({ state: 'ok', score: 10, grade: 'A' }),
    ]);

    const checks = await request(server).get('/api/cicd-security/checks');
    expect(checks.status).toBe(200);
    expect(checks.body.items).toEqual([
      expect.objectContaining({
        id: 'test-security-file',
        applicable: 2,
        failing: 1,
        passRate: 0.5,
      }),
    ]);

    const teams = await request(server).get('/api/cicd-security/teams');
    expect(teams.body.owners).toEqual([
      {
        owner: 'group:default/team-a',
        components: 4,
        scanned: 2,
        averageScore: 5,
        grades: { A: 1, B: 0, C: 0, D: 0, F: 1 },
      },
    ]);
  });

  it('scans one entity on request', async () => {
    const server = await start({ scanOnStartup: false });

    const pending = await request(server).get(
      `/api/cicd-security/scorecards/${ref('good')}`,
    );
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ state: 'pending', score: null });

    const refresh = await request(server).post(
      `/api/cicd-security/scorecards/${ref('good')}/refresh`,
    );
    expect(refresh.status).toBe(202);
    expect(refresh.body).toEqual({
      entityRef: 'component:default/good',
      state: 'scanning',
      status: 'scanning',
      alreadyQueued: false,
    });

    let state = 'scanning';
    for (let i = 0; i < 50 && state === 'scanning'; i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
      const res = await request(server).get(
        `/api/cicd-security/scorecards/${ref('good')}`,
      );
      state = res.body.state;
    }
    expect(state).toBe('ok');
  });

  it('answers errors the Backstage way', async () => {
    const server = await start({ scanOnStartup: false });
    const health = await request(server)
      .get('/api/cicd-security/health')
      .set('Authorization', mockCredentials.none.header());
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });

    const anonymous = await request(server)
      .get('/api/cicd-security/scorecards')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);

    const malformed = await request(server).get(
      '/api/cicd-security/scorecards/not-a-ref',
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.name).toBe('InputError');

    const unknown = await request(server).get(
      `/api/cicd-security/scorecards/${ref('missing')}`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.name).toBe('NotFoundError');

    const badQuery = await request(server).get(
      '/api/cicd-security/scorecards?limit=9999',
    );
    expect(badQuery.status).toBe(400);

    const unknownCheck = await request(server).get(
      '/api/cicd-security/checks/no-such-check',
    );
    expect(unknownCheck.status).toBe(404);
  });
});
