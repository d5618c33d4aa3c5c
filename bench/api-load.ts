/*
 * REST API load benchmark: seeds an org of components (60 check results each,
 * findings for the failing ones, one scan a day of history, a 3-level group
 * hierarchy) into SQLite and PostgreSQL, serves the real router on loopback
 * and loads it with a small concurrent keep-alive HTTP client.
 *
 * Per route and database it prints p50/p95/p99 latency and req/s, plus what
 * the per-user catalog visibility walk costs with and without its cache.
 *
 *   node bench/run.js api-load [--entities 10000] [--days 90] [--duration 8]
 *     [--concurrency 16] [--db sqlite,pg] [--catalog-latency 5]
 *
 * PostgreSQL: CICD_BENCH_PG (default postgresql://postgres@127.0.0.1:55432),
 * database `cicd_bench` (re-created on each run).
 */
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  CHECK_CATEGORIES,
  CheckResult,
  SEVERITIES,
} from '@cicd-security/plugin-cicd-security-common';
import {
  CheckRegistry,
  createScorecardCheck,
  scoreResults,
} from '@cicd-security/plugin-cicd-security-node';
import express from 'express';
import fs from 'fs';
import knexFactory, { Knex } from 'knex';
import { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import { Worker } from 'worker_threads';
import { createDatabaseStores } from '../plugins/cicd-security-backend/src/database/createStores';
import { GroupHierarchyStore } from '../plugins/cicd-security-backend/src/database/GroupHierarchyStore';
import { fakeCatalog } from '../plugins/cicd-security-backend/src/testing/fakeCatalog';
import { createRouter } from '../plugins/cicd-security-backend/src/service/router';
import {
  DEFAULT_VISIBILITY_TTL_MS,
  EntityVisibility,
} from '../plugins/cicd-security-backend/src/service/visibility';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
export const ENTITIES = Number(arg('entities', '10000'));
const DAYS = Number(arg('days', '90'));
const DURATION_S = Number(arg('duration', '8'));
const CONCURRENCY = Number(arg('concurrency', '16'));
const DBS = arg('db', 'sqlite,pg').split(',');
const CATALOG_LATENCY = Number(arg('catalog-latency', '5'));
const PG = process.env.CICD_BENCH_PG ?? 'postgresql://postgres@127.0.0.1:55432';
const CHECKS = 60;
export const TEAMS = 100;
export const DEPTS = 10;
const DAY_MS = 86_400_000;

/** Deterministic pseudo-random numbers. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export const name = (i: number) => `svc-${String(i).padStart(5, '0')}`;
export const team = (t: number) =>
  `group:default/team-${String(t).padStart(2, '0')}`;

const checkIds = Array.from(
  { length: CHECKS },
  (_, i) => `bench-check-${String(i + 1).padStart(2, '0')}`,
);
export const checkMeta = checkIds.map((id, i) => ({
  id,
  category: CHECK_CATEGORIES[i % CHECK_CATEGORIES.length].id,
  severity: SEVERITIES[i % SEVERITIES.length],
}));

/** The registry of the seeded checks: each passes without reading anything. */
export function benchRegistry(): CheckRegistry {
  return new CheckRegistry(
    checkMeta.map(c =>
      createScorecardCheck({
        id: c.id,
        title: `Bench check ${c.id}`,
        description: 'Benchmark check.',
        category: c.category,
        severity: c.severity,
        platforms: ['repository'],
        frameworks: [],
        run: () => ({ status: 'pass', score: 10, findings: [] }),
      }),
    ),
  );
}

export function catalogEntities(): Entity[] {
  const out: Entity[] = [];
  for (let i = 0; i < ENTITIES; i++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: name(i), namespace: 'default' },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: team(i % TEAMS).replace('group:default/', ''),
      },
    });
  }
  return out;
}

async function insertBatched(
  db: Knex,
  table: string,
  rows: object[],
  size: number,
) {
  for (let i = 0; i < rows.length; i += size) {
    await db(table).insert(rows.slice(i, i + size));
  }
}

/** The org, its departments and teams of the seed, parents first. */
export function benchGroups() {
  return [
    { groupRef: 'group:default/org', type: 'organization' },
    ...Array.from({ length: DEPTS }, (_, d) => ({
      groupRef: `group:default/dept-${d}`,
      type: 'department',
      parent: 'group:default/org',
    })),
    ...Array.from({ length: TEAMS }, (_, t) => ({
      groupRef: team(t),
      type: 'team',
      parent: `group:default/dept-${t % DEPTS}`,
    })),
  ];
}

export async function seed(db: Knex, groups: GroupHierarchyStore) {
  const started = Date.now();
  await groups.replace(benchGroups());
  const size = db.client.config.client === 'pg' ? 1000 : 400;
  const now = Date.now();
  let scorecards: object[] = [];
  let checkRows: object[] = [];
  let findingRows: object[] = [];
  let scanRows: object[] = [];
  const flush = async (force = false) => {
    if (!force && checkRows.length < 20_000) return;
    await db.transaction(async tx => {
      await insertBatched(tx, 'cicd_security_scorecards', scorecards, size);
      await insertBatched(tx, 'cicd_security_check_results', checkRows, size);
      await insertBatched(tx, 'cicd_security_findings', findingRows, size);
      await insertBatched(tx, 'cicd_security_scans', scanRows, size);
    });
    scorecards = [];
    checkRows = [];
    findingRows = [];
    scanRows = [];
  };
  for (let i = 0; i < ENTITIES; i++) {
    const ref = `component:default/${name(i)}`;
    const rand = rng(i + 1);
    const quality = 0.5 + rand() * 0.5;
    const results: CheckResult[] = checkMeta.map(c => {
      const roll = rand();
      const status =
        roll > 0.9 ? 'not-applicable' : rand() < quality ? 'pass' : 'fail';
      const score =
        status === 'pass'
          ? 10
          : status === 'fail'
          ? Math.floor(rand() * 6)
          : undefined;
      return {
        checkId: c.id,
        title: `Bench check ${c.id}`,
        category: c.category,
        severity: c.severity,
        status,
        ...(score === undefined ? {} : { score }),
        findings:
          status === 'fail'
            ? [
                {
                  checkId: c.id,
                  severity: c.severity,
                  message: `${c.id} found a problem`,
                  file: '.github/workflows/ci.yml',
                  line: 10 + (i % 50),
                  column: 7,
                  snippet: 'uses: actions/checkout@v4',
                  fingerprint: `${ref}-${c.id}`,
                },
              ]
            : [],
      };
    });
    const scored = scoreResults(results);
    const scannedAt = new Date(now - (i % 3600) * 1000);
    scorecards.push({
      entity_ref: ref,
      kind: 'Component',
      namespace: 'default',
      name: name(i),
      title: `Service ${i}`,
      type: 'service',
      lifecycle: 'production',
      owner: team(i % TEAMS),
      system: `system:default/system-${i % 200}`,
      state: 'ok',
      state_reason: null,
      score: scored.score,
      grade: scored.grade,
      categories: JSON.stringify(scored.categories),
      counts: JSON.stringify(scored.counts),
      revision: 'abc123',
      source_location: `url:https://github.com/example/${name(i)}`,
      check_set_version: 'bench',
      scanned_at: scannedAt,
      updated_at: scannedAt,
    });
    for (const r of results) {
      checkRows.push({
        entity_ref: ref,
        check_id: r.checkId,
        status: r.status,
        score: r.score ?? null,
        severity: r.severity,
        category: r.category,
        title: r.title,
        reason: null,
      });
      for (const f of r.findings) {
        findingRows.push({
          entity_ref: ref,
          check_id: f.checkId,
          severity: f.severity,
          message: f.message,
          file: f.file,
          line: f.line,
          column: f.column,
          end_line: null,
          end_column: null,
          snippet: f.snippet,
          fingerprint: f.fingerprint,
          suggested_fix: null,
          suppressed: null,
        });
      }
    }
    const categories = JSON.stringify(scored.categories);
    for (let d = DAYS - 1; d >= 0; d--) {
      const drift = Math.max(
        0,
        Math.min(10, (scored.score ?? 5) - d * 0.02 + (rand() - 0.5)),
      );
      scanRows.push({
        entity_ref: ref,
        scanned_at: new Date(scannedAt.getTime() - d * DAY_MS),
        state: 'ok',
        score: Math.round(drift * 10) / 10,
        grade: scored.grade,
        categories: d === 0 ? categories : '[]',
        duration_ms: 100,
      });
    }
    await flush();
  }
  await flush(true);
  if (db.client.config.client === 'pg') await db.raw('analyze');
  else await db.raw('analyze');
  return (Date.now() - started) / 1000;
}

type RouteResult = {
  route: string;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
};

export function percentile(sorted: number[], p: number) {
  if (!sorted.length) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

/**
 * The load generator runs in a worker thread, so that its own work does not
 * share the server's event loop: keep-alive agent, CONCURRENCY requests in
 * flight, latencies in ms.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const http = require('http');
const { port, paths, durationS, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
let errors = 0;
let n = 0;
const get = p => new Promise(resolve => {
  const t0 = process.hrtime.bigint();
  const req = http.get({ host: '127.0.0.1', port, path: p, agent }, res => {
    res.resume();
    res.on('end', () => {
      if (res.statusCode !== 200) errors++;
      resolve(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
  req.on('error', () => { errors++; resolve(Number(process.hrtime.bigint() - t0) / 1e6); });
});
(async () => {
  await Promise.all(Array.from({ length: concurrency }, (_, i) => get(paths[i % paths.length])));
  errors = 0;
  const latencies = [];
  const started = Date.now();
  const end = started + durationS * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) latencies.push(await get(paths[n++ % paths.length]));
  }));
  agent.destroy();
  parentPort.postMessage({ latencies, errors, elapsed: (Date.now() - started) / 1000 });
})();
`;

async function load(
  port: number,
  route: string,
  pathFor: (n: number) => string,
  durationS: number,
): Promise<RouteResult> {
  const paths = Array.from({ length: 1000 }, (_, i) => pathFor(i));
  const { latencies, errors, elapsed } = await new Promise<{
    latencies: number[];
    errors: number;
    elapsed: number;
  }>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port, paths, durationS, concurrency: CONCURRENCY },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  latencies.sort((a, b) => a - b);
  return {
    route,
    requests: latencies.length,
    errors,
    rps: Math.round(latencies.length / elapsed),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
  };
}

const quietLogger = {
  info() {},
  debug() {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
  child() {
    return quietLogger;
  },
};

const round = (x: number) => Math.round(x * 10) / 10;

export async function openDb(
  kind: string,
): Promise<{ knex: Knex; close: () => Promise<void> }> {
  if (kind === 'pg') {
    const admin = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
    await admin.raw('drop database if exists cicd_bench');
    await admin.raw('create database cicd_bench');
    await admin.destroy();
    const knex = knexFactory({
      client: 'pg',
      connection: `${PG}/cicd_bench`,
      pool: { min: 0, max: 10 },
    });
    return { knex, close: () => knex.destroy() };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-api-bench-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'bench.sqlite') },
    useNullAsDefault: true,
  });
  return {
    knex,
    close: async () => {
      await knex.destroy();
      if (process.argv.includes('--keep')) console.log(`kept ${dir}`);
      else fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function benchDb(kind: string, entities: Entity[]) {
  const { knex, close } = await openDb(kind);
  const {
    scorecards: store,
    waivers,
    groups,
  } = await createDatabaseStores({
    database: { getClient: async () => knex } as any,
  });
  const seedS = await seed(knex, groups);
  const counts = await Promise.all(
    [
      'cicd_security_check_results',
      'cicd_security_findings',
      'cicd_security_scans',
    ].map(async t => Number((await knex(t).count({ n: '*' }).first())?.n)),
  );
  console.log(
    `\n== ${kind}: seeded ${ENTITIES} components, ${counts[0]} check results, ${
      counts[1]
    } findings, ${counts[2]} history rows in ${seedS.toFixed(1)} s`,
  );

  const calls = { queryEntities: 0, getEntityByRef: 0 };
  const catalog = fakeCatalog({ entities, latencyMs: CATALOG_LATENCY, calls });
  const registry = benchRegistry();
  const makeApp = async (visibilityTtlMs?: number) => {
    const router = await createRouter({
      store,
      waivers,
      scanner: { scan: async () => ({} as any) },
      catalog,
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      logger: quietLogger as any,
      registry,
      visibilityTtlMs,
    });
    const server = express()
      .use('/api/cicd-security', router)
      .listen(0, '127.0.0.1');
    await new Promise(r => server.once('listening', r));
    return server;
  };

  const server = await makeApp();
  const port = (server.address() as AddressInfo).port;
  const base = '/api/cicd-security';
  const routes: Array<[string, (n: number) => string]> = [
    [
      'list page (sort=score)',
      n =>
        `${base}/scorecards?sort=score&order=asc&limit=50&offset=${
          (n % 20) * 50
        }`,
    ],
    [
      'list filtered (owner=dept, grade=D,F)',
      n =>
        `${base}/scorecards?owner=group:default/dept-${
          n % DEPTS
        }&grade=D,F&limit=50`,
    ],
    ['teams aggregate', () => `${base}/teams`],
    [
      'entity detail',
      n =>
        `${base}/scorecards/${encodeURIComponent(
          `component:default/${name((n * 7919) % ENTITIES)}`,
        )}`,
    ],
    ['overview', () => `${base}/overview`],
  ];
  const results: RouteResult[] = [];
  for (const [route, p] of routes) {
    results.push(await load(port, route, p, DURATION_S));
  }
  server.close();

  // The visibility walk: what each request would cost without the cache.
  const cold = new EntityVisibility({ catalog, ttlMs: 0 });
  const creds = await mockServices
    .httpAuth()
    .credentials({ headers: {} } as any);
  const walks: number[] = [];
  const before = calls.queryEntities;
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    await cold.visibleRefs(creds as any);
    walks.push(Date.now() - t0);
  }
  const pages = (calls.queryEntities - before) / 5;
  const uncachedServer = await makeApp(0);
  const uncached = await load(
    (uncachedServer.address() as AddressInfo).port,
    'list page, no visibility cache',
    n => `${base}/scorecards?sort=score&limit=50&offset=${(n % 20) * 50}`,
    Math.max(2, DURATION_S / 2),
  );
  uncachedServer.close();

  console.log(
    `concurrency ${CONCURRENCY}, ${DURATION_S} s per route, catalog latency ${CATALOG_LATENCY} ms per call`,
  );
  console.table(results);
  console.log(
    `visibility walk (catalog, ${pages} pages of 1000): ${Math.min(
      ...walks,
    )}-${Math.max(...walks)} ms per user; cached per user for ${
      DEFAULT_VISIBILITY_TTL_MS / 1000
    } s`,
  );
  console.table([uncached]);
  const goals: Array<[string, number]> = [
    ['list page (sort=score)', 100],
    ['teams aggregate', 200],
    ['entity detail', 50],
  ];
  for (const [route, goal] of goals) {
    const r = results.find(x => x.route === route)!;
    console.log(
      `${kind} ${route}: p95 ${r.p95} ms, goal ${goal} ms → ${
        r.p95 <= goal ? 'met' : 'MISSED'
      } (ratio ${(r.p95 / goal).toFixed(2)})`,
    );
  }
  await close();
}

async function main() {
  const entities = catalogEntities();
  for (const kind of DBS) {
    await benchDb(kind, entities);
  }
}

// Run only as `node bench/run.js api-load`; other benchmarks import the seeding.
if (process.argv[2] === 'api-load') {
  main().catch(e => {
    console.error(e);
    process.exit(1);
  });
}
