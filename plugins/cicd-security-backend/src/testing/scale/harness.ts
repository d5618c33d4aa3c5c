import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ChildProcess, spawn } from 'child_process';
import knexFactory, { Knex } from 'knex';
import path from 'path';

/* Starts real backend replicas (child processes running replica.ts) on one PostgreSQL database. */

const REPLICA = path.join(__dirname, 'replica.ts');
const TRANSFORM = require.resolve('@backstage/cli/config/nodeTransform.cjs');

/** Create the plugin database of a fresh prefix and run every migration once. */
export async function preparePluginDatabase(
  connection: string,
  prefix: string,
): Promise<Knex> {
  const admin = knexFactory({ client: 'pg', connection });
  const name = `${prefix}cicd-security`;
  await admin.raw('create database ??', [name]);
  await admin.destroy();
  const url = new URL(connection);
  url.pathname = `/${name}`;
  const knex = knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 0, max: 4 },
  });
  // Migrate before the replicas start, so they do not race for the locks.
  await knex.migrate.latest({
    directory: resolvePackagePath(
      '@backstage/backend-defaults',
      'migrations/scheduler',
    ),
    tableName: 'backstage_backend_tasks__knex_migrations',
  });
  await knex.migrate.latest({
    directory: resolvePackagePath(
      '@cicd-security/plugin-cicd-security-backend',
      'migrations',
    ),
  });
  return knex;
}

export async function dropPluginDatabase(connection: string, prefix: string) {
  const admin = knexFactory({ client: 'pg', connection });
  await admin.raw('drop database if exists ?? with (force)', [
    `${prefix}cicd-security`,
  ]);
  await admin.destroy();
}

export interface Replica {
  child: ChildProcess;
  label: string;
  ready: Promise<void>;
  /** The `SHARD` lines printed so far. */
  shards: Array<{ replica: string; message: string; at: number }>;
  stderr: string[];
  exited: Promise<number | null>;
}

export function startReplica(options: {
  connection: string;
  prefix: string;
  reposDir: string;
  label: string;
  shards?: number;
  concurrency?: number;
  /** How long a shard run may hold its claim, in seconds (default 600). */
  timeoutS?: number;
  /**
   * NODE_ENV of the replica (default `test`). Backstage's scheduler runs
   * its janitor, which releases the expired claims of dead replicas, only
   * when it is not `test`.
   */
  nodeEnv?: string;
}): Replica {
  const child = spawn(process.execPath, ['-r', TRANSFORM, REPLICA], {
    env: {
      ...process.env,
      NODE_ENV: options.nodeEnv ?? 'test',
      CICD_PG: options.connection,
      CICD_DB_PREFIX: options.prefix,
      CICD_REPOS: options.reposDir,
      CICD_REPLICA: options.label,
      CICD_SHARDS: String(options.shards ?? 4),
      CICD_CONCURRENCY: String(options.concurrency ?? 4),
      CICD_TIMEOUT_S: String(options.timeoutS ?? 600),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const replica: Replica = {
    child,
    label: options.label,
    shards: [],
    stderr: [],
    ready: undefined as never,
    exited: new Promise(resolve => child.on('exit', code => resolve(code))),
  };
  replica.ready = new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', chunk => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'READY') resolve();
        if (line.startsWith('SHARD '))
          replica.shards.push(JSON.parse(line.slice(6)));
      }
    });
    child.stderr!.on('data', chunk => replica.stderr.push(chunk.toString()));
    child.on('exit', code =>
      reject(
        new Error(
          `${options.label} exited with ${code}: ${replica.stderr
            .join('')
            .slice(-2000)}`,
        ),
      ),
    );
  });
  replica.ready.catch(() => {});
  return replica;
}

/**
 * Wait until every shard task has run and is idle again and, when `entities`
 * is given, every one of them has been scanned (a busy replica may hand a
 * shard back once or twice before another runs it).
 */
export async function waitForCycle(
  knex: Knex,
  shards: number,
  timeoutMs: number,
  entities?: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const rows = await knex('backstage_backend_tasks__tasks')
      .where('id', 'like', 'cicd-security-refresh-shard-%')
      .whereNotNull('last_run_ended_at')
      .whereNull('current_run_ticket');
    const scanned = entities
      ? Number(
          (
            (await knex('cicd_security_scans').countDistinct({
              n: 'entity_ref',
            })) as Array<{
              n: string | number;
            }>
          )[0].n,
        )
      : 0;
    if (rows.length >= shards && scanned >= (entities ?? 0)) return;
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`The scan cycle did not finish within ${timeoutMs} ms`);
}

/** Number of history rows per entity ref. */
export async function scansPerEntity(knex: Knex): Promise<Map<string, number>> {
  const rows = await knex('cicd_security_scans')
    .select('entity_ref')
    .count({ n: '*' })
    .groupBy('entity_ref');
  return new Map(
    (rows as Array<{ entity_ref: string; n: string | number }>).map(r => [
      r.entity_ref,
      Number(r.n),
    ]),
  );
}

export function stop(replica: Replica, signal: NodeJS.Signals = 'SIGTERM') {
  if (replica.child.exitCode === null) replica.child.kill(signal);
  return replica.exited;
}
