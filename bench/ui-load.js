#!/usr/bin/env node
/*
 * UI load benchmark: how fast the Components and Teams views of the org-wide
 * page become interactive with 10,000 components.
 *
 * The portal's cicd-security API is answered inside the browser
 * (playwright `page.route`) with payloads shaped like the real API for 10,000
 * components in 10 departments × 25 teams; the list is filtered, sorted and
 * paged per request like the backend does, so the timings cover the UI, not
 * the database. Everything else (sign-in, catalog) is the real portal.
 *
 *   node bench/ui-load.js               # starts the portal itself
 *   node bench/ui-load.js --no-start    # against a running portal (E2E_BASE_URL)
 *   COMPONENTS=20000 RUNS=7 node bench/ui-load.js
 *
 * Production build: `backstage-cli package build` in packages/app, start the
 * backend with `app.baseUrl: http://localhost:7007` (it serves the built app),
 * then `E2E_BASE_URL=http://localhost:7007 node bench/ui-load.js --no-start`.
 */
const path = require('path');

const {
  ROOT,
  startPortal,
  stopAll,
  waitFor,
  launchChromium,
  signInAsGuest,
} = require('../e2e/portal');
const APP = process.env.E2E_BASE_URL || 'http://localhost:3000';
const API = process.env.E2E_BACKEND_URL || 'http://localhost:7007';
const START = !process.argv.includes('--no-start');
const N = Number(process.env.COMPONENTS || 10_000);
const RUNS = Number(process.env.RUNS || 5);
const BUDGET_MS = 1500;

// ---------------------------------------------------------------- the data
const GRADES = ['A', 'B', 'C', 'D', 'F'];
const CATEGORIES = [
  'secrets-management',
  'vulnerability-scanning',
  'code-quality',
  'access-control',
  'compliance',
  'network-security',
  'third-party-software',
];
function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}
function gradeOf(score) {
  if (score === null) return null;
  return score >= 9
    ? 'A'
    : score >= 7.5
    ? 'B'
    : score >= 6
    ? 'C'
    : score >= 4
    ? 'D'
    : 'F';
}
const DEPARTMENTS = 10;
const TEAMS_PER_DEPARTMENT = 25;
function seed() {
  const rand = rng(42);
  const teams = [];
  for (let d = 0; d < DEPARTMENTS; d++) {
    for (let t = 0; t < TEAMS_PER_DEPARTMENT; t++)
      teams.push({ dept: d, ref: `group:default/team-${d}-${t}` });
  }
  const items = [];
  for (let i = 0; i < N; i++) {
    const team = teams[i % teams.length];
    const score = rand() < 0.03 ? null : Math.round(rand() * 100) / 10;
    const categories = CATEGORIES.map(c => ({
      category: c,
      score:
        score === null
          ? null
          : Math.max(
              0,
              Math.min(10, Math.round((score + (rand() * 4 - 2)) * 10) / 10),
            ),
      applicable: 2,
      failing: 1,
    }));
    const critical = Math.floor(rand() * 3);
    items.push({
      entityRef: `component:default/service-${i}`,
      kind: 'component',
      namespace: 'default',
      name: `service-${i}`,
      title: `Service ${i}`,
      type: 'service',
      lifecycle: ['production', 'experimental', 'deprecated'][i % 3],
      owner: team.ref,
      system: `system:default/system-${i % 300}`,
      state: score === null ? 'pending' : 'ok',
      score,
      grade: gradeOf(score),
      categories,
      counts: {
        passed: 20,
        failed: 5,
        warned: 1,
        notApplicable: 10,
        inconclusive: 0,
        errored: 0,
        findings: 12,
        suppressedFindings: 1,
        criticalFindings: critical,
      },
      scannedAt:
        score === null
          ? undefined
          : new Date(Date.now() - i * 60_000).toISOString(),
      revision: '0123456789abcdef0123456789abcdef01234567',
    });
  }
  return { items, teams };
}
function stats(list) {
  const scanned = list.filter(i => i.score !== null);
  const avg = a =>
    a.length
      ? Math.round((a.reduce((s, x) => s + x, 0) / a.length) * 10) / 10
      : null;
  const grades = Object.fromEntries(GRADES.map(g => [g, 0]));
  for (const i of scanned) grades[i.grade] += 1;
  const sorted = scanned.map(i => i.score).sort((a, b) => a - b);
  return {
    components: list.length,
    scanned: scanned.length,
    averageScore: avg(scanned.map(i => i.score)),
    medianScore: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null,
    grades,
    categories: Object.fromEntries(
      CATEGORIES.map((c, ci) => [
        c,
        avg(scanned.map(i => i.categories[ci].score).filter(v => v !== null)),
      ]),
    ),
    change30d: Math.round((scanned.length % 7) - 3) / 10,
    openCriticalFindings: list.reduce(
      (s, i) => s + i.counts.criticalFindings,
      0,
    ),
  };
}
function teamsPayload({ items, teams }) {
  const byOwner = new Map();
  for (const i of items) {
    if (!byOwner.has(i.owner)) byOwner.set(i.owner, []);
    byOwner.get(i.owner).push(i);
  }
  const out = [
    {
      groupRef: 'group:default/acme',
      title: 'ACME',
      type: 'organization',
      children: Array.from(
        { length: DEPARTMENTS },
        (_, d) => `group:default/dept-${d}`,
      ),
      direct: stats([]),
      rollup: stats(items),
    },
  ];
  for (let d = 0; d < DEPARTMENTS; d++) {
    const own = teams.filter(t => t.dept === d);
    const all = own.flatMap(t => byOwner.get(t.ref) || []);
    out.push({
      groupRef: `group:default/dept-${d}`,
      title: `Department ${d}`,
      type: 'department',
      parent: 'group:default/acme',
      children: own.map(t => t.ref),
      direct: stats([]),
      rollup: stats(all),
    });
  }
  for (const t of teams) {
    const s = stats(byOwner.get(t.ref) || []);
    out.push({
      groupRef: t.ref,
      title: t.ref.split('/')[1],
      type: 'team',
      parent: `group:default/dept-${t.dept}`,
      children: [],
      direct: s,
      rollup: s,
    });
  }
  const owners = [...byOwner.entries()].map(([owner, list]) => {
    const s = stats(list);
    return {
      owner,
      components: s.components,
      scanned: s.scanned,
      averageScore: s.averageScore,
      grades: s.grades,
    };
  });
  return { items: out, owners };
}
const SORT_KEYS = {
  name: i => i.name,
  score: i => i.score ?? -1,
  grade: i => i.grade ?? 'Z',
  owner: i => i.owner,
  system: i => i.system,
  kind: i => i.kind,
  lifecycle: i => i.lifecycle,
  state: i => i.state,
  criticalFindings: i => i.counts.criticalFindings,
  findings: i => i.counts.findings,
  scannedAt: i => i.scannedAt ?? '',
};
function listPayload(data, teams, search) {
  const p = new URLSearchParams(search);
  let list = data.items;
  const owner = p.get('owner');
  if (owner) {
    const below = new Set([owner]);
    for (const g of teams.items)
      if (g.parent && below.has(g.parent)) below.add(g.groupRef);
    for (const g of teams.items)
      if (g.parent && below.has(g.parent)) below.add(g.groupRef);
    list = list.filter(i => below.has(i.owner));
  }
  if (p.get('grade')) {
    const gs = p.get('grade').split(',');
    list = list.filter(i => gs.includes(i.grade));
  }
  if (p.get('q')) {
    const q = p.get('q').toLowerCase();
    list = list.filter(
      i =>
        i.name.includes(q) ||
        i.title.toLowerCase().includes(q) ||
        i.owner.includes(q),
    );
  }
  for (const f of ['kind', 'lifecycle', 'state', 'system'])
    if (p.get(f)) list = list.filter(i => i[f] === p.get(f));
  const sort = SORT_KEYS[p.get('sort')];
  if (sort) {
    const dir = p.get('order') === 'desc' ? -1 : 1;
    list = [...list].sort((a, b) =>
      sort(a) < sort(b) ? -dir : sort(a) > sort(b) ? dir : 0,
    );
  }
  const limit = Number(p.get('limit') || 50);
  const offset = Number(p.get('offset') || 0);
  return { items: list.slice(offset, offset + limit), totalCount: list.length };
}

// ---------------------------------------------------------------- the portal
const median = a => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function main() {
  const t0 = Date.now();
  const data = seed();
  const teams = teamsPayload(data);
  const checks = {
    items: ['unpinned-actions', 'hardcoded-secrets', 'script-injection'].map(
      (id, k) => ({
        id,
        title: id,
        description: id,
        category: CATEGORIES[k],
        severity: 'high',
        platforms: ['github-actions'],
        frameworks: [],
        docsPath: `plugins/cicd-security-node/guides/${id}.md`,
        passRate: 0.5,
        failing: N / 2,
        applicable: N,
      }),
    ),
  };
  const overview = { stats: stats(data.items), shareAB: 0.3, trend: [] };
  console.log(
    `seeded ${N} components, ${teams.items.length} groups in ${
      Date.now() - t0
    } ms`,
  );

  if (START) {
    startPortal({
      logDir: path.join(ROOT, 'e2e', 'screenshots'),
      logPrefix: 'bench-',
      token: 'bench-token-not-secret',
    });
  }
  await waitFor(
    'the backend',
    async () => (await fetch(`${API}/api/cicd-security/health`)).ok,
    180_000,
  );
  await waitFor('the app', async () => (await fetch(APP)).ok, 180_000);

  const browser = await launchChromium();
  const results = {
    shell: [],
    components: [],
    teams: [],
    teamsDrill: [],
    componentsFilter: [],
    componentsTab: [],
    teamsTab: [],
  };
  let payloadBytes = 0;
  try {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
    });
    await context.route('**/api/cicd-security/**', route => {
      const url = new URL(route.request().url());
      const p = url.pathname.replace(/^.*\/api\/cicd-security/, '');
      let body;
      if (p === '/scorecards') body = listPayload(data, teams, url.search);
      else if (p === '/teams') body = teams;
      else if (p === '/checks') body = checks;
      else if (p === '/overview') body = overview;
      else if (p === '/health') body = { status: 'ok' };
      else
        return route.fulfill({
          status: 404,
          json: { error: { name: 'NotFoundError', message: p } },
        });
      const json = JSON.stringify(body);
      if (p === '/teams') payloadBytes = json.length;
      return route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: json,
      });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    // Sign in once and warm the bundle.
    await page.goto(`${APP}/cicd-security/components`);
    await signInAsGuest(
      page,
      page.getByTestId('cicd-security-components-table'),
    );
    await page.getByText('Service 0', { exact: true }).waitFor();

    for (let run = 0; run < RUNS; run++) {
      // Baseline: a full load of the app shell alone (the settings page), the
      // part of every full page load that is not the plugin's.
      let t0run = Date.now();
      await page.goto(`${APP}/settings`);
      await page
        .getByText(/appearance/i)
        .first()
        .waitFor();
      results.shell.push(Date.now() - t0run);

      // In-app navigation, as a user moves between tabs.
      await page.goto(`${APP}/cicd-security`);
      await page.getByTestId('kpi-average-score').waitFor();
      t0run = Date.now();
      await page.getByRole('tab', { name: /components/i }).click();
      await page
        .locator(
          '[data-testid="cicd-security-components-table"] tbody tr [aria-label^="Grade"]',
        )
        .first()
        .waitFor();
      results.componentsTab.push(Date.now() - t0run);
      t0run = Date.now();
      await page.getByRole('tab', { name: /teams/i }).click();
      await page.getByTestId('team-row').first().waitFor();
      results.teamsTab.push(Date.now() - t0run);

      // Components: full page load → first page of rows and the search box usable.
      let t = Date.now();
      await page.goto(`${APP}/cicd-security/components?sort=name&order=asc`);
      await page
        .locator(
          '[data-testid="cicd-security-components-table"] tbody tr [aria-label^="Grade"]',
        )
        .first()
        .waitFor();
      await page.getByLabel('Search components').waitFor({ state: 'visible' });
      results.components.push(Date.now() - t);

      // Search: typing a name → the filtered rows (debounced, URL-backed).
      t = Date.now();
      await page.getByLabel('Search components').fill('service-99');
      await page.waitForFunction(() => {
        const rows = document.querySelectorAll(
          '[data-testid="cicd-security-components-table"] tbody tr',
        );
        return (
          rows.length > 0 &&
          [...rows].every(r => r.textContent.includes('Service 99'))
        );
      });
      results.componentsFilter.push(Date.now() - t);

      // Teams: full page load → heatmap rows rendered.
      t = Date.now();
      await page.goto(`${APP}/cicd-security/teams`);
      await page.getByTestId('team-row').first().waitFor();
      results.teams.push(Date.now() - t);

      // Drill-down: organisation → departments → 25 teams.
      t = Date.now();
      await page.getByTestId('team-drilldown').first().click();
      await page
        .getByTestId('team-drilldown')
        .filter({ hasText: /^Department 0$/ })
        .click();
      await page.getByText('team-0-24', { exact: true }).waitFor();
      results.teamsDrill.push(Date.now() - t);
    }
  } finally {
    await browser.close();
  }
  const line = (name, a) =>
    `${name.padEnd(38)} median ${String(median(a)).padStart(
      5,
    )} ms  (runs: ${a.join(', ')})`;
  console.log(
    `\n${N} components, ${teams.items.length} groups, /teams payload ${(
      payloadBytes / 1024
    ).toFixed(0)} KiB`,
  );
  console.log(line('App shell alone, full load (baseline)', results.shell));
  console.log(
    line('Overview → Components tab, rows shown', results.componentsTab),
  );
  console.log(line('Components → Teams tab, heatmap shown', results.teamsTab));
  console.log(line('Components view interactive (load)', results.components));
  console.log(
    line('Components search → filtered rows', results.componentsFilter),
  );
  console.log(line('Teams view interactive (load)', results.teams));
  console.log(line('Teams drill-down org → dept → teams', results.teamsDrill));
  const ok =
    median(results.componentsTab) <= BUDGET_MS &&
    median(results.teamsTab) <= BUDGET_MS;
  console.log(
    `budget ${BUDGET_MS} ms for both views (in-app navigation): ${
      ok ? 'met' : 'NOT met'
    }`,
  );
  const own = k => median(results[k]) - median(results.shell);
  console.log(
    `full loads minus the app shell: Components ${own(
      'components',
    )} ms, Teams ${own('teams')} ms`,
  );
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
