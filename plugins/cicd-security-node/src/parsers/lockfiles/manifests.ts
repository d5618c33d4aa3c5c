import { RepoSnapshot } from '../../snapshot';
import { FileCollector } from './model';

/** Lockfiles of the JavaScript package managers (npm, Yarn, pnpm, Bun). */
export const NPM_LOCKFILES: readonly string[] = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'bun.lock',
];

/** Lockfiles of the Python project managers that use pyproject.toml. */
export const PYTHON_LOCKFILES: readonly string[] = [
  'poetry.lock',
  'pdm.lock',
  'uv.lock',
  'pylock.toml',
];

/** Folders of vendored or installed third-party code, not the project's own manifests. */
export const VENDORED_DIR_RE =
  /(^|\/)(node_modules|vendor|\.venv|venv|third_party)\//;

/** True for a path inside a vendored or installed-dependencies folder. */
export function isVendoredPath(path: string): boolean {
  return VENDORED_DIR_RE.test(path);
}

/** npm dependency fields of package.json, in the order npm installs them. */
export const NPM_DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'optionalDependencies',
] as const;

/** The outcome of reading a JSON manifest: its value, or why it is not JSON. */
export type JsonManifest =
  | { ok: true; value: unknown }
  | { ok: false; message: string };

/** A JSON manifest (package.json, composer.json): parsed, or the parser's message. */
export function parseJsonManifest(text: string): JsonManifest {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

/**
 * The dependency fields of a package.json that declare at least one
 * package, in {@link NPM_DEPENDENCY_FIELDS} order.
 */
export function declaredNpmDependencyFields(json: unknown): string[] {
  const obj = json as Record<string, unknown> | null | undefined;
  return NPM_DEPENDENCY_FIELDS.filter(
    k =>
      !!obj &&
      typeof obj[k] === 'object' &&
      Object.keys(obj[k] ?? {}).length > 0,
  );
}

/** Names a package.json declares, with whether only as a development dependency. */
export interface NpmDeclarations {
  /** name → the declared spec of each field that names it. */
  specs: Map<string, string[]>;
  /** Names declared only in devDependencies. */
  devOnly: Set<string>;
}

/** The dependencies a parsed package.json declares (peer dependencies included). */
export function npmDeclarations(json: unknown): NpmDeclarations {
  const specs = new Map<string, string[]>();
  const prod = new Set<string>();
  const dev = new Set<string>();
  const fields = [
    'dependencies',
    'devDependencies',
    'optionalDependencies',
    'peerDependencies',
  ];
  const obj =
    json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  for (const field of fields) {
    const deps = obj[field];
    if (!deps || typeof deps !== 'object' || Array.isArray(deps)) continue;
    for (const [name, spec] of Object.entries(deps)) {
      const list = specs.get(name) ?? [];
      if (typeof spec === 'string') list.push(spec);
      specs.set(name, list);
      (field === 'devDependencies' ? dev : prod).add(name);
    }
  }
  const devOnly = new Set([...dev].filter(n => !prod.has(n)));
  return { specs, devOnly };
}

/**
 * The package.json next to a lockfile, when it is readable JSON. Its
 * problems are not the lockfile's: a broken manifest only leaves `direct`
 * unknown.
 */
export function siblingJson(
  snapshot: RepoSnapshot,
  path: string | undefined,
): unknown | undefined {
  if (path === undefined) return undefined;
  const text = snapshot.read(path);
  if (text === undefined) return undefined;
  const parsed = parseJsonManifest(text);
  return parsed.ok ? parsed.value : undefined;
}

/** Everything a format parser gets: the file, its text, where to put packages, and the repository. */
export interface LockfileInput {
  file: string;
  text: string;
  out: FileCollector;
  snapshot: RepoSnapshot;
}
