#!/usr/bin/env node
/*
 * Browser test of the demo portal: starts the backend and the app from source
 * (embedded SQLite, the demo org), waits until every demo component has a
 * scorecard, then drives Debian's Chromium with playwright-core through the
 * org page (overview, components with a filter and a CSV export, teams with
 * drill-down and comparison, checks), a component's Security tab, a finding's
 * check guide and the dark theme, saving a screenshot of each view.
 *
 *   node e2e/run.js            # starts the portal itself, on free ports
 *   E2E_BASE_URL=... E2E_BACKEND_URL=... node e2e/run.js --no-start   # against a running portal
 */
const path = require('path');
const fs = require('fs');
const crypto = require('crypto');

const {
  ROOT,
  startPortal,
  stopAll,
  waitFor,
  launchChromium,
  signInAsGuest,
} = require('./portal');

const SHOTS = path.join(__dirname, 'screenshots');
// Set by --no-start; otherwise the portal is started on free ports.
let APP = process.env.E2E_BASE_URL || 'http://localhost:3000';
let API = process.env.E2E_BACKEND_URL || 'http://localhost:7007';
const TOKEN =
  process.env.CICD_SECURITY_E2E_TOKEN || crypto.randomBytes(24).toString('hex');
const START = !process.argv.includes('--no-start');
// The component whose Security tab the test opens (a neglected demo repo with findings).
const COMPONENT = process.env.E2E_COMPONENT || 'issue-triage-bot';

async function api(p) {
  const res = await fetch(`${API}${p}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
  return res.json();
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const t0 = Date.now();
  if (START) {
    ({ app: APP, api: API } = await startPortal({
      logDir: SHOTS,
      token: TOKEN,
    }));
    console.log(`portal: app ${APP}, backend ${API}`);
  }
  await waitFor(
    'the backend',
    async () => (await fetch(`${API}/api/cicd-security/health`)).ok,
    180_000,
  );
  const tBackend = Date.now();
  // Every demo component with a source must reach a final state.
  // The first scheduled scan can run before the catalog has read the demo
  // org (a race at start-up); if nothing is scanned after a while, ask for a
  // scan of every demo component through the API, as the "Rescan now" button does.
  let nudged = false;
  const list = await waitFor(
    'all demo scorecards',
    async () => {
      const body = await api('/api/cicd-security/scorecards?limit=500');
      if (!nudged && body.totalCount < 20 && Date.now() - t0 > 60_000) {
        nudged = true;
        const catalog = await api(
          '/api/catalog/entities/by-query?filter=kind=component&limit=500',
        );
        const refs = catalog.items.map(
          e =>
            `component:${e.metadata.namespace || 'default'}/${e.metadata.name}`,
        );
        await Promise.all(
          refs.map(ref =>
            fetch(
              `${API}/api/cicd-security/scorecards/${encodeURIComponent(
                ref,
              )}/refresh`,
              {
                method: 'POST',
                headers: { authorization: `Bearer ${TOKEN}` },
              },
            ).catch(() => undefined),
          ),
        );
        console.log(
          `note: no scorecards ${Math.round(
            (Date.now() - t0) / 1000,
          )} s after start; asked for a scan of ${
            refs.length
          } catalog components`,
        );
      }
      const pending = body.items.filter(
        i => i.state === 'pending' || i.state === 'scanning',
      );
      return body.totalCount >= 20 && pending.length === 0 ? body : undefined;
    },
    240_000,
  );
  const tScanned = Date.now();
  const states = list.items.reduce(
    (m, i) => ({ ...m, [i.state]: (m[i.state] || 0) + 1 }),
    {},
  );
  console.log(
    `portal: backend up ${((tBackend - t0) / 1000).toFixed(
      1,
    )} s after start; ` +
      `${list.totalCount} scorecards final ${((tScanned - t0) / 1000).toFixed(
        1,
      )} s after start ${JSON.stringify(states)}`,
  );
  await waitFor('the app', async () => (await fetch(APP)).ok, 180_000);

  const browser = await launchChromium();
  let failed = false;
  try {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 1000 },
      acceptDownloads: true,
    });
    page.setDefaultTimeout(60_000);
    const errors = [];
    page.on('pageerror', e => errors.push(e.message));

    // 0. Sign in as guest (the demo has no accounts).
    await page.goto(`${APP}/cicd-security`);
    await signInAsGuest(
      page,
      page.getByRole('tab', { name: /components/i }).first(),
    );
    // Whole pages: Backstage scrolls inside <main>, so a full-page picture of
    // the document holds one screen only. Grow the viewport to the content
    // (at most 12,000 px), take the picture, and restore the viewport.
    const shot = async name => {
      await page.waitForTimeout(300);
      const size = page.viewportSize();
      const height = await page.evaluate(() => {
        const main = document.querySelector('main');
        const hidden = main ? main.scrollHeight - main.clientHeight : 0;
        return Math.max(
          window.innerHeight + Math.max(0, hidden),
          document.documentElement.scrollHeight,
        );
      });
      const tall = Math.min(height, 12_000);
      if (tall > size.height) {
        await page.setViewportSize({ width: size.width, height: tall });
        await page.waitForTimeout(300);
      }
      await page.screenshot({
        path: path.join(SHOTS, `${name}.png`),
        fullPage: true,
      });
      if (tall > size.height) {
        await page.setViewportSize(size);
      }
    };
    const routeMissing = async p => {
      const res = await fetch(`${API}/api/cicd-security${p}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      return res.status === 404;
    };

    // 1. Overview: KPIs, grade distribution, org trend.
    await page
      .getByRole('tab', { name: /overview/i })
      .first()
      .waitFor();
    if (await routeMissing('/overview')) {
      await page.getByText('No overview yet').waitFor();
      console.log(
        'note: the backend has no /overview route yet; the Overview tab shows its empty state',
      );
    } else {
      const avg = page.getByTestId('kpi-average-score');
      await avg.waitFor();
      const dist = await page
        .getByTestId('grade-distribution')
        .getAttribute('aria-label');
      console.log(
        `ok: overview shows average score ${(
          await avg.innerText()
        ).trim()}; ${dist}`,
      );
    }
    await shot('01-overview');

    // 2. Components: list, filter by grade, CSV export of the filtered rows.
    await page
      .getByRole('tab', { name: /components/i })
      .first()
      .click();
    await page.getByText(COMPONENT, { exact: true }).first().waitFor();
    await shot('02-components');
    console.log('ok: components tab lists the demo components');
    const mine = (
      await api(`/api/cicd-security/scorecards?q=${COMPONENT}&limit=5`)
    ).items.find(i => i.name === COMPONENT);
    if (!mine || !mine.grade)
      throw new Error(`${COMPONENT} has no grade in the API`);
    await page.getByTestId('grade-filter').click();
    await page.getByTestId(`grade-option-${mine.grade}`).click();
    await page.keyboard.press('Escape');
    await page.waitForURL(
      u => new URL(u).searchParams.get('grade') === mine.grade,
    );
    const expected = await api(
      `/api/cicd-security/scorecards?grade=${mine.grade}&limit=500`,
    );
    const table = page.getByTestId('cicd-security-components-table');
    await page.waitForFunction(
      ([sel, n]) =>
        document.querySelectorAll(`${sel} tbody tr [aria-label^="Grade "]`)
          .length === n,
      [
        '[data-testid="cicd-security-components-table"]',
        Math.min(expected.totalCount, 20),
      ],
    );
    const shownGrades = await table
      .locator('tbody [aria-label^="Grade "]')
      .evaluateAll(els => els.map(e => e.textContent));
    if (shownGrades.some(g => g !== mine.grade))
      throw new Error(`grade filter ${mine.grade} shows grades ${shownGrades}`);
    await shot('02b-components-filtered');
    console.log(
      `ok: grade filter ${mine.grade} shows ${
        expected.totalCount
      } components, all graded ${mine.grade}; URL ${
        new URL(page.url()).search
      }`,
    );
    if (await routeMissing('/scorecards/export?format=csv')) {
      console.log(
        'note: the backend has no /scorecards/export route yet; CSV export skipped',
      );
    } else {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-csv').click(),
      ]);
      const file = path.join(SHOTS, 'export.csv');
      await download.saveAs(file);
      const lines = fs
        .readFileSync(file, 'utf8')
        .split(/\r?\n/)
        .filter(Boolean);
      const header = lines[0] || '';
      if (!/entity|name/i.test(header) || !/grade/i.test(header))
        throw new Error(`CSV header row is '${header}'`);
      if (lines.length - 1 !== expected.totalCount) {
        throw new Error(
          `CSV has ${lines.length - 1} rows, the filtered list ${
            expected.totalCount
          }`,
        );
      }
      if (!lines.slice(1).some(l => l.includes(COMPONENT)))
        throw new Error(`CSV lacks ${COMPONENT}`);
      console.log(
        `ok: CSV export '${download.suggestedFilename()}' has a header row and the ${
          expected.totalCount
        } filtered rows`,
      );
    }

    // 3. Teams: heatmap, drill-down from department to team to component, comparison.
    await page.goto(`${APP}/cicd-security/teams`);
    const heatmap = page.getByTestId('teams-heatmap');
    await Promise.race([
      heatmap.waitFor(),
      page.getByTestId('owners-table').waitFor(),
    ]);
    if (await heatmap.count()) {
      await shot('03-teams');
      // Drill down until a level holds at least two groups, then compare two of them.
      for (let depth = 0; depth < 4; depth++) {
        const rows = heatmap.getByTestId('team-row');
        if ((await rows.count()) >= 2) break;
        await rows.first().getByTestId('team-drilldown').click();
        await page.waitForURL(u => new URL(u).searchParams.has('group'));
        await heatmap.waitFor();
      }
      const rows = heatmap.getByTestId('team-row');
      if ((await rows.count()) < 2)
        throw new Error('no level of the hierarchy has two groups to compare');
      const names = [];
      for (const i of [0, 1]) {
        const box = rows.nth(i).getByRole('checkbox');
        names.push(
          (await box.getAttribute('aria-label')).replace(/^Compare /, ''),
        );
        await box.check();
      }
      const comparison = page.getByTestId('teams-comparison');
      await comparison.waitFor();
      await shot('03b-teams-compare');
      console.log(`ok: teams compared side by side: ${names.join(' vs ')}`);
      // Down through the groups (department → team) to the components.
      await rows.first().getByTestId('team-drilldown').click();
      await page.getByTestId('team-components').waitFor();
      const subRows = heatmap.getByTestId('team-row');
      if ((await heatmap.count()) && (await subRows.count()) > 0) {
        const before = page.url();
        await subRows.first().getByTestId('team-drilldown').click();
        await page.waitForURL(u => u.toString() !== before);
        await page.getByTestId('team-components').waitFor();
      }
      const firstComponent = (
        await page
          .getByTestId('team-components')
          .locator('tbody tr')
          .first()
          .innerText()
      ).split('\n')[0];
      console.log(
        `ok: drill-down from ${names[0]} to ${new URL(
          page.url(),
        ).searchParams.get('group')} reaches its components (first: ${
          firstComponent.trim().split('\t')[0]
        })`,
      );
    } else {
      await shot('03-teams');
      console.log(
        'note: the backend returns no group hierarchy; the Teams tab shows the flat owner list',
      );
    }

    // 3c. 1366 × 768 and 1440 wide screens: the Components table, the
    // Teams heatmap and the Checks table fit without scrolling sideways
    // (secondary columns collapse, names end in an ellipsis, a check's id and
    // category go under its title).
    await page.setViewportSize({ width: 1366, height: 768 });
    const noSidewaysScroll = async (testId, what) => {
      const widths = await page.evaluate(id => {
        const root = document.querySelector(`[data-testid="${id}"]`);
        const main = document.querySelector('main');
        const scrolling = [root, ...root.querySelectorAll('*')].filter(el => {
          const o = getComputedStyle(el).overflowX;
          return o === 'auto' || o === 'scroll';
        });
        return [
          ...scrolling.map((el, i) => ({
            what: i === 0 && el === root ? id : `${el.tagName} in ${id}`,
            scroll: el.scrollWidth,
            client: el.clientWidth,
          })),
          {
            what: `${id} itself`,
            scroll: root.scrollWidth,
            client: root.clientWidth,
          },
          { what: 'main', scroll: main.scrollWidth, client: main.clientWidth },
          {
            what: 'the page',
            scroll: document.scrollingElement.scrollWidth,
            client: document.scrollingElement.clientWidth,
          },
        ];
      }, testId);
      const over = widths.filter(w => w.scroll > w.client);
      if (over.length)
        throw new Error(`${what} scrolls sideways: ${JSON.stringify(over)}`);
      return widths;
    };
    for (const [width, height] of [
      [1366, 768],
      [1440, 900],
    ]) {
      await page.setViewportSize({ width, height });
      await page.goto(`${APP}/cicd-security/components`);
      await page
        .getByTestId('cicd-security-components-table')
        .locator('tbody [aria-label^="Grade "]')
        .first()
        .waitFor();
      await noSidewaysScroll(
        'cicd-security-components-table',
        `Components table at ${width} px`,
      );
      if (width === 1366) await shot('components-1366');
      await page.goto(`${APP}/cicd-security/teams`);
      await Promise.race([
        page.getByTestId('teams-heatmap').waitFor(),
        page.getByTestId('owners-table').waitFor(),
      ]);
      await noSidewaysScroll(
        'cicd-security-teams-table',
        `Teams heatmap at ${width} px`,
      );
      if (width === 1366) await shot('teams-1366');
      await page.goto(`${APP}/cicd-security/checks`);
      await page
        .getByTestId('cicd-security-checks-catalogue')
        .locator('tbody tr a')
        .first()
        .waitFor();
      await noSidewaysScroll(
        'cicd-security-checks-catalogue',
        `Checks table at ${width} px`,
      );
      if (width === 1366) await shot('checks-1366');
      console.log(
        `ok: at ${width} × ${height} the Components table, the Teams heatmap and the Checks table fit without scrolling sideways`,
      );
    }
    await page.setViewportSize({ width: 1440, height: 1000 });

    // 4. Checks: pass rates and the components failing a check.
    await page.goto(`${APP}/cicd-security/checks`);
    await page.getByTestId('cicd-security-checks-catalogue').waitFor();
    await page.getByText('%').first().waitFor();
    await shot('04-checks');
    console.log('ok: checks tab lists pass rates');

    // 5. A component's Security tab: grade, checks and a finding's file:line.
    await page.goto(`${APP}/catalog/default/component/${COMPONENT}/security`);
    const grade = page.getByTestId('cicd-security-grade');
    await grade.waitFor();
    const gradeText = (await grade.innerText()).trim();
    if (!/^[A-F]$/.test(gradeText))
      throw new Error(`grade shows '${gradeText}'`);
    await page.getByTestId('cicd-security-checks-table').waitFor();
    const loc = page.getByTestId('finding-location').first();
    await loc.waitFor();
    const locText = (await loc.innerText()).trim();
    if (!/[\w./-]+:\d+/.test(locText))
      throw new Error(`finding location shows '${locText}'`);
    await page
      .getByTestId('score-trend')
      .waitFor()
      .catch(() => {});
    await shot('05-entity-security-tab');
    console.log(
      `ok: ${COMPONENT} Security tab shows grade ${gradeText} and a finding at ${locText}`,
    );

    // 5b. The findings, grouped by check: each section lists its first 3
    // findings and "Show N more"; a severity filter goes into the URL, so a
    // reload (or a shared link) keeps it, and the count says what it kept.
    const findingsByCheck = page.getByTestId('findings-by-check');
    await findingsByCheck.waitFor();
    const totalText = (
      await page.getByTestId('findings-count').innerText()
    ).trim();
    const biggest = await page.evaluate(
      () =>
        [...document.querySelectorAll('[id^="check-"][data-testid]')]
          .map(g => ({
            id: g.getAttribute('data-testid'),
            listed: g.querySelectorAll('[data-testid="finding"]').length,
            more: g.querySelector('[data-testid="show-more-findings"]')
              ?.textContent,
          }))
          .sort((a, b) => b.listed - a.listed)[0],
    );
    if (!biggest || biggest.listed > 3)
      throw new Error(
        `a check section lists more than 3 findings: ${JSON.stringify(
          biggest,
        )}`,
      );
    const severityChip = page
      .locator('[data-testid^="severity-filter-"]')
      .filter({ hasNotText: '(0)' })
      .first();
    const severity = (await severityChip.getAttribute('data-testid')).replace(
      'severity-filter-',
      '',
    );
    await severityChip.click();
    await page.waitForURL(url => url.searchParams.get('severity') === severity);
    await page.reload();
    await page.getByTestId('findings-by-check').waitFor();
    const filteredText = (
      await page.getByTestId('findings-count').innerText()
    ).trim();
    if (!new RegExp(`^\\d+ of ${totalText}$`).test(filteredText))
      throw new Error(
        `after a reload with ?severity=${severity} the count shows '${filteredText}' (all: '${totalText}')`,
      );
    const pressed = await page
      .getByTestId(`severity-filter-${severity}`)
      .getAttribute('aria-pressed');
    if (pressed !== 'true')
      throw new Error(`the ${severity} filter is not selected after a reload`);
    await shot('05b-entity-findings-filtered');
    console.log(
      `ok: findings grouped by check (at most 3 listed per check${
        biggest.more ? `, then "${biggest.more}"` : ''
      }); ?severity=${severity} survives a reload: ${filteredText}`,
    );
    await page.goto(`${APP}/catalog/default/component/${COMPONENT}/security`);
    await page.getByTestId('findings-by-check').waitFor();

    // 6. Follow a finding to its check's guide.
    const accordion = page.locator('[data-testid^="check-findings-"]').first();
    const checkId = (await accordion.getAttribute('data-testid')).replace(
      'check-findings-',
      '',
    );
    await accordion.getByRole('link', { name: /how to fix/i }).click();
    await page.waitForURL(`**/cicd-security/checks/${checkId}`);
    await page
      .getByText(/why it matters/i)
      .first()
      .waitFor();
    await page
      .getByText(/how it.s checked|how it is checked/i)
      .first()
      .waitFor();
    await shot('06-check-guide');
    console.log(`ok: the finding's "How to fix" opens the guide of ${checkId}`);

    // 6b. A finding's file:line opens the portal's source view (the demo's
    // sources are dir: locations, linked through sources.linkTemplate): the
    // file, the line highlighted and in view, and a way back.
    await page.goto(`${APP}/catalog/default/component/${COMPONENT}/security`);
    const located = page.getByTestId('finding-location').first();
    await located.waitFor();
    const [, file, line] = /^(.+?):(\d+)/.exec(
      (await located.innerText()).trim(),
    );
    await located.click();
    await page.waitForURL('**/cicd-security/source/**');
    const highlightedLine = page.getByTestId('highlighted-line');
    await highlightedLine.waitFor();
    if ((await highlightedLine.getAttribute('id')) !== `L${line}`)
      throw new Error(
        `the source view highlights ${await highlightedLine.getAttribute(
          'id',
        )}, not L${line}`,
      );
    const inView = await highlightedLine.evaluate(el => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    if (!inView)
      throw new Error('the highlighted line is not scrolled into view');
    await page.getByRole('table', { name: `Source of ${file}` }).waitFor();
    await shot('06b-source-view');
    await page.getByText('Back to the Security tab').first().click();
    await page.waitForURL(`**/component/${COMPONENT}/security`);
    console.log(
      `ok: the finding at ${file}:${line} opens the source view with the line highlighted`,
    );

    // 7. The Security tab in the dark theme.
    await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
    await page.goto(`${APP}/catalog/default/component/${COMPONENT}/security`);
    await page.getByTestId('cicd-security-grade').waitFor();
    await page.getByTestId('finding-location').first().waitFor();
    const bg = await page.evaluate(
      () => getComputedStyle(document.body).backgroundColor,
    );
    await shot('07-entity-security-tab-dark');
    console.log(`ok: dark theme (page background ${bg})`);
    await page.evaluate(() => window.localStorage.removeItem('theme'));
    // 8. A vulnerable dependency found from the demo's OSV records: the
    // finding names the advisory and the fixed version, and links to it.
    // The check's link (#check-<id>) opens its section, which may start
    // folded: only the first failing checks open by themselves.
    await page.goto(
      `${APP}/catalog/default/component/session-gateway/security#check-open-vulnerable-dependencies`,
    );
    await page.getByTestId('cicd-security-grade').waitFor();
    const vulnerable = page.getByTestId(
      'check-findings-open-vulnerable-dependencies',
    );
    await vulnerable
      .getByText(/GHSA-mh63-6h87-95cp/)
      .first()
      .waitFor();
    await vulnerable
      .getByText(/fixed in v5\.2\.2/)
      .first()
      .waitFor();
    const advisory = vulnerable
      .getByRole('link', {
        name: /github\.com\/golang-jwt\/jwt\/security\/advisories/,
      })
      .first();
    await advisory.waitFor();
    await vulnerable.scrollIntoViewIfNeeded();
    await shot('08-vulnerable-dependency');
    console.log(
      `ok: session-gateway shows golang-jwt v5.2.1 affected by GHSA-mh63-6h87-95cp, fixed in v5.2.2, linked to ${await advisory.getAttribute(
        'href',
      )}`,
    );
    // 9. Policies: the demo's policies, the components out of each with what
    // to fix, linked to their Security tab.
    await page.goto(`${APP}/cicd-security/policies`);
    await page.getByText('Production services').first().waitFor();
    await page.getByText('PCI').first().waitFor();
    await page
      .getByText(/\d+ out of policy/)
      .first()
      .waitFor();
    const outOfPolicy = page
      .getByRole('table', { name: 'Out of Production services' })
      .getByRole('link')
      .first();
    await outOfPolicy.waitFor();
    const outHref = await outOfPolicy.getAttribute('href');
    if (!/\/catalog\/default\/component\/[^/]+\/security$/.test(outHref))
      throw new Error(`an out-of-policy component links to '${outHref}'`);
    await shot('policies');
    const policies = await api('/api/cicd-security/policies');
    console.log(
      `ok: Policies tab: ${policies.items
        .map(
          p =>
            `${p.name} ${p.counts.inPolicy} in / ${p.counts.outOfPolicy} out / ${p.counts.notEvaluated} not evaluated`,
        )
        .join('; ')}`,
    );
    // ... and the Security tab says what the component must meet.
    await page.goto(outHref.startsWith('http') ? outHref : `${APP}${outHref}`);
    await page
      .getByText(/This component must meet: /)
      .first()
      .waitFor();
    console.log(`ok: ${outHref} says what the component must meet`);

    // 10. Compliance: the framework kept in the URL, per-control statuses.
    await page.goto(
      `${APP}/cicd-security/compliance?framework=owasp-cicd-top10`,
    );
    await page.getByTestId('control-CICD-SEC-3').waitFor();
    await page
      .getByTestId('control-CICD-SEC-3')
      .getByText(/^(Met|Not met|Partially met|Not assessed)$/)
      .waitFor();
    await page
      .getByText(/components evaluated/)
      .first()
      .waitFor();
    await shot('compliance');
    const slsa = await api(
      `/api/cicd-security/compliance/slsa-build?entityRef=${encodeURIComponent(
        `component:default/${COMPONENT}`,
      )}`,
    );
    console.log(
      `ok: Compliance tab shows the OWASP CI/CD Top 10 controls; ${COMPONENT} is at estimated SLSA Build L${slsa.slsa.level}`,
    );
    if (errors.length)
      console.log(`page errors seen: ${errors.slice(0, 3).join(' | ')}`);
  } catch (e) {
    failed = true;
    console.error(`FAILED: ${e.message}`);
    const pages = browser.contexts().flatMap(c => c.pages());
    if (pages[0])
      await pages[0]
        .screenshot({ path: path.join(SHOTS, 'failure.png'), fullPage: true })
        .catch(() => {});
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${path.relative(ROOT, SHOTS)}/`);
  if (failed) process.exitCode = 1;
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
