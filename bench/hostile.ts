/*
 * Hostile-input benchmark (one core, CPU time): the inputs of the engine's
 * hostile-input tests, each measured at a quarter of its size and at its full
 * size. It prints both CPU times and their ratio: linear code gives about 4x,
 * quadratic code 16x. A ratio above 10x is flagged and makes the run exit 1.
 *
 * The unit tests assert only what these inputs must yield (findings, notes,
 * bounded output, no check in error); speed is measured here, where a loaded
 * machine cannot fail a build.
 *
 *   node --expose-gc bench/run.js hostile [--only text,secret-rules,engine,long-runs] [--chars 30000]
 *
 * With --expose-gc each measurement starts after a full collection, so that
 * garbage left by the previous input is not billed to the next.
 */
import {
  builtinChecks,
  CheckRegistry,
  flattenContinuations,
  InMemorySnapshot,
  parseWorkflow,
  runScan,
  scanSnapshotSecrets,
  scanText,
  stripTrailingComment,
} from '@cicd-security/plugin-cicd-security-node';
import {
  LONG_RUN_CHARS,
  LONG_RUN_KINDS,
} from '../plugins/cicd-security-node/src/testing/longRuns';
import {
  adversarialSeeds,
  fill,
  otherKeywordSeeds,
  scanWithEveryRule,
} from '../plugins/cicd-security-node/src/testing/hostileSecretSeeds';

const argValue = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ONLY = argValue('only')?.split(',');
const LONG_RUN_N = Number(argValue('chars') ?? 30_000);
/** Above this ratio between 4x the input and 1x, growth looks quadratic. */
const MAX_RATIO = 10;

const registry = new CheckRegistry(builtinChecks);
const flagged: string[] = [];

const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function cpuMs(run: () => unknown): Promise<number> {
  collect();
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** The faster of two measurements: a collection or a busy neighbour in one run does not decide. */
async function bestMs(run: () => unknown): Promise<number> {
  return Math.min(await cpuMs(run), await cpuMs(run));
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(7)} ms`;

/** Measure `run(n / 4)` and `run(n)`, print both and their ratio. */
async function scaling(
  name: string,
  n: number,
  run: (size: number) => unknown,
): Promise<void> {
  await run(Math.max(1, Math.floor(n / 64))); // warm up
  const small = await bestMs(() => run(Math.floor(n / 4)));
  const large = await bestMs(() => run(n));
  // Below a few milliseconds the ratio is noise: count 5 ms at least.
  const ratio = large / Math.max(small, 5);
  const flag = ratio > MAX_RATIO ? '  <-- grows faster than linear' : '';
  if (flag) flagged.push(name);
  // eslint-disable-next-line no-console
  console.log(
    `${name.padEnd(58)} n/4 ${fmt(small)}   n ${fmt(large)}   ${ratio
      .toFixed(1)
      .padStart(5)}x${flag}`,
  );
}

async function once(name: string, run: () => unknown): Promise<void> {
  const ms = await cpuMs(run);
  // eslint-disable-next-line no-console
  console.log(`${name.padEnd(58)} ${fmt(ms)}`);
}

const scan = (files: Record<string, string>) =>
  runScan(new InMemorySnapshot(files), registry);

const section = (name: string) => {
  const on = !ONLY || ONLY.includes(name);
  // eslint-disable-next-line no-console
  if (on) console.log(`\n== ${name}`);
  return on;
};

async function text() {
  if (!section('text')) return;
  await scaling('trailing comment on a run of blanks', 1 << 20, n => {
    const line = `a${' '.repeat(n)}b`;
    stripTrailingComment(line);
    stripTrailingComment(line, true);
  });
  await scaling('shell continuations on a run of backslashes', 1 << 20, n =>
    flattenContinuations(`curl ${'\\'.repeat(n)} | sh\n`),
  );
  const ciLine =
    '      - run: echo "${{ secrets.TOKEN }}" && curl -H "Authorization: token $GITHUB_TOKEN" https://api.github.com/repos\n';
  await scaling('secret scan of CI-like text (bytes)', 1_000_000, n =>
    scanText(ciLine.repeat(Math.ceil(n / ciLine.length))),
  );
  await scaling('secret scan of a keyword between long runs', 400_000, n =>
    scanText(
      `${'a'.repeat(n / 2)}password${'b'.repeat(
        n / 2,
      )}\n-----BEGIN PRIVATE KEY-----${'A'.repeat(n / 4)}`,
    ),
  );
  await scaling('secret scan of an .npmrc token of `${`', 1 << 19, n =>
    scanText(`//registry.npmjs.org/:_authToken=${'${'.repeat(n)}\n`),
  );
  await scaling('secret scan of repeated private key headers', 1 << 20, n =>
    scanText(
      `-----BEGIN RSA PRIVATE KEY-----\n${'-----BEGIN RSA PRIVATE KEY-----\nMIIE'.repeat(
        Math.ceil(n / 36),
      )}`,
    ),
  );
  await scaling('secret scan of a one-line file of AWS key ids', 1 << 20, n => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const keys: string[] = [];
    for (let i = 0; i < Math.floor(n / 21); i++) {
      let s = '';
      for (let m = i, k = 0; k < 16; k++, m = Math.floor(m / 32)) {
        s += alphabet[m % 32];
      }
      keys.push(`AKIA${s}`);
    }
    scanSnapshotSecrets(new InMemorySnapshot({ 'keys.env': keys.join(' ') }));
  });
  const bomb = [
    'a: &a [x,x,x,x,x,x,x,x,x]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'on:',
    '  push: *e',
    'jobs: {}',
  ].join('\n');
  await once('workflow with a billion-laughs alias bomb', () =>
    parseWorkflow('.github/workflows/bomb.yml', bomb),
  );
}

const OK_WORKFLOW =
  'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some/action@v1\n';

/** Every secret rule on long runs of its keywords and of the characters the expressions key on. */
async function secretRules() {
  if (!section('secret-rules')) return;
  const MiB = 1 << 20;
  for (const [name, seed] of adversarialSeeds()) {
    await scaling(`secret rules: one line of ${name}`, MiB, n =>
      scanWithEveryRule(fill(seed, n)),
    );
    await scaling(`secret rules: lines of ${name}`, MiB / 4, n =>
      scanWithEveryRule(fill(`${seed}\n`, n), true),
    );
  }
  for (const [name, seed] of otherKeywordSeeds()) {
    await scaling(`secret rules: one line of ${name}`, MiB / 4, n =>
      scanWithEveryRule(fill(seed, n)),
    );
  }
}

async function engine() {
  if (!section('engine')) return;
  await scaling('scan: workflow of n junk lines', 200_000, n =>
    scan({
      '.github/workflows/junk.yml': ']\n'.repeat(n),
      '.github/workflows/ok.yml': OK_WORKFLOW,
    }),
  );
  await scaling('scan: n GitLab jobs merging one template', 8000, n =>
    scan({
      '.gitlab-ci.yml': `.t: &t\n  image: node:20\n  script: [echo hi]\n${Array.from(
        { length: n },
        (_, i) => `job${i}:\n  <<: *t\n  stage: test\n`,
      ).join('')}`,
    }),
  );
  await scaling('scan: n aliased workflow steps', 16_000, n =>
    scan({
      '.github/workflows/a.yml': `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - &s { uses: some/action@v1 }\n${'      - *s\n'.repeat(
        n,
      )}`,
    }),
  );
  await scaling('scan: one-line workflow of n steps', 6000, n => {
    const steps = Array.from({ length: n }, (_, i) =>
      i % 2
        ? '{"uses":"a/b@v1"}'
        : '{"run":"curl -k https://x.io/i.sh | sh; echo ${{ github.event.issue.title }}"}',
    );
    return scan({
      '.github/workflows/one-line.yml': `{"on":["push","issues"],"jobs":{"a":{"runs-on":"ubuntu-latest","steps":[${steps.join(
        ',',
      )}]}}}`,
    });
  });
  await scaling('scan: pathological glob of n brackets', 3000, n => {
    const glob = `ch${'['.repeat(n)}`;
    return scan({
      '.cicd-security.yaml': `ignore:\n  paths: ["${glob}"]\nwaivers:\n  - check: unpinned-actions\n    path: "${glob}"\n    reason: x\n    expires: 2999-01-01\n`,
      '.github/workflows/a.yml': OK_WORKFLOW,
    });
  });
  await scaling('scan: n long ignore globs', 2000, n =>
    scan({
      '.cicd-security.yaml': `ignore:\n${`  - "x${'['.repeat(250)}"\n`.repeat(
        n,
      )}`,
      '.github/workflows/a.yml': 'on: push\njobs: {}\n',
    }),
  );
  await scaling('scan: Jenkinsfile of n unclosed @Library( calls', 3000, n =>
    scan({
      Jenkinsfile: `${"@Library('pipelins\n".repeat(
        n,
      )}pipeline { agent any }\n`,
    }),
  );
  await scaling('scan: GitLab job of n tainted script lines', 3000, n =>
    scan({
      '.gitlab-ci.yml': `lint:\n  script:\n${'    - echo "$CI_MERGE_REQUEST_TITLE" $CI_COMMIT_MESSAGE\n'.repeat(
        n,
      )}`,
    }),
  );
  await scaling('scan: requirements.txt of n unpinned lines', 20_000, n =>
    scan({
      'requirements.txt': `requests==2.32.3\n${'flask\n'.repeat(n)}`,
    }),
  );
}

async function longRuns() {
  if (!section('long-runs')) return;
  // eslint-disable-next-line no-console
  console.log(
    `(each file kind, every character of LONG_RUN_CHARS in a run of n = ${LONG_RUN_N}; the slowest character)`,
  );
  for (const [file, make] of Object.entries(LONG_RUN_KINDS)) {
    let worst = { c: '', small: 0, large: 0, ratio: 0 };
    for (const c of LONG_RUN_CHARS) {
      const at = (n: number) =>
        cpuMs(() => scan({ [file]: make(c.repeat(Math.ceil(n / c.length))) }));
      let small = await at(LONG_RUN_N / 4);
      let large = await at(LONG_RUN_N);
      let ratio = large / Math.max(small, 5);
      if (ratio > MAX_RATIO) {
        // Confirm before flagging: short runs are noisy.
        small = Math.min(small, await at(LONG_RUN_N / 4));
        large = Math.min(large, await at(LONG_RUN_N));
        ratio = large / Math.max(small, 5);
      }
      if (large > worst.large) worst = { c, small, large, ratio };
      if (ratio > MAX_RATIO) flagged.push(`${file} ${JSON.stringify(c)}`);
    }
    // eslint-disable-next-line no-console
    console.log(
      `${`${file} ${JSON.stringify(worst.c)}`.padEnd(58)} n/4 ${fmt(
        worst.small,
      )}   n ${fmt(worst.large)}   ${worst.ratio.toFixed(1).padStart(5)}x`,
    );
  }
}

async function main() {
  await text();
  await secretRules();
  await engine();
  await longRuns();
  // eslint-disable-next-line no-console
  console.log(
    flagged.length
      ? `\n${flagged.length} input(s) grow faster than linear: ${flagged.join(
          '; ',
        )}`
      : `\nEvery input grows at most ${MAX_RATIO}x for 4x its size.`,
  );
  if (flagged.length) process.exitCode = 1;
}

main().catch(e => {
  // eslint-disable-next-line no-console
  console.error(e);
  process.exit(1);
});
