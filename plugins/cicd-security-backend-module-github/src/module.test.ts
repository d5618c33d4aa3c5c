import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import cicdSecurityPlugin from '@cicd-security/plugin-cicd-security-backend';
import { builtinChecks } from '@cicd-security/plugin-cicd-security-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { cicdSecurityModuleGithub } from './module';
import { FakeGithub, readableRepository } from './testing/fakeGithub';

jest.setTimeout(30_000);

describe('the GitHub module', () => {
  const github = new FakeGithub();
  let root: string;

  beforeAll(async () => {
    await github.start();
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'gh-mod-')));
    fs.mkdirSync(path.join(root, 'payments'));
    fs.writeFileSync(path.join(root, 'payments', 'README.md'), '# payments\n');
  });

  afterAll(async () => {
    await github.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('registers the github fact provider with the cicd-security plugin', async () => {
    for (const [p, answer] of readableRepository('payments', github.apiBaseUrl))
      github.routes.set(p, answer);
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments',
        annotations: {
          'backstage.io/source-location': `dir:${path.join(root, 'payments')}`,
          'github.com/project-slug': 'octo-org/payments',
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    };
    const { server } = await startTestBackend({
      features: [
        cicdSecurityPlugin,
        cicdSecurityModuleGithub,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: {
            // github.com served by the fake API, with a token.
            integrations: {
              github: [
                {
                  host: 'github.com',
                  apiBaseUrl: github.apiBaseUrl,
                  token: 'test',
                },
              ],
            },
            cicdSecurity: {
              sources: { localRoots: [root] },
              checks: Object.fromEntries(
                builtinChecks
                  .filter(c => c.id !== 'dependency-alerts-enabled')
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

    // The first scan runs at startup; wait for its scorecard.
    let res = await request(server).get(
      `/api/cicd-security/scorecards/${encodeURIComponent(
        'component:default/payments',
      )}`,
    );
    for (
      let i = 0;
      i < 100 && ['pending', 'scanning'].includes(res.body?.state);
      i++
    ) {
      await new Promise(resolve => setTimeout(resolve, 100));
      res = await request(server).get(
        `/api/cicd-security/scorecards/${encodeURIComponent(
          'component:default/payments',
        )}`,
      );
    }
    expect(res.status).toBe(200);
    expect(
      res.body.checks.find(
        (c: { checkId: string }) => c.checkId === 'dependency-alerts-enabled',
      ),
    ).toMatchObject({ status: 'pass' });
    expect(github.seen()).toContain(
      '204 /repos/octo-org/payments/vulnerability-alerts',
    );
    expect(github.requests.every(r => r.authorization === 'Bearer test')).toBe(
      true,
    );
  });
});
