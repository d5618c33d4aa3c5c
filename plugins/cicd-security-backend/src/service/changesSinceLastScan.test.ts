import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Scorecard } from '@cicd-security/plugin-cicd-security-common';
import { builtinChecks } from '@cicd-security/plugin-cicd-security-node';
import Ajv from 'ajv';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import YAML from 'yaml';
import { cicdSecurityPlugin } from '../plugin';

/*
 * "New since the last scan" and "fixed since" through the whole plugin: a
 * real backend, its database, its scanner on a local repository that changes
 * between two scans, and the scorecard read over HTTP and checked against
 * the OpenAPI document.
 */

jest.setTimeout(60_000);

const spec = YAML.parse(
  fs.readFileSync(path.join(__dirname, '../schema/openapi.yaml'), 'utf8'),
);
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validateScorecard = ajv.compile({
  ...spec.paths['/scorecards/{entityRef}'].get.responses['200'].content[
    'application/json'
  ].schema,
  components: spec.components,
});

function expectDocumented(body: unknown) {
  if (!validateScorecard(body)) {
    throw new Error(
      `the scorecard does not match the OpenAPI schema: ${ajv.errorsText(
        validateScorecard.errors,
      )}`,
    );
  }
}

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
const REF = encodeURIComponent('component:default/app');

const workflow = (steps: string[]) =>
  [
    'name: ci',
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    ...steps.map(s => `      - uses: ${s}`),
    '',
  ].join('\n');

describe('changes since the last scan, through the plugin', () => {
  let root: string;

  beforeAll(() => {
    root = fs.realpathSync(
      fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-changes-')),
    );
    fs.mkdirSync(path.join(root, 'app', '.github', 'workflows'), {
      recursive: true,
    });
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const writeWorkflow = (steps: string[]) =>
    fs.writeFileSync(
      path.join(root, 'app', '.github', 'workflows', 'ci.yml'),
      workflow(steps),
    );

  it('reports the findings that appeared and went away between two scans of a changed repository', async () => {
    const { server } = await startTestBackend({
      features: [
        cicdSecurityPlugin,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'app',
                annotations: {
                  'backstage.io/source-location': `dir:${root}/app`,
                },
              },
              spec: { type: 'service', lifecycle: 'production', owner: 'a' },
            } as Entity,
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            cicdSecurity: {
              sources: { localRoots: [root] },
              // Only the unpinned-actions check runs.
              checks: Object.fromEntries(
                builtinChecks
                  .filter(c => c.id !== 'unpinned-actions')
                  .map(c => [c.id, { enabled: false }]),
              ),
            },
          },
        }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      ],
    });

    const get = async (): Promise<Scorecard> => {
      const res = await request(server).get(
        `/api/cicd-security/scorecards/${REF}`,
      );
      expect(res.status).toBe(200);
      expectDocumented(res.body);
      return res.body;
    };
    const scan = async (after?: string): Promise<Scorecard> => {
      const refresh = await request(server).post(
        `/api/cicd-security/scorecards/${REF}/refresh`,
      );
      expect(refresh.status).toBe(202);
      for (let i = 0; i < 250; i++) {
        const card = await get();
        if (card.state === 'ok' && card.scannedAt !== after) return card;
        await new Promise(resolve => setTimeout(resolve, 20));
      }
      throw new Error('the scan did not finish');
    };
    const findings = (card: Scorecard) =>
      card.checks
        .find(c => c.checkId === 'unpinned-actions')!
        .findings.map(f => [f.snippet ?? f.message, !!f.newSinceLastScan]);

    // First scan: two unpinned actions, nothing to compare with.
    writeWorkflow(['actions/checkout@v4', 'actions/setup-node@v4']);
    const first = await scan();
    expect(first.changes).toEqual({
      comparedWith: null,
      newFindings: 0,
      fixedFindings: [],
    });
    expect(findings(first)).toHaveLength(2);
    for (const f of first.checks.flatMap(c => c.findings)) {
      expect(f).not.toHaveProperty('newSinceLastScan');
    }

    // The repository pins checkout and adds an unpinned cache action.
    writeWorkflow([
      `actions/checkout@${SHA} # v4.1.1`,
      'actions/setup-node@v4',
      'actions/cache@v4',
    ]);
    const second = await scan(first.scannedAt);
    expect(second.revision).not.toBe(first.revision);
    const marked = second.checks
      .flatMap(c => c.findings)
      .filter(f => f.newSinceLastScan);
    expect(marked).toHaveLength(1);
    expect(marked[0].message).toContain('actions/cache');
    const setupNode = second.checks
      .flatMap(c => c.findings)
      .find(f => f.message.includes('actions/setup-node'));
    expect(setupNode).toMatchObject({ newSinceLastScan: false });
    expect(second.changes).toEqual({
      comparedWith: {
        scannedAt: first.scannedAt,
        ...(first.revision ? { revision: first.revision } : {}),
      },
      newFindings: 1,
      fixedFindings: [
        expect.objectContaining({
          checkId: 'unpinned-actions',
          checkTitle: first.checks[0].title,
          file: '.github/workflows/ci.yml',
          line: 7,
          message: expect.stringContaining('actions/checkout'),
        }),
      ],
    });

    // A rescan of the same code changes nothing: the comparison and the
    // marks stay.
    const again = await request(server).post(
      `/api/cicd-security/scorecards/${REF}/refresh`,
    );
    expect(again.status).toBe(202);
    let card = await get();
    for (let i = 0; i < 250 && card.state !== 'ok'; i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
      card = await get();
    }
    expect(card.state).toBe('ok');
    expect(card.revision).toBe(second.revision);
    expect(card.changes).toEqual(second.changes);
    expect(findings(card)).toEqual(findings(second));
  });
});
