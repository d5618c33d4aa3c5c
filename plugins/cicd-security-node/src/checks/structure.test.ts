import fs from 'fs';
import path from 'path';
import { builtinChecks, ScorecardCheck } from '.';

/**
 * The layout rules of the engine:
 * - `src/checks/` holds checks: every file other than `index.ts`, `types.ts`
 *   and tests exports exactly one check, and that check is built in;
 * - a check imports no other check (shared analysis lives in `src/analysis/`,
 *   parsing in `src/parsers/`), and shared analysis imports no check;
 * - every built-in check has fixtures and a guide;
 * - the engine's modules import each other without cycles.
 */

const SRC = path.resolve(__dirname, '..');
const CHECKS = __dirname;
const ANALYSIS = path.join(SRC, 'analysis');
const FIXTURES = path.join(CHECKS, '__fixtures__');
/** Guides live in the package; the repository's docs/checks/ is the older place. */
const GUIDE_DIRS = [
  path.resolve(SRC, '../guides'),
  path.resolve(SRC, '../../../docs/checks'),
];
/** Files of src/checks/ that are not checks. */
const NOT_CHECKS = new Set(['index.ts', 'types.ts']);

const isTest = (file: string) => /\.test\.tsx?$/.test(file);

/** Every non-test TypeScript file under `dir`, fixtures excluded. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__fixtures__' && entry.name !== 'node_modules')
        out.push(...sourceFiles(full));
    } else if (/\.tsx?$/.test(entry.name) && !isTest(entry.name)) {
      out.push(full);
    }
  }
  return out.sort();
}

/** The files of src/checks/ that must each hold one check. */
function checkFiles(): string[] {
  return fs
    .readdirSync(CHECKS)
    .filter(f => /\.ts$/.test(f) && !isTest(f) && !NOT_CHECKS.has(f))
    .sort()
    .map(f => path.join(CHECKS, f));
}

/** `import … from '…'`, `export … from '…'` and `import '…'` statements. */
const STATIC_IMPORT =
  /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s*)?['"]([^'"]+)['"]/gm;
/** `import('…')` and `require('…')`. */
const DYNAMIC_IMPORT = /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a file imports or re-exports. */
function importSpecifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [
    ...text.matchAll(STATIC_IMPORT),
    ...text.matchAll(DYNAMIC_IMPORT),
  ].map(m => m[1]);
}

/** The source file a relative specifier points at, or undefined for packages and non-TS files. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.tsx'),
  ];
  return candidates.find(
    c => /\.tsx?$/.test(c) && fs.existsSync(c) && fs.statSync(c).isFile(),
  );
}

function imports(file: string): string[] {
  return importSpecifiers(file)
    .map(s => resolveImport(file, s))
    .filter((f): f is string => f !== undefined);
}

const rel = (file: string) => path.relative(SRC, file);

/** A file of src/checks/ other than types.ts (index.ts included). */
const isCheckFolderModule = (file: string) =>
  path.dirname(file) === CHECKS && path.basename(file) !== 'types.ts';

function isScorecardCheck(value: unknown): value is ScorecardCheck {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ScorecardCheck).id === 'string' &&
    typeof (value as ScorecardCheck).run === 'function'
  );
}

/** An import cycle among `files`, as the list of files around it, or undefined. */
function findImportCycle(
  files: string[],
  edges: (file: string) => string[],
): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges(file)) {
      if (state.get(next) === 'open')
        return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of files) {
    if (!state.has(file)) {
      const cycle = visit(file);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

describe('src/checks holds checks and nothing else', () => {
  const builtin = new Set(builtinChecks);

  it.each(checkFiles().map(f => [path.basename(f), f]))(
    '%s exports exactly one built-in check',
    (_name, file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = Object.entries(require(file) as Record<string, unknown>)
        .filter(([, value]) => isScorecardCheck(value))
        .map(([key, value]) => ({ key, check: value as ScorecardCheck }));
      expect(exported.map(e => e.key)).toHaveLength(1);
      expect(
        builtin.has(exported[0].check)
          ? 'listed in builtinChecks'
          : `${exported[0].key} is missing from builtinChecks (src/checks/index.ts)`,
      ).toBe('listed in builtinChecks');
    },
  );

  it.each(checkFiles().map(f => [path.basename(f), f]))(
    '%s imports no other check',
    (_name, file) => {
      const others = imports(file).filter(isCheckFolderModule).map(rel);
      expect(others).toEqual([]);
    },
  );

  it('shared analysis imports no check', () => {
    const offending = sourceFiles(ANALYSIS).flatMap(file =>
      imports(file)
        .filter(isCheckFolderModule)
        .map(target => `${rel(file)} -> ${rel(target)}`),
    );
    expect(offending).toEqual([]);
  });

  it('lists every check once, with a unique id', () => {
    const ids = builtinChecks.map(c => c.id);
    expect(new Set(builtinChecks).size).toBe(builtinChecks.length);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it.each(builtinChecks.map(c => [c.id]))(
    '%s has a fixture folder and a guide',
    id => {
      expect({
        id,
        fixtures: fs.existsSync(path.join(FIXTURES, id)),
        guide: GUIDE_DIRS.some(dir =>
          fs.existsSync(path.join(dir, `${id}.md`)),
        ),
      }).toEqual({ id, fixtures: true, guide: true });
    },
  );
});

describe('engine modules', () => {
  it('import each other without cycles', () => {
    const files = sourceFiles(SRC);
    const cycle = findImportCycle(files, imports);
    expect(cycle?.map(rel).join(' -> ')).toBeUndefined();
  });

  it('the cycle finder reports the path of a cycle', () => {
    const graph: Record<string, string[]> = {
      a: ['b'],
      b: ['c'],
      c: ['b', 'd'],
      d: [],
    };
    expect(findImportCycle(Object.keys(graph), f => graph[f])).toEqual([
      'b',
      'c',
      'b',
    ]);
    expect(
      findImportCycle(['a', 'd'], f => ({ a: ['d'], d: [] }[f]!)),
    ).toBeUndefined();
  });
});
