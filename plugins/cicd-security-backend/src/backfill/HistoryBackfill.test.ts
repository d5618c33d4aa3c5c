import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  builtinChecks,
  CheckRegistry,
} from '@cicd-security/plugin-cicd-security-node';
import Ajv from 'ajv';
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import YAML from 'yaml';
import { cicdSecurityPlugin } from '../plugin';
import {
  securityFileCheck,
  securityFileChecksModule,
} from '../testing/securityFileCheck';
import { readBackfillSettings } from './config';
import { BACKFILL_TASK_ID, HistoryBackfill } from './HistoryBackfill';
import { DEFAULT_BACKFILL } from './config';
import {
  findWorkTree,
  gitAvailable,
  listRevisions,
  revisionSnapshot,
  RevisionTooLargeError,
} from './gitRevisions';

jest.setTimeout(120_000);

/** The history answer as the OpenAPI document describes it, with no undocumented field. */
const validateHistory = (() => {
  const spec = YAML.parse(
    fs.readFileSync(path.join(__dirname, '../schema/openapi.yaml'), 'utf8'),
  );
  const point = spec.components.schemas.ScorecardHistoryPoint;
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
  });
  const validate = ajv.compile({
    ...spec.paths['/scorecards/{entityRef}/history'].get.responses['200']
      .content['application/json'].schema,
    components: {
      ...spec.components,
      schemas: {
        ...spec.components.schemas,
        ScorecardHistoryPoint: { ...point, additionalProperties: false },
      },
    },
  });
  return (body: unknown) => {
    if (!validate(body)) {
      throw new Error(
        `the history does not match the OpenAPI schema: ${ajv.errorsText(
          validate.errors,
        )}`,
      );
    }
  };
})();

const DAY = 24 * 60 * 60 * 1000;
const REF = 'component:default/svc';

/** A repository with dated commits, built in the test. */
class TestRepo {
  readonly shas: Record<string, string> = {};

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.git(['init', '-q', '-b', 'main']);
  }

  git(args: string[], env: Record<string, string> = {}) {
    return execFileSync('git', args, {
      cwd: this.dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
        ...env,
      },
    })
      .toString()
      .trim();
  }

  write(file: string, content: string | Buffer) {
    const abs = path.join(this.dir, file);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }

  remove(file: string) {
    fs.rmSync(path.join(this.dir, file), { force: true });
  }

  /** Commit everything as of `daysAgo` days (and `hours` into that day). */
  commit(name: string, daysAgo: number, hours = 12) {
    const at = new Date(
      Math.floor((Date.now() - daysAgo * DAY) / DAY) * DAY + hours * 3_600_000,
    );
    this.git(['add', '-A']);
    const date = `${Math.floor(at.getTime() / 1000)} +0000`;
    this.git(['commit', '-q', '--allow-empty', '-m', name], {
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
    this.shas[name] = this.git(['rev-parse', 'HEAD']);
    return at;
  }
}

function component(name: string, source: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: { 'backstage.io/source-location': source },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

/** A module of the plugin that hands the test the plugin's scheduler. */
function schedulerProbe(onScheduler: (s: SchedulerService) => void) {
  return createBackendModule({
    pluginId: 'cicd-security',
    moduleId: 'test-scheduler-probe',
    register(env) {
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          onScheduler(scheduler);
        },
      });
    },
  });
}

describe('history backfill', () => {
  let root: string;
  let repo: TestRepo;
  const dates: Record<string, Date> = {};

  beforeAll(async () => {
    expect(await gitAvailable()).toBe(true);
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'backfill-')));
    repo = new TestRepo(path.join(root, 'monorepo'));
    // 40 days ago: no SECURITY.md, then later that day a second commit
    // (only the newest commit of a day is scanned).
    repo.write('svc/README.md', '# svc\n');
    dates.early = repo.commit('early', 40, 9);
    repo.write('svc/README.md', '# svc, second commit of the day\n');
    dates.sameDay = repo.commit('sameDay', 40, 18);
    // 20 days ago: SECURITY.md added, and a symbolic link out of the tree.
    repo.write('svc/SECURITY.md', '# Security policy\n');
    fs.symlinkSync('/etc/hostname', path.join(repo.dir, 'svc/hostname'));
    dates.policy = repo.commit('policy', 20);
    // 10 days ago: a change elsewhere in the repository only.
    repo.write('other/README.md', '# other\n');
    dates.elsewhere = repo.commit('elsewhere', 10);
    // 6 days ago: a file over the per-file limit, listed but never read.
    repo.write('svc/big.bin', Buffer.alloc(60_000, 1));
    dates.bigFile = repo.commit('bigFile', 6);
    // 4 days ago: SECURITY.md as a symbolic link, and files adding up to more
    // than a scan may read: that revision fails, the others are kept.
    repo.remove('svc/big.bin');
    for (const n of ['a', 'b', 'c']) {
      repo.write(`svc/${n}.txt`, 'x'.repeat(40_000));
    }
    dates.tooLarge = repo.commit('tooLarge', 4);
    // 2 days ago: back to a readable tree; the work tree is at this commit.
    for (const n of ['a', 'b', 'c']) repo.remove(`svc/${n}.txt`);
    dates.head = repo.commit('head', 2);
    // A commit dated in the future is not a point of the trend.
    repo.write('svc/NOTES.md', 'later\n');
    repo.commit('future', -3);
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lists the newest commit of each day that changed the directory', async () => {
    const location = await findWorkTree(path.join(repo.dir, 'svc'));
    expect(location).toEqual({ top: repo.dir, prefix: 'svc/' });
    const revisions = await listRevisions(location!, {
      since: new Date(Date.now() - 60 * DAY),
      max: 10,
    });
    expect(revisions.map(r => r.sha)).toEqual([
      repo.shas.head,
      repo.shas.tooLarge,
      repo.shas.bigFile,
      repo.shas.policy,
      repo.shas.sameDay,
    ]);
    expect(revisions[0].committedAt).toEqual(dates.head);
    const two = await listRevisions(location!, {
      since: new Date(Date.now() - 60 * DAY),
      max: 2,
    });
    expect(two.map(r => r.sha)).toEqual([repo.shas.head, repo.shas.tooLarge]);
  });

  it('reads a revision within the limits, without following links', async () => {
    const location = (await findWorkTree(path.join(repo.dir, 'svc')))!;
    const limits = {
      maxFileBytes: 50_000,
      maxTotalBytes: 100_000,
      label: 'svc',
    };
    const policy = await revisionSnapshot(location, repo.shas.policy, limits);
    // The symbolic link is not a file of the snapshot, let alone followed.
    expect(policy.snapshot.files()).toEqual(['README.md', 'SECURITY.md']);
    expect(policy.snapshot.read('SECURITY.md')).toBe('# Security policy\n');
    expect(policy.snapshot.revision).toBe(repo.shas.policy);

    const big = await revisionSnapshot(location, repo.shas.bigFile, limits);
    expect(big.skipped).toEqual(['big.bin']);
    expect(big.snapshot.exists('big.bin')).toBe(false);

    await expect(
      revisionSnapshot(location, repo.shas.tooLarge, limits),
    ).rejects.toThrow(RevisionTooLargeError);
    await expect(
      revisionSnapshot(location, '--output=/tmp/x', limits),
    ).rejects.toThrow("Not a commit SHA: '--output=/tmp/x'");
    // The work tree was not touched.
    expect(repo.git(['status', '--porcelain'])).toBe('');
  });

  it('logs once and does nothing when git is missing', async () => {
    const path0 = process.env.PATH;
    const logger = mockServices.logger.mock();
    const store = {
      saveBackfilledScan: jest.fn(),
      backfilledRevisions: jest.fn(async () => new Set<string>()),
    };
    const backfill = new HistoryBackfill({
      store: store as any,
      registry: {} as any,
      logger,
      settings: { ...DEFAULT_BACKFILL, enabled: true },
      localRoots: [root],
      maxFileBytes: 50_000,
      maxTotalBytes: 100_000,
    });
    process.env.PATH = path.join(root, 'no-git-here');
    try {
      const entity = component('svc', `dir:${repo.dir}/svc`);
      const first = await backfill.run([entity]);
      const second = await backfill.run([entity]);
      expect([...first, ...second]).toEqual([
        expect.objectContaining({ added: 0, reason: 'git is not available' }),
        expect.objectContaining({ added: 0, reason: 'git is not available' }),
      ]);
    } finally {
      process.env.PATH = path0;
    }
    const warnings = logger.warn.mock.calls.map(c => String(c[0]));
    expect(warnings.filter(w => w.includes('git is not installed'))).toEqual([
      'cicd-security history backfill is skipped: git is not installed or not on the PATH',
    ]);
    expect(store.backfilledRevisions).not.toHaveBeenCalled();
    expect(store.saveBackfilledScan).not.toHaveBeenCalled();
  });

  it('reads the history of a source from its history repository when one is configured', async () => {
    const logger = mockServices.logger.mock();
    const store = {
      saveBackfilledScan: jest.fn(async () => true),
      backfilledRevisions: jest.fn(async () => new Set<string>()),
    };
    const historyOf = (repositories: string) =>
      new HistoryBackfill({
        store: store as any,
        registry: {} as any,
        logger,
        settings: {
          ...DEFAULT_BACKFILL,
          enabled: true,
          historyRepositories: [{ directory: repo.dir, repositories }],
        },
        localRoots: [root],
        maxFileBytes: 50_000,
        maxTotalBytes: 100_000,
      });
    // No history repository for the source: nothing is read, and git is
    // not reported missing (a missing folder is also ENOENT).
    const missing = await historyOf(path.join(root, 'histories')).run([
      component('svc', `dir:${repo.dir}/svc`),
    ]);
    expect(missing).toEqual([
      expect.objectContaining({
        added: 0,
        failed: 0,
        reason: 'the source is not in a git work tree',
      }),
    ]);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(store.backfilledRevisions).not.toHaveBeenCalled();

    // With one, its commits are the history, not those of the work tree
    // holding the source.
    const history = new TestRepo(path.join(root, 'histories', 'svc'));
    history.write('SECURITY.md', '# Policy\n');
    const at = history.commit('kept elsewhere', 15);
    const summaries = await new HistoryBackfill({
      store: store as any,
      registry: new CheckRegistry([securityFileCheck]),
      logger,
      settings: {
        ...DEFAULT_BACKFILL,
        enabled: true,
        historyRepositories: [
          { directory: repo.dir, repositories: path.join(root, 'histories') },
        ],
      },
      localRoots: [root],
      maxFileBytes: 50_000,
      maxTotalBytes: 100_000,
    }).run([component('svc', `dir:${repo.dir}/svc`)]);
    expect(summaries).toEqual([
      expect.objectContaining({ added: 1, failed: 0 }),
    ]);
    expect(store.saveBackfilledScan).toHaveBeenCalledWith(REF, {
      revision: history.shas['kept elsewhere'],
      committedAt: at,
      result: expect.objectContaining({ score: 10, grade: 'A' }),
    });
  });

  it('refuses url sources and a window past the history retention', () => {
    const read = (backfill: object) =>
      readBackfillSettings(new ConfigReader({ cicdSecurity: { backfill } }), {
        retentionDays: 180,
        resolvePath: p => p,
      });
    expect(read({ enabled: true })).toMatchObject({
      enabled: true,
      maxAgeDays: 90,
      maxRevisionsPerComponent: 30,
    });
    expect(() => read({ enabled: true, sources: ['dir', 'url'] })).toThrow(
      "cicdSecurity.backfill.sources: 'url' is not supported; only dir: sources that are git work trees can be backfilled",
    );
    expect(() => read({ enabled: true, maxAgeDays: 365 })).toThrow(
      'cicdSecurity.backfill.maxAgeDays (365) must not exceed cicdSecurity.retention.days (180)',
    );
    expect(
      readBackfillSettings(new ConfigReader({}), {
        retentionDays: 180,
        resolvePath: p => p,
      }).enabled,
    ).toBe(false);
  });

  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function start(databaseId: TestDatabaseId, knex: any) {
    let scheduler: SchedulerService | undefined;
    const { server } = await startTestBackend({
      features: [
        cicdSecurityPlugin,
        securityFileChecksModule,
        schedulerProbe(s => {
          scheduler = s;
        }),
        catalogServiceMock.factory({
          entities: [component('svc', `dir:${repo.dir}/svc`)],
        }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            cicdSecurity: {
              // What a scan stores, at once: the org figures uncached.
              aggregates: { cacheTtlMs: 0 },
              sources: {
                localRoots: [root],
                maxFileBytes: 50_000,
                maxTotalBytes: 100_000,
              },
              maxConcurrentShards: 4,
              checks: Object.fromEntries(
                builtinChecks.map(c => [c.id, { enabled: false }]),
              ),
              backfill: { enabled: true, maxAgeDays: 60 },
            },
          },
        }),
        mockServices.scheduler.factory({
          includeInitialDelayedTasksOnStartup: true,
        }),
      ],
    });
    expect(databaseId).toBeDefined();
    return {
      server,
      backfill: () =>
        (scheduler as any).triggerTask(BACKFILL_TASK_ID) as Promise<void>,
    };
  }

  it.each(databases.eachSupportedId())(
    '%p: stores earlier revisions as history dated at their commits, once',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const first = await start(databaseId, knex);
      const ref = encodeURIComponent(REF);
      // The startup pass may run alongside the first scan; a pass after it
      // backfills what that one did not.
      await first.backfill();

      const card = await request(first.server).get(
        `/api/cicd-security/scorecards/${ref}`,
      );
      expect(card.status).toBe(200);
      expect(card.body).toMatchObject({ state: 'ok', score: 10, grade: 'A' });
      const liveScannedAt = card.body.scannedAt;
      const liveRevision = card.body.revision;
      expect(Date.now() - Date.parse(liveScannedAt)).toBeLessThan(60_000);

      const history = await request(first.server).get(
        `/api/cicd-security/scorecards/${ref}/history`,
      );
      expect(history.status).toBe(200);
      validateHistory(history.body);
      const points = history.body.items;
      expect(
        points.map((p: any) => [
          p.scannedAt,
          p.score,
          p.grade,
          p.backfilled ?? false,
          p.revision,
        ]),
      ).toEqual([
        // The newest commit of that day, without SECURITY.md.
        [dates.sameDay.toISOString(), 0, 'F', true, repo.shas.sameDay],
        [dates.policy.toISOString(), 10, 'A', true, repo.shas.policy],
        // The file over the per-file limit is skipped, the revision scanned.
        [dates.bigFile.toISOString(), 10, 'A', true, repo.shas.bigFile],
        // tooLarge (more bytes than a scan may read) is not stored.
        [dates.head.toISOString(), 10, 'A', true, repo.shas.head],
        // The live scan, last.
        [liveScannedAt, 10, 'A', false, undefined],
      ]);

      // The scorecard is still the live scan's.
      const after = await request(first.server).get(
        `/api/cicd-security/scorecards/${ref}`,
      );
      expect(after.body.scannedAt).toBe(liveScannedAt);
      expect(after.body.revision).toBe(liveRevision);

      // The org trend and the change over 30 days include the backfill.
      const overview = await request(first.server).get(
        '/api/cicd-security/overview?days=60',
      );
      expect(overview.status).toBe(200);
      expect(overview.body.trend.map((t: any) => t.date)).toEqual(
        expect.arrayContaining([
          dates.sameDay.toISOString().slice(0, 10),
          dates.policy.toISOString().slice(0, 10),
        ]),
      );
      expect(overview.body.stats.change30d).toBe(10);

      // A second pass, and a restart on the same database, add nothing.
      await first.backfill();
      const second = await start(databaseId, knex);
      await second.backfill();
      const again = await request(second.server).get(
        `/api/cicd-security/scorecards/${ref}/history`,
      );
      expect(again.body.items.filter((p: any) => p.backfilled)).toEqual(
        points.filter((p: any) => p.backfilled),
      );
    },
  );
});
