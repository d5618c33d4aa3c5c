import fs from 'fs';
import path from 'path';
import fc from 'fast-check';
import { builtinChecks } from '../checks';
import { InMemorySnapshot } from '../snapshot';
import { CheckRegistry } from './CheckRegistry';
import { runScan } from './runScan';

/**
 * "Hostile input": every file kind the checks read, fed generated inputs and
 * mutations of the fixtures and demo repositories. Whatever the input, the
 * engine never throws (no check ends as `error`), stays within a per-file
 * memory budget, bounds its output, and reads nothing but the snapshot.
 * CPU time is not asserted here (a shared CI machine makes it noise); the
 * long form can ask for a per-file budget with CICD_FUZZ_CPU_BUDGET_MS=5000,
 * and `node bench/run.js hostile` measures the known slow shapes.
 *
 * Bounded for CI (30 runs per file kind). The long form:
 *   CICD_FUZZ_RUNS=5000 npx backstage-cli package test --watchAll=false src/engine/hostileInput
 * A failure prints the seed and path that reproduce it: pass them back with
 * CICD_FUZZ_SEED=<seed> CICD_FUZZ_PATH=<path> (and -t '<file kind>').
 * CICD_FUZZ_LOG=<file> appends every input to that file (JSON lines,
 * base64), which finds the input that crashed the process itself.
 */
const RUNS = Number(process.env.CICD_FUZZ_RUNS ?? 30);
const SEED = process.env.CICD_FUZZ_SEED
  ? Number(process.env.CICD_FUZZ_SEED)
  : process.env.CICD_FUZZ_RUNS
  ? undefined // the long form explores: a new seed each time
  : 20261127; // CI: the same inputs every time
/** fast-check's replay path of a failure (with its seed). */
const REPLAY_PATH = process.env.CICD_FUZZ_PATH;

/** Per-file budgets: generous, as the CI machine is small and shared. */
const CPU_BUDGET_MS = process.env.CICD_FUZZ_CPU_BUDGET_MS
  ? Number(process.env.CICD_FUZZ_CPU_BUDGET_MS)
  : undefined;
const HEAP_BUDGET_BYTES = 256 * 1024 * 1024;
const OUTPUT_BUDGET_BYTES = 5 * 1024 * 1024;
/** Largest generated file: big enough for blow-ups, small enough for CI. */
const MAX_INPUT_BYTES = 64 * 1024;

const FIXTURES = path.resolve(__dirname, '../checks/__fixtures__');
const EXAMPLES = path.resolve(__dirname, '../../../../examples');

interface Target {
  name: string;
  /** Which fixture and example files seed this kind (repository-relative). */
  match: RegExp;
  /** Where the mutated file goes in the snapshot; the seed's own name when absent. */
  path?: string;
  /** Seeds used when the fixtures have none. */
  fallback: string[];
}

const TARGETS: Target[] = [
  {
    name: 'GitHub Actions workflow',
    match: /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/,
    path: '.github/workflows/fuzz.yml',
    fallback: [
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n',
    ],
  },
  {
    name: 'composite action',
    match: /(^|\/)action\.ya?ml$/,
    path: '.github/actions/fuzz/action.yml',
    fallback: [
      'runs:\n  using: composite\n  steps:\n    - run: echo\n      shell: bash\n',
    ],
  },
  {
    name: 'GitLab CI',
    match: /(^|\/)\.gitlab-ci\.ya?ml$/,
    path: '.gitlab-ci.yml',
    fallback: ['build:\n  image: node:20\n  script: [npm test]\n'],
  },
  {
    name: 'Jenkinsfile',
    match: /(^|\/)Jenkinsfile[^/]*$/,
    path: 'Jenkinsfile',
    fallback: [
      "pipeline { agent any\n stages { stage('b') { steps { sh 'make' } } } }\n",
    ],
  },
  {
    name: 'Azure Pipelines',
    match: /(^|\/)azure-pipelines[^/]*\.ya?ml$/,
    path: 'azure-pipelines.yml',
    fallback: ['trigger: [main]\nsteps:\n  - script: echo hi\n'],
  },
  {
    name: 'CircleCI',
    match: /(^|\/)\.circleci\/config\.ya?ml$/,
    path: '.circleci/config.yml',
    fallback: [
      'version: 2.1\njobs:\n  b:\n    docker: [{ image: node:20 }]\n    steps: [checkout, { run: make }]\n',
    ],
  },
  {
    name: 'Dockerfile',
    match: /(^|\/)(Dockerfile[^/]*|[^/]+\.dockerfile)$/,
    path: 'Dockerfile',
    fallback: ['FROM node:20\nRUN npm ci\nUSER node\n'],
  },
  {
    name: 'shell script',
    match: /\.(sh|bash)$/,
    path: 'scripts/fuzz.sh',
    fallback: ['#!/bin/sh\ncurl -fsSL https://example.com/i.sh | sh\n'],
  },
  {
    name: 'lockfiles and manifests',
    match:
      /(^|\/)(package(-lock)?\.json|yarn\.lock|pnpm-lock\.yaml|requirements[^/]*\.txt|go\.(mod|sum)|poetry\.lock|pyproject\.toml|Pipfile(\.lock)?|pom\.xml|build\.gradle|Gemfile(\.lock)?|Cargo\.(toml|lock)|\.npmrc|dependabot\.ya?ml|renovate\.json5?|plugins\.txt)$/,
    fallback: ['{ "name": "x", "dependencies": { "a": "^1.0.0" } }\n'],
  },
  {
    name: 'CODEOWNERS',
    match: /(^|\/)CODEOWNERS$/,
    path: '.github/CODEOWNERS',
    fallback: ['* @org/team\n/.github/ @org/security\n'],
  },
  {
    name: '.cicd-security.yaml',
    match: /(^|\/)\.?cicd-security\.ya?ml$/,
    path: '.cicd-security.yaml',
    fallback: [
      'ignore:\n  paths: ["test/**"]\ndisable: [security-policy]\nwaivers:\n  - check: unpinned-actions\n    path: ".github/workflows/*.yml"\n    reason: legacy\n    expires: 2027-03-31\n',
    ],
  },
];

/** Every file under a directory, repository-relative to it. */
function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk(root, '');
  return out;
}

interface Seed {
  path: string;
  text: string;
}

function seedsFor(target: Target): Seed[] {
  const seeds: Seed[] = [];
  for (const root of [FIXTURES, EXAMPLES]) {
    for (const rel of listFiles(root)) {
      if (!target.match.test(rel)) continue;
      const text = fs.readFileSync(path.join(root, rel), 'utf8');
      if (text.length > MAX_INPUT_BYTES) continue;
      seeds.push({ path: target.path ?? path.posix.basename(rel), text });
    }
  }
  if (seeds.length === 0) {
    for (const text of target.fallback) {
      seeds.push({ path: target.path ?? 'package.json', text });
    }
  }
  // A stable order keeps a seed reproducible.
  return seeds.sort((a, b) => (a.path + a.text).localeCompare(b.path + b.text));
}

/** Fragments that parsers find hard: YAML structure, expressions, encodings. */
const TOKENS = [
  '&a ',
  '*a',
  '<<: *a',
  '<<: [*a, *b]',
  '&b [*a, *a, *a, *a]',
  '{',
  '}',
  '[',
  ']',
  ': ',
  '- ',
  '? ',
  '|',
  '>-',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  '!!binary ',
  '!custom ',
  '"',
  "'",
  '\\',
  '#',
  '\t',
  '\r\n',
  '\r',
  '\u0000',
  '\ufeff',
  '\u2028',
  '\ud83d\ude80',
  '${{ github.event.issue.title }}',
  '${{',
  '}}',
  '$(',
  '`',
  '<<EOF\n',
  '\nEOF\n',
  '"""',
  "'''",
  '${',
  '\\\n',
  'include:\n  - local: ../../../../etc/passwd\n',
  'include: "/**"\n',
  'uses: ./../../..\n',
  '@',
  '@sha256:',
  'FROM ',
  'RUN ',
  'sh """',
  'node {',
  '//',
  '/*',
  '*/',
  '__proto__: { polluted: true }\n',
  'constructor: x\n',
  'x'.repeat(5000),
];

type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number; times: number }
  | { kind: 'repeat-line'; line: number; times: number }
  | { kind: 'swap-lines'; a: number; b: number }
  | { kind: 'nest'; at: number; depth: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'bytes'; at: number; bytes: Uint8Array };

const position = fc.nat({ max: 1_000_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    text: fc.oneof(
      fc.constantFrom(...TOKENS),
      fc.string({ maxLength: 40 }),
      fc.fullUnicodeString({ maxLength: 20 }),
    ),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: position,
    length: fc.nat({ max: 400 }),
  }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: position,
    length: fc.integer({ min: 1, max: 400 }),
    times: fc.integer({ min: 1, max: 200 }),
  }),
  fc.record({
    kind: fc.constant('repeat-line' as const),
    line: position,
    times: fc.integer({ min: 1, max: 3000 }),
  }),
  fc.record({
    kind: fc.constant('swap-lines' as const),
    a: position,
    b: position,
  }),
  fc.record({
    kind: fc.constant('nest' as const),
    at: position,
    depth: fc.integer({ min: 1, max: 3000 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({
    kind: fc.constant('bytes' as const),
    at: position,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
);

/** A position wrapped around a length. */
function wrap(n: number, length: number): number {
  return length ? n % (length + 1) : 0;
}

/** Apply mutations to a seed; positions wrap around the current length. */
function mutate(seed: string, mutations: Mutation[]): Buffer {
  let text = seed;
  const bytePatches: Array<{ at: number; bytes: Uint8Array }> = [];
  for (const m of mutations) {
    const length = text.length;
    const at = (n: number) => wrap(n, length);
    switch (m.kind) {
      case 'insert': {
        const i = at(m.at);
        text = text.slice(0, i) + m.text + text.slice(i);
        break;
      }
      case 'delete': {
        const i = at(m.at);
        text = text.slice(0, i) + text.slice(i + m.length);
        break;
      }
      case 'duplicate': {
        const i = at(m.at);
        const piece = text.slice(i, i + m.length);
        text = text.slice(0, i) + piece.repeat(m.times) + text.slice(i);
        break;
      }
      case 'repeat-line': {
        const lines = text.split('\n');
        const i = m.line % lines.length;
        lines.splice(i, 0, ...Array(Math.min(m.times, 3000)).fill(lines[i]));
        text = lines.join('\n');
        break;
      }
      case 'swap-lines': {
        const lines = text.split('\n');
        const a = m.a % lines.length;
        const b = m.b % lines.length;
        [lines[a], lines[b]] = [lines[b], lines[a]];
        text = lines.join('\n');
        break;
      }
      case 'nest': {
        const i = at(m.at);
        const [open, close] = m.depth % 2 ? ['[', ']'] : ['{a: ', '}'];
        text =
          text.slice(0, i) +
          open.repeat(m.depth) +
          close.repeat(m.depth) +
          text.slice(i);
        break;
      }
      case 'truncate':
        text = text.slice(0, at(m.at));
        break;
      case 'bytes':
        bytePatches.push({ at: m.at, bytes: m.bytes });
        break;
      default:
        break;
    }
    if (text.length > MAX_INPUT_BYTES) text = text.slice(0, MAX_INPUT_BYTES);
  }
  let buffer = Buffer.from(text, 'utf8');
  for (const p of bytePatches) {
    const i = buffer.length ? p.at % buffer.length : 0;
    buffer = Buffer.concat([
      buffer.subarray(0, i),
      Buffer.from(p.bytes),
      buffer.subarray(i),
    ]);
  }
  return buffer.subarray(0, MAX_INPUT_BYTES);
}

/** File-system calls that would mean reading outside the snapshot. */
const FS_READS = [
  'readFileSync',
  'openSync',
  'readSync',
  'readdirSync',
  'statSync',
  'lstatSync',
  'existsSync',
  'realpathSync',
  'accessSync',
  'readFile',
  'open',
  'readdir',
  'stat',
] as const;

describe('hostile input', () => {
  const registry = new CheckRegistry(builtinChecks);
  const fsCalls: string[] = [];
  const spies: jest.SpyInstance[] = [];

  beforeAll(async () => {
    // Warm up (lazy module loads may touch the file system once).
    await runScan(
      new InMemorySnapshot({ '.github/workflows/a.yml': 'on: push\n' }),
      registry,
    );
  });

  beforeEach(() => {
    fsCalls.length = 0;
    for (const name of FS_READS) {
      const original = (fs as any)[name];
      if (typeof original !== 'function') continue;
      spies.push(
        jest.spyOn(fs as any, name).mockImplementation((...args: any[]) => {
          fsCalls.push(`${name}(${String(args[0])})`);
          return original.apply(fs, args);
        }),
      );
    }
  });

  afterEach(() => {
    while (spies.length) spies.pop()!.mockRestore();
  });

  /** Scan one file alone and check every property; returns a failure or undefined. */
  async function scanOne(file: string, content: Buffer) {
    if (process.env.CICD_FUZZ_LOG) {
      fs.appendFileSync(
        process.env.CICD_FUZZ_LOG,
        `${JSON.stringify({ file, content: content.toString('base64') })}\n`,
      );
    }
    fsCalls.length = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    const cpu = process.cpuUsage();
    const result = await runScan(
      new InMemorySnapshot({ [file]: content }),
      registry,
    );
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const errored = result.checks
      .filter(c => c.status === 'error')
      .map(c => `${c.checkId}: ${c.reason}`);
    expect(errored).toEqual([]);
    if (CPU_BUDGET_MS !== undefined) expect(cpuMs).toBeLessThan(CPU_BUDGET_MS);
    expect(heapGrowth).toBeLessThan(HEAP_BUDGET_BYTES);
    expect(JSON.stringify(result).length).toBeLessThan(OUTPUT_BUDGET_BYTES);
    expect(fsCalls).toEqual([]);
  }

  it.each(TARGETS.map(t => [t.name, t] as const))(
    '%s: never crashes, stalls, blows up or reads outside the snapshot',
    async (_name, target) => {
      expect.hasAssertions();
      const seeds = seedsFor(target);
      const input = fc.oneof(
        {
          weight: 8,
          arbitrary: fc.tuple(
            fc.constantFrom(...seeds),
            fc.array(mutation, { maxLength: 8 }),
          ),
        },
        {
          weight: 1,
          // Inputs made from scratch: tokens and random text.
          arbitrary: fc.tuple(
            fc
              .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string()), {
                maxLength: 60,
              })
              .map(parts => ({ path: seeds[0].path, text: parts.join('') })),
            fc.constant([] as Mutation[]),
          ),
        },
      );
      await fc.assert(
        fc.asyncProperty(input, async ([seed, mutations]) => {
          await scanOne(seed.path, mutate(seed.text, mutations));
        }),
        {
          numRuns: RUNS,
          seed: SEED,
          ...(REPLAY_PATH ? { path: REPLAY_PATH } : {}),
          endOnFailure: true,
        },
      );
    },
    RUNS * 5000 + 30_000,
  );
});
