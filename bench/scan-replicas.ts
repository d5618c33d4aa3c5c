/*
 * Multi-replica benchmark: the wall time of one scan cycle of N demo-like
 * local repositories with ONE backend process, then with TWO processes
 * sharing one PostgreSQL database, and the number of scans per component
 * (must be exactly 1).
 *
 *   node bench/run.js scan-replicas [--repos 1000] [--shards 4] [--concurrency 4] [--pg postgresql://postgres@127.0.0.1:55432]
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  dropPluginDatabase,
  preparePluginDatabase,
  scansPerEntity,
  startReplica,
  stop,
  waitForCycle,
} from '../plugins/cicd-security-backend/src/testing/scale/harness';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const REPOS = Number(arg('repos', '1000'));
const SHARDS = Number(arg('shards', '4'));
const CONCURRENCY = Number(arg('concurrency', '4'));
const PG = arg(
  'pg',
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
    'postgresql://postgres@127.0.0.1:55432',
);
const EXAMPLES = path.resolve(__dirname, '../examples/repos');

function generateRepos(root: string, count: number) {
  const demos = fs.readdirSync(EXAMPLES).sort();
  fs.mkdirSync(root, { recursive: true });
  for (let i = 0; i < count; i++) {
    const demo = demos[i % demos.length];
    const dir = path.join(root, `${demo}-${i}`);
    fs.cpSync(path.join(EXAMPLES, demo), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'OWNERS'), `repo ${i}\n`);
  }
}

async function cycle(replicaCount: number, reposDir: string) {
  const prefix = `cicd_bench_${process.pid}_${replicaCount}_${Date.now()}_`;
  const knex = await preparePluginDatabase(PG, prefix);
  const started = Date.now();
  const replicas = Array.from({ length: replicaCount }, (_, i) =>
    startReplica({
      connection: PG,
      prefix,
      reposDir,
      label: `replica-${i + 1}`,
      shards: SHARDS,
      concurrency: CONCURRENCY,
    }),
  );
  try {
    await Promise.all(replicas.map(r => r.ready));
    const ready = Date.now();
    await waitForCycle(knex, SHARDS, 600_000, REPOS);
    const ms = Date.now() - started;
    const counts = await scansPerEntity(knex);
    const values = [...counts.values()];
    console.log(
      `${replicaCount} replica(s): cycle ${ms} ms (startup ${
        ready - started
      } ms), ` +
        `${counts.size} components, scans per component min ${Math.min(
          ...values,
        )} max ${Math.max(...values)}, ` +
        `shards per replica ${replicas.map(r => r.shards.length).join('/')}`,
    );
    return ms;
  } finally {
    await Promise.all(replicas.map(r => stop(r, 'SIGKILL')));
    await knex.destroy();
    await dropPluginDatabase(PG, prefix);
  }
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-replicas-bench-'));
  generateRepos(root, REPOS);
  console.log(
    `${REPOS} repositories, ${SHARDS} shards, concurrency ${CONCURRENCY} per replica, ${
      os.cpus().length
    } CPUs`,
  );
  try {
    const one = await cycle(1, root);
    const two = await cycle(2, root);
    console.log(`speed-up of two replicas: ${(one / two).toFixed(2)}x`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
