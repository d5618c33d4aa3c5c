/*
 * Lockfile benchmark (one core, wall time): generates in memory a
 * package-lock.json (v3) of 5,000 packages, with nested node_modules paths,
 * and a poetry.lock of 2,000 packages with file hashes and dependency
 * tables, then reads each through the package inventory as a scan does
 * (readPackageInventory on a snapshot holding the file). After warm-up runs
 * it prints the median time per file over N runs, the packages found and
 * the ratio to the 200 ms goal per file. The machine is noisy: the run
 * exits 1 only when a file takes more than twice the goal.
 *
 *   node bench/run.js lockfiles [--runs 15] [--warmup 3] [--goal 200]
 *
 * Timing belongs here, never in a unit test, where a loaded machine would
 * fail a build.
 */
import { createHash } from 'crypto';
import {
  InMemorySnapshot,
  readPackageInventory,
} from '@cicd-security/plugin-cicd-security-node';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = Math.max(1, arg('runs', 15));
const WARMUP = Math.max(0, arg('warmup', 3));
const GOAL_MS = arg('goal', 200);
/** Over the goal by more than this factor fails the run. */
const MAX_OVER = 2;

/** A deterministic pseudo-random sequence (LCG), so that every run reads the same files. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const hash = (text: string, algo: 'sha512' | 'sha256' | 'sha1') =>
  createHash(algo).update(text);

// prettier-ignore
const WORDS = [
  'core', 'util', 'parser', 'loader', 'plugin', 'config', 'stream', 'http',
  'json', 'yaml', 'test', 'lint', 'types', 'fs', 'path', 'cache', 'async',
  'data', 'schema', 'client', 'server', 'cli', 'react', 'babel', 'webpack',
  'string', 'color', 'events', 'crypto', 'glob',
];

function packageName(rnd: () => number, i: number, scoped: boolean): string {
  const w = () => WORDS[Math.floor(rnd() * WORDS.length)];
  const base = `${w()}-${w()}-${i.toString(36)}`;
  return scoped ? `@${w()}${i % 97}/${base}` : base;
}

function version(rnd: () => number): string {
  const v = `${Math.floor(rnd() * 12)}.${Math.floor(rnd() * 30)}.${Math.floor(
    rnd() * 20,
  )}`;
  return rnd() < 0.05 ? `${v}-beta.${Math.floor(rnd() * 5)}` : v;
}

/** A package-lock.json v3 of `n` packages, about a fifth of them nested. */
export function npmLockfile(n: number): string {
  const rnd = random(42);
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push(packageName(rnd, i, rnd() < 0.15));
  const top = Math.floor(n * 0.8);
  const packages: Record<string, unknown> = {};
  const direct = names.slice(0, 40);
  packages[''] = {
    name: 'bench-app',
    version: '1.0.0',
    license: 'MIT',
    dependencies: Object.fromEntries(
      direct.slice(0, 30).map(d => [d, `^${version(rnd)}`]),
    ),
    devDependencies: Object.fromEntries(
      direct.slice(30).map(d => [d, `^${version(rnd)}`]),
    ),
    engines: { node: '>=20' },
  };
  const paths: string[] = [];
  names.forEach((name, i) => {
    let path = `node_modules/${name}`;
    if (i >= top) {
      // Nested under a hoisted package, sometimes two levels deep.
      const parent = paths[Math.floor(rnd() * Math.min(paths.length, top))];
      path = `${parent}/node_modules/${name}`;
    }
    paths.push(path);
    const v = version(rnd);
    const tarball = name.slice(name.lastIndexOf('/') + 1);
    const entry: Record<string, unknown> = {
      version: v,
      resolved: `https://registry.npmjs.org/${name}/-/${tarball}-${v}.tgz`,
      integrity: `sha512-${hash(`${name}@${v}`, 'sha512').digest('base64')}`,
    };
    if (i >= 30 && i < 40) entry.dev = true;
    else if (i >= 40 && rnd() < 0.3) entry.dev = true;
    if (rnd() < 0.03) entry.optional = true;
    if (rnd() < 0.02) entry.peer = true;
    entry.license = rnd() < 0.8 ? 'MIT' : 'Apache-2.0';
    const deps = Math.floor(rnd() * 5);
    if (deps) {
      entry.dependencies = Object.fromEntries(
        Array.from({ length: deps }, () => [
          names[Math.floor(rnd() * n)],
          `^${version(rnd)}`,
        ]),
      );
    }
    if (rnd() < 0.05) entry.bin = { [tarball]: 'bin/cli.js' };
    if (rnd() < 0.2) entry.engines = { node: '>=14' };
    if (rnd() < 0.1)
      entry.funding = { url: `https://github.com/sponsors/${tarball}` };
    packages[path] = entry;
  });
  return `${JSON.stringify(
    {
      name: 'bench-app',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages,
    },
    null,
    2,
  )}\n`;
}

const toml = (s: string) => JSON.stringify(s);

/** A poetry.lock (Poetry 2, lock-version 2.1) of `n` packages, and the pyproject.toml next to it. */
export function poetryLockfile(n: number): { lock: string; pyproject: string } {
  const rnd = random(7);
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push(packageName(rnd, i, false));
  const parts: string[] = [
    '# This file is automatically @generated by Poetry 2.1.3 and should not be changed by hand.\n',
  ];
  names.forEach((name, i) => {
    const v = version(rnd).replace(/-beta\./, 'b');
    const dist = name.replace(/-/g, '_');
    const files = [
      `${dist}-${v}-py3-none-any.whl`,
      ...(rnd() < 0.3
        ? [
            `${dist}-${v}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`,
          ]
        : []),
      `${dist}-${v}.tar.gz`,
    ];
    const dev = i >= 20 && rnd() < 0.25;
    parts.push(`
[[package]]
name = ${toml(name)}
version = ${toml(v)}
description = ${toml(`The ${name.replace(/-/g, ' ')} library for Python.`)}
optional = ${rnd() < 0.05 ? 'true' : 'false'}
groups = [${toml(dev ? 'dev' : 'main')}]
python-versions = ${toml(rnd() < 0.5 ? '>=3.8' : '>=3.7,<4.0')}
files = [
${files
  .map(
    f =>
      `    {file = ${toml(f)}, hash = "sha256:${hash(f, 'sha256').digest(
        'hex',
      )}"},`,
  )
  .join('\n')}
]
`);
    const deps = Math.floor(rnd() * 4);
    if (deps) {
      parts.push('\n[package.dependencies]\n');
      for (let d = 0; d < deps; d++) {
        const dep = names[Math.floor(rnd() * n)];
        parts.push(
          rnd() < 0.2
            ? `${dep} = {version = ">=${version(rnd)}", optional = true}\n`
            : `${dep} = ">=${version(rnd)},<${Math.floor(rnd() * 20) + 1}"\n`,
        );
      }
    }
    if (rnd() < 0.1) {
      parts.push(
        `\n[package.extras]\ntest = [${toml(`pytest (>=7.0)`)}, ${toml(
          'coverage[toml] (>=6.5)',
        )}]\n`,
      );
    }
  });
  parts.push(`
[metadata]
lock-version = "2.1"
python-versions = "^3.11"
content-hash = "${hash(names.join(','), 'sha256').digest('hex')}"
`);
  const direct = names.slice(0, 20);
  const pyproject = `[tool.poetry]
name = "bench-app"
version = "1.0.0"
description = ""
authors = ["Bench <bench@example.com>"]

[tool.poetry.dependencies]
python = "^3.11"
${direct
  .slice(0, 15)
  .map(d => `${d} = "*"`)
  .join('\n')}

[tool.poetry.group.dev.dependencies]
${direct
  .slice(15)
  .map(d => `${d} = "*"`)
  .join('\n')}
`;
  return { lock: parts.join(''), pyproject };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Reads the files as a scan does: a fresh snapshot each run, so nothing is memoised. */
function measure(
  label: string,
  files: Record<string, Buffer>,
): { label: string; ms: number; packages: number; bytes: number } {
  const run = () => {
    const snapshot = new InMemorySnapshot(files);
    const start = process.hrtime.bigint();
    const inventory = readPackageInventory(snapshot);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (inventory.problems.length) {
      throw new Error(
        `${label}: ${inventory.problems.length} problems, first: ${inventory.problems[0].message}`,
      );
    }
    return { ms, packages: inventory.packages.length };
  };
  for (let i = 0; i < WARMUP; i++) run();
  const times: number[] = [];
  let packages = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = run();
    times.push(r.ms);
    packages = r.packages;
  }
  const bytes = Object.values(files).reduce((n, b) => n + b.length, 0);
  return { label, ms: median(times), packages, bytes };
}

function main() {
  const npm = npmLockfile(5000);
  const poetry = poetryLockfile(2000);
  const results = [
    measure('package-lock.json v3, 5,000 packages', {
      'package-lock.json': Buffer.from(npm, 'utf8'),
    }),
    measure('poetry.lock, 2,000 packages', {
      'poetry.lock': Buffer.from(poetry.lock, 'utf8'),
      'pyproject.toml': Buffer.from(poetry.pyproject, 'utf8'),
    }),
  ];
  let over = false;
  // eslint-disable-next-line no-console
  console.log(
    `lockfiles: median of ${RUNS} runs after ${WARMUP} warm-up runs, goal ${GOAL_MS} ms per file`,
  );
  for (const r of results) {
    const ratio = r.ms / GOAL_MS;
    const flag = ratio > MAX_OVER ? `  <-- over ${MAX_OVER}x the goal` : '';
    if (flag) over = true;
    // eslint-disable-next-line no-console
    console.log(
      `${r.label.padEnd(40)} ${(r.bytes / 1e6).toFixed(2).padStart(6)} MB ${r.ms
        .toFixed(1)
        .padStart(8)} ms ${String(r.packages).padStart(6)} packages ${ratio
        .toFixed(2)
        .padStart(6)}x goal${flag}`,
    );
  }
  if (over) process.exitCode = 1;
}

main();
