import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Scorecard } from '@cicd-security/plugin-cicd-security-common';
import {
  builtinChecks,
  CheckRegistry,
} from '@cicd-security/plugin-cicd-security-node';
import { createHash } from 'crypto';
import { Knex } from 'knex';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { EntityScanner } from '../scanner/EntityScanner';
import { ScorecardRefreshTask } from '../scheduler/ScorecardRefreshTask';
import { FAKE_GITLAB_TOKEN, FakeGitLab, Fault } from '../testing/fakeGitLab';
import { halfWrittenScorecards } from '../testing/wholeScorecards';

/*
 * A scan cycle of the real refresh task, scanner and store (SQLite) reading
 * `url:` sources through Backstage's real GitLab UrlReader from a fake GitLab
 * at the HTTP layer, while some repositories fail the way SCMs do: 5xx, 429
 * with Retry-After, a request that never answers, a download that stalls,
 * a truncated .tar.gz, a connection reset in the middle of the archive.
 */

jest.setTimeout(30_000);

const sha = (s: string) => createHash('sha1').update(s).digest('hex');
const SHA_1 = sha('commit one');
const SHA_2 = sha('commit two');

/** Revision 1: one unpinned action, an unpinned image. */
const FILES_1: Record<string, string> = {
  'README.md': '# repo\n',
  '.github/workflows/ci.yml': [
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
  '.gitlab-ci.yml': 'image: node:latest\n\ntest:\n  script:\n    - npm test\n',
};

/** Revision 2: two unpinned actions, the image pinned by digest. */
const FILES_2: Record<string, string> = {
  ...FILES_1,
  '.github/workflows/ci.yml': [
    'name: ci',
    'on: [push]',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: actions/setup-node@v4',
    '      - run: npm test',
    '',
  ].join('\n'),
  '.gitlab-ci.yml': `image: node@sha256:${'a'.repeat(
    64,
  )}\n\ntest:\n  script:\n    - npm test\n`,
};

/** The faults of the second cycle, by repository. */
const FAULTS: Record<string, { fault: Fault; reason: RegExp }> = {
  'repo-503': {
    fault: { type: 'status', endpoint: 'archive', status: 503 },
    reason: /the SCM failed with 503.*\(gave up after 2 attempts\)/,
  },
  'repo-502-project': {
    fault: { type: 'status', endpoint: 'project', status: 502 },
    reason: /the SCM failed with 502.*\(gave up after 2 attempts\)/,
  },
  'repo-429': {
    fault: {
      type: 'status',
      endpoint: 'commits',
      status: 429,
      headers: { 'Retry-After': '1' },
    },
    reason: /rate limited by the SCM: .*429 Too Many Requests/,
  },
  'repo-hang': {
    fault: { type: 'hang', endpoint: 'project' },
    reason: /did not answer within 1 s/,
  },
  'repo-stall': {
    fault: { type: 'stall-body' },
    reason: /did not answer within 1 s/,
  },
  'repo-truncated': {
    fault: { type: 'truncated-archive', fraction: 0.6 },
    reason:
      /the download from the SCM broke off: .*unexpected end of file.*\(gave up after 2 attempts\)/,
  },
  'repo-reset': {
    fault: { type: 'reset-archive', fraction: 0.5 },
    reason:
      /the download from the SCM broke off: .*\(gave up after 2 attempts\)/,
  },
};
const HEALTHY = ['repo-ok-1', 'repo-ok-2', 'repo-ok-3'];
const ALL = [...HEALTHY, ...Object.keys(FAULTS)];
const refOf = (name: string) => `component:default/${name}`;

function component(name: string, source: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'backstage.io/source-location': `url:${source}`,
        // Registered from the same repository (sources must match where the
        // entity came from).
        'backstage.io/managed-by-location': `url:${source}catalog-info.yaml`,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

const unpinnedActions = (card: Scorecard | undefined) =>
  card?.checks.find(c => c.checkId === 'unpinned-actions')?.findings.length;

describe('a scan cycle while some repositories fail at the SCM', () => {
  const gitlab = new FakeGitLab();
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let knex: Knex;
  let store: DatabaseScorecardStore;
  let task: ScorecardRefreshTask;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    await gitlab.start();
    knex = await databases.init('SQLITE_3');
    store = await DatabaseScorecardStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const config = new ConfigReader({
      integrations: {
        gitlab: [
          {
            host: `127.0.0.1:${gitlab.port}`,
            baseUrl: gitlab.origin,
            apiBaseUrl: `${gitlab.origin}/api/v4`,
            token: FAKE_GITLAB_TOKEN,
          },
        ],
      },
    });
    const scanner = new EntityScanner({
      store,
      registry: new CheckRegistry(builtinChecks),
      logger,
      localRoots: [],
      urlReader: UrlReaders.default({ config, logger }),
      integrations: ScmIntegrations.fromConfig(config),
      retries: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 2000 },
      readTimeoutMs: 1000,
    });
    task = new ScorecardRefreshTask({
      config: new ConfigReader({}),
      scheduler: mockServices.scheduler.mock(),
      logger,
      store,
      scanner,
      catalog: catalogServiceMock({
        entities: ALL.map(name => component(name, gitlab.sourceUrl(name))),
      }),
      auth: mockServices.auth(),
      concurrency: 4,
    });
    for (const name of ALL) {
      gitlab.projects.set(name, { sha: SHA_1, files: FILES_1 });
    }
  });

  afterAll(async () => {
    await gitlab.stop();
  });

  it('scans the healthy repositories, keeps the previous scorecard of the failing ones and marks them stale with the reason', async () => {
    // Cycle 1: every repository answers.
    const first = await task.run();
    expect(first).toMatchObject({ scanned: ALL.length, stale: 0, failed: 0 });
    const before = new Map<string, Scorecard>();
    for (const name of ALL) {
      const card = (await store.getScorecard(refOf(name)))!;
      expect(card).toMatchObject({ state: 'ok', revision: SHA_1 });
      expect(unpinnedActions(card)).toBe(1);
      before.set(name, card);
    }

    // Cycle 2: every repository has a new commit; some fail.
    for (const name of ALL) {
      gitlab.projects.set(name, {
        sha: SHA_2,
        files: FILES_2,
        fault: FAULTS[name]?.fault,
      });
    }
    const started = Date.now();
    const second = await task.run();
    const elapsed = Date.now() - started;
    const states = await Promise.all(
      ALL.map(async name => {
        const card = await store.getScorecard(refOf(name));
        return `${name}: ${card?.state} ${card?.stateReason ?? ''}`;
      }),
    );
    expect({ ...second, states }).toMatchObject({
      scanned: HEALTHY.length,
      stale: Object.keys(FAULTS).length,
      failed: 0,
    });
    // Two timeouts of 1 s, the rest fast: generous budget. Wall-clock on
    // purpose: what is tested is that hanging reads are cut by the read
    // timeout instead of holding the cycle; the bound is 5x the expected
    // time, so only a cycle that waited on a hanging read fails it.
    expect(elapsed).toBeLessThan(10_000);
    // eslint-disable-next-line no-console
    console.info(
      `cycle with ${Object.keys(FAULTS).length} of ${
        ALL.length
      } repositories failing: ${elapsed} ms`,
    );

    for (const name of HEALTHY) {
      const card = await store.getScorecard(refOf(name));
      expect(card).toMatchObject({ state: 'ok', revision: SHA_2 });
      expect(unpinnedActions(card)).toBe(2);
    }
    for (const [name, { reason }] of Object.entries(FAULTS)) {
      const card = await store.getScorecard(refOf(name));
      const previous = before.get(name)!;
      expect({ name, state: card?.state, reason: card?.stateReason }).toEqual({
        name,
        state: 'stale',
        reason: expect.stringMatching(reason),
      });
      // The previous scorecard, whole: same revision, score, results.
      expect(card).toMatchObject({
        revision: SHA_1,
        score: previous.score,
        grade: previous.grade,
        counts: previous.counts,
      });
      expect(card!.checks).toEqual(previous.checks);
    }
    expect(await halfWrittenScorecards(knex)).toEqual([]);

    // Cycle 3: the SCM is healthy again; every repository catches up.
    for (const name of ALL) {
      gitlab.projects.set(name, { sha: SHA_2, files: FILES_2 });
    }
    const third = await task.run();
    expect(third).toMatchObject({ stale: 0, failed: 0 });
    for (const name of ALL) {
      const card = await store.getScorecard(refOf(name));
      expect(card).toMatchObject({ state: 'ok', revision: SHA_2 });
      expect(card!.stateReason).toBeUndefined();
      expect(unpinnedActions(card)).toBe(2);
    }
    expect(await halfWrittenScorecards(knex)).toEqual([]);
  });
});
