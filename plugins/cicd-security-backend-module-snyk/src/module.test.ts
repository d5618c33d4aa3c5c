import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import cicdSecurityPlugin from '@cicd-security/plugin-cicd-security-backend';
import {
  builtinChecks,
  createScorecardCheck,
  outcome,
} from '@cicd-security/plugin-cicd-security-node';
import { cicdSecurityChecksExtensionPoint } from '@cicd-security/plugin-cicd-security-node/extensions';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { cicdSecurityModuleSnyk } from './module';
import { FakeSnyk, vulnerability } from './testing/fakeSnyk';

jest.setTimeout(30_000);

const ORG = '361fd3c0-41d4-4ea4-ba77-09bb17890967';
const TARGET = '508d2263-ea8a-4e42-bc9d-844de21f4172';
const PROJECT = '7439e322-f9c1-4c42-8367-002b33b9d946';

/** A check that reports what snyk.issues says, as the checks read it. */
const probeModule = createBackendModule({
  pluginId: 'cicd-security',
  moduleId: 'snyk-probe',
  register(env) {
    env.registerInit({
      deps: { checks: cicdSecurityChecksExtensionPoint },
      async init({ checks }) {
        checks.addChecks(
          createScorecardCheck({
            id: 'snyk-probe',
            title: 'Snyk facts reach the checks',
            description: 'Test only.',
            category: 'vulnerability-scanning',
            severity: 'low',
            platforms: ['repository'],
            frameworks: [],
            remediationUrl: 'https://docs.snyk.io/',
            run(snapshot) {
              const issues = snapshot.fact('snyk.issues');
              if (!issues.available) return outcome.inconclusive(issues.reason);
              return outcome.pass(
                issues.value.issues
                  .map(i => `${i.id} ${i.packageName}@${i.version}`)
                  .join(', '),
              );
            },
          }),
        );
      },
    });
  },
});

describe('the Snyk module', () => {
  const snyk = new FakeSnyk();
  let root: string;

  beforeAll(async () => {
    await snyk.start();
    snyk.projects.set(ORG, [
      {
        id: PROJECT,
        targetId: TARGET,
        name: 'acme/payments:package.json',
        type: 'npm',
      },
    ]);
    snyk.issues.set(PROJECT, [
      vulnerability({
        id: '00000000-0000-4000-8000-000000000001',
        key: 'SNYK-JS-LODASH-567746',
        title: 'Prototype Pollution',
        severity: 'high',
        packageName: 'lodash',
        version: '4.17.15',
        orgId: ORG,
        projectId: PROJECT,
      }),
    ]);
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'snyk-mod-')));
    fs.mkdirSync(path.join(root, 'payments'));
    fs.writeFileSync(path.join(root, 'payments', 'README.md'), '# payments\n');
  });

  afterAll(async () => {
    await snyk.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** The probe's result once the startup scan is done. */
  async function probe(snykConfig?: Record<string, string>) {
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments',
        annotations: {
          'backstage.io/source-location': `dir:${path.join(root, 'payments')}`,
          'snyk.io/org-id': ORG,
          'snyk.io/target-id': TARGET,
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    };
    const { server } = await startTestBackend({
      features: [
        cicdSecurityPlugin,
        cicdSecurityModuleSnyk,
        probeModule,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: {
            cicdSecurity: {
              ...(snykConfig ? { snyk: snykConfig } : {}),
              sources: { localRoots: [root] },
              checks: Object.fromEntries(
                builtinChecks.map(c => [c.id, { enabled: false }]),
              ),
            },
          },
        }),
        mockServices.scheduler.factory({
          skipTaskRunOnStartup: false,
          includeInitialDelayedTasksOnStartup: true,
        }),
      ],
    });
    const url = `/api/cicd-security/scorecards/${encodeURIComponent(
      'component:default/payments',
    )}`;
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
      (c: { checkId: string }) => c.checkId === 'snyk-probe',
    );
  }

  it('supplies snyk.issues to the checks, read with the configured token', async () => {
    const from = snyk.requests.length;
    expect(
      await probe({ token: snyk.token, apiBaseUrl: snyk.apiBaseUrl }),
    ).toMatchObject({
      status: 'pass',
      reason: 'SNYK-JS-LODASH-567746 lodash@4.17.15',
    });
    expect(snyk.seen(from)).toHaveLength(2);
    expect(
      snyk.requests
        .slice(from)
        .every(r => r.authorization === `token ${snyk.token}`),
    ).toBe(true);
  });

  it('makes no request without a token', async () => {
    const from = snyk.requests.length;
    expect(await probe({ apiBaseUrl: snyk.apiBaseUrl })).toMatchObject({
      status: 'inconclusive',
      reason: 'no provider supplied snyk.issues',
    });
    expect(snyk.seen(from)).toEqual([]);
  });
});
