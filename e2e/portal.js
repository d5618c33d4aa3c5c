/*
 * Shared by the browser test (e2e/run.js) and the UI benchmark
 * (bench/ui-load.js): start the demo portal on free ports (so that a demo
 * portal already running on 3000/7007 is left alone), wait for it, launch
 * Debian's Chromium with the flags this machine needs, sign in as guest.
 */
const { spawn } = require('child_process');
const net = require('net');
const path = require('path');
const fs = require('fs');

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const children = [];

/** A TCP port nothing listens on now (the system picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Configuration overrides (environment variables read by the config loader
 * of both the backend and `backstage-cli package start` of the app) that move
 * the portal to other ports: the app's dev server listens on the port of
 * `app.baseUrl`, the backend on `backend.listen.port`.
 */
function portEnv({ appUrl, backendUrl }) {
  return {
    APP_CONFIG_app_baseUrl: appUrl,
    APP_CONFIG_backend_baseUrl: backendUrl,
    APP_CONFIG_backend_listen_port: String(new URL(backendUrl).port),
    APP_CONFIG_backend_cors_origin: appUrl,
  };
}

/** Spawn a process in its own process group, logging to a file. */
function spawnLogged(command, args, { cwd, env, logFile }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.createWriteStream(logFile);
  const child = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  children.push(child);
  return child;
}

/** Start one package with `backstage-cli package start`, logging to a file. */
function start(cwd, args, { logFile, token, env }) {
  return spawnLogged('npx', ['backstage-cli', 'package', 'start', ...args], {
    cwd,
    env: {
      ...process.env,
      ...env,
      CICD_SECURITY_E2E_TOKEN: token,
      BROWSER: 'none',
      NODE_ENV: 'development',
    },
    logFile,
  });
}

/**
 * The backend from source, as `backstage-cli package start` runs it but
 * without its file watcher, so that edits elsewhere in the working tree do
 * not restart it (and empty its in-memory database) in the middle of a run.
 * Config: app-config.yaml, e2e/app-config.e2e.yaml (the static test token),
 * then `configs`.
 */
function startBackend({ logFile, token, env, configs = [], nodeEnv }) {
  const args = [
    '--enable-source-maps',
    '--require',
    require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    'src/index.ts',
  ];
  for (const c of [
    path.join(ROOT, 'app-config.yaml'),
    path.join(ROOT, 'e2e/app-config.e2e.yaml'),
    ...configs,
  ]) {
    args.push('--config', c);
  }
  return spawnLogged(process.execPath, args, {
    cwd: path.join(ROOT, 'packages/backend'),
    env: {
      ...process.env,
      ...env,
      CICD_SECURITY_E2E_TOKEN: token,
      NODE_ENV: nodeEnv,
    },
    logFile,
  });
}

/**
 * The backend and the app (its dev server), both from source, on free ports
 * (or `appPort` / `backendPort`); logs go to `<logDir>/<prefix>backend.log`
 * and `…app.log`. Resolves to the URLs of the app and of the backend.
 */
async function startPortal({
  logDir,
  logPrefix = '',
  token,
  appPort,
  backendPort,
}) {
  const app = `http://localhost:${appPort || (await freePort())}`;
  const api = `http://localhost:${backendPort || (await freePort())}`;
  const env = portEnv({ appUrl: app, backendUrl: api });
  startBackend({
    logFile: path.join(logDir, `${logPrefix}backend.log`),
    token,
    env,
    nodeEnv: 'development',
  });
  start(
    path.join(ROOT, 'packages/app'),
    ['--config', '../../app-config.yaml'],
    {
      logFile: path.join(logDir, `${logPrefix}app.log`),
      token,
      env,
    },
  );
  return { app, api };
}

/**
 * The backend alone, serving the production build of the app
 * (`packages/app/dist`, built by `backstage-cli package build`) through the
 * app backend plugin, on one free port (or `port`); `configs` are extra
 * config files. Resolves to the URL of the portal.
 */
async function startProductionPortal({
  logDir,
  logPrefix = '',
  token,
  configs = [],
  port,
}) {
  const url = `http://localhost:${port || (await freePort())}`;
  startBackend({
    logFile: path.join(logDir, `${logPrefix}backend.log`),
    token,
    env: portEnv({ appUrl: url, backendUrl: url }),
    configs,
    nodeEnv: 'production',
  });
  return url;
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
process.on('SIGTERM', () => process.exit(143));

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
  freePort,
  startPortal,
  startProductionPortal,
  stopAll,
  sleep,
  waitFor,
  launchChromium,
  signInAsGuest,
};
