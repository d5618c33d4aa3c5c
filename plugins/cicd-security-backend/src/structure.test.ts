import fs from 'fs';
import { builtinModules } from 'module';
import path from 'path';

/**
 * The shape of the backend's source: no import cycles between its modules,
 * and production code (what `src/index.ts` can reach) never depends on test
 * code, whether a devDependency or a helper under `src/testing/`.
 */

const PACKAGE_DIR = path.resolve(__dirname, '..');
const SRC = __dirname;
const TESTING = path.join(SRC, 'testing');

const isTest = (file: string) => /\.test\.tsx?$/.test(file);
const rel = (file: string) => path.relative(PACKAGE_DIR, file);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      return e.name === '__fixtures__' ? [] : sourceFiles(full);
    }
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Module specifiers of a file: static, side-effect, dynamic and require. */
function importsOf(text: string): string[] {
  // Comments that start a line (JSDoc examples may show imports).
  const code = text
    .replace(/^\s*\/\*[\s\S]*?\*\//gm, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const patterns = [
    /(?:^|[;\n])\s*(?:import|export)\s[^;'"]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const found = new Set<string>();
  for (const re of patterns) {
    for (const m of code.matchAll(re)) found.add(m[1]);
  }
  return [...found];
}

/** The source file a relative specifier names, if it is one of ours. */
function resolveRelative(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
  ]) {
    if (/\.tsx?$/.test(candidate) && fs.existsSync(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BUILTINS = new Set(builtinModules);
const isBuiltin = (spec: string) =>
  spec.startsWith('node:') || BUILTINS.has(packageOf(spec));

type Graph = Map<string, string[]>;

function importGraph(files: string[]): Graph {
  const graph: Graph = new Map();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    graph.set(
      file,
      importsOf(text)
        .filter(spec => spec.startsWith('.'))
        .flatMap(spec => resolveRelative(file, spec) ?? []),
    );
  }
  return graph;
}

/** Every cycle found by a depth-first walk, as `a → b → a` paths. */
function findCycles(graph: Graph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'active');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      const s = state.get(next);
      if (s === 'active') {
        cycles.push([...stack.slice(stack.indexOf(next)), next]);
      } else if (s === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) {
    if (!state.has(node)) visit(node);
  }
  return cycles;
}

describe('backend source structure', () => {
  const all = sourceFiles(SRC);
  const nonTest = all.filter(f => !isTest(f));
  const production = nonTest.filter(
    f => !f.startsWith(TESTING + path.sep) && f !== __filename,
  );
  const pkg = JSON.parse(
    fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'),
  );
  const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
  const devDependencies = new Set(Object.keys(pkg.devDependencies ?? {}));

  it('finds the source files and their imports', () => {
    expect(production.map(rel)).toContain('src/index.ts');
    expect(production.map(rel)).toContain('src/plugin.ts');
    expect(
      importsOf(`import a from './a';\nexport { b } from "../b";`),
    ).toEqual(['./a', '../b']);
    expect(
      importsOf(`import type { X } from 'x/y';\nconst z = require('z');`),
    ).toEqual(['x/y', 'z']);
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('has no import cycles', () => {
    const cycles = findCycles(importGraph(nonTest)).map(cycle =>
      cycle.map(rel).join(' → '),
    );
    expect(cycles).toEqual([]);
  });

  it('keeps production code free of devDependencies and src/testing', () => {
    const problems: string[] = [];
    for (const file of production) {
      for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = resolveRelative(file, spec);
          if (target?.startsWith(TESTING + path.sep)) {
            problems.push(`${rel(file)} imports test code ${rel(target)}`);
          }
          continue;
        }
        if (isBuiltin(spec)) continue;
        const name = packageOf(spec);
        if (devDependencies.has(name) && !dependencies.has(name)) {
          problems.push(`${rel(file)} imports the devDependency ${name}`);
        } else if (!dependencies.has(name)) {
          problems.push(`${rel(file)} imports the undeclared package ${name}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
