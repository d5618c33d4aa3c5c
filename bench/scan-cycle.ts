/*
 * Scan-cycle benchmark of the backend: 1,000 demo-like local repositories
 * (copies of examples/repos/*, each made unique), a fake catalog of 1,000
 * components and the real store (SQLite file, or PostgreSQL with --pg), run
 * through the sharded refresh task exactly as the scheduler would run it.
 * Measures
 *   1. a full scan cycle (every repository scanned),
 *   2. an unchanged re-scan (revisions compared, nothing scanned),
 *   3. a re-score after a scoring-config change (no source read), when the
 *      store supports it,
 *   4. a cycle after 5 % of the repositories changed.
 *
 *   node bench/run.js scan-cycle [--repos 1000] [--shards 4] [--concurrency 4] [--pg <connection string>]
 */
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  builtinChecks,
  CheckRegistry,
  resolveScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import fs from 'fs';
import knexFactory, { Knex } from 'knex';
import os from 'os';
import path from 'path';
import { DatabaseScorecardStore } from '../plugins/cicd-security-backend/src/database/DatabaseScorecardStore';
import { EntityScanner } from '../plugins/cicd-security-backend/src/scanner/EntityScanner';
import { ScorecardRefreshTask } from '../plugins/cicd-security-backend/src/scheduler/ScorecardRefreshTask';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const REPOS = Number(arg('repos', '1000'));
const SHARDS = Number(arg('shards', '4'));
const CONCURRENCY = Number(arg('concurrency', '4'));
const PG = arg('pg', '');
const EXAMPLES = path.resolve(__dirname, '../examples/repos');

const logger: any = {
  info: () => {},
  warn: () => {},
  error: (m: string) => console.error(m),
  debug: () => {},
  child: () => logger,
};

/** Copy the demo repositories round-robin into `root/<name>-<i>`, each with a unique file. */
export function generateRepos(root: string, count: number): string[] {
  const demos = fs.readdirSync(EXAMPLES).sort();
  const dirs: string[] = [];
  for (let i = 0; i < count; i++) {
    const demo = demos[i % demos.length];
    const dir = path.join(root, `${demo}-${i}`);
    if (!fs.existsSync(dir)) {
      fs.cpSync(path.join(EXAMPLES, demo), dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'OWNERS'), `repo ${i}\n`);
    }
    dirs.push(dir);
  }
  return dirs;
}

export function catalogOf(dirs: string[]): Entity[] {
  return dirs.map((dir, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: path.basename(dir),
      annotations: { 'backstage.io/source-location': `dir:${dir}` },
    },
    spec: { type: 'service', lifecycle: 'production', owner: `team-${i % 25}` },
  }));
}

async function main() {
  const root = path.join(os.tmpdir(), `cicd-security-scan-bench-${REPOS}`);
  fs.mkdirSync(root, { recursive: true });
  let t = Date.now();
  const dirs = generateRepos(root, REPOS);
  console.log(
    `repositories: ${REPOS} under ${root} (${Date.now() - t} ms to prepare)`,
  );

  let knex: Knex;
  if (PG) {
    const admin = knexFactory({ client: 'pg', connection: PG });
    const db = `cicd_bench_${Date.now()}`;
    await admin.raw(`create database ${db}`);
    await admin.destroy();
    const url = new URL(PG);
    url.pathname = `/${db}`;
    knex = knexFactory({
      client: 'pg',
      connection: url.toString(),
      pool: { min: 0, max: 10 },
    });
  } else {
    const file = path.join(root, `bench-${Date.now()}.sqlite`);
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
    });
  }
  const store = await DatabaseScorecardStore.create({
    database: { getClient: async () => knex } as any,
  });
  const registry = new CheckRegistry(builtinChecks);
  const catalog = catalogServiceMock({ entities: catalogOf(dirs) });
  const auth: any = { getOwnServiceCredentials: async () => ({}) };
  const task = (scoring = resolveScoringConfig()) =>
    new ScorecardRefreshTask({
      config: new ConfigReader({}),
      scheduler: {} as any,
      logger,
      store,
      scanner: new EntityScanner({
        store,
        registry,
        logger,
        localRoots: [root],
        scoring,
      }),
      catalog,
      auth,
      concurrency: CONCURRENCY,
      shards: SHARDS,
    });
  const cycle = async (
    label: string,
    scoring?: ReturnType<typeof resolveScoringConfig>,
  ) => {
    const refresh = task(scoring);
    const started = Date.now();
    const summaries = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) => refresh.runShard(i)),
    );
    const ms = Date.now() - started;
    const total = (k: string) =>
      summaries.reduce((n, s) => n + (s as any)[k], 0);
    console.log(
      `${label.padEnd(28)} ${String(ms).padStart(7)} ms  ${(REPOS / (ms / 1000))
        .toFixed(1)
        .padStart(7)} components/s  ` +
        `scanned ${total('scanned')}, unchanged ${total(
          'unchanged',
        )}, re-scored ${total('rescored')}, failed ${total('failed')}`,
    );
    return ms;
  };

  console.log(
    `store: ${
      PG ? 'PostgreSQL' : 'SQLite'
    }, ${SHARDS} shards, concurrency ${CONCURRENCY}, ${
      registry.ids().length
    } checks`,
  );
  const full = await cycle('1. full scan cycle');
  const unchanged = await cycle('2. unchanged re-scan');
  const hasRescore = typeof (store as any).rescore === 'function';
  let rescore: number | undefined;
  if (hasRescore) {
    rescore = await cycle(
      '3. re-score (weights changed)',
      resolveScoringConfig({ severityWeights: { critical: 20 } }),
    );
  } else {
    console.log('3. re-score: skipped (the store has no rescore yet)');
  }
  t = Date.now();
  for (let i = 0; i < REPOS; i += 20) {
    fs.appendFileSync(path.join(dirs[i], 'OWNERS'), `changed ${Date.now()}\n`);
  }
  const partial = await cycle(
    '4. 5 % changed',
    hasRescore
      ? resolveScoringConfig({ severityWeights: { critical: 20 } })
      : undefined,
  );
  const scans = await knex('cicd_security_scans').count({ n: '*' });
  console.log(`history rows: ${scans[0].n}`);
  console.log(
    `goals: full < 300 s: ${full < 300_000 ? 'met' : 'MISSED'} (${(
      full / 1000
    ).toFixed(1)} s); ` +
      `unchanged < 30 s: ${unchanged < 30_000 ? 'met' : 'MISSED'} (${(
        unchanged / 1000
      ).toFixed(1)} s); ` +
      `unchanged/full ratio ${(unchanged / full).toFixed(3)}` +
      (rescore !== undefined
        ? `; re-score ${(rescore / 1000).toFixed(1)} s`
        : '') +
      `; 5 % changed ${(partial / 1000).toFixed(1)} s`,
  );
  await knex.destroy();
}

if (require.main === module || process.argv[1]?.endsWith('run.js')) {
  main().catch(e => {
    console.error(e);
    process.exit(1);
  });
}
