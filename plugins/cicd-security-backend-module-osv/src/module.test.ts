import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import cicdSecurityPlugin from '@cicd-security/plugin-cicd-security-backend';
import { builtinChecks } from '@cicd-security/plugin-cicd-security-node';
import { cicdSecurityAdvisoriesExtensionPoint } from '@cicd-security/plugin-cicd-security-node/extensions';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { MIGRATIONS_TABLE } from './cache/DatabaseOsvCache';
import { cicdSecurityModuleOsv } from './module';
import { FakeOsv, TEST_RECORDS } from './testing/fakeOsv';

jest.setTimeout(60_000);

const REF = 'component:default/payments';

/** A package-lock.json (v3) pinning these versions. */
const lockfile = (deps: Record<string, string>) =>
  JSON.stringify(
    {
      name: 'payments',
      lockfileVersion: 3,
      packages: {
        '': {
          name: 'payments',
          dependencies: Object.fromEntries(
            Object.keys(deps).map(n => [n, '*']),
          ),
        },
        ...Object.fromEntries(
          Object.entries(deps).map(([n, v]) => [
            `node_modules/${n}`,
            { version: v },
          ]),
        ),
      },
    },
    null,
    2,
  );

describe('the OSV module', () => {
  let root: string;
  const entity = (): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      annotations: {
        'backstage.io/source-location': `dir:${path.join(root, 'payments')}`,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  });
  const osv = new FakeOsv().add(...TEST_RECORDS);
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  beforeAll(async () => {
    await osv.start();
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'osv-mod-')));
    fs.mkdirSync(path.join(root, 'payments'));
    fs.writeFileSync(
      path.join(root, 'payments', 'package-lock.json'),
      lockfile({ 'left-pad': '1.3.0', minimist: '1.2.6', 'is-odd': '3.0.1' }),
    );
  });
  beforeEach(() => osv.reset());
  afterAll(async () => {
    await osv.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function start(
    cicdSecurity: Record<string, unknown>,
    extra: Parameters<typeof startTestBackend>[0]['features'] = [],
  ) {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        cicdSecurityPlugin,
        cicdSecurityModuleOsv,
        ...extra,
        catalogServiceMock.factory({ entities: [entity()] }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            cicdSecurity: {
              sources: { localRoots: [root] },
              checks: Object.fromEntries(
                builtinChecks
                  .filter(c => c.id !== 'open-vulnerable-dependencies')
                  .map(c => [c.id, { enabled: false }]),
              ),
              ...cicdSecurity,
            },
          },
        }),
        mockServices.scheduler.factory({
          skipTaskRunOnStartup: false,
          includeInitialDelayedTasksOnStartup: true,
        }),
      ],
    });
    return { server, knex };
  }

  async function scorecard(server: Parameters<typeof request>[0]) {
    const url = `/api/cicd-security/scorecards/${encodeURIComponent(REF)}`;
    let res = await request(server).get(url);
    for (
      let i = 0;
      i < 100 && ['pending', 'scanning'].includes(res.body?.state);
      i++
    ) {
      await new Promise(resolve => setTimeout(resolve, 100));
      res = await request(server).get(url);
    }
    expect(res.status).toBe(200);
    return res.body.checks.find(
      (c: { checkId: string }) => c.checkId === 'open-vulnerable-dependencies',
    );
  }

  it('gives the check the OSV API: a scan of a lockfile gets findings from it, with the cache in the plugin database', async () => {
    const { server, knex } = await start({
      osv: { api: { baseUrl: osv.baseUrl, retries: 0 } },
    });
    const check = await scorecard(server);
    expect(check).toMatchObject({ status: 'fail' });
    expect(check.reason).toContain(
      `3 packages checked against the OSV API at ${osv.baseUrl} (answers kept 24 h)`,
    );
    // minimist 1.2.6 is the fixed version: listed by the API, not reported.
    expect(check.findings.map((f: { message: string }) => f.message)).toEqual([
      'left-pad 1.3.0 (npm) is affected by GHSA-t3st-lp01-0001 (CVE-2099-1001): Prototype pollution in left-pad; fixed in 1.3.1',
    ]);
    expect(osv.queried().sort()).toEqual([
      'npm is-odd@3.0.1',
      'npm left-pad@1.3.0',
      'npm minimist@1.2.6',
    ]);
    expect(osv.vulnFetches().sort()).toEqual([
      'GHSA-t3st-lp01-0001',
      'GHSA-t3st-mm02-0002',
    ]);
    expect(await knex('cicd_security_osv_queries')).toHaveLength(3);
    expect(await knex(MIGRATIONS_TABLE)).toHaveLength(2);
  });

  it('makes no request without cicdSecurity.osv.api (nor with enabled: false)', async () => {
    for (const config of [
      {},
      { osv: { api: { enabled: false, baseUrl: osv.baseUrl } } },
    ]) {
      const { server, knex } = await start(config);
      const check = await scorecard(server);
      expect(check).toMatchObject({ status: 'inconclusive' });
      expect(check.reason).toContain('no vulnerability data is configured');
      expect(await knex.schema.hasTable('cicd_security_osv_queries')).toBe(
        false,
      );
    }
    expect(osv.requests).toEqual([]);
  });

  it('makes the check inconclusive, naming the failure, when the API cannot answer', async () => {
    osv.delayMs = 1000;
    const { server } = await start({
      osv: { api: { baseUrl: osv.baseUrl, retries: 1, timeoutMs: 100 } },
    });
    const check = await scorecard(server);
    expect(check).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringContaining(
        `POST ${osv.baseUrl}/v1/querybatch timed out after 100 ms (2 attempts)`,
      ),
    });
    await osv.idle();
  });

  it('refuses a second advisory database at startup', async () => {
    const other = createBackendModule({
      pluginId: 'cicd-security',
      moduleId: 'other-advisories',
      register(env) {
        env.registerInit({
          deps: {
            advisories: cicdSecurityAdvisoriesExtensionPoint,
            logger: coreServices.logger,
          },
          async init({ advisories }) {
            advisories.setAdvisoryDatabase({
              description: 'another database',
              lookup: async () => [],
            });
          },
        });
      },
    });
    await expect(
      start({ osv: { api: { baseUrl: osv.baseUrl } } }, [other]),
    ).rejects.toThrow(/An advisory database was set twice/);
  });
});
