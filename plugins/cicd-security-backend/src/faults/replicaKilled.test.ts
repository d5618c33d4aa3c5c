import fs from 'fs';
import { Knex } from 'knex';
import os from 'os';
import path from 'path';
import {
  dropPluginDatabase,
  preparePluginDatabase,
  Replica,
  scansPerEntity,
  startReplica,
  stop,
  waitForCycle,
} from '../testing/scale/harness';
import {
  postgresBin,
  PrivatePostgres,
  startPrivatePostgres,
} from '../testing/privatePostgres';
import { halfWrittenScorecards } from '../testing/wholeScorecards';

/*
 * A backend replica is killed (SIGKILL) in the middle of a scan cycle while
 * it holds the claims of its shard tasks and of components it was scanning
 * for the first time. Another replica takes the shards over once the claims
 * expire and finishes the cycle: every component is scanned, exactly once,
 * and no scorecard is left half-written or stuck in `scanning`. Real backend
 * processes (src/testing/scale/replica.ts) on a private PostgreSQL cluster.
 */

jest.setTimeout(120_000);

const COMPONENTS = 120;
const SHARDS = 2;
/** How long the killed replica's shard claims last. */
const CLAIM_TIMEOUT_S = 3;

const available = !!postgresBin();
if (!available) {
  // eslint-disable-next-line no-console
  console.warn(
    'SKIPPED: the killed-replica test needs initdb and pg_ctl (Debian package postgresql)',
  );
}
const describeWithPostgres = available ? describe : describe.skip;

describeWithPostgres('a replica killed mid-cycle', () => {
  const prefix = `cicd_kill_${process.pid}_`;
  let pg: PrivatePostgres;
  let knex: Knex;
  let reposDir: string;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    reposDir = fs.realpathSync(
      fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-kill-')),
    );
    for (let i = 0; i < COMPONENTS; i++) {
      const dir = path.join(reposDir, `svc-${String(i).padStart(4, '0')}`);
      fs.mkdirSync(path.join(dir, '.github', 'workflows'), {
        recursive: true,
      });
      fs.writeFileSync(
        path.join(dir, '.github', 'workflows', 'ci.yml'),
        `name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo ${i}\n`,
      );
    }
    knex = await preparePluginDatabase(pg.url, prefix);
  });

  afterAll(async () => {
    await Promise.all(replicas.map(r => stop(r, 'SIGKILL')));
    await knex?.destroy();
    if (pg) {
      await dropPluginDatabase(pg.url, prefix).catch(() => {});
      pg.destroy();
    }
    if (reposDir) fs.rmSync(reposDir, { recursive: true, force: true });
  });

  it('another replica takes its shards over and finishes the cycle', async () => {
    const victim = startReplica({
      connection: pg.url,
      prefix,
      reposDir,
      label: 'victim',
      shards: SHARDS,
      concurrency: 1,
      timeoutS: CLAIM_TIMEOUT_S,
    });
    replicas.push(victim);
    await victim.ready;

    // Kill it once it has saved some scans, with the cycle far from done.
    const scans = async () =>
      Number((await knex('cicd_security_scans').count({ n: '*' }))[0].n);
    const deadline = Date.now() + 30_000;
    while ((await scans()) < 10) {
      if (Date.now() > deadline) {
        throw new Error(
          `the replica never started scanning: ${victim.stderr.join('')}`,
        );
      }
      await new Promise(r => setTimeout(r, 20));
    }
    await stop(victim, 'SIGKILL');
    const killedAt = Date.now();
    const done = await scans();
    expect(done).toBeLessThan(COMPONENTS);
    const held = await knex('backstage_backend_tasks__tasks')
      .where('id', 'like', 'cicd-security-refresh-shard-%')
      .whereNotNull('current_run_ticket');
    expect(held.length).toBeGreaterThan(0);
    const stuck = await knex('cicd_security_scorecards').where({
      state: 'scanning',
    });

    // Another replica starts once the dead one's claims have expired: its
    // scheduler's janitor runs once at start (then every minute) and releases
    // them, so it must not start before they expire.
    const wait = CLAIM_TIMEOUT_S * 1000 - (Date.now() - killedAt) + 500;
    if (wait > 0) await new Promise(r => setTimeout(r, wait));
    const survivor = startReplica({
      connection: pg.url,
      prefix,
      reposDir,
      label: 'survivor',
      shards: SHARDS,
      concurrency: 4,
      // With NODE_ENV=test the scheduler runs no janitor; in production it
      // runs once at start and then every minute.
      nodeEnv: 'development',
    });
    replicas.push(survivor);
    await survivor.ready;
    try {
      await waitForCycle(knex, SHARDS, 60_000, COMPONENTS);
    } catch (e) {
      // eslint-disable-next-line no-console
      console.error(
        await knex('backstage_backend_tasks__tasks'),
        survivor.stderr.join('').slice(-3000),
      );
      throw e;
    }
    const recoveredMs = Date.now() - killedAt;

    // Every component scanned exactly once over the two replicas.
    const counts = await scansPerEntity(knex);
    expect(counts.size).toBe(COMPONENTS);
    expect([...counts.values()].filter(n => n !== 1)).toEqual([]);
    expect(survivor.shards.length).toBeGreaterThanOrEqual(1);
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
      `victim killed after ${done} of ${COMPONENTS} scans holding ${held.length} shard claims and ${stuck.length} first-scan claims; the survivor finished the cycle ${recoveredMs} ms after the kill`,
    );
  });
});
