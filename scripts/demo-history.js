#!/usr/bin/env node
/*
 * The demo repositories' history: for each folder of examples/repos, a git
 * repository under examples/.history/<name> (git-ignored) whose commits,
 * dated over the last six weeks, tell how the team improved its CI/CD:
 *
 *   ~6 weeks ago  the initial import: actions referenced by tag, a registry
 *                 token committed in deploy/registry.env, and workflows
 *                 whose token may write everything;
 *   ~5 weeks ago  GitHub Actions pinned to commit SHAs;
 *   ~3 weeks ago  the committed token removed;
 *   ~1 week ago   workflow token permissions tightened: the files exactly
 *                 as they are in examples/repos/<name>.
 *
 * Each step is derived from the current files (a step that would change
 * nothing is left out), so the last commit always equals examples/repos.
 * The demo backend (app-config.yaml, cicdSecurity.backfill) scans these
 * revisions once after its first scan, so the portal shows a trend from the
 * first minute.
 *
 * Idempotent: a history is rebuilt only when the files of examples/repos
 * changed or its newest commit is more than a week old. Needs git; without
 * it the script says so and exits 0 (the demo then starts without history).
 *
 *   node scripts/demo-history.js [--force]
 */
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const REPOS = path.join(ROOT, 'examples', 'repos');
const HISTORY = path.join(ROOT, 'examples', '.history');
const MARKER = 'cicd-security-demo-history';
/** Bump to rebuild every history when the steps change. */
const VERSION = '1';
const DAY = 24 * 60 * 60 * 1000;
const FORCE = process.argv.includes('--force');

function git(cwd, args, env = {}) {
  return execFileSync('git', args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'ACME developer',
      GIT_AUTHOR_EMAIL: 'dev@acme.example',
      GIT_COMMITTER_NAME: 'ACME developer',
      GIT_COMMITTER_EMAIL: 'dev@acme.example',
      ...env,
    },
  })
    .toString()
    .trim();
}

/** Every file of a folder, path → content, sorted by path. */
function readTree(dir) {
  const files = new Map();
  const walk = rel => {
    for (const entry of fs.readdirSync(path.join(dir, rel), {
      withFileTypes: true,
    })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== '.git') walk(child);
      } else if (entry.isFile()) {
        const abs = path.join(dir, child);
        files.set(child, {
          content: fs.readFileSync(abs),
          // eslint-disable-next-line no-bitwise
          executable: (fs.statSync(abs).mode & 0o111) !== 0,
        });
      }
    }
  };
  walk('');
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

function fingerprint(files) {
  const hash = crypto.createHash('sha256').update(`v${VERSION}\n`);
  for (const [file, { content, executable }] of files) {
    hash.update(`${file}\0${executable}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

const isWorkflow = file => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(file);

/** Map the text of the workflow files. */
function mapWorkflows(files, fn) {
  const out = new Map();
  for (const [file, entry] of files) {
    out.set(
      file,
      isWorkflow(file)
        ? { ...entry, content: Buffer.from(fn(entry.content.toString('utf8'))) }
        : entry,
    );
  }
  return out;
}

/** Before the permissions were tightened: the workflow token may write all. */
function loosenPermissions(files) {
  return mapWorkflows(files, text =>
    text.replace(
      /^permissions:.*\n(?:(?:[ \t]+.*|[ \t]*)\n)*/m,
      () => 'permissions: write-all\n\n',
    ),
  );
}

/** Before the actions were pinned: each SHA back to the tag its comment names. */
function unpinActions(files) {
  return mapWorkflows(files, text =>
    text.replace(
      /(uses:\s*['"]?[\w.-]+\/[\w./-]+)@[0-9a-f]{40}['"]?(?:[ \t]*#[ \t]*(v?[\w.-]+))?/g,
      (_, action, tag) => `${action}@${tag ?? 'main'}`,
    ),
  );
}

/**
 * Before the token was removed: a registry token committed with the deploy
 * settings. Made up for the demo (derived from the repository's name), never
 * a real credential; built here so that no token-shaped text sits in this
 * script.
 */
function addCommittedToken(files, name) {
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.createHash('sha512').update(`demo:${name}`).digest();
  const body = Array.from(bytes.subarray(0, 36), b => alphabet[b % 62]).join(
    '',
  );
  const out = new Map(files);
  out.set('deploy/registry.env', {
    executable: false,
    content: Buffer.from(
      `# Registry credentials for the deploy job\nREGISTRY_USER=ci-bot\nREGISTRY_TOKEN=${[
        'gh',
        'p_',
        body,
      ].join('')}\n`,
    ),
  });
  return out;
}

function sameFiles(a, b) {
  if (a.size !== b.size) return false;
  for (const [file, { content, executable }] of a) {
    const other = b.get(file);
    if (!other || other.executable !== executable) return false;
    if (!other.content.equals(content)) return false;
  }
  return true;
}

/** The steps of one repository's history, oldest first. */
function steps(name, current) {
  const tightened = current;
  const tokenRemoved = loosenPermissions(tightened);
  const pinned = addCommittedToken(tokenRemoved, name);
  const imported = unpinActions(pinned);
  // A little spread between repositories, stable for each name.
  const jitter = crypto.createHash('sha1').update(name).digest()[0] % 4;
  const all = [
    { daysAgo: 42 + jitter, message: 'Initial import', files: imported },
    {
      daysAgo: 35 - jitter,
      message: 'Pin GitHub Actions to commit SHAs',
      files: pinned,
    },
    {
      daysAgo: 21 + jitter,
      message: 'Remove the committed registry token (rotated)',
      files: tokenRemoved,
    },
    {
      daysAgo: 8 - jitter,
      message: 'Give workflow tokens read-only permissions by default',
      files: tightened,
    },
  ];
  // Leave out steps that change nothing.
  return all.filter(
    (step, i) => i === 0 || !sameFiles(step.files, all[i - 1].files),
  );
}

/** One fast-import stream for the whole history: one git process per repository. */
function fastImport(dir, name, history) {
  const chunks = [];
  const data = content => {
    const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content);
    chunks.push(
      Buffer.from(`data ${buffer.length}\n`),
      buffer,
      Buffer.from('\n'),
    );
  };
  const today = Math.floor(Date.now() / DAY) * DAY;
  history.forEach((step, i) => {
    const at = Math.floor(
      (today - step.daysAgo * DAY + (9 + (name.length % 8)) * 3_600_000) / 1000,
    );
    const who = `ACME developer <dev@acme.example> ${at} +0000`;
    chunks.push(
      Buffer.from(
        `commit refs/heads/main\nmark :${
          i + 1
        }\nauthor ${who}\ncommitter ${who}\n`,
      ),
    );
    data(step.message);
    if (i > 0) chunks.push(Buffer.from(`from :${i}\n`));
    chunks.push(Buffer.from('deleteall\n'));
    for (const [file, { content, executable }] of step.files) {
      chunks.push(
        Buffer.from(`M ${executable ? '100755' : '100644'} inline ${file}\n`),
      );
      data(content);
    }
    chunks.push(Buffer.from('\n'));
  });
  execFileSync('git', ['fast-import', '--quiet'], {
    cwd: dir,
    input: Buffer.concat(chunks),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}

function build(name, current) {
  const dir = path.join(HISTORY, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  const history = steps(name, current);
  fastImport(dir, name, history);
  // A work tree at the last commit, for people looking around.
  git(dir, ['checkout', '-q', '-f', 'main']);
  fs.writeFileSync(
    path.join(dir, '.git', MARKER),
    `${fingerprint(current)}\n${Date.now()}\n`,
  );
  return history.length;
}

function upToDate(name, current) {
  try {
    const [stored, builtAt] = fs
      .readFileSync(path.join(HISTORY, name, '.git', MARKER), 'utf8')
      .split('\n');
    // Rebuilt after a week, so that the history stays within the window.
    return (
      stored === fingerprint(current) && Date.now() - Number(builtAt) < 7 * DAY
    );
  } catch {
    return false;
  }
}

function main() {
  try {
    git(ROOT, ['--version']);
  } catch {
    console.log(
      'demo-history: git is not available; the demo starts without history (no trend before the first scan)',
    );
    return;
  }
  const names = fs
    .readdirSync(REPOS, { withFileTypes: true })
    .filter(e => e.isDirectory())
    .map(e => e.name)
    .sort();
  const lines = [];
  let built = 0;
  for (const name of names) {
    const current = readTree(path.join(REPOS, name));
    if (!FORCE && upToDate(name, current)) continue;
    lines.push(`  ${name}: ${build(name, current)} commits`);
    built++;
  }
  // Histories of repositories that are gone.
  if (fs.existsSync(HISTORY)) {
    for (const entry of fs.readdirSync(HISTORY)) {
      if (!names.includes(entry)) {
        fs.rmSync(path.join(HISTORY, entry), { recursive: true, force: true });
      }
    }
  }
  if (built > 0) {
    console.log(
      `demo-history: built the history of ${built} demo repositories in ${path.relative(
        ROOT,
        HISTORY,
      )}/`,
    );
    for (const line of lines) console.log(line);
  } else {
    console.log('demo-history: the demo histories are up to date');
  }
}

try {
  main();
} catch (e) {
  // The demo starts anyway, without history.
  console.error(`demo-history: could not build the demo history: ${e.message}`);
}
