#!/usr/bin/env node
/*
 * UI load benchmark: how long a user waits for the portal with many
 * components, against the real backend and the production build of the app.
 *
 * For each database (SQLite file, PostgreSQL) it seeds the cicd-security
 * tables with N components (60 check results each, findings for the failing
 * ones, scan history, 10 departments × 100 teams; the seeding of
 * bench/api-load.ts, on the ids of the built-in checks), writes a catalog of
 * the same components and groups, builds the app (`backstage-cli package
 * build` in packages/app) and starts the real backend (packages/backend, from
 * source, no file watcher) on a free port, serving the built app
 * (`packages/app/dist`) through the app backend plugin. Scheduled scans and
 * housekeeping are pushed a day away so that they do not rewrite the seed.
 *
 * Then Chromium loads each view as a first visit (a new browser context: empty
 * HTTP cache, signed in from a stored session) and as a returning one (the
 * same context, loaded again: warm cache) and waits until the page is usable:
 * its rows rendered, no request in flight and the main thread idle (no long
 * task, no network) for 500 ms. The figure is the moment it became usable,
 * from the start of the navigation (or of the click / typing for the in-app
 * steps). Views: the org page overview, the Components tab, a search (a link
 * with ?q=, and typing into the search box), the Teams tab, the Checks tab and
 * an entity's Security tab; and, as a reference that is not judged,
 * Backstage's own Settings page (what the framework costs before any view of
 * this plugin). It prints the medians, their ratio to the 1.5 s budget and a
 * verdict on the full loads.
 *
 *   node bench/ui-load.js [--components 10000] [--db sqlite,pg] [--runs 3]
 *     [--days 30] [--no-build] [--keep] [--trace] [--per-file 250]
 *     [--reuse DIR]
 *
 * --keep keeps the run's folder (and its PostgreSQL databases) and prints it;
 * --reuse DIR measures again on a kept run (one --db, the one it was seeded
 * on) without seeding or filling the catalog again: at 10,000 components
 * filling the catalog takes most of the run.
 *
 * PostgreSQL: eval "$(scripts/pg-start.sh)" first; the connection string is
 * CICD_BENCH_PG, else BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
 * else postgresql://postgres@127.0.0.1:55432. Each run uses databases of its
 * own prefix (`uibench<time>_`) and drops them at the end.
 *
 * The same portal by hand (production build, backend serving it):
 *   (cd packages/app && npx backstage-cli package build) && \
 *   (cd packages/backend && APP_CONFIG_app_baseUrl=http://localhost:7007 \
 *     NODE_ENV=production node -r @backstage/cli/config/nodeTransform.cjs \
 *     src/index.ts --config ../../app-config.yaml)
 */
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const {
  ROOT,
  startProductionPortal,
  stopAll,
  waitFor,
  launchChromium,
  signInAsGuest,
} = require('../e2e/portal');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const N = Number(arg('components', process.env.COMPONENTS || '10000'));
const RUNS = Number(arg('runs', process.env.RUNS || '3'));
const DAYS = Number(arg('days', '30'));
const DBS = arg('db', 'sqlite,pg').split(',');
const BUILD = !process.argv.includes('--no-build');
const KEEP = process.argv.includes('--keep');
const REUSE = arg('reuse', '');
// Print, for each figure, when the rows showed and what was busy last.
const TRACE = process.argv.includes('--trace');
const BUDGET_MS = 1500;
const QUIET_MS = 500;
const PG =
  process.env.CICD_BENCH_PG ||
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ||
  'postgresql://postgres@127.0.0.1:55432';
if (!Number.isInteger(N) || N < 1) {
  console.error(
    `--components must be a whole number ≥ 1, got ${arg('components')}`,
  );
  process.exit(2);
}
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`--runs must be a whole number ≥ 1, got ${arg('runs')}`);
  process.exit(2);
}
const unknownDb = DBS.find(d => d !== 'sqlite' && d !== 'pg');
if (unknownDb) {
  console.error(`--db takes sqlite and/or pg, got ${unknownDb}`);
  process.exit(2);
}
if (REUSE && DBS.length !== 1) {
  console.error('--reuse DIR takes one --db: the one DIR was seeded on');
  process.exit(2);
}
if (REUSE && !fs.existsSync(path.join(REUSE, 'app-config.bench.yaml'))) {
  console.error(`--reuse ${REUSE}: no app-config.bench.yaml (run with --keep)`);
  process.exit(2);
}

// The seeding of the API benchmark (TypeScript, compiled on the fly), sized
// by its own --entities / --days options.
process.argv.push('--entities', String(N), '--days', String(DAYS));
require('@backstage/cli/config/nodeTransform.cjs');
const apiLoad = require('./api-load.ts');
const { builtinChecks } = require('../plugins/cicd-security-node/src/checks');
const {
  createDatabaseStores,
} = require('../plugins/cicd-security-backend/src/database/createStores');
const {
  preparePluginDatabase,
} = require('../plugins/cicd-security-backend/src/testing/scale/harness');
const knexFactory = require('knex');

// Seed results of real checks, so the Checks tab and the Security tab show
// the portal's own checks and guides.
apiLoad.checkMeta.forEach((c, i) => {
  const check = builtinChecks[i % builtinChecks.length];
  if (i < builtinChecks.length) {
    c.id = check.id;
    c.category = check.category;
    c.severity = check.severity;
  }
});

const TOKEN = crypto.randomBytes(24).toString('hex');
const auth = { authorization: `Bearer ${TOKEN}` };
const TEAMS = apiLoad.TEAMS;
const DEPTS = apiLoad.DEPTS;

/**
 * Components per catalog location file. One file of all N components is read,
 * parsed and written back as one location entity's output, and re-read at
 * every processing interval; files of a few hundred let the catalog's
 * processing loop start on the components at once and keep each location's
 * work small.
 */
const PER_FILE = Number(arg('per-file', '250'));

/**
 * The catalog: the org, its departments and teams in one file, and N
 * components in files of PER_FILE. Returns the files, each a catalog location.
 */
function writeCatalog(dir) {
  const yaml = docs =>
    docs
      .map(d => JSON.stringify({ apiVersion: 'backstage.io/v1alpha1', ...d }))
      .join('\n---\n');
  const groups = [
    {
      kind: 'Group',
      metadata: { name: 'org', title: 'Bench org' },
      spec: { type: 'organization', children: [] },
    },
  ];
  for (let d = 0; d < DEPTS; d++) {
    groups.push({
      kind: 'Group',
      metadata: { name: `dept-${d}`, title: `Department ${d}` },
      spec: { type: 'department', parent: 'org', children: [] },
    });
  }
  for (let t = 0; t < TEAMS; t++) {
    groups.push({
      kind: 'Group',
      metadata: { name: apiLoad.team(t).replace('group:default/', '') },
      spec: { type: 'team', parent: `dept-${t % DEPTS}`, children: [] },
    });
  }
  const files = [path.join(dir, 'catalog-groups.yaml')];
  fs.writeFileSync(files[0], yaml(groups));
  for (let start = 0; start < N; start += PER_FILE) {
    const docs = [];
    for (let i = start; i < Math.min(N, start + PER_FILE); i++) {
      docs.push({
        kind: 'Component',
        metadata: { name: apiLoad.name(i), title: `Service ${i}` },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: apiLoad.team(i % TEAMS).replace('group:default/', ''),
          system: `system-${i % 200}`,
        },
      });
    }
    const file = path.join(dir, `catalog-components-${start}.yaml`);
    fs.writeFileSync(file, yaml(docs));
    files.push(file);
  }
  return files;
}

/** Config of the benchmark's backend: its database, catalog, no scans. */
function writeConfig(file, { db, dir, catalogFiles, prefix }) {
  const later = {
    frequency: { days: 1 },
    initialDelay: { days: 1 },
    timeout: { minutes: 10 },
  };
  const config = {
    backend: {
      database:
        db === 'pg'
          ? { client: 'pg', connection: PG, prefix }
          : { client: 'better-sqlite3', connection: { directory: dir } },
    },
    catalog: {
      locations: catalogFiles.map(target => ({ type: 'file', target })),
      // New entities are processed at once whatever the interval; a long one
      // keeps the processing loop from re-reading the locations and
      // reprocessing the first components while the rest wait (the default,
      // 100-150 s, is shorter than filling the catalog on a busy machine).
      processingInterval: { hours: 6 },
    },
    cicdSecurity: {
      schedule: later,
      newEntitiesSchedule: later,
      housekeepingSchedule: later,
      // The demo's history backfill (app-config.yaml) is off, as it is by
      // default: the seeded components have no git history to read.
      backfill: { enabled: false },
    },
  };
  // JSON is YAML.
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}

/** Seed the cicd-security plugin database before the backend opens it. */
async function seedPluginDatabase({ db, dir, prefix }) {
  let knex;
  if (db === 'pg') {
    knex = await preparePluginDatabase(PG, prefix);
  } else {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'cicd-security.sqlite') },
      useNullAsDefault: true,
    });
  }
  const { groups } = await createDatabaseStores({
    database: { getClient: async () => knex },
  });
  const seconds = await apiLoad.seed(knex, groups);
  const [{ n }] = await knex('cicd_security_check_results').count({ n: '*' });
  return { knex, groups, seconds, checkResults: Number(n) };
}

async function dropDatabases(prefix) {
  const admin = knexFactory({ client: 'pg', connection: PG });
  try {
    const { rows } = await admin.raw(
      'select datname from pg_database where datname like ?',
      [`${prefix}%`],
    );
    for (const { datname } of rows)
      await admin.raw('drop database if exists ?? with (force)', [datname]);
  } finally {
    await admin.destroy();
  }
}

// ---------------------------------------------------------------- measuring

/** In every page: when the main thread or the network were last busy. */
function benchInitScript() {
  const state = { busyUntil: 0, longTasks: 0, lastBusy: '' };
  const busy = (until, what) => {
    if (until >= state.busyUntil) {
      state.busyUntil = until;
      state.lastBusy = what;
    }
  };
  window.__bench = state;
  try {
    performance.setResourceTimingBufferSize(100000);
  } catch {
    /* older browsers */
  }
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) {
        busy(
          e.startTime + e.duration,
          `long task ${Math.round(e.duration)} ms`,
        );
        state.longTasks += 1;
      }
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver(list => {
      for (const e of list.getEntries())
        busy(e.responseEnd, e.name.replace(location.origin, ''));
    }).observe({ type: 'resource', buffered: true });
  } catch {
    /* no observer: only the DOM and the requests count */
  }
}

/** Count the page's requests in flight (long-lived streams excepted). */
function trackRequests(page) {
  const inflight = new Set();
  const done = r => inflight.delete(r);
  page.on('request', r => {
    if (!['eventsource', 'websocket'].includes(r.resourceType()))
      inflight.add(r);
  });
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return () => inflight.size;
}

/**
 * Wait until `ready` (an in-page predicate) holds, then until nothing has
 * been busy for QUIET_MS; returns the moment the page became usable, in the
 * page's clock (ms since the start of its navigation).
 */
async function settle(page, inflight, ready, arg, label) {
  const handle = await page
    .waitForFunction(
      ([fn, a]) => {
        // eslint-disable-next-line no-new-func
        const ok = new Function('a', `return (${fn})(a)`)(a);
        return ok ? performance.now() : false;
      },
      [ready.toString(), arg],
      { polling: 'raf', timeout: 120_000 },
    )
    .catch(async e => {
      const shot = path.join(os.tmpdir(), 'cicd-ui-bench-failure.png');
      await page.screenshot({ path: shot }).catch(() => {});
      throw new Error(
        `${label} never became ready at ${page.url()} (screenshot ${shot}): ${
          e.message
        }`,
      );
    });
  const tReady = await handle.jsonValue();
  const until = Date.now() + 60_000;
  for (;;) {
    const { now, busyUntil, lastBusy } = await page.evaluate(() => ({
      now: performance.now(),
      busyUntil: window.__bench ? window.__bench.busyUntil : 0,
      lastBusy: window.__bench ? window.__bench.lastBusy : '',
    }));
    const usable = Math.max(tReady, busyUntil);
    if (inflight() === 0 && now - usable >= QUIET_MS) {
      if (TRACE)
        console.log(
          `    ${label}: rows at ${Math.round(
            tReady,
          )} ms, last busy at ${Math.round(busyUntil)} ms (${lastBusy})`,
        );
      return usable;
    }
    if (Date.now() > until)
      throw new Error(`${label}: never quiet for ${QUIET_MS} ms within 60 s`);
    await page.waitForTimeout(50);
  }
}

const VIEWS = [
  {
    key: 'overview',
    label: 'Org page: Overview',
    path: () => '/cicd-security',
    ready: () => {
      const kpi = document.querySelector('[data-testid="kpi-average-score"]');
      return (
        kpi &&
        /\d/.test(kpi.textContent) &&
        document.querySelector('[data-testid="grade-distribution"]')
      );
    },
  },
  {
    key: 'components',
    label: 'Components tab',
    path: () => '/cicd-security/components',
    ready: () =>
      document.querySelector(
        '[data-testid="cicd-security-components-table"] tbody tr [aria-label^="Grade"]',
      ) && document.querySelector('input[aria-label="Search components"]'),
  },
  {
    key: 'search',
    label: 'Search (link with ?q=)',
    path: term =>
      `/cicd-security/components?q=${encodeURIComponent(term.name)}`,
    // The rows show titles: every row is the searched component.
    ready: term => {
      // (the table pads a short page with empty rows)
      const rows = [
        ...document.querySelectorAll(
          '[data-testid="cicd-security-components-table"] tbody tr',
        ),
      ].filter(r => r.querySelector('a'));
      return (
        rows.length > 0 &&
        rows.every(r =>
          [...r.querySelectorAll('a')].some(
            a => a.textContent.trim() === term.title,
          ),
        ) &&
        document.querySelector('input[aria-label="Search components"]')
      );
    },
  },
  {
    key: 'teams',
    label: 'Teams tab',
    path: () => '/cicd-security/teams',
    ready: () => document.querySelector('[data-testid="team-row"]'),
  },
  {
    key: 'checks',
    label: 'Checks tab',
    path: () => '/cicd-security/checks',
    ready: () =>
      document.querySelector(
        '[data-testid="cicd-security-checks-catalogue"] tbody tr',
      ),
  },
  {
    key: 'entity',
    label: 'Entity Security tab',
    path: term => `/catalog/default/component/${term.name}/security`,
    ready: () =>
      document.querySelector('[data-testid="cicd-security-score"]') &&
      document.querySelector(
        '[data-testid="cicd-security-checks-table"] tbody tr',
      ),
  },
];

/**
 * What Backstage alone costs on this machine: its own Settings page, loaded
 * the same way. Not judged; it says how much of a figure above is the
 * framework (downloading and starting the app, signing in, the sidebar).
 */
const REFERENCE = [
  {
    key: 'shell',
    label: 'Backstage alone: Settings page (reference, not judged)',
    path: () => '/settings',
    ready: () =>
      [...document.querySelectorAll('main span, main h2, main h3')].some(e =>
        /Appearance/.test(e.textContent),
      ),
  },
];

const STEPS = [
  ['tab:components', 'Overview → Components tab (click)'],
  ['tab:teams', 'Components → Teams tab (click)'],
  ['tab:checks', 'Teams → Checks tab (click)'],
  ['type:search', 'Typing a search → filtered rows'],
];

const median = a =>
  a.length ? [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] : NaN;

async function measureBrowser(url, term) {
  const browser = await launchChromium();
  const results = {};
  const add = (k, v) => (results[k] = results[k] || []).push(Math.round(v));
  const newPage = async context => {
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    return { page, inflight: trackRequests(page) };
  };
  try {
    // Sign in once as guest; every first visit starts from that session.
    const first = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
    });
    await first.addInitScript(benchInitScript);
    const { page: p0 } = await newPage(first);
    await p0.goto(`${url}/cicd-security`);
    await signInAsGuest(p0, p0.getByTestId('kpi-average-score'));
    await p0.getByTestId('kpi-average-score').waitFor();
    const storageState = await first.storageState();
    await first.close();

    for (let run = 0; run < RUNS; run++) {
      for (const view of [...VIEWS, ...REFERENCE]) {
        const context = await browser.newContext({
          viewport: { width: 1440, height: 1000 },
          storageState,
        });
        await context.addInitScript(benchInitScript);
        const { page, inflight } = await newPage(context);
        const target = `${url}${view.path(term)}`;
        await page.goto(target, { waitUntil: 'commit' });
        add(
          `cold:${view.key}`,
          await settle(page, inflight, view.ready, term, view.label),
        );
        await page.goto(target, { waitUntil: 'commit' });
        add(
          `warm:${view.key}`,
          await settle(page, inflight, view.ready, term, view.label),
        );
        await context.close();
      }

      // In-app steps, warm: tab switches and typing a search.
      const context = await browser.newContext({
        viewport: { width: 1440, height: 1000 },
        storageState,
      });
      await context.addInitScript(benchInitScript);
      const { page, inflight } = await newPage(context);
      await page.goto(`${url}/cicd-security`, { waitUntil: 'commit' });
      await settle(page, inflight, VIEWS[0].ready, term, 'overview');
      for (const [key, view] of [
        ['components', VIEWS[1]],
        ['teams', VIEWS[3]],
        ['checks', VIEWS[4]],
      ]) {
        const t0 = await page.evaluate(() => performance.now());
        await page.getByRole('tab', { name: new RegExp(key, 'i') }).click();
        add(
          `tab:${key}`,
          (await settle(page, inflight, view.ready, term, view.label)) - t0,
        );
      }
      await page.getByRole('tab', { name: /components/i }).click();
      await settle(page, inflight, VIEWS[1].ready, term, 'components');
      const box = page.getByLabel('Search components');
      await box.fill('');
      const t0 = await page.evaluate(() => performance.now());
      await box.fill(term.name);
      add(
        'type:search',
        (await settle(page, inflight, VIEWS[2].ready, term, 'search')) - t0,
      );
      await context.close();
      console.log(`  run ${run + 1}/${RUNS} done`);
    }
  } finally {
    await browser.close();
  }
  return results;
}

function report(db, results) {
  const rows = [];
  const verdicts = [];
  const fmt = v => (Number.isNaN(v) ? '-' : String(v));
  const ratio = v => (Number.isNaN(v) ? '-' : (v / BUDGET_MS).toFixed(2));
  const viewRow = view => {
    const cold = median(results[`cold:${view.key}`] || []);
    const warm = median(results[`warm:${view.key}`] || []);
    rows.push([
      view.label,
      fmt(cold),
      ratio(cold),
      fmt(warm),
      ratio(warm),
      `${(results[`cold:${view.key}`] || []).join('/')} | ${(
        results[`warm:${view.key}`] || []
      ).join('/')}`,
    ]);
    return [cold, warm];
  };
  for (const view of VIEWS) {
    const [cold, warm] = viewRow(view);
    verdicts.push([`${view.label}, first visit`, cold]);
    verdicts.push([`${view.label}, returning`, warm]);
  }
  // The reference is shown, not judged.
  REFERENCE.forEach(viewRow);
  for (const [key, label] of STEPS) {
    const m = median(results[key] || []);
    rows.push([
      label,
      fmt(m),
      ratio(m),
      '',
      '',
      (results[key] || []).join('/'),
    ]);
    verdicts.push([label, m]);
  }
  const head = [
    'view (median ms until usable)',
    'first',
    'ratio',
    'return',
    'ratio',
    'runs (first | return)',
  ];
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map(r => String(r[i]).length)),
  );
  const line = r =>
    r
      .map((c, i) =>
        i === 0 || i === 5
          ? String(c).padEnd(widths[i])
          : String(c).padStart(widths[i]),
      )
      .join('  ');
  console.log(
    `\n== ${db}: ${N} components, budget ${BUDGET_MS} ms (ratio = median / budget)`,
  );
  console.log(line(head));
  console.log(widths.map(w => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  const loads = verdicts.slice(0, VIEWS.length * 2);
  const over = verdicts.filter(([, v]) => !(v <= BUDGET_MS));
  const loadsOver = loads.filter(([, v]) => !(v <= BUDGET_MS));
  console.log(
    `verdict (${db}): full page loads ${
      loadsOver.length === 0
        ? `all within ${BUDGET_MS} ms`
        : `${loadsOver.length} of ${
            loads.length
          } over ${BUDGET_MS} ms: ${loadsOver
            .map(([l, v]) => `${l} ${v} ms`)
            .join('; ')}`
    }; in-app steps ${
      over.length === loadsOver.length
        ? 'all within budget'
        : `over budget: ${over
            .filter(o => !loadsOver.includes(o))
            .map(([l, v]) => `${l} ${v} ms`)
            .join('; ')}`
    } → budget ${over.length === 0 ? 'MET' : 'NOT MET'}`,
  );
  return over.length === 0;
}

/** A kept run's folder, config and database prefix, checked against --db. */
function reusedRun(db) {
  const configFile = path.join(REUSE, 'app-config.bench.yaml');
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  const client = config.backend.database.client;
  if ((db === 'pg') !== (client === 'pg'))
    throw new Error(`--reuse ${REUSE} was seeded on ${client}, not ${db}`);
  return { dir: REUSE, configFile, prefix: config.backend.database.prefix };
}

async function benchDb(db) {
  let dir;
  let prefix;
  let configFile;
  if (REUSE) {
    ({ dir, configFile, prefix } = reusedRun(db));
  } else {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `cicd-ui-bench-${db}-`));
    prefix = `uibench${Date.now()}_`;
    configFile = path.join(dir, 'app-config.bench.yaml');
    writeConfig(configFile, {
      db,
      dir,
      catalogFiles: writeCatalog(dir),
      prefix,
    });
  }
  let seeded;
  try {
    if (REUSE) {
      console.log(`\n${db}: measuring again on the kept run in ${dir}`);
    } else {
      seeded = await seedPluginDatabase({ db, dir, prefix });
      console.log(
        `\n${db}: seeded ${N} scorecards (${
          seeded.checkResults
        } check results, ${DAYS} days of history) in ${seeded.seconds.toFixed(
          1,
        )} s`,
      );
    }
    const t0 = Date.now();
    const url = await startProductionPortal({
      logDir: dir,
      logPrefix: 'bench-',
      token: TOKEN,
      configs: [configFile],
    });
    console.log(`${db}: portal ${url} (logs in ${dir})`);
    await waitFor(
      'the backend',
      async () => (await fetch(`${url}/api/cicd-security/health`)).ok,
      300_000,
    );
    const count = async filter => {
      const res = await fetch(
        `${url}/api/catalog/entities/by-query?filter=${filter}&limit=1`,
        { headers: auth },
      );
      return res.ok ? (await res.json()).totalItems : 0;
    };
    // Progress every 10 s: components in the catalog, rate, time left.
    const tCatalog = Date.now();
    let lastLog = 0;
    let lastPoll = 0;
    await waitFor(
      `the catalog to hold ${N} components`,
      async () => {
        // Counting is a query on the catalog's tables too: every 5 s.
        if (Date.now() - lastPoll < 5_000) return false;
        lastPoll = Date.now();
        const c = await count('kind=component');
        const groupsIn = await count('kind=group');
        const done = c >= N && groupsIn >= 1 + DEPTS + TEAMS;
        if (done || Date.now() - lastLog >= 10_000) {
          lastLog = Date.now();
          const s = (Date.now() - tCatalog) / 1000;
          const rate = c / Math.max(s, 1);
          console.log(
            `  catalog: ${c} of ${N} components, ${groupsIn} of ${
              1 + DEPTS + TEAMS
            } groups after ${s.toFixed(0)} s (${rate.toFixed(1)}/s${
              done || rate === 0
                ? ''
                : `, ~${((N - c) / rate).toFixed(0)} s to go`
            })`,
          );
        }
        return done;
      },
      Number(process.env.CATALOG_TIMEOUT_S || 1800) * 1000,
    );
    console.log(
      `${db}: catalog filled in ${((Date.now() - tCatalog) / 1000).toFixed(
        0,
      )} s after the backend answered`,
    );
    // The hierarchy task may have read a half-filled catalog at start.
    if (seeded) await seeded.groups.replace(apiLoad.benchGroups());
    if (seeded) {
      await seeded.knex.destroy();
      seeded.knex = undefined;
    }
    const list = await (
      await fetch(`${url}/api/cicd-security/scorecards?limit=1`, {
        headers: auth,
      })
    ).json();
    if (list.totalCount !== N)
      throw new Error(
        `the API lists ${list.totalCount} scorecards, expected ${N}`,
      );
    console.log(
      `${db}: backend up and catalog filled in ${(
        (Date.now() - t0) /
        1000
      ).toFixed(0)} s; measuring ${RUNS} run(s)`,
    );
    // The component searched for and opened: the middle one, at any N.
    const k = Math.floor((N - 1) / 2);
    const results = await measureBrowser(url, {
      name: apiLoad.name(k),
      title: `Service ${k}`,
    });
    return report(db, results);
  } finally {
    stopAll();
    if (seeded && seeded.knex) await seeded.knex.destroy().catch(() => {});
    await new Promise(r => setTimeout(r, 2000));
    if (KEEP || REUSE) {
      console.log(
        `kept ${dir}${db === 'pg' ? ` and the databases ${prefix}*` : ''}` +
          ` (measure again: --db ${db} --reuse ${dir} --no-build)`,
      );
    } else {
      if (db === 'pg') await dropDatabases(prefix).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function main() {
  if (BUILD) {
    console.log('building the app (backstage-cli package build)…');
    const built = spawnSync('npx', ['backstage-cli', 'package', 'build'], {
      cwd: path.join(ROOT, 'packages/app'),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (built.status !== 0) throw new Error('the app build failed');
  } else if (!fs.existsSync(path.join(ROOT, 'packages/app/dist/index.html'))) {
    throw new Error('no packages/app/dist: run without --no-build');
  }
  let met = true;
  for (const db of DBS) met = (await benchDb(db)) && met;
  if (!met) console.log('\nbudget NOT met (see the verdicts above)');
}

main()
  .catch(e => {
    console.error(`FAILED: ${e.message}`);
    process.exitCode = 1;
  })
  .finally(() => {
    stopAll();
    setTimeout(() => process.exit(process.exitCode ?? 0), 500);
  });
