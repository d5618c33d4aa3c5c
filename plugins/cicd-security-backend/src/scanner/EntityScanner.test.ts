import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  builtinChecks,
  CheckRegistry,
  createScorecardCheck,
  LocalDirectorySnapshot,
} from '@cicd-security/plugin-cicd-security-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ScorecardStore } from '../database/ScorecardStore';
import { EntityScanner } from './EntityScanner';

const fakeCheck = createScorecardCheck({
  id: 'has-readme',
  title: 'The repository has a README',
  description: 'A test check.',
  category: 'compliance',
  severity: 'low',
  platforms: ['repository'],
  frameworks: [],
  run: snapshot =>
    snapshot.exists('README.md')
      ? { status: 'pass', score: 10, findings: [] }
      : {
          status: 'fail',
          score: 0,
          findings: [{ message: 'No README', file: 'README.md' }],
        },
});

function mockStore(): jest.Mocked<ScorecardStore> {
  return {
    saveScan: jest.fn(),
    setState: jest.fn(),
    listScorecards: jest.fn(),
    getScorecard: jest.fn(),
    getHistory: jest.fn(),
    teamSummaries: jest.fn(),
    checkStats: jest.fn(),
    listEntityRefs: jest.fn(),
    deleteEntities: jest.fn(),
  };
}

function component(name: string, source?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      title: `${name} title`,
      annotations: source ? { 'backstage.io/source-location': source } : {},
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'team-a',
      system: 'payments',
    },
  };
}

describe('EntityScanner', () => {
  let root: string;
  const logger = mockServices.logger.mock();

  beforeAll(() => {
    root = fs.realpathSync(
      fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-scan-')),
    );
    fs.mkdirSync(path.join(root, 'with-readme'));
    fs.writeFileSync(path.join(root, 'with-readme', 'README.md'), '# hi\n');
    fs.mkdirSync(path.join(root, 'bare'));
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  function scanner(store: ScorecardStore) {
    return new EntityScanner({
      store,
      registry: new CheckRegistry([fakeCheck]),
      logger,
      localRoots: [root],
    });
  }

  it('scans a local repository and saves the result', async () => {
    const store = mockStore();
    const summary = await scanner(store).scan(
      component('svc', `dir:${root}/bare`),
    );
    expect(summary).toEqual({
      entityRef: 'component:default/svc',
      state: 'ok',
    });
    expect(store.saveScan).toHaveBeenCalledTimes(1);
    const [meta, outcome] = store.saveScan.mock.calls[0];
    expect(meta).toEqual({
      entityRef: 'component:default/svc',
      kind: 'Component',
      namespace: 'default',
      name: 'svc',
      title: 'svc title',
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-a',
      system: 'system:default/payments',
    });
    expect(outcome).toMatchObject({
      type: 'scanned',
      sourceLocation: `dir:${root}/bare`,
      checkSetVersion: expect.stringContaining('has-readme'),
      result: {
        score: 0,
        grade: 'F',
        checks: [
          {
            checkId: 'has-readme',
            status: 'fail',
            findings: [{ message: 'No README', file: 'README.md' }],
          },
        ],
      },
    });
  });

  it('records entities without a source as no-source', async () => {
    const store = mockStore();
    expect(await scanner(store).scan(component('svc'))).toMatchObject({
      state: 'no-source',
    });
    expect(store.saveScan).toHaveBeenCalledWith(expect.anything(), {
      type: 'no-source',
      reason: 'The entity has no backstage.io/source-location annotation',
    });
  });

  it('records refused sources as no-source with the reason', async () => {
    const store = mockStore();
    const summary = await scanner(store).scan(
      component('svc', `dir:${root}/../../etc`),
    );
    expect(summary).toMatchObject({
      state: 'no-source',
      reason: expect.stringContaining('outside the allowed local roots'),
    });
  });

  it('records a repository that cannot be read as error, without throwing', async () => {
    const store = mockStore();
    const spy = jest
      .spyOn(LocalDirectorySnapshot, 'create')
      .mockImplementation(() => {
        throw new Error('EACCES: permission denied');
      });
    try {
      const summary = await scanner(store).scan(
        component('svc', `dir:${root}/bare`),
      );
      expect(summary).toEqual({
        entityRef: 'component:default/svc',
        state: 'error',
        reason: 'EACCES: permission denied',
      });
      expect(store.saveScan).toHaveBeenCalledWith(expect.anything(), {
        type: 'error',
        message: 'EACCES: permission denied',
      });
    } finally {
      spy.mockRestore();
    }
  });

  it('never throws when the store fails', async () => {
    const store = mockStore();
    store.saveScan.mockRejectedValue(new Error('database is locked'));
    await expect(
      scanner(store).scan(component('svc', `dir:${root}/bare`)),
    ).resolves.toEqual({
      entityRef: 'component:default/svc',
      state: 'error',
      reason: 'database is locked',
    });
  });

  it('runs the built-in checks on a small repository', async () => {
    const repo = path.join(root, 'builtin');
    fs.mkdirSync(path.join(repo, '.github', 'workflows'), { recursive: true });
    fs.writeFileSync(
      path.join(repo, '.github', 'workflows', 'ci.yml'),
      [
        'name: ci',
        'on: [push]',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - run: npm test',
        '',
      ].join('\n'),
    );
    const store = mockStore();
    const summary = await new EntityScanner({
      store,
      registry: new CheckRegistry(builtinChecks),
      logger,
      localRoots: [root],
    }).scan(component('svc', `dir:${repo}`));
    expect(summary.state).toBe('ok');
    const outcome = store.saveScan.mock.calls[0][1];
    if (outcome.type !== 'scanned') throw new Error('expected a scan');
    expect(outcome.result.checks.map(c => c.checkId).sort()).toEqual(
      builtinChecks.map(c => c.id).sort(),
    );
    expect(outcome.result.checks.every(c => c.status !== 'error')).toBe(true);
    expect(outcome.result.score).not.toBeNull();
  });
});
