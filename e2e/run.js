#!/usr/bin/env node
/*
 * Browser test of the demo portal: starts the backend and the app from source
 * (embedded SQLite, the demo org), waits until every demo component has a
 * scorecard, then drives Debian's Chromium with playwright-core through the
 * org page and a component's Security tab, saving screenshots.
 *
 *   node e2e/run.js            # starts the portal itself
 *   E2E_BASE_URL=... node e2e/run.js --no-start   # against a running portal
 */
const { spawn } = require('child_process');
const path = require('path');
const fs = require('fs');
const crypto = require('crypto');

const ROOT = path.resolve(__dirname, '..');
const SHOTS = path.join(__dirname, 'screenshots');
const APP = process.env.E2E_BASE_URL || 'http://localhost:3000';
const API = process.env.E2E_BACKEND_URL || 'http://localhost:7007';
const TOKEN = process.env.CICD_SECURITY_E2E_TOKEN || crypto.randomBytes(24).toString('hex');
const START = !process.argv.includes('--no-start');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// The component whose Security tab the test opens (a neglected demo repo with findings).
const COMPONENT = process.env.E2E_COMPONENT || 'issue-triage-bot';

const children = [];
function start(name, cwd, args) {
  const log = fs.createWriteStream(path.join(SHOTS, `${name}.log`));
  const child = spawn('npx', ['backstage-cli', 'package', 'start', ...args], {
    cwd,
    env: { ...process.env, CICD_SECURITY_E2E_TOKEN: TOKEN, BROWSER: 'none', NODE_ENV: 'development' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  children.push(child);
  return child;
}
function stopAll() {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));

const sleep = ms => new Promise(r => setTimeout(r, ms));
async function waitFor(what, fn, timeoutMs) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(1000);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}
async function api(p) {
  const res = await fetch(`${API}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
  return res.json();
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const t0 = Date.now();
  if (START) {
    const cfg = ['--config', '../../app-config.yaml', '--config', '../../e2e/app-config.e2e.yaml'];
    start('backend', path.join(ROOT, 'packages/backend'), cfg);
    start('app', path.join(ROOT, 'packages/app'), ['--config', '../../app-config.yaml']);
  }
  await waitFor('the backend', async () => (await fetch(`${API}/api/cicd-security/health`)).ok, 180_000);
  const tBackend = Date.now();
  // Every demo component with a source must reach a final state.
  const list = await waitFor(
    'all demo scorecards',
    async () => {
      const body = await api('/api/cicd-security/scorecards?limit=500');
      const pending = body.items.filter(i => i.state === 'pending' || i.state === 'scanning');
      return body.totalCount >= 20 && pending.length === 0 ? body : undefined;
    },
    240_000,
  );
  const tScanned = Date.now();
  const states = list.items.reduce((m, i) => ({ ...m, [i.state]: (m[i.state] || 0) + 1 }), {});
  console.log(
    `portal: backend up ${((tBackend - t0) / 1000).toFixed(1)} s after start; ` +
      `${list.totalCount} scorecards final ${((tScanned - t0) / 1000).toFixed(1)} s after start ${JSON.stringify(states)}`,
  );
  await waitFor('the app', async () => (await fetch(APP)).ok, 180_000);

  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let failed = false;
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.setDefaultTimeout(60_000);
    const errors = [];
    page.on('pageerror', e => errors.push(e.message));

    // 0. Sign in as guest (the demo has no accounts).
    await page.goto(`${APP}/cicd-security`);
    const enter = page.getByRole('button', { name: /enter/i });
    await Promise.race([
      enter.waitFor({ timeout: 30_000 }).then(() => enter.click()),
      page.getByText(COMPONENT, { exact: true }).first().waitFor({ timeout: 30_000 }),
    ]).catch(() => {});

    // 1. The org-wide page lists every component with a grade.
    await page.getByText(COMPONENT, { exact: true }).first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, '01-org-components.png'), fullPage: true });
    console.log('ok: org page lists the demo components');
    const teamsTab = page.getByRole('tab', { name: /teams/i });
    if (await teamsTab.count()) {
      await teamsTab.first().click();
      await page.getByText(/average/i).first().waitFor();
      await page.screenshot({ path: path.join(SHOTS, '02-org-teams.png'), fullPage: true });
      console.log('ok: teams view');
    }

    // 2. A component's Security tab: grade, checks and a finding's file:line.
    await page.goto(`${APP}/catalog/default/component/${COMPONENT}/security`);
    const grade = page.getByTestId('cicd-security-grade');
    await grade.waitFor();
    const gradeText = (await grade.innerText()).trim();
    if (!/^[A-F]$/.test(gradeText)) throw new Error(`grade shows '${gradeText}'`);
    await page.getByTestId('cicd-security-checks-table').waitFor();
    const loc = page.getByTestId('finding-location').first();
    await loc.waitFor();
    const locText = (await loc.innerText()).trim();
    if (!/[\w./-]+:\d+/.test(locText)) throw new Error(`finding location shows '${locText}'`);
    await page.screenshot({ path: path.join(SHOTS, '03-entity-security-tab.png'), fullPage: true });
    console.log(`ok: ${COMPONENT} Security tab shows grade ${gradeText} and a finding at ${locText}`);

    // 3. The finding links to the check's guide.
    const guide = page.getByRole('link', { name: /how to fix/i }).first();
    if (await guide.count()) {
      await guide.click();
      await page.getByText(/why it matters/i).first().waitFor();
      await page.screenshot({ path: path.join(SHOTS, '04-check-guide.png'), fullPage: true });
      console.log('ok: guide page opens from a finding');
    }
    if (errors.length) console.log(`page errors seen: ${errors.slice(0, 3).join(' | ')}`);
  } catch (e) {
    failed = true;
    console.error(`FAILED: ${e.message}`);
    const pages = browser.contexts().flatMap(c => c.pages());
    if (pages[0]) await pages[0].screenshot({ path: path.join(SHOTS, 'failure.png'), fullPage: true }).catch(() => {});
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
