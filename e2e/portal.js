/*
 * Shared by the browser test (e2e/run.js) and the UI benchmark
 * (bench/ui-load.js): start the demo portal from source, wait for it, launch
 * Debian's Chromium with the flags this machine needs, sign in as guest.
 */
const { spawn } = require('child_process');
const path = require('path');
const fs = require('fs');

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const children = [];

/** Start one package with `backstage-cli package start`, logging to a file. */
function start(cwd, args, { logFile, token }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.createWriteStream(logFile);
  const child = spawn('npx', ['backstage-cli', 'package', 'start', ...args], {
    cwd,
    env: {
      ...process.env,
      CICD_SECURITY_E2E_TOKEN: token,
      BROWSER: 'none',
      NODE_ENV: 'development',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  children.push(child);
  return child;
}

/**
 * The backend (with the static test token of e2e/app-config.e2e.yaml) and the
 * app, both from source; logs go to `<logDir>/<prefix>backend.log` and `…app.log`.
 */
function startPortal({ logDir, logPrefix = '', token }) {
  start(
    path.join(ROOT, 'packages/backend'),
    [
      '--config',
      '../../app-config.yaml',
      '--config',
      '../../e2e/app-config.e2e.yaml',
    ],
    { logFile: path.join(logDir, `${logPrefix}backend.log`), token },
  );
  start(
    path.join(ROOT, 'packages/app'),
    ['--config', '../../app-config.yaml'],
    {
      logFile: path.join(logDir, `${logPrefix}app.log`),
      token,
    },
  );
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

/** Poll `fn` every second until it returns a truthy value, or time out. */
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
  throw new Error(
    `timed out waiting for ${what}${last ? `: ${last.message}` : ''}`,
  );
}

/**
 * Debian's Chromium, headless. Without the background-networking flags its
 * connections are refused by this machine's closed network at every start.
 */
function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Click "Enter" on the guest sign-in page unless `ready` shows first. */
async function signInAsGuest(page, ready) {
  const enter = page.getByRole('button', { name: /enter/i });
  await Promise.race([
    enter.waitFor({ timeout: 30_000 }).then(() => enter.click()),
    ready.waitFor({ timeout: 30_000 }),
  ]).catch(() => {});
}

module.exports = {
  ROOT,
  CHROMIUM,
  startPortal,
  stopAll,
  sleep,
  waitFor,
  launchChromium,
  signInAsGuest,
};
