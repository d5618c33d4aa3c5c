/*
 * Soak benchmark of the backend API: the real router and store with an org of
 * seeded components (the api-load seeding: 60 check results each, findings,
 * 90 days of history, a 3-level group hierarchy) under many concurrent
 * clients for minutes, with a mix of everything the portal and scripts ask:
 * list pages with filters and paging, search, teams, overview, detail,
 * history, CSV export, SARIF download and refresh. Loopback only; it stops by
 * itself after --duration, and a watchdog ends it if it does not.
 *
 * Per route: requests, throughput, p50/p95/p99, errors (non-2xx other than
 * the 429s the refresh rate limit is expected to answer, and failed
 * connections). Memory of the server process: RSS and heap at the start, at
 * the end and the maximum; with --expose-gc the heap after a forced GC at
 * start and end, and their ratio (no unbounded growth: about 1).
 *
 *   node --expose-gc bench/run.js soak [--duration 300] [--clients 50]
 *     [--entities 10000] [--days 90] [--db sqlite,pg] [--catalog-latency 5]
 *
 * Bounded form for CI (about a minute):
 *   node --expose-gc bench/run.js soak --entities 1000 --duration 20 --clients 20 --db sqlite
 *
 * SOAK_QUERY_TIMES=1 also prints the SQL statements that took the most time.
 *
 * PostgreSQL: CICD_BENCH_PG (default postgresql://postgres@127.0.0.1:55432),
 * database `cicd_bench` (re-created on each run). Exits with 1 when a route
 * had errors or the heap grew more than 1.5x over the run.
 */
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import { AddressInfo } from 'net';
import { Worker } from 'worker_threads';
import { createDatabaseStores } from '../plugins/cicd-security-backend/src/database/createStores';
import { entityMeta } from '../plugins/cicd-security-backend/src/scanner/entityMeta';
import { fakeCatalog } from '../plugins/cicd-security-backend/src/testing/fakeCatalog';
import { createRouter } from '../plugins/cicd-security-backend/src/service/router';
import {
  benchRegistry,
  catalogEntities,
  DEPTS,
  ENTITIES,
  name,
  openDb,
  percentile,
  seed,
  TEAMS,
} from './api-load';

const arg = (key: string, def: string) => {
  const i = process.argv.indexOf(`--${key}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const DURATION_S = Math.min(3600, Number(arg('duration', '300')));
const CLIENTS = Math.min(500, Number(arg('clients', '50')));
const DBS = arg('db', 'sqlite,pg').split(',');
const CATALOG_LATENCY = Number(arg('catalog-latency', '5'));
const base = '/api/cicd-security';

/** The mix: route name, weight, and the path (and method) of request n. */
type RouteSpec = {
  route: string;
  weight: number;
  method?: 'POST';
  path: (n: number) => string;
};
const ref = (n: number) =>
  encodeURIComponent(`component:default/${name((n * 7919) % ENTITIES)}`);
const ROUTES: RouteSpec[] = [
  {
    route: 'list page (sort, paging)',
    weight: 20,
    path: n =>
      `${base}/scorecards?sort=${
        ['score', 'name', 'criticalFindings'][n % 3]
      }&order=${n % 2 ? 'asc' : 'desc'}&limit=50&offset=${(n % 40) * 50}`,
  },
  {
    route: 'list filtered (owner, grade, state)',
    weight: 12,
    path: n =>
      `${base}/scorecards?owner=group:default/dept-${n % DEPTS}&grade=${
        ['D,F', 'A', 'B,C'][n % 3]
      }&state=ok&limit=25&offset=${(n % 4) * 25}`,
  },
  {
    route: 'list search',
    weight: 5,
    path: n =>
      `${base}/scorecards?q=svc-${String(n % 1000).padStart(3, '0')}&limit=20`,
  },
  { route: 'teams', weight: 8, path: () => `${base}/teams` },
  { route: 'overview', weight: 5, path: () => `${base}/overview` },
  { route: 'detail', weight: 20, path: n => `${base}/scorecards/${ref(n)}` },
  {
    route: 'history',
    weight: 12,
    path: n => `${base}/scorecards/${ref(n)}/history?limit=${[30, 90][n % 2]}`,
  },
  {
    route: 'export CSV (one team)',
    weight: 4,
    path: n =>
      `${base}/scorecards/export?format=csv&owner=group:default/team-${String(
        n % TEAMS,
      ).padStart(2, '0')}`,
  },
  {
    route: 'export CSV (everything)',
    weight: 1,
    path: () => `${base}/scorecards/export?format=csv`,
  },
  {
    route: 'SARIF',
    weight: 6,
    path: n => `${base}/scorecards/${ref(n)}/sarif`,
  },
  {
    route: 'refresh',
    weight: 7,
    method: 'POST',
    path: n => `${base}/scorecards/${ref(n)}/refresh`,
  },
];

/**
 * The clients run in a worker thread, so that their work does not share the
 * server's event loop: a keep-alive agent, CLIENTS requests in flight, each
 * client picking the next route by weight (deterministically).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const http = require('http');
const { port, routes, durationS, clients } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const stats = routes.map(r => ({ route: r.route, latencies: [], statuses: {}, failed: 0, failures: {} }));
const perMinute = [];
const wheel = [];
routes.forEach((r, i) => { for (let w = 0; w < r.weight; w++) wheel.push(i); });
const request = (i, path) => new Promise(resolve => {
  const t0 = process.hrtime.bigint();
  const req = http.request({ host: '127.0.0.1', port, path, agent, method: routes[i].method || 'GET', timeout: 60000 }, res => {
    res.resume();
    res.on('end', () => {
      const s = stats[i];
      s.latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      s.statuses[res.statusCode] = (s.statuses[res.statusCode] || 0) + 1;
      const minute = Math.floor((Date.now() - started) / 60000);
      perMinute[minute] = (perMinute[minute] || 0) + 1;
      resolve();
    });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', e => {
    const s = stats[i];
    s.failed++;
    const key = e.code || e.message;
    s.failures[key] = (s.failures[key] || 0) + 1;
    resolve();
  });
  req.end();
});
const started = Date.now();
(async () => {
  const end = started + durationS * 1000;
  let n = 0;
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    let k = c * 7;
    while (Date.now() < end) {
      const i = wheel[(k * 31 + 17) % wheel.length];
      k++;
      await request(i, routes[i].paths[n++ % routes[i].paths.length]);
    }
  }));
  agent.destroy();
  parentPort.postMessage({ stats, perMinute, elapsed: (Date.now() - started) / 1000 });
})();
`;

const quietLogger: any = {
  info() {},
  debug() {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
  child: () => quietLogger,
};

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const round = (x: number) => Math.round(x * 10) / 10;
const gc = (global as { gc?: () => void }).gc;

async function soak(kind: string): Promise<boolean> {
  const { knex, close } = await openDb(kind);
  const {
    scorecards: store,
    waivers,
    groups,
  } = await createDatabaseStores({
    database: { getClient: async () => knex } as any,
  });
  const seedS = await seed(knex, groups);
  console.log(
    `\n== ${kind}: seeded ${ENTITIES} components in ${seedS.toFixed(1)} s`,
  );
  const entities = catalogEntities();
  const catalog = fakeCatalog({ entities, latencyMs: CATALOG_LATENCY });
  const registry = benchRegistry();
  // A refresh "scans" for 30 ms and saves an unchanged outcome: the write
  // path runs against the reads, as scheduled scans do.
  let scans = 0;
  const scanner = {
    scan: async (entity: any) => {
      await new Promise(r => setTimeout(r, 30));
      const meta = entityMeta(entity);
      await store.saveScan(meta, { type: 'unchanged' });
      scans++;
      return { entityRef: meta.entityRef, state: 'ok' as const };
    },
  };
  const router = await createRouter({
    store,
    waivers,
    scanner: scanner as any,
    catalog,
    auth: mockServices.auth(),
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
    logger: quietLogger,
    registry,
  });
  // Backstage's own error handler, as in a backend (429 from statusCode).
  const errors = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: quietLogger,
  }).error();
  const server = express()
    .use('/api/cicd-security', router)
    .use(errors)
    .listen(0, '127.0.0.1');
  await new Promise(r => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;

  const qt = new Map<string, { n: number; ms: number }>();
  if (process.env.SOAK_QUERY_TIMES) {
    const open = new Map<string, [string, bigint]>();
    knex.on('query', (q: any) =>
      open.set(q.__knexQueryUid, [
        q.sql.replace(/(\?, )+\?/g, '?…').slice(0, 160),
        process.hrtime.bigint(),
      ]),
    );
    const done = (_r: unknown, q: any) => {
      const o = open.get(q.__knexQueryUid);
      if (!o) return;
      open.delete(q.__knexQueryUid);
      const e = qt.get(o[0]) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += Number(process.hrtime.bigint() - o[1]) / 1e6;
      qt.set(o[0], e);
    };
    knex.on('query-response', done);
    knex.on('query-error', (_e: unknown, q: any) => done(null, q));
  }
  gc?.();
  const start = process.memoryUsage();
  let maxRss = start.rss;
  let maxHeap = start.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    maxRss = Math.max(maxRss, m.rss);
    maxHeap = Math.max(maxHeap, m.heapUsed);
  }, 1000);
  /** Heap after a forced GC, each minute (with --expose-gc): flat when bounded. */
  const heapAfterGc: number[] = [];
  const progress = setInterval(() => {
    const m = process.memoryUsage();
    if (gc) {
      gc();
      heapAfterGc.push(mb(process.memoryUsage().heapUsed));
    }
    console.log(
      `  … ${kind}: rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB${
        gc ? ` (${heapAfterGc[heapAfterGc.length - 1]} MB after GC)` : ''
      }, ${scans} refresh scans`,
    );
  }, 60_000);

  const routes = ROUTES.map(r => ({
    route: r.route,
    weight: r.weight,
    method: r.method,
    paths: Array.from({ length: 500 }, (_, i) => r.path(i)),
  }));
  const { stats, perMinute, elapsed } = await new Promise<{
    stats: Array<{
      route: string;
      latencies: number[];
      statuses: Record<string, number>;
      failed: number;
      failures: Record<string, number>;
    }>;
    perMinute: Array<number | null>;
    elapsed: number;
  }>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        port,
        routes,
        durationS: DURATION_S,
        clients: CLIENTS,
      },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  clearInterval(sampler);
  clearInterval(progress);
  const endNoGc = process.memoryUsage();
  gc?.();
  const end = process.memoryUsage();
  server.close();

  let total = 0;
  let errorsTotal = 0;
  const rows = stats.map(s => {
    const sorted = s.latencies.sort((a, b) => a - b);
    const limited = s.route === 'refresh' ? s.statuses['429'] ?? 0 : 0;
    const ok = Object.entries(s.statuses)
      .filter(([code]) => Number(code) >= 200 && Number(code) < 300)
      .reduce((sum, [, n]) => sum + n, 0);
    const errors = sorted.length - ok - limited + s.failed;
    total += sorted.length;
    errorsTotal += errors;
    return {
      route: s.route,
      requests: sorted.length,
      'req/s': round(sorted.length / elapsed),
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      errors,
      'limited (429)': limited,
      statuses: [...Object.entries(s.statuses), ...Object.entries(s.failures)]
        .map(([code, n]) => `${code}:${n}`)
        .join(' '),
    };
  });
  console.log(
    `${kind}: ${CLIENTS} clients for ${elapsed.toFixed(
      0,
    )} s, ${total} requests, ${round(
      total / elapsed,
    )} req/s, ${errorsTotal} errors, ${scans} refresh scans ran`,
  );
  console.table(rows);
  if (qt.size) {
    console.table(
      [...qt]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 15)
        .map(([sql, e]) => ({ ms: Math.round(e.ms), n: e.n, sql })),
    );
  }
  console.log(
    `${kind} requests per minute: ${perMinute.map(n => n ?? 0).join(', ')}`,
  );
  const heapRatio = end.heapUsed / start.heapUsed;
  console.log(
    `${kind} memory: RSS start ${mb(start.rss)} MB, end ${mb(
      endNoGc.rss,
    )} MB, max ${mb(maxRss)} MB; heap start ${mb(start.heapUsed)} MB, end ${mb(
      endNoGc.heapUsed,
    )} MB, max ${mb(maxHeap)} MB${
      gc
        ? `; after a forced GC: heap ${mb(start.heapUsed)} → ${mb(
            end.heapUsed,
          )} MB (end/start ${heapRatio.toFixed(2)}), RSS ${mb(
            end.rss,
          )} MB; heap after GC each minute: ${heapAfterGc.join(', ')} MB`
        : ' (run with node --expose-gc for the heap after a forced GC)'
    }`,
  );
  await close();
  return errorsTotal === 0 && (!gc || heapRatio < 1.5);
}

async function main() {
  // Watchdog: whatever happens, the benchmark ends.
  const watchdog = setTimeout(() => {
    console.error('soak: watchdog expired, stopping');
    process.exit(2);
  }, (DURATION_S + 600) * 1000 * DBS.length);
  watchdog.unref();
  let ok = true;
  for (const kind of DBS) ok = (await soak(kind)) && ok;
  process.exit(ok ? 0 : 1);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
