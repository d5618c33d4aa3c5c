import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  builtinChecks,
  CheckRegistry,
} from '@cicd-security/plugin-cicd-security-node';
import { createHash } from 'crypto';
import http from 'http';
import { AddressInfo } from 'net';
import v8 from 'v8';
import vm from 'vm';
import { gitlabArchive } from '../testing/gitlabArchive';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { EntityScanner } from '../scanner/EntityScanner';
import { RetryPolicy } from './retry';

/*
 * `url:` sources read through Backstage's real UrlReaderService (the GitLab
 * reader of @backstage/backend-defaults) from a fake GitLab at the HTTP
 * layer. The reader's readTree makes three API calls, answered here with
 * payloads shaped like GitLab's REST API documents them:
 *
 *   GET {apiBaseUrl}/projects/group%2Frepo                              → project (default_branch)
 *   GET {apiBaseUrl}/projects/group%2Frepo/repository/commits?ref_name=main → [commit] (id = etag)
 *   GET {apiBaseUrl}/projects/group%2Frepo/repository/archive?sha=main    → tar.gz, one top folder
 *
 * When the first commit's id equals the etag it was given, the reader throws
 * NotModifiedError before asking for the archive.
 */

jest.setTimeout(30_000);

const TOKEN = 'test-token-not-secret';
const PROJECT = 'group/repo';
const SHA_1 = createHash('sha1').update('commit one').digest('hex');
const SHA_2 = createHash('sha1').update('commit two').digest('hex');

const WORKFLOW = [
  'name: ci',
  'on: [push]',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - run: npm test',
  '',
].join('\n');

const GITLAB_CI = [
  'image: node:latest',
  '',
  'test:',
  '  script:',
  '    - npm ci',
  '    - npm test',
  '',
].join('\n');

const REPO_FILES: Record<string, string> = {
  'README.md': '# repo\n',
  '.github/workflows/ci.yml': WORKFLOW,
  '.gitlab-ci.yml': GITLAB_CI,
};

// ---------------------------------------------------------------------------
// The fake GitLab.

interface SeenRequest {
  method: string;
  path: string;
  authorization?: string;
}

type Endpoint = 'project' | 'commits' | 'archive';

/** A canned failure for the next requests to one endpoint. */
interface Failure {
  endpoint: Endpoint;
  status: number;
  headers?: Record<string, string>;
  /** How many requests fail; undefined: all of them. */
  times?: number;
}

class FakeGitLab {
  readonly requests: SeenRequest[] = [];
  sha = SHA_1;
  files = REPO_FILES;
  failures: Failure[] = [];
  #server?: http.Server;
  port = 0;

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  count(endpoint: Endpoint): number {
    return this.requests.filter(r => endpointOf(r.path) === endpoint).length;
  }

  #archive?: { files: Record<string, string>; sha: string; body: Buffer };

  /** The tar.gz of the current files, built once per files and commit. */
  archive(): Buffer {
    if (this.#archive?.files !== this.files || this.#archive.sha !== this.sha) {
      this.#archive = {
        files: this.files,
        sha: this.sha,
        body: gitlabArchive('repo', this.files, this.sha),
      };
    }
    return this.#archive.body;
  }

  reset() {
    this.requests.length = 0;
    this.failures = [];
    this.sha = SHA_1;
    this.files = REPO_FILES;
  }

  async start() {
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    await new Promise<void>(resolve =>
      this.#server!.listen(0, '127.0.0.1', resolve),
    );
    this.port = (this.#server!.address() as AddressInfo).port;
  }

  async stop() {
    await new Promise<void>(resolve => this.#server?.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = req.url ?? '';
    this.requests.push({
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
    });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      json(401, { message: '401 Unauthorized' });
      return;
    }
    const endpoint = endpointOf(path);
    const failure = this.failures.find(
      f => f.endpoint === endpoint && (f.times === undefined || f.times > 0),
    );
    if (failure) {
      if (failure.times !== undefined) failure.times -= 1;
      res.writeHead(failure.status, {
        'Content-Type': 'application/json',
        ...failure.headers,
      });
      res.end(
        JSON.stringify({
          message:
            failure.status === 429 ? 'Retry later' : '503 Service Unavailable',
        }),
      );
      return;
    }
    const url = new URL(path, this.origin);
    switch (endpoint) {
      case 'project':
        // GET /projects/:id (https://docs.gitlab.com/api/projects/#get-a-single-project)
        json(200, {
          id: 42,
          description: 'A service',
          name: 'repo',
          name_with_namespace: 'group / repo',
          path: 'repo',
          path_with_namespace: PROJECT,
          created_at: '2024-01-01T00:00:00.000Z',
          default_branch: 'main',
          tag_list: [],
          topics: [],
          ssh_url_to_repo: `git@127.0.0.1:${PROJECT}.git`,
          http_url_to_repo: `${this.origin}/${PROJECT}.git`,
          web_url: `${this.origin}/${PROJECT}`,
          visibility: 'private',
          archived: false,
          empty_repo: false,
        });
        return;
      case 'commits': {
        // GET /projects/:id/repository/commits?ref_name=… (https://docs.gitlab.com/api/commits/#list-repository-commits)
        if (url.searchParams.get('ref_name') !== 'main') {
          json(404, { message: '404 Branch Not Found' });
          return;
        }
        json(200, [
          {
            id: this.sha,
            short_id: this.sha.slice(0, 8),
            created_at: '2024-06-01T10:00:00.000+00:00',
            parent_ids: [SHA_2],
            title: 'Update CI',
            message: 'Update CI\n',
            author_name: 'Example Dev',
            author_email: 'dev@example.com',
            authored_date: '2024-06-01T10:00:00.000+00:00',
            committer_name: 'Example Dev',
            committer_email: 'dev@example.com',
            committed_date: '2024-06-01T10:00:00.000+00:00',
            trailers: {},
            web_url: `${this.origin}/${PROJECT}/-/commit/${this.sha}`,
          },
        ]);
        return;
      }
      case 'archive': {
        // GET /projects/:id/repository/archive[.format]?sha=… (https://docs.gitlab.com/api/repositories/#get-file-archive), tar.gz by default
        const body = this.archive();
        res.writeHead(200, {
          'Content-Type': 'application/octet-stream',
          'Content-Disposition': `attachment; filename="repo-main-${this.sha}.tar.gz"`,
          'Content-Length': body.length,
        });
        res.end(body);
        return;
      }
      default:
        json(404, { message: '404 Not Found' });
    }
  }
}

function endpointOf(path: string): Endpoint | undefined {
  const pathname = path.split('?')[0];
  const base = `/api/v4/projects/${encodeURIComponent(PROJECT)}`;
  if (pathname === base) return 'project';
  if (pathname === `${base}/repository/commits`) return 'commits';
  if (pathname === `${base}/repository/archive`) return 'archive';
  return undefined;
}

// ---------------------------------------------------------------------------

function component(
  name: string,
  source: string,
  /** The catalog location that registered the entity. */
  managedBy?: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'backstage.io/source-location': source,
        ...(managedBy
          ? {
              'backstage.io/managed-by-location': managedBy,
              'backstage.io/managed-by-origin-location': managedBy,
            }
          : {}),
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

describe('url: sources through the real GitLab UrlReader against a fake GitLab', () => {
  const gitlab = new FakeGitLab();
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const logger = mockServices.logger.mock();
  let store: DatabaseScorecardStore;
  let sourceUrl: string;
  const ref = 'component:default/svc';

  beforeAll(async () => {
    await gitlab.start();
    sourceUrl = `${gitlab.origin}/${PROJECT}/-/tree/main/`;
    const knex = await databases.init('SQLITE_3');
    store = await DatabaseScorecardStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
  });

  afterAll(async () => {
    await gitlab.stop();
  });

  beforeEach(async () => {
    gitlab.reset();
    await store.deleteEntities(await store.listEntityRefs());
  });

  function setup(
    options: {
      retries?: RetryPolicy;
      /** The GitLab integration's own `retry` config. */
      integrationRetry?: { maxRetries: number; retryStatusCodes: number[] };
      maxFileBytes?: number;
      maxTotalBytes?: number;
    } = {},
  ) {
    const config = new ConfigReader({
      integrations: {
        gitlab: [
          {
            host: `127.0.0.1:${gitlab.port}`,
            baseUrl: gitlab.origin,
            apiBaseUrl: `${gitlab.origin}/api/v4`,
            token: TOKEN,
            ...(options.integrationRetry
              ? { retry: options.integrationRetry }
              : {}),
          },
        ],
      },
    });
    const urlReader = UrlReaders.default({ config, logger });
    const readTree = jest.spyOn(urlReader, 'readTree');
    const sleeps: number[] = [];
    const scanner = new EntityScanner({
      store,
      registry: new CheckRegistry(builtinChecks),
      logger,
      localRoots: [],
      urlReader,
      integrations: ScmIntegrations.fromConfig(config),
      maxFileBytes: options.maxFileBytes,
      maxTotalBytes: options.maxTotalBytes,
      retries: options.retries ?? {
        maxAttempts: 3,
        initialDelayMs: 10,
        maxDelayMs: 2000,
      },
      sleep: ms => {
        sleeps.push(ms);
        return new Promise(resolve => setTimeout(resolve, ms));
      },
    });
    return { scanner, readTree, sleeps };
  }

  /** The catalog file that registered the component, in the same group. */
  const catalogFile = () =>
    `url:${gitlab.origin}/group/catalog/-/blob/main/catalog-info.yaml`;

  async function scanIncrementally(scanner: EntityScanner) {
    return scanner.scan(component('svc', `url:${sourceUrl}`, catalogFile()), {
      incremental: true,
    });
  }

  it('scans the archive: findings relative to the repository root, revision and scmUrl', async () => {
    const { scanner } = setup();
    const summary = await scanIncrementally(scanner);
    expect(summary).toEqual({ entityRef: ref, state: 'ok', action: 'scanned' });

    expect(gitlab.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v4/projects/group%2Frepo',
      'GET /api/v4/projects/group%2Frepo/repository/commits?ref_name=main',
      'GET /api/v4/projects/group%2Frepo/repository/archive?sha=main',
    ]);
    expect(
      gitlab.requests.every(r => r.authorization === `Bearer ${TOKEN}`),
    ).toBe(true);

    const scorecard = await store.getScorecard(ref);
    expect(scorecard).toMatchObject({
      state: 'ok',
      revision: SHA_1,
      scmUrl: sourceUrl,
    });
    const findings = scorecard!.checks.flatMap(c => c.findings);
    const files = new Set(findings.map(f => f.file).filter(Boolean));
    // Paths are relative to the repository root: the archive's top folder is stripped.
    expect(files).toContain('.github/workflows/ci.yml');
    expect(files).toContain('.gitlab-ci.yml');
    for (const file of files) {
      expect(file).not.toMatch(/^repo-main-|^\//);
    }
    expect(
      scorecard!.checks.find(c => c.checkId === 'unpinned-actions')?.findings,
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: '.github/workflows/ci.yml', line: 7 }),
      ]),
    );
    expect(
      scorecard!.checks.find(c => c.checkId === 'unpinned-images')?.findings,
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: '.gitlab-ci.yml', line: 1 }),
      ]),
    );
    expect(scorecard!.checks.every(c => c.status !== 'error')).toBe(true);
  });

  it('does not download the archive again when the commit is unchanged', async () => {
    const { scanner, readTree } = setup();
    await scanIncrementally(scanner);
    expect(gitlab.count('archive')).toBe(1);
    const before = await store.getScorecard(ref);

    const summary = await scanIncrementally(scanner);
    expect(summary).toEqual({
      entityRef: ref,
      state: 'ok',
      action: 'unchanged',
    });
    // The stored commit id goes to the reader as etag; it compares it with
    // the branch head and stops before the archive.
    expect(readTree).toHaveBeenLastCalledWith(
      sourceUrl,
      expect.objectContaining({ etag: SHA_1 }),
    );
    expect(gitlab.count('commits')).toBe(2);
    expect(gitlab.count('archive')).toBe(1);
    const after = await store.getScorecard(ref);
    expect(after).toMatchObject({
      state: 'ok',
      revision: SHA_1,
      score: before!.score,
    });

    // A new commit is downloaded and scanned.
    gitlab.sha = SHA_2;
    gitlab.files = {
      ...REPO_FILES,
      '.gitlab-ci.yml': `image: node@sha256:${'a'.repeat(64)}\n`,
    };
    expect((await scanIncrementally(scanner)).action).toBe('scanned');
    expect(gitlab.count('archive')).toBe(2);
    const third = await store.getScorecard(ref);
    expect(third).toMatchObject({ state: 'ok', revision: SHA_2 });
    expect(
      third!.checks
        .find(c => c.checkId === 'unpinned-images')
        ?.findings.some(f => f.file === '.gitlab-ci.yml'),
    ).toBe(false);
  });

  it('retries a 503 and succeeds', async () => {
    gitlab.failures = [{ endpoint: 'archive', status: 503, times: 1 }];
    const { scanner, readTree, sleeps } = setup();
    const summary = await scanIncrementally(scanner);
    expect(summary).toMatchObject({ state: 'ok', action: 'scanned' });
    expect(readTree).toHaveBeenCalledTimes(2);
    expect(sleeps).toEqual([10]);
    expect(gitlab.count('archive')).toBe(2);
    expect(await store.getScorecard(ref)).toMatchObject({
      state: 'ok',
      revision: SHA_1,
    });
  });

  it('retries a 429; the reader drops Retry-After, so the scanner waits its own backoff', async () => {
    gitlab.failures = [
      {
        endpoint: 'commits',
        status: 429,
        headers: { 'Retry-After': '1' },
        times: 1,
      },
    ];
    const { scanner, readTree, sleeps } = setup();
    const summary = await scanIncrementally(scanner);
    expect(summary).toMatchObject({ state: 'ok', action: 'scanned' });
    expect(readTree).toHaveBeenCalledTimes(2);
    // GitlabUrlReader throws `new Error('…, 429 Too Many Requests')` without
    // the response, so the scanner sees a rate limit but not its Retry-After.
    expect(sleeps).toEqual([10]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /retrying in 10 ms: rate limited by the SCM: .*429 Too Many Requests/,
      ),
    );
  });

  it('honours Retry-After when the GitLab integration is configured to retry 429', async () => {
    gitlab.failures = [
      {
        endpoint: 'commits',
        status: 429,
        headers: { 'Retry-After': '1' },
        times: 1,
      },
    ];
    const { scanner, readTree, sleeps } = setup({
      integrationRetry: { maxRetries: 2, retryStatusCodes: [429] },
    });
    const started = Date.now();
    const summary = await scanIncrementally(scanner);
    const elapsed = Date.now() - started;
    expect(summary).toMatchObject({ state: 'ok', action: 'scanned' });
    // The integration's fetch waited the second itself; the scanner never saw a failure.
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(readTree).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
    expect(gitlab.count('commits')).toBe(2);
  });

  it('marks the entity stale with the reason and keeps the scorecard when the SCM keeps failing', async () => {
    const { scanner, sleeps } = setup();
    await scanIncrementally(scanner);
    const before = await store.getScorecard(ref);
    expect(before).toMatchObject({ state: 'ok', revision: SHA_1 });

    gitlab.requests.length = 0;
    gitlab.failures = [{ endpoint: 'project', status: 503 }];
    const summary = await scanIncrementally(scanner);
    expect(summary).toMatchObject({
      entityRef: ref,
      state: 'stale',
      action: 'stale',
      reason: expect.stringMatching(
        /the SCM failed with 503: Failed to read tree from .*, 503 Service Unavailable \(gave up after 3 attempts\)/,
      ),
    });
    expect(gitlab.count('project')).toBe(3);
    expect(gitlab.count('archive')).toBe(0);
    expect(sleeps).toEqual([10, 20]);

    const after = await store.getScorecard(ref);
    expect(after).toMatchObject({
      state: 'stale',
      stateReason: summary.reason,
      revision: SHA_1,
      score: before!.score,
      scmUrl: sourceUrl,
    });
    expect(after!.checks).toEqual(before!.checks);
  });

  function forceGc() {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  }

  /** Files of `size` bytes that gzip to almost nothing. */
  function bigFiles(count: number, size: number): Record<string, string> {
    const files: Record<string, string> = { ...REPO_FILES };
    const body = 'x'.repeat(size);
    for (let i = 0; i < count; i++) files[`assets/data-${i}.txt`] = body;
    return files;
  }

  /**
   * Runs fn and samples the external (Buffer) memory every 5 ms. The fake
   * GitLab builds its archive first, and garbage is collected, so that only
   * what the reader and the scan hold is measured.
   */
  async function peakBufferGrowth<T>(
    fn: () => Promise<T>,
  ): Promise<{ result: T; peakMiB: number }> {
    gitlab.archive();
    forceGc();
    const base = process.memoryUsage().arrayBuffers;
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 5);
    try {
      const result = await fn();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      return { result, peakMiB: (peak - base) / (1024 * 1024) };
    } finally {
      clearInterval(timer);
    }
  }

  it('keeps files over the per-file limit out of memory while reading a real tar.gz', async () => {
    // 48 files of 4 MiB: 192 MiB unpacked, about 200 KB as tar.gz.
    gitlab.files = bigFiles(48, 4 * 1024 * 1024);
    const { scanner, readTree } = setup({ maxTotalBytes: 64 * 1024 * 1024 });
    const { result, peakMiB } = await peakBufferGrowth(() =>
      scanIncrementally(scanner),
    );
    expect(result).toMatchObject({ state: 'ok', action: 'scanned' });
    expect(readTree).toHaveBeenCalledWith(
      sourceUrl,
      expect.objectContaining({ filter: expect.any(Function) }),
    );
    // Without the filter the reader buffers every file (measured: 512 MiB
    // more at the peak with 256 MiB of files). With it, what the measure
    // sees is garbage the collector has not reclaimed yet (0 to 66 MiB
    // measured), whatever the size of the repository.
    expect(peakMiB).toBeLessThan(128);
    // The large files are listed (checks see them), their content is not.
    expect((await store.getScorecard(ref))!.state).toBe('ok');
  });

  it('ends the scan of a repository over the byte budget while reading it, keeping the last scorecard', async () => {
    const { scanner } = setup({ maxTotalBytes: 8 * 1024 * 1024 });
    expect(await scanIncrementally(scanner)).toMatchObject({ state: 'ok' });
    const before = await store.getScorecard(ref);

    // A new commit: 256 files just under the per-file limit, 256 MiB in all.
    gitlab.sha = SHA_2;
    gitlab.files = bigFiles(256, 1024 * 1024 - 1);
    const { result: summary, peakMiB } = await peakBufferGrowth(() =>
      scanIncrementally(scanner),
    );
    expect(summary).toMatchObject({
      state: 'error',
      reason: expect.stringMatching(
        /^repository is larger than the 8 MiB budget of cicdSecurity.sources.maxTotalBytes: 8.0 MiB of files to read after assets\/data-\d+\.txt$/,
      ),
    });
    // Reading it all holds 256 MiB (283 MiB measured at the peak without the
    // budget); the budget stops at 8 MiB (15 to 65 MiB measured at the
    // peak, garbage not yet collected included).
    expect(peakMiB).toBeLessThan(128);
    // Not retried: one download for each scan.
    expect(gitlab.count('archive')).toBe(2);
    const after = await store.getScorecard(ref);
    expect(after).toMatchObject({
      state: 'error',
      stateReason: summary.reason,
      revision: SHA_1,
      score: before!.score,
    });
    expect(after!.checks).toEqual(before!.checks);
  });

  it('refuses a URL in another group than the registering catalog location, sending no request', async () => {
    const { scanner, readTree } = setup();
    const summary = await scanner.scan(
      component(
        'svc',
        `url:${sourceUrl}`,
        `url:${gitlab.origin}/attacker/catalog/-/blob/main/catalog-info.yaml`,
      ),
    );
    expect(summary).toMatchObject({
      state: 'no-source',
      reason: expect.stringContaining(
        `is outside 127.0.0.1:${gitlab.port}/attacker`,
      ),
    });
    expect(readTree).not.toHaveBeenCalled();
    expect(gitlab.requests).toEqual([]);
  });

  it('refuses a URL on a host without an integration, sending no request', async () => {
    const { scanner, readTree } = setup();
    // Same server, but `localhost:<port>` is not a configured integration host.
    const summary = await scanner.scan(
      component(
        'svc',
        `url:http://localhost:${gitlab.port}/${PROJECT}/-/tree/main/`,
      ),
    );
    expect(summary).toMatchObject({
      state: 'no-source',
      reason: expect.stringContaining(
        `No SCM integration is configured for localhost:${gitlab.port}`,
      ),
    });
    expect(readTree).not.toHaveBeenCalled();
    expect(gitlab.requests).toEqual([]);
  });
});
