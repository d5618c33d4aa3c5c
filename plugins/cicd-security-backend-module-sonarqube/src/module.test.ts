import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import cicdSecurityPlugin from '@cicd-security/plugin-cicd-security-backend';
import { builtinChecks } from '@cicd-security/plugin-cicd-security-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { cicdSecurityModuleSonarqube } from './module';
import { FakeSonarqube, readableProject } from './testing/fakeSonarqube';

jest.setTimeout(30_000);

describe('the SonarQube module', () => {
  const sonar = new FakeSonarqube();
  let root: string;

  beforeAll(async () => {
    await sonar.start();
    for (const [p, answer] of readableProject('acme_payments')) {
      sonar.routes.set(p, answer);
    }
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sq-mod-')));
    fs.mkdirSync(path.join(root, 'payments'));
    fs.writeFileSync(path.join(root, 'payments', 'README.md'), '# payments\n');
  });

  afterAll(async () => {
    await sonar.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** The scorecard's sonarqube-quality-gate result, once the startup scan is done. */
  async function qualityGateResult(sonarqube?: Record<string, string>) {
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments',
        annotations: {
          'backstage.io/source-location': `dir:${path.join(root, 'payments')}`,
          'sonarqube.org/project-key': 'acme_payments',
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    };
    const { server } = await startTestBackend({
      features: [
        cicdSecurityPlugin,
        cicdSecurityModuleSonarqube,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: {
            cicdSecurity: {
              ...(sonarqube ? { sonarqube } : {}),
              sources: { localRoots: [root] },
              checks: Object.fromEntries(
                builtinChecks
                  .filter(c => c.id !== 'sonarqube-quality-gate')
                  .map(c => [c.id, { enabled: false }]),
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
      (c: { checkId: string }) => c.checkId === 'sonarqube-quality-gate',
    );
  }

  it('supplies the quality gate to the check, with the configured token', async () => {
    const from = sonar.requests.length;
    const result = await qualityGateResult({
      baseUrl: sonar.baseUrl,
      token: sonar.token,
    });
    expect(result).toMatchObject({ status: 'fail' });
    expect(sonar.seen(from)).toContain(
      '200 /api/qualitygates/project_status?projectKey=acme_payments',
    );
    expect(
      sonar.requests
        .slice(from)
        .every(r => r.authorization === `Bearer ${sonar.token}`),
    ).toBe(true);
  });

  it('makes no request without configuration: the check is not applicable', async () => {
    const from = sonar.requests.length;
    const result = await qualityGateResult();
    expect(result).toMatchObject({ status: 'not-applicable' });
    expect(sonar.seen(from)).toEqual([]);
  });
});
