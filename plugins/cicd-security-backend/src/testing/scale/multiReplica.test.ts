import fs from 'fs';
import { Knex } from 'knex';
import os from 'os';
import path from 'path';
import { halfWrittenScorecards } from '../wholeScorecards';
import {
  dropPluginDatabase,
  preparePluginDatabase,
  Replica,
  scansPerEntity,
  startReplica,
  stop,
  waitForCycle,
} from './harness';

/*
 * Real processes on a real PostgreSQL: two backend replicas share the scan
 * of 1,000 components without scanning any twice, and a replica killed with
 * SIGKILL in the middle of a cycle leaves every stored scorecard whole.
 */

const PG = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const COMPONENTS = 1000;

jest.setTimeout(120_000);

const describeWithPg = PG ? describe : describe.skip;
if (!PG) {
  // eslint-disable-next-line no-console
  console.warn(
    'Skipping the multi-replica tests: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING to a PostgreSQL server to run them',
  );
}

function makeRepos(root: string, count: number) {
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `svc-${String(i).padStart(4, '0')}`);
    fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, '.github', 'workflows', 'ci.yml'),
      `name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo ${i}\n`,
    );
    fs.writeFileSync(path.join(dir, 'README.md'), `# svc ${i}\n`);
  }
}

describeWithPg('scan cycles with real backend processes', () => {
  const prefix = `cicd_mr_${process.pid}_${Date.now()}_`;
  let reposDir: string;
  let knex: Knex;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    reposDir = fs.realpathSync(
      fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-mr-')),
    );
    makeRepos(reposDir, COMPONENTS);
    knex = await preparePluginDatabase(PG!, prefix);
  });

  afterAll(async () => {
    await Promise.all(replicas.map(r => stop(r, 'SIGKILL')));
    await knex?.destroy();
    await dropPluginDatabase(PG!, prefix);
    fs.rmSync(reposDir, { recursive: true, force: true });
  });

  it('two replicas scan each of 1,000 components exactly once per cycle', async () => {
    const started = Date.now();
    const pair = ['replica-a', 'replica-b'].map(label =>
      startReplica({
        connection: PG!,
        prefix,
        reposDir,
        label,
        shards: 4,
        concurrency: 4,
      }),
    );
    replicas.push(...pair);
    await Promise.all(pair.map(r => r.ready));
    await waitForCycle(knex, 4, 90_000, COMPONENTS);
    const wallMs = Date.now() - started;

    const counts = await scansPerEntity(knex);
    expect(counts.size).toBe(COMPONENTS);
    expect([...counts.values()].every(n => n === 1)).toBe(true);
    const shardRuns = pair.flatMap(r => r.shards);
    expect(shardRuns).toHaveLength(4);
    // eslint-disable-next-line no-console
    console.log(
      `two replicas: ${COMPONENTS} components in ${wallMs} ms; shards per replica: ${pair
        .map(r => `${r.label} ${r.shards.length}`)
        .join(', ')}`,
    );
    await Promise.all(pair.map(r => stop(r)));
  });

  it('a replica killed mid-cycle leaves every scorecard whole', async () => {
    const before = await knex('cicd_security_scorecards').select(
      'entity_ref',
      'scanned_at',
    );
    expect(before).toHaveLength(COMPONENTS);
    // Change every repository and make the shards due again.
    for (const name of fs.readdirSync(reposDir)) {
      fs.appendFileSync(path.join(reposDir, name, 'README.md'), 'changed\n');
    }
    await knex('backstage_backend_tasks__tasks')
      .where('id', 'like', 'cicd-security-refresh-shard-%')
      .update({ next_run_start_at: knex.fn.now(), current_run_ticket: null });

    const victim = startReplica({
      connection: PG!,
      prefix,
      reposDir,
      label: 'victim',
      shards: 4,
      concurrency: 4,
    });
    replicas.push(victim);
    await victim.ready;
    // Kill it once some, but not all, of the second scans are saved.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [{ n }] = await knex('cicd_security_scans').count({ n: '*' });
      if (Number(n) > COMPONENTS + 50) break;
      if (Date.now() > deadline)
        throw new Error('the replica never started scanning');
      await new Promise(r => setTimeout(r, 20));
    }
    await stop(victim, 'SIGKILL');

    const rescanned =
      Number((await knex('cicd_security_scans').count({ n: '*' }))[0].n) -
      COMPONENTS;
    expect(rescanned).toBeGreaterThan(0);
    expect(rescanned).toBeLessThan(COMPONENTS);

    // Every scorecard is intact: its stored counts match its stored rows.
    const cards = await knex('cicd_security_scorecards').select(
      'entity_ref',
      'state',
      'score',
      'counts',
    );
    expect(cards).toHaveLength(COMPONENTS);
    for (const card of cards) {
      expect(card.state).toBe('ok');
      expect(card.score).not.toBeNull();
    }
    // Summary counts agree with the stored results and findings.
    expect(await halfWrittenScorecards(knex)).toEqual([]);
  });
});
