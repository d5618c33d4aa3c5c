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
import { cicdSecurityPlugin } from '../plugin';
import { securityFileChecksModule } from '../testing/securityFileCheck';

/*
 * Policies through the whole plugin: configuration read at startup, real
 * scans of local repositories, the routes answering from the stored
 * scorecards.
 */

jest.setTimeout(60_000);

function component(name: string, tags: string[], source?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      tags,
      annotations: source ? { 'backstage.io/source-location': source } : {},
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

describe('policies in the backend', () => {
  let root: string;

  beforeAll(() => {
    root = fs.realpathSync(
      fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-policies-')),
    );
    fs.mkdirSync(path.join(root, 'good'));
    fs.writeFileSync(path.join(root, 'good', 'SECURITY.md'), '# Policy\n');
    fs.mkdirSync(path.join(root, 'bad'));
    fs.writeFileSync(path.join(root, 'bad', 'README.md'), '# Bad\n');
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  // Policies as written in app-config (bad ones included).
  function start(policies: Array<{ [key: string]: any }>) {
    return startTestBackend({
      features: [
        cicdSecurityPlugin,
        securityFileChecksModule,
        catalogServiceMock.factory({
          entities: [
            component('good', ['pci'], `dir:${root}/good`),
            component('bad', ['pci'], `dir:${root}/bad`),
            component('nowhere', ['pci']),
            component('other', [], `dir:${root}/good`),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            cicdSecurity: {
              sources: { localRoots: [root] },
              maxConcurrentShards: 4,
              checks: Object.fromEntries(
                builtinChecks.map(c => [c.id, { enabled: false }]),
              ),
              policies,
            },
          },
        }),
        mockServices.scheduler.factory({
          skipTaskRunOnStartup: false,
          includeInitialDelayedTasksOnStartup: true,
        }),
      ],
    });
  }

  it('refuses to start on a policy with an unknown selector, naming it', async () => {
    await expect(
      start([{ name: 'PCI', select: { tag: ['pci'] }, minGrade: 'B' }]),
    ).rejects.toThrow('cicdSecurity.policies[0].select.tag: unknown selector');
  });

  it('refuses to start on a check the backend does not run', async () => {
    await expect(
      start([
        {
          name: 'PCI',
          select: { tags: ['pci'] },
          checksPassing: ['hardcoded-secrets'],
        },
      ]),
    ).rejects.toThrow(
      "cicdSecurity.policies[0].checksPassing[0]: unknown check 'hardcoded-secrets'",
    );
  });

  it('evaluates the scanned components and leaves those without a source unevaluated', async () => {
    const backend = await start([
      {
        name: 'PCI',
        select: { 'metadata.tags': 'pci' },
        checksPassing: ['test-security-file'],
      },
    ]);
    const server = backend.server;
    try {
      const auth = mockCredentials.user.header();
      let body: any;
      for (let i = 0; i < 100; i++) {
        const res = await request(server)
          .get('/api/cicd-security/policies')
          .set('Authorization', auth);
        expect(res.status).toBe(200);
        body = res.body;
        if (body.items[0].counts.notEvaluated === 1) break;
        await new Promise(r => setTimeout(r, 100));
      }
      expect(body.items[0]).toMatchObject({
        name: 'PCI',
        requirements: ['test-security-file passes'],
        counts: { selected: 3, inPolicy: 1, outOfPolicy: 1, notEvaluated: 1 },
        outOfPolicy: [
          {
            entityRef: 'component:default/bad',
            failed: [
              expect.objectContaining({
                requirement: 'test-security-file passes',
                met: false,
              }),
            ],
          },
        ],
      });
      const nowhere = await request(server)
        .get(
          `/api/cicd-security/scorecards/${encodeURIComponent(
            'component:default/nowhere',
          )}/policies`,
        )
        .set('Authorization', auth);
      expect(nowhere.body.items).toEqual([
        expect.objectContaining({ policy: 'PCI', status: 'not-evaluated' }),
      ]);
      const other = await request(server)
        .get(
          `/api/cicd-security/scorecards/${encodeURIComponent(
            'component:default/other',
          )}/policies`,
        )
        .set('Authorization', auth);
      expect(other.body).toEqual({
        entityRef: 'component:default/other',
        items: [],
      });
    } finally {
      await backend.stop();
    }
  });
});
