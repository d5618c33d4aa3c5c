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
import { cicdSecurityModuleGitlab } from './module';
import { FakeGitlab, readableProject } from './testing/fakeGitlab';

jest.setTimeout(30_000);

/** A check that reports what gitlab.defaultBranchRules says, as the checks read it. */
const probeModule = createBackendModule({
  pluginId: 'cicd-security',
  moduleId: 'gitlab-probe',
  register(env) {
    env.registerInit({
      deps: { checks: cicdSecurityChecksExtensionPoint },
      async init({ checks }) {
        checks.addChecks(
          createScorecardCheck({
            id: 'gitlab-probe',
            title: 'GitLab facts reach the checks',
            description: 'Test only.',
            category: 'access-control',
            severity: 'low',
            platforms: ['repository'],
            frameworks: [],
            remediationUrl: 'https://docs.gitlab.com/',
            run(snapshot) {
              const rules = snapshot.fact('gitlab.defaultBranchRules');
              if (!rules.available) return outcome.inconclusive(rules.reason);
              return outcome.pass(
                `${rules.value.branch}: ${
                  rules.value.requiredApprovals
                } approvals, ${rules.value.sources.join(' ')}`,
              );
            },
          }),
        );
      },
    });
  },
});

describe('the GitLab module', () => {
  const gitlab = new FakeGitlab();
  let root: string;

  beforeAll(async () => {
    await gitlab.start();
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'gl-mod-')));
    fs.mkdirSync(path.join(root, 'payments'));
    fs.writeFileSync(path.join(root, 'payments', 'README.md'), '# payments\n');
  });

  afterAll(async () => {
    await gitlab.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('registers the gitlab fact provider with the cicd-security plugin', async () => {
    gitlab.serve(readableProject('acme/payments', gitlab.apiBaseUrl));
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments',
        annotations: {
          'backstage.io/source-location': `dir:${path.join(root, 'payments')}`,
          'gitlab.com/project-slug': 'acme/payments',
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    };
    const { server } = await startTestBackend({
      features: [
        cicdSecurityPlugin,
        cicdSecurityModuleGitlab,
        probeModule,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: {
            // gitlab.com served by the fake API, with a token.
            integrations: {
              gitlab: [
                {
                  host: 'gitlab.com',
                  apiBaseUrl: gitlab.apiBaseUrl,
                  token: 'glpat-test',
                },
              ],
            },
            cicdSecurity: {
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

    // The first scan runs at startup; wait for its scorecard.
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
    expect(
      res.body.checks.find(
        (c: { checkId: string }) => c.checkId === 'gitlab-probe',
      ),
    ).toMatchObject({
      status: 'pass',
      reason:
        'main: 2 approvals, project push-rule protected-branch:main protected-branch:ma* approval-rule:security approval-rule:All Members',
    });
    const project = `/projects/${encodeURIComponent('acme/payments')}`;
    expect(gitlab.seen()).toContain(
      `200 ${project}/protected_branches?per_page=100`,
    );
    expect(
      gitlab.requests.every(r => r.authorization === 'Bearer glpat-test'),
    ).toBe(true);
  });
});
