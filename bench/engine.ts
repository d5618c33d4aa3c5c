/*
 * Check engine benchmark (one core): generates a corpus of repositories, each
 * with ~10 GitHub Actions workflows and ~200 other files, then measures
 *   1. the bare cost of reading every file and YAML-parsing the YAML ones,
 *   2. a full scan without the secret scanner,
 *   3. the secret scanner alone, in MB/s,
 *   4. the full scan, and its ratio to (1).
 *
 *   node bench/run.js engine [--repos 1000] [--keep]
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import {
  builtinChecks,
  CheckRegistry,
  LocalDirectorySnapshot,
  runScan,
} from '@cicd-security/plugin-cicd-security-node';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const REPOS = arg('repos', 1000);
const ROOT = path.join(os.tmpdir(), `cicd-security-bench-${REPOS}`);

function workflow(i: number, r: number) {
  return `name: ci-${i}
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        node: [18, 20, 22]
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - uses: actions/setup-node@60edb5dd545a775178f52524783378180af0d1f8 # v4.0.2
        with:
          node-version: \${{ matrix.node }}
          cache: npm
      - run: npm ci
      - run: npm test -- --shard=${i}/10
      - name: report
        run: |
          echo "build \${{ github.sha }} of repo ${r}"
          curl -fsSL https://example.com/report.sh -o report.sh
          sha256sum -c report.sh.sha256
  docker:
    runs-on: ubuntu-latest
    container: node:20-bookworm
    steps:
      - uses: docker/build-push-action@v5
        with:
          push: false
          tags: acme/service-${r}:latest
`;
}

function source(i: number) {
  const lines = [];
  for (let l = 0; l < 40; l++) {
    lines.push(
      `export function f${i}_${l}(x: number): number { return x * ${l} + ${i}; } // plain code line`,
    );
  }
  return lines.join('\n');
}

function generate() {
  if (fs.existsSync(path.join(ROOT, `repo-${REPOS - 1}`, 'package.json')))
    return;
  fs.rmSync(ROOT, { recursive: true, force: true });
  for (let r = 0; r < REPOS; r++) {
    const dir = path.join(ROOT, `repo-${r}`);
    fs.mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    for (let i = 0; i < 10; i++)
      fs.writeFileSync(
        path.join(dir, `.github/workflows/ci-${i}.yml`),
        workflow(i, r),
      );
    for (let i = 0; i < 190; i++)
      fs.writeFileSync(path.join(dir, `src/file-${i}.ts`), source(i));
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: `repo-${r}`, version: '1.0.0' }),
    );
    fs.writeFileSync(
      path.join(dir, 'package-lock.json'),
      JSON.stringify({ name: `repo-${r}`, lockfileVersion: 3, packages: {} }),
    );
    fs.writeFileSync(
      path.join(dir, 'Dockerfile'),
      'FROM node:20\nRUN npm ci\nUSER node\n',
    );
    fs.writeFileSync(
      path.join(dir, '.github/dependabot.yml'),
      'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: { interval: weekly }\n',
    );
    fs.writeFileSync(path.join(dir, 'CODEOWNERS'), '* @acme/owners\n');
    fs.writeFileSync(
      path.join(dir, 'SECURITY.md'),
      '# Security\nReport to security@example.com.\n',
    );
    fs.writeFileSync(
      path.join(dir, 'config.env'),
      `API_TOKEN=${'x'.repeat(8)}\nDB_PASSWORD=example\n`,
    );
    fs.writeFileSync(path.join(dir, 'README.md'), `# repo ${r}\n`);
    fs.writeFileSync(
      path.join(dir, 'scripts.sh'),
      '#!/bin/sh\nset -e\nnpm ci\n',
    );
  }
}

function bare(dirs: string[]) {
  let bytes = 0;
  const t = process.hrtime.bigint();
  for (const dir of dirs) {
    const snap = LocalDirectorySnapshot.create(dir);
    for (const f of snap.files()) {
      const text = snap.read(f);
      if (text === undefined) continue;
      bytes += text.length;
      if (/\.ya?ml$/.test(f)) parseAllDocuments(text);
    }
  }
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, bytes };
}

async function scanAll(dirs: string[], registry: CheckRegistry) {
  const t = process.hrtime.bigint();
  for (const dir of dirs)
    await runScan(LocalDirectorySnapshot.create(dir), registry);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main() {
  const tg = Date.now();
  generate();
  const dirs = Array.from({ length: REPOS }, (_, r) =>
    path.join(ROOT, `repo-${r}`),
  );
  console.log(
    `corpus: ${REPOS} repositories in ${ROOT} (generated/reused in ${
      Date.now() - tg
    } ms)`,
  );
  const all = new CheckRegistry(builtinChecks);
  // warm-up on a few repositories (JIT, module loading)
  await scanAll(dirs.slice(0, 20), all);

  const b = bare(dirs);
  const mb = b.bytes / 1024 / 1024;
  console.log(
    `bare read + YAML parse: ${b.ms.toFixed(0)} ms for ${mb.toFixed(1)} MB (${(
      REPOS /
      (b.ms / 1000)
    ).toFixed(1)} repos/s)`,
  );

  const noSecrets = all.select({ skip: ['hardcoded-secrets'] });
  const ns = await scanAll(dirs, noSecrets);
  console.log(
    `full scan without secret scanning: ${ns.toFixed(0)} ms → ${(
      REPOS /
      (ns / 1000)
    ).toFixed(1)} repos/s (goal ≥ 50)`,
  );

  const secretsOnly = all.select({ only: ['hardcoded-secrets'] });
  const s = await scanAll(dirs, secretsOnly);
  console.log(
    `secret scanning alone: ${s.toFixed(0)} ms for ${mb.toFixed(1)} MB → ${(
      mb /
      (s / 1000)
    ).toFixed(1)} MB/s (goal ≥ 20; includes reading the files)`,
  );

  const full = await scanAll(dirs, all);
  console.log(
    `full scan: ${full.toFixed(0)} ms → ${(REPOS / (full / 1000)).toFixed(
      1,
    )} repos/s; ratio to bare read+parse ${(full / b.ms).toFixed(
      2,
    )}× (goal ≤ 3×)`,
  );
  if (!process.argv.includes('--keep'))
    fs.rmSync(ROOT, { recursive: true, force: true });
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
