import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  builtinChecks,
  CheckRegistry,
  createScorecardCheck,
  LocalDirectorySnapshot,
  resolveScoringConfig,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import { ConfigReader } from '@backstage/config';
import {
  NotFoundError,
  NotModifiedError,
  ResponseError,
} from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ScorecardStore, StoredScanState } from '../database/ScorecardStore';
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

type MockStore = jest.Mocked<ScorecardStore> & {
  rescore?: jest.Mock<Promise<number>, [string[], ScoringConfig]>;
};

function mockStore(options: { rescore?: boolean } = {}): MockStore {
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
    getScanStates: jest.fn().mockResolvedValue(new Map()),
    pruneHistory: jest.fn(),
    ...(options.rescore === false
      ? {}
      : { rescore: jest.fn().mockResolvedValue(1) }),
  } as unknown as MockStore;
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
      action: 'scanned',
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
      checkSetVersion: expect.stringMatching(/^[^:]+:[0-9a-f]{16}$/),
      revision: expect.stringMatching(/^local-sha256:/),
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
        action: 'error',
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

  describe('incremental scans of local directories', () => {
    let repo: string;
    beforeEach(() => {
      repo = fs.mkdtempSync(path.join(root, 'inc-'));
      fs.writeFileSync(path.join(repo, 'README.md'), '# hi\n');
    });

    async function firstScan(store: MockStore, s = scanner(store)) {
      await s.scan(component('svc', `dir:${repo}`));
      const outcome = store.saveScan.mock.calls[0][1];
      if (outcome.type !== 'scanned') throw new Error('expected a scan');
      const previous: StoredScanState = {
        entityRef: 'component:default/svc',
        state: 'ok',
        revision: outcome.revision,
        checkSetVersion: outcome.checkSetVersion,
        scoringVersion: outcome.scoringVersion,
        sourceLocation: outcome.sourceLocation,
      };
      store.saveScan.mockClear();
      return previous;
    }

    it('records a content revision and skips an unchanged directory', async () => {
      const store = mockStore();
      const previous = await firstScan(store);
      expect(previous.revision).toMatch(/^local-sha256:[0-9a-f]{64}$/);
      const summary = await scanner(store).scan(
        component('svc', `dir:${repo}`),
        {
          incremental: true,
          previous,
        },
      );
      expect(summary).toMatchObject({ state: 'ok', action: 'unchanged' });
      expect(store.saveScan).toHaveBeenCalledWith(expect.anything(), {
        type: 'unchanged',
      });
      expect(store.rescore).not.toHaveBeenCalled();
    });

    it('looks the previous state up when it is not given', async () => {
      const store = mockStore();
      const previous = await firstScan(store);
      store.getScanStates.mockResolvedValue(
        new Map([[previous.entityRef, previous]]),
      );
      const summary = await scanner(store).scan(
        component('svc', `dir:${repo}`),
        {
          incremental: true,
        },
      );
      expect(summary.action).toBe('unchanged');
    });

    it('scans again when a file changes, appears or the check set changes', async () => {
      const store = mockStore();
      const previous = await firstScan(store);
      fs.writeFileSync(path.join(repo, 'README.md'), '# hello again\n');
      expect(
        (
          await scanner(store).scan(component('svc', `dir:${repo}`), {
            incremental: true,
            previous,
          })
        ).action,
      ).toBe('scanned');

      const again = await firstScan(store);
      fs.writeFileSync(path.join(repo, 'new.yml'), 'a: 1\n');
      expect(
        (
          await scanner(store).scan(component('svc', `dir:${repo}`), {
            incremental: true,
            previous: again,
          })
        ).action,
      ).toBe('scanned');

      const third = await firstScan(store);
      expect(
        (
          await scanner(store).scan(component('svc', `dir:${repo}`), {
            incremental: true,
            previous: { ...third, checkSetVersion: 'older' },
          })
        ).action,
      ).toBe('scanned');
    });

    it('only re-scores when the scoring configuration changed', async () => {
      const store = mockStore();
      const previous = await firstScan(store);
      const scoring = resolveScoringConfig({ severityWeights: { low: 9 } });
      const reweighted = new EntityScanner({
        store,
        registry: new CheckRegistry([fakeCheck]),
        logger,
        localRoots: [root],
        scoring,
      });
      const summary = await reweighted.scan(component('svc', `dir:${repo}`), {
        incremental: true,
        previous,
      });
      expect(summary).toMatchObject({ state: 'ok', action: 'rescored' });
      expect(store.rescore).toHaveBeenCalledWith(
        ['component:default/svc'],
        scoring,
      );
      expect(store.saveScan).toHaveBeenCalledWith(expect.anything(), {
        type: 'unchanged',
        scoringVersion: reweighted.scoringVersion,
      });
      expect(reweighted.scoringVersion).not.toBe(previous.scoringVersion);
    });

    it('leaves the re-score to a batched call when deferred', async () => {
      const store = mockStore();
      const previous = await firstScan(store);
      const scoring = resolveScoringConfig({ severityWeights: { low: 9 } });
      const reweighted = new EntityScanner({
        store,
        registry: new CheckRegistry([fakeCheck]),
        logger,
        localRoots: [root],
        scoring,
      });
      const summary = await reweighted.scan(component('svc', `dir:${repo}`), {
        incremental: true,
        previous,
        deferRescore: true,
      });
      expect(summary).toMatchObject({ state: 'ok', action: 'needs-rescore' });
      expect(store.rescore).not.toHaveBeenCalled();
      // The entity facts are refreshed, the scoring version only with the
      // new scores.
      expect(store.saveScan).toHaveBeenLastCalledWith(expect.anything(), {
        type: 'unchanged',
      });
      await reweighted.rescore([
        'component:default/svc',
        'component:default/b',
      ]);
      expect(store.rescore).toHaveBeenCalledWith(
        ['component:default/svc', 'component:default/b'],
        scoring,
        { scoringVersion: reweighted.scoringVersion },
      );
      // Nothing to defer when the scoring config is the same.
      expect(
        (
          await scanner(store).scan(component('svc', `dir:${repo}`), {
            incremental: true,
            previous,
            deferRescore: true,
          })
        ).action,
      ).toBe('unchanged');
    });

    it('scans fully when the store cannot re-score', async () => {
      const store = mockStore({ rescore: false });
      const previous = await firstScan(store);
      const summary = await new EntityScanner({
        store,
        registry: new CheckRegistry([fakeCheck]),
        logger,
        localRoots: [root],
        scoring: resolveScoringConfig({ severityWeights: { low: 9 } }),
      }).scan(component('svc', `dir:${repo}`), { incremental: true, previous });
      expect(summary.action).toBe('scanned');
    });

    it('keeps the check-set version short whatever the number of checks', () => {
      const s = new EntityScanner({
        store: mockStore(),
        registry: new CheckRegistry(builtinChecks),
        logger,
        localRoots: [root],
      });
      expect(s.checkSetVersion.length).toBeLessThan(64);
    });
  });

  describe('url: sources', () => {
    const url = 'https://github.com/acme/svc/tree/main/';
    const integrations = ScmIntegrations.fromConfig(
      new ConfigReader({ integrations: { github: [{ host: 'github.com' }] } }),
    );

    function tree(files: Record<string, string>, etag = 'sha-1') {
      return {
        etag,
        files: async () =>
          Object.entries(files).map(([p, text]) => ({
            path: p,
            content: async () => Buffer.from(text),
          })),
        archive: async () => {
          throw new Error('not used');
        },
        dir: async () => {
          throw new Error('not used');
        },
      };
    }

    /** The plain errors Backstage's GitHub reader throws. */
    const githubError = (status: number, text: string, rateLimited = false) =>
      new Error(
        `Request failed for https://api.github.com/repos/acme/svc, ${status} ${text}${
          rateLimited ? ' (rate limit exceeded)' : ''
        }`,
      );

    async function responseError(
      status: number,
      headers: Record<string, string>,
    ) {
      return ResponseError.fromResponse(
        new Response(
          JSON.stringify({ error: { name: 'Error', message: 'x' } }),
          {
            status,
            statusText:
              status === 429 ? 'Too Many Requests' : 'Service Unavailable',
            headers,
          },
        ) as never,
      );
    }

    function setup(
      readTree: jest.Mock,
      retries = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 5000 },
      limits: { maxFileBytes?: number; maxTotalBytes?: number } = {},
    ) {
      const store = mockStore();
      const sleep = jest.fn().mockResolvedValue(undefined);
      const s = new EntityScanner({
        store,
        registry: new CheckRegistry([fakeCheck]),
        logger,
        localRoots: [root],
        urlReader: { readTree },
        integrations,
        allow: [{ host: 'github.com', paths: ['acme/'] }],
        retries,
        sleep,
        ...limits,
      });
      return { store, sleep, scanner: s };
    }

    it('reads the tree, records the etag as revision and the SCM URL', async () => {
      const readTree = jest
        .fn()
        .mockResolvedValue(tree({ 'README.md': '# hi' }, 'abc123'));
      const { store, scanner: s } = setup(readTree);
      const summary = await s.scan(component('svc', `url:${url}`));
      expect(summary).toMatchObject({ state: 'ok', action: 'scanned' });
      expect(readTree).toHaveBeenCalledWith(url, {
        filter: expect.any(Function),
        signal: expect.any(AbortSignal),
      });
      expect(store.saveScan.mock.calls[0][1]).toMatchObject({
        type: 'scanned',
        revision: 'abc123',
        scmUrl: url,
        sourceLocation: `url:${url}`,
        result: { checks: [{ checkId: 'has-readme', status: 'pass' }] },
      });
    });

    it('sends the stored etag and keeps results on NotModifiedError', async () => {
      const readTree = jest.fn().mockRejectedValue(new NotModifiedError());
      const { store, scanner: s } = setup(readTree);
      const summary = await s.scan(component('svc', `url:${url}`), {
        incremental: true,
        previous: {
          entityRef: 'component:default/svc',
          state: 'ok',
          revision: 'abc123',
          checkSetVersion: s.checkSetVersion,
          scoringVersion: s.scoringVersion,
          sourceLocation: `url:${url}`,
        },
      });
      expect(readTree).toHaveBeenCalledWith(
        url,
        expect.objectContaining({ etag: 'abc123' }),
      );
      expect(summary).toMatchObject({ state: 'ok', action: 'unchanged' });
      expect(store.saveScan.mock.calls[0][1]).toEqual({ type: 'unchanged' });
    });

    it('retries 5xx failures with exponential backoff', async () => {
      const readTree = jest
        .fn()
        .mockRejectedValueOnce(githubError(502, 'Bad Gateway'))
        .mockRejectedValueOnce(githubError(503, 'Service Unavailable'))
        .mockResolvedValue(tree({ 'README.md': '# hi' }));
      const { sleep, scanner: s } = setup(readTree);
      expect((await s.scan(component('svc', `url:${url}`))).state).toBe('ok');
      expect(readTree).toHaveBeenCalledTimes(3);
      expect(sleep.mock.calls).toEqual([[100], [200]]);
    });

    it('waits as long as Retry-After asks', async () => {
      const readTree = jest
        .fn()
        .mockRejectedValueOnce(await responseError(429, { 'retry-after': '3' }))
        .mockResolvedValue(tree({ 'README.md': '# hi' }));
      const { sleep, scanner: s } = setup(readTree);
      expect((await s.scan(component('svc', `url:${url}`))).state).toBe('ok');
      expect(sleep.mock.calls).toEqual([[3000]]);
    });

    it('marks the entity stale, keeping its scorecard, when retries run out', async () => {
      const readTree = jest
        .fn()
        .mockRejectedValue(githubError(403, 'Forbidden', true));
      const { store, sleep, scanner: s } = setup(readTree);
      const summary = await s.scan(component('svc', `url:${url}`));
      expect(summary).toMatchObject({
        state: 'stale',
        action: 'stale',
        reason: expect.stringMatching(
          /rate limited by the SCM.*gave up after 3 attempts/,
        ),
      });
      expect(readTree).toHaveBeenCalledTimes(3);
      expect(sleep).toHaveBeenCalledTimes(2);
      expect(store.saveScan.mock.calls[0][1]).toMatchObject({ type: 'stale' });
    });

    it('gives up at once when the rate limit resets later than the longest wait', async () => {
      const reset = Math.floor(Date.now() / 1000) + 3600;
      const readTree = jest.fn().mockRejectedValue(
        await responseError(403, {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(reset),
        }),
      );
      const { sleep, scanner: s } = setup(readTree);
      const summary = await s.scan(component('svc', `url:${url}`));
      expect(summary).toMatchObject({
        state: 'stale',
        reason: expect.stringContaining('longer than the 5 s limit'),
      });
      expect(readTree).toHaveBeenCalledTimes(1);
      expect(sleep).not.toHaveBeenCalled();
    });

    it('does not retry other failures', async () => {
      const readTree = jest
        .fn()
        .mockRejectedValue(githubError(401, 'Unauthorized'));
      const { scanner: s } = setup(readTree);
      expect(await s.scan(component('svc', `url:${url}`))).toMatchObject({
        state: 'error',
      });
      expect(readTree).toHaveBeenCalledTimes(1);
    });

    it('records a missing repository as no-source', async () => {
      const readTree = jest.fn().mockRejectedValue(new NotFoundError('gone'));
      const { scanner: s } = setup(readTree);
      expect(await s.scan(component('svc', `url:${url}`))).toMatchObject({
        state: 'no-source',
        reason: expect.stringContaining('was not found'),
      });
    });

    /**
     * A tree that behaves like Backstage's tar responses: `files()` asks the
     * readTree filter about each file with its size and buffers only the
     * files it keeps. `contentReads` lists the files whose content was read.
     */
    function filteringReader(
      files: Record<string, number | string>,
      options: { passSizes?: boolean } = {},
    ) {
      const contentReads: string[] = [];
      const readTree = jest.fn(
        async (
          _url: string,
          opts: {
            filter?: (p: string, info?: { size: number }) => boolean;
            signal?: AbortSignal;
          },
        ) => ({
          etag: 'sha-big',
          files: async () => {
            const kept = [];
            for (const [p, body] of Object.entries(files)) {
              if (opts.signal?.aborted)
                throw new Error('This operation was aborted');
              const size = typeof body === 'number' ? body : body.length;
              const info = options.passSizes === false ? undefined : { size };
              if (opts.filter && !opts.filter(p, info)) continue;
              kept.push({
                path: p,
                content: async () => {
                  contentReads.push(p);
                  return typeof body === 'number'
                    ? Buffer.alloc(body, 0x61)
                    : Buffer.from(body);
                },
              });
            }
            return kept;
          },
        }),
      );
      return { readTree, contentReads };
    }

    it('keeps large files, vendored folders and binaries out of memory but lists them', async () => {
      const { readTree, contentReads } = filteringReader({
        'README.md': '# hi',
        'package-lock.json': 2 * 1024 * 1024,
        'gradle/wrapper/gradle-wrapper.jar': 60_000,
        'docs/logo.png': 500_000,
        'vendor/lib/lib.go': 1000,
        'node_modules/x/index.js': 1000,
        '.git/config': 100,
      });
      const seen: string[][] = [];
      const listing = createScorecardCheck({
        id: 'listing',
        title: 'Lists the files',
        description: 'A test check.',
        category: 'compliance',
        severity: 'low',
        platforms: ['repository'],
        frameworks: [],
        run: snapshot => {
          seen.push([...snapshot.files()]);
          snapshot.read('package-lock.json');
          return { status: 'pass', score: 10, findings: [] };
        },
      });
      const store = mockStore();
      const s = new EntityScanner({
        store,
        registry: new CheckRegistry([fakeCheck, listing]),
        logger,
        localRoots: [],
        urlReader: { readTree: readTree as never },
        integrations,
        allow: [{ host: 'github.com' }],
      });
      expect(await s.scan(component('svc', `url:${url}`))).toMatchObject({
        state: 'ok',
      });
      expect(contentReads).toEqual(['README.md']);
      expect(seen[0]).toEqual([
        'README.md',
        'docs/logo.png',
        'gradle/wrapper/gradle-wrapper.jar',
        'package-lock.json',
        'vendor/lib/lib.go',
      ]);
      const [, outcome] = store.saveScan.mock.calls[0];
      expect(outcome.type === 'scanned' && outcome.result.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            file: 'package-lock.json',
            message: `larger than ${1024 * 1024} bytes (${2 * 1024 * 1024})`,
          }),
        ]),
      );
    });

    it('reads text files over the per-file limit for the secret scan, within the byte budget', async () => {
      // An AWS key id built at run time, at the end of a 3 MiB config file.
      const key = ['AKIA', 'Q3EGRQ7Z', 'W5XK2MJD'].join('');
      const big = `${'# padding line of a large generated config\n'.repeat(
        75_000,
      )}aws_access_key_id: ${key}\n`;
      const { readTree, contentReads } = filteringReader({
        'config/generated.yaml': big,
        'docs/huge.png': 3 * 1024 * 1024,
      });
      const store = mockStore();
      const s = new EntityScanner({
        store,
        registry: new CheckRegistry(
          builtinChecks.filter(c => c.id === 'hardcoded-secrets'),
        ),
        logger,
        localRoots: [],
        urlReader: { readTree: readTree as never },
        integrations,
        allow: [{ host: 'github.com' }],
      });
      expect(await s.scan(component('svc', `url:${url}`))).toMatchObject({
        state: 'ok',
      });
      expect(contentReads).toEqual(['config/generated.yaml']);
      const [, outcome] = store.saveScan.mock.calls[0];
      if (outcome.type !== 'scanned') throw new Error(outcome.type);
      const secrets = outcome.result.checks.find(
        c => c.checkId === 'hardcoded-secrets',
      )!;
      expect(secrets.status).toBe('fail');
      expect(secrets.findings[0]).toMatchObject({
        file: 'config/generated.yaml',
        line: 75_001,
      });
      expect(JSON.stringify(outcome.result)).not.toContain(key);
    });

    it.each([
      ['in the readTree filter', true],
      ['in the snapshot, for readers that give no sizes', false],
    ])(
      'ends the scan of a repository over the byte budget (%s), keeping the last scorecard',
      async (_name, passSizes) => {
        const files: Record<string, number> = {};
        for (let i = 0; i < 40; i++) files[`src/f${i}.txt`] = 100_000;
        const { readTree, contentReads } = filteringReader(files, {
          passSizes,
        });
        const { store, scanner: s } = setup(readTree, undefined, {
          maxTotalBytes: 1_000_000,
        });
        const summary = await s.scan(component('svc', `url:${url}`));
        expect(summary).toMatchObject({
          state: 'error',
          action: 'error',
          reason: expect.stringMatching(
            /^repository is larger than the 1000000 bytes budget of cicdSecurity.sources.maxTotalBytes: .* after src\/f10.txt$/,
          ),
        });
        // An error outcome keeps the previous results (see the store).
        expect(store.saveScan.mock.calls[0][1]).toEqual({
          type: 'error',
          message: summary.reason,
        });
        // Nothing past the budget was buffered, nor retried.
        expect(contentReads.length).toBeLessThanOrEqual(passSizes ? 10 : 11);
        expect(readTree).toHaveBeenCalledTimes(1);
      },
    );

    it('applies the byte budget to local directories too', async () => {
      const big = path.join(root, 'big');
      fs.mkdirSync(path.join(big, 'src'), { recursive: true });
      for (let i = 0; i < 5; i++) {
        fs.writeFileSync(path.join(big, 'src', `f${i}.txt`), 'x'.repeat(300));
      }
      // Not counted: binaries and files over the per-file limit.
      fs.writeFileSync(path.join(big, 'logo.png'), Buffer.alloc(5000));
      fs.writeFileSync(path.join(big, 'huge.txt'), 'y'.repeat(5000));
      const scan = (maxTotalBytes: number) => {
        const store = mockStore();
        return new EntityScanner({
          store,
          registry: new CheckRegistry([fakeCheck]),
          logger,
          localRoots: [root],
          maxFileBytes: 2000,
          maxTotalBytes,
        }).scan(component('svc', `dir:${big}`));
      };
      expect(await scan(1500)).toMatchObject({ state: 'ok' });
      expect(await scan(1000)).toMatchObject({
        state: 'error',
        reason: expect.stringContaining(
          `repository is larger than the 1000 bytes budget of cicdSecurity.sources.maxTotalBytes: 1500 bytes of files to read in dir:${big}`,
        ),
      });
    });

    it('refuses a source outside the allowed organisations, without any request', async () => {
      const readTree = jest.fn();
      const { scanner: s } = setup(readTree);
      expect(
        await s.scan(
          component('svc', 'url:https://github.com/victim-org/private/'),
        ),
      ).toMatchObject({
        state: 'no-source',
        reason: expect.stringContaining(
          'is not allowed by cicdSecurity.sources.allow',
        ),
      });
      expect(readTree).not.toHaveBeenCalled();
    });

    it('refuses hosts without an integration, without any request', async () => {
      const readTree = jest.fn();
      const { scanner: s } = setup(readTree);
      expect(
        await s.scan(component('svc', 'url:https://evil.example.net/acme/svc')),
      ).toMatchObject({
        state: 'no-source',
        reason: expect.stringContaining('No SCM integration is configured'),
      });
      expect(readTree).not.toHaveBeenCalled();
    });
  });
});
