import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  builtinChecks,
  CheckRegistry,
} from '@cicd-security/plugin-cicd-security-node';
import fs from 'fs';
import { Knex } from 'knex';
import os from 'os';
import path from 'path';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { EntityScanner } from '../scanner/EntityScanner';
import {
  ScorecardRefreshTask,
  shardTaskId,
} from '../scheduler/ScorecardRefreshTask';
import { halfWrittenScorecards } from '../testing/wholeScorecards';

/*
 * The scheduler aborts a shard run mid-way (its timeout passed, the task was
 * cancelled, or the replica is shutting down). The run stops starting scans
 * and ends soon, instead of scanning on while its claim is released and
 * another replica runs the same shard; that replica finishes the shard in
 * the next cycle, so every component is scanned exactly once.
 */

jest.setTimeout(30_000);

const COMPONENTS = 60;

describe('a shard run aborted mid-way', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let knex: Knex;
  let store: DatabaseScorecardStore;
  let reposDir: string;
  let entities: Entity[];

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    store = await DatabaseScorecardStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    reposDir = fs.realpathSync(
      fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-abort-')),
    );
    entities = Array.from({ length: COMPONENTS }, (_, i) => {
      const name = `svc-${String(i).padStart(2, '0')}`;
      const dir = path.join(reposDir, name, '.github', 'workflows');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'ci.yml'),
        `name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo ${i}\n`,
      );
      return {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name,
          annotations: {
            'backstage.io/source-location': `dir:${path.join(reposDir, name)}`,
          },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
      };
    });
  });

  afterAll(() => {
    fs.rmSync(reposDir, { recursive: true, force: true });
  });

  /** A replica: the refresh task with its scheduled shard task's function. */
  async function replica(onScan: () => Promise<void> = async () => {}) {
    const real = new EntityScanner({
      store,
      registry: new CheckRegistry(builtinChecks),
      logger: mockServices.logger.mock(),
      localRoots: [reposDir],
    });
    const scheduler = mockServices.scheduler.mock();
    const task = new ScorecardRefreshTask({
      config: new ConfigReader({}),
      scheduler,
      logger: mockServices.logger.mock(),
      store,
      scanner: {
        scan: async (entity, options) => {
          await onScan();
          return real.scan(entity, options);
        },
      },
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      concurrency: 2,
      shards: 1,
      startJitterMs: 0,
    });
    await task.start();
    const definition = scheduler.scheduleTask.mock.calls
      .map(([d]) => d as SchedulerServiceTaskInvocationDefinition)
      .find(d => d.id === shardTaskId(0, 1))!;
    return (signal: AbortSignal) => definition.fn(signal) as Promise<void>;
  }

  const scanRows = async () =>
    Number((await knex('cicd_security_scans').count({ n: '*' }))[0].n);

  it('stops starting scans, and another replica finishes the shard', async () => {
    // Replica A: each scan takes 50 ms; the scheduler aborts after 10 scans.
    const controller = new AbortController();
    let started = 0;
    const runA = await replica(async () => {
      started++;
      if (started === 10) controller.abort(new Error('Task timed out'));
      await new Promise(r => setTimeout(r, 50));
    });
    const t0 = Date.now();
    await runA(controller.signal);
    const elapsed = Date.now() - t0;
    const doneByA = await scanRows();
    // The scans in flight when it was aborted end; no new one starts.
    expect(doneByA).toBeGreaterThanOrEqual(9);
    // That bound is what shows the abort was honoured (a run that ignored
    // it would scan every component); the time it took is only reported.
    expect(doneByA).toBeLessThanOrEqual(12);

    // Replica B runs the shard in the next cycle and scans the rest.
    const runB = await replica();
    await runB(new AbortController().signal);
    const perEntity = (await knex('cicd_security_scans')
      .select('entity_ref')
      .count({ n: '*' })
      .groupBy('entity_ref')) as Array<{ n: string | number }>;
    expect(perEntity).toHaveLength(COMPONENTS);
    expect(perEntity.filter(r => Number(r.n) !== 1)).toEqual([]);
    const states = (await knex('cicd_security_scorecards')
      .select('state')
      .count({ n: '*' })
      .groupBy('state')) as Array<{ state: string; n: string | number }>;
    expect(states.map(s => [s.state, Number(s.n)])).toEqual([
      ['ok', COMPONENTS],
    ]);
    expect(await halfWrittenScorecards(knex)).toEqual([]);
    // eslint-disable-next-line no-console
    console.info(
      `aborted after ${doneByA} of ${COMPONENTS} scans, ${elapsed} ms; the next run scanned the other ${
        COMPONENTS - doneByA
      }`,
    );
  });
});
