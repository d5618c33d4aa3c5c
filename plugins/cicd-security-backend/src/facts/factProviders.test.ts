import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  builtinChecks,
  FactPermissionError,
  FactProvider,
  FactSubject,
  factUnavailable,
  factValue,
} from '@cicd-security/plugin-cicd-security-node';
import { cicdSecurityFactsExtensionPoint } from '@cicd-security/plugin-cicd-security-node/extensions';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { cicdSecurityPlugin } from '../plugin';

jest.setTimeout(30_000);

/**
 * A fact provider written for the test, shaped like an SCM module: it
 * answers for repositories under `<root>/github/`, knows that `alerts-off`
 * has Dependabot alerts disabled, and has no permission on `forbidden`.
 */
function testProvider(
  root: string,
  asked: FactSubject[],
  alertsOn: { value: boolean; delayed?: boolean },
): FactProvider {
  return {
    id: 'test-scm',
    facts: ['github.vulnerabilityAlerts', 'github.automatedSecurityFixes'],
    appliesTo: subject =>
      subject.source.type === 'dir' &&
      subject.source.target.startsWith(path.join(root, 'github')),
    async fetch(subject, { signal }) {
      expect(signal).toBeInstanceOf(AbortSignal);
      asked.push(subject);
      if (subject.entityRef === 'component:default/forbidden') {
        throw new FactPermissionError(
          'GET /repos/acme/forbidden/vulnerability-alerts: 403 Resource not accessible by integration',
          'Administration: read',
        );
      }
      if (alertsOn.delayed) {
        return {
          'github.vulnerabilityAlerts': factUnavailable(
            'facts delayed: GitHub rate limit until 2026-11-27T12:00:00.000Z',
            { delayed: true },
          ),
        };
      }
      return {
        'github.vulnerabilityAlerts': factValue(
          subject.entityRef === 'component:default/alerts-off'
            ? false
            : alertsOn.value,
        ),
        'github.automatedSecurityFixes': factValue({
          enabled: true,
          paused: false,
        }),
      };
    },
  };
}

function component(name: string, dir: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'backstage.io/source-location': `dir:${dir}`,
        'github.com/project-slug': `acme/${name}`,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

const ref = (name: string) => encodeURIComponent(`component:default/${name}`);

describe('fact providers', () => {
  let root: string;

  beforeAll(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'facts-')));
    for (const dir of [
      'github/alerts-on',
      'github/alerts-off',
      'github/forbidden',
      'elsewhere/other',
    ]) {
      fs.mkdirSync(path.join(root, dir), { recursive: true });
      fs.writeFileSync(path.join(root, dir, 'README.md'), '# hi\n');
    }
    // A job that handles secrets, for runner-egress-policy.
    const workflows = path.join(root, 'github/alerts-on/.github/workflows');
    fs.mkdirSync(workflows, { recursive: true });
    fs.writeFileSync(
      path.join(workflows, 'release.yml'),
      [
        'on: push',
        'jobs:',
        '  release:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: ./release.sh',
        '        env:',
        '          TOKEN: ${{ secrets.RELEASE_TOKEN }}',
        '',
      ].join('\n'),
    );
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  async function start(
    asked: FactSubject[],
    alertsOn: { value: boolean; delayed?: boolean } = { value: true },
  ) {
    const module = createBackendModule({
      pluginId: 'cicd-security',
      moduleId: 'test-scm-facts',
      register(env) {
        env.registerInit({
          deps: { facts: cicdSecurityFactsExtensionPoint },
          async init({ facts }) {
            facts.addFactProvider(testProvider(root, asked, alertsOn));
          },
        });
      },
    });
    const enabled = new Set([
      'dependency-alerts-enabled',
      'runner-egress-policy',
    ]);
    const { server } = await startTestBackend({
      features: [
        cicdSecurityPlugin,
        module,
        catalogServiceMock.factory({
          entities: [
            component('alerts-on', path.join(root, 'github/alerts-on')),
            component('alerts-off', path.join(root, 'github/alerts-off')),
            component('forbidden', path.join(root, 'github/forbidden')),
            component('other', path.join(root, 'elsewhere/other')),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            cicdSecurity: {
              sources: { localRoots: [root] },
              maxConcurrentShards: 4,
              checks: Object.fromEntries(
                builtinChecks
                  .filter(c => !enabled.has(c.id))
                  .map(c => [c.id, { enabled: false }]),
              ),
              facts: { runnersBehindEgressFirewall: true },
            },
          },
        }),
        mockServices.scheduler.factory({
          skipTaskRunOnStartup: false,
          includeInitialDelayedTasksOnStartup: true,
        }),
      ],
    });
    return server;
  }

  async function result(
    server: Awaited<ReturnType<typeof start>>,
    name: string,
    checkId: string,
  ) {
    const res = await request(server).get(
      `/api/cicd-security/scorecards/${ref(name)}`,
    );
    expect(res.status).toBe(200);
    return res.body.checks.find(
      (c: { checkId: string }) => c.checkId === checkId,
    );
  }

  it('gives the checks the facts of registered providers, and says what could not be seen', async () => {
    const asked: FactSubject[] = [];
    const server = await start(asked);

    expect(
      await result(server, 'alerts-on', 'dependency-alerts-enabled'),
    ).toMatchObject({
      status: 'pass',
    });
    expect(
      await result(server, 'alerts-off', 'dependency-alerts-enabled'),
    ).toMatchObject({
      status: 'fail',
      findings: [
        expect.objectContaining({
          message: 'Dependabot alerts are disabled for the repository',
        }),
      ],
    });
    // No permission: inconclusive, naming the permission that would fix it.
    const forbidden = await result(
      server,
      'forbidden',
      'dependency-alerts-enabled',
    );
    expect(forbidden.status).toBe('inconclusive');
    expect(forbidden.reason).toContain(
      '403 Resource not accessible by integration',
    );
    expect(forbidden.reason).toContain('needs Administration: read');
    // Not the provider's kind of repository: never asked, still inconclusive.
    const other = await result(server, 'other', 'dependency-alerts-enabled');
    expect(other.status).toBe('inconclusive');
    expect(other.reason).toContain(
      'no provider supplied github.vulnerabilityAlerts',
    );

    // The organisation's declaration in configuration is a fact too.
    const egress = await result(server, 'alerts-on', 'runner-egress-policy');
    expect(egress.status).toBe('pass');
    expect(egress.reason).toContain('egress firewall');

    // The provider saw the entity, its annotations and its source.
    expect(asked.map(s => s.entityRef).sort()).toEqual([
      'component:default/alerts-off',
      'component:default/alerts-on',
      'component:default/forbidden',
    ]);
    expect(
      asked.find(s => s.entityRef === 'component:default/alerts-on'),
    ).toMatchObject({
      annotations: { 'github.com/project-slug': 'acme/alerts-on' },
      source: { type: 'dir', target: path.join(root, 'github/alerts-on') },
    });
  });

  it('rescans an entity whose facts changed although its files did not', async () => {
    const asked: FactSubject[] = [];
    const alertsOn = { value: true };
    const server = await start(asked, alertsOn);
    expect(
      (await result(server, 'alerts-on', 'dependency-alerts-enabled')).status,
    ).toBe('pass');

    alertsOn.value = false;
    const refresh = await request(server).post(
      `/api/cicd-security/scorecards/${ref('alerts-on')}/refresh`,
    );
    expect(refresh.status).toBe(202);
    let status = 'pass';
    for (let i = 0; i < 100 && status === 'pass'; i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
      status = (await result(server, 'alerts-on', 'dependency-alerts-enabled'))
        .status;
    }
    expect(status).toBe('fail');
  });

  it('keeps the previous scorecard while facts are delayed by a rate limit', async () => {
    const asked: FactSubject[] = [];
    const alertsOn: { value: boolean; delayed?: boolean } = { value: false };
    const server = await start(asked, alertsOn);
    expect(
      (await result(server, 'alerts-on', 'dependency-alerts-enabled')).status,
    ).toBe('fail');

    alertsOn.delayed = true;
    const refresh = await request(server).post(
      `/api/cicd-security/scorecards/${ref('alerts-on')}/refresh`,
    );
    expect(refresh.status).toBe(202);
    let card: any = {};
    for (let i = 0; i < 100 && card.state !== 'stale'; i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
      card = (
        await request(server).get(
          `/api/cicd-security/scorecards/${ref('alerts-on')}`,
        )
      ).body;
    }
    // Shown on the component as delayed facts, not as an error, and the
    // failing check is not turned into a better-scoring inconclusive.
    expect(card.state).toBe('stale');
    expect(card.stateReason).toContain(
      'facts delayed (github.vulnerabilityAlerts): facts delayed: GitHub rate limit until',
    );
    expect(card.stateReason).toContain('the previous scorecard is kept');
    expect(
      card.checks.find((c: any) => c.checkId === 'dependency-alerts-enabled')
        .status,
    ).toBe('fail');

    // Once the limit is over, the next scan reads them.
    alertsOn.delayed = false;
    alertsOn.value = true;
    await request(server).post(
      `/api/cicd-security/scorecards/${ref('alerts-on')}/refresh`,
    );
    let status = 'fail';
    for (let i = 0; i < 100 && status === 'fail'; i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
      status = (await result(server, 'alerts-on', 'dependency-alerts-enabled'))
        .status;
    }
    expect(status).toBe('pass');
  });

  it('lists the facts each scan read, when, and why one could not be read', async () => {
    const asked: FactSubject[] = [];
    const server = await start(asked);
    const before = Date.now();
    await result(server, 'alerts-on', 'dependency-alerts-enabled');
    await result(server, 'forbidden', 'dependency-alerts-enabled');
    const card = async (name: string) =>
      (await request(server).get(`/api/cicd-security/scorecards/${ref(name)}`))
        .body;

    const on = await card('alerts-on');
    const names = on.facts.map((f: any) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'github.automatedSecurityFixes',
        'github.vulnerabilityAlerts',
      ]),
    );
    const alerts = on.facts.find(
      (f: any) => f.name === 'github.vulnerabilityAlerts',
    );
    expect(alerts).toEqual({
      name: 'github.vulnerabilityAlerts',
      source: 'GitHub REST API',
      available: true,
      readAt: expect.any(String),
    });
    expect(Date.parse(alerts.readAt)).toBeGreaterThanOrEqual(before - 1000);
    // Values never leave the backend this way.
    expect(JSON.stringify(on.facts)).not.toContain('"value"');

    // The SBOM export reads the same source through the real backend.
    const sbom = await request(server).get(
      `/api/cicd-security/scorecards/${ref('alerts-on')}/sbom`,
    );
    expect(sbom.status).toBe(200);
    expect(JSON.parse(sbom.text)).toMatchObject({
      bomFormat: 'CycloneDX',
      metadata: { component: { name: 'alerts-on' } },
      components: [],
    });

    const forbidden = (await card('forbidden')).facts.find(
      (f: any) => f.name === 'github.vulnerabilityAlerts',
    );
    expect(forbidden).toMatchObject({
      available: false,
      permission: 'Administration: read',
      reason: expect.stringContaining('403 Resource not accessible'),
    });
  });
});
