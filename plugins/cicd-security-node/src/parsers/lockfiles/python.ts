import {
  dirOf,
  entriesOf,
  joinPath,
  LineCursor,
  normalisePythonName,
  objectOf,
  parseJson,
  stringOf,
} from './model';
import { LockfileInput } from './manifests';
import { arrayTableLines, parseToml, tryParseToml } from './toml';
import { RepoSnapshot } from '../../snapshot';

/** The name at the start of a PEP 508 requirement string. */
function requirementName(spec: string): string | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return m?.[1];
}

/**
 * Normalised names a pyproject.toml declares: `[project]` dependencies and
 * optional dependencies, PEP 735 dependency groups, Poetry's dependency
 * tables and groups, PDM's and uv's development dependencies. Undefined
 * when there is no readable pyproject.toml.
 */
export function pyprojectDeclarations(
  snapshot: RepoSnapshot,
  path: string,
): Set<string> | undefined {
  const toml = tryParseToml(snapshot.read(path));
  if (!toml) return undefined;
  const names = new Set<string>();
  const addSpecs = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const s of list) {
      const name = typeof s === 'string' ? requirementName(s) : undefined;
      if (name) names.add(normalisePythonName(name));
    }
  };
  const addKeys = (table: unknown) => {
    for (const [name] of entriesOf(table)) {
      if (name.toLowerCase() !== 'python') names.add(normalisePythonName(name));
    }
  };
  const project = objectOf(toml.project);
  addSpecs(project?.dependencies);
  for (const [, list] of entriesOf(project?.['optional-dependencies'])) {
    addSpecs(list);
  }
  for (const [, list] of entriesOf(toml['dependency-groups'])) addSpecs(list);
  const tool = objectOf(toml.tool);
  const poetry = objectOf(tool?.poetry);
  addKeys(poetry?.dependencies);
  addKeys(poetry?.['dev-dependencies']);
  for (const [, group] of entriesOf(poetry?.group)) {
    addKeys(objectOf(group)?.dependencies);
  }
  for (const [, list] of entriesOf(objectOf(tool?.pdm)?.['dev-dependencies'])) {
    addSpecs(list);
  }
  addSpecs(objectOf(tool?.uv)?.['dev-dependencies']);
  return names;
}

/**
 * Python lockfiles made of `[[package]]` tables: poetry.lock, uv.lock,
 * pdm.lock, and pylock.toml (`[[packages]]`). Local packages (the project
 * itself, directories, editable installs) are left out. Direct packages are
 * those the pyproject.toml next to the lockfile declares.
 */
export function parsePythonTomlLock(input: LockfileInput): void {
  const { file, text, out, snapshot } = input;
  const toml = parseToml(text, out);
  if (!toml) return;
  const key = Array.isArray(toml.packages) ? 'packages' : 'package';
  const list = Array.isArray(toml[key]) ? (toml[key] as unknown[]) : [];
  const headers = arrayTableLines(text, key);
  const cursor = new LineCursor(text);
  const declared = pyprojectDeclarations(
    snapshot,
    joinPath(dirOf(file), 'pyproject.toml'),
  );
  for (let i = 0; i < list.length; i++) {
    const pkg = objectOf(list[i]);
    const name = stringOf(pkg?.name);
    const version = stringOf(pkg?.version);
    const line =
      headers.length === list.length
        ? headers[i]
        : cursor.line(`name = ${JSON.stringify(name ?? '')}`);
    if (!pkg || !name || !version || isLocalSource(pkg.source)) continue;
    const added = out.add({
      ecosystem: 'PyPI',
      name,
      version,
      exact: true,
      direct: declared ? declared.has(normalisePythonName(name)) : undefined,
      ...devOf(pkg),
      line,
    });
    if (!added) return;
  }
}

/** Poetry's `category`/`groups`, PDM's `groups`: dev when not in the main group. */
function devOf(pkg: Record<string, unknown>): { dev?: boolean } {
  if (pkg.category === 'dev') return { dev: true };
  if (pkg.category === 'main') return { dev: false };
  if (Array.isArray(pkg.groups) && pkg.groups.length) {
    const main = pkg.groups.some(g => g === 'main' || g === 'default');
    return { dev: !main };
  }
  return {};
}

/** Poetry `[package.source] type = "directory"`, uv `source = { editable = "." }`… */
function isLocalSource(source: unknown): boolean {
  const s = objectOf(source);
  if (!s) return false;
  return (
    s.type === 'directory' ||
    s.type === 'file' ||
    'editable' in s ||
    'virtual' in s ||
    'directory' in s ||
    'path' in s
  );
}

/**
 * Pipfile.lock: `default` and `develop` maps of `name → { version: "==1.2.3" }`.
 * Packages without a version (VCS, paths) are left out. Direct packages are
 * those the Pipfile next to it lists.
 */
export function parsePipfileLock({
  file,
  text,
  out,
  snapshot,
}: LockfileInput): void {
  const json = objectOf(parseJson(text, out));
  if (!json) {
    if (!out.problems.length) out.problem('not a JSON object');
    return;
  }
  const pipfile = tryParseToml(snapshot.read(joinPath(dirOf(file), 'Pipfile')));
  const declared = pipfile
    ? new Set(
        [
          ...entriesOf(pipfile.packages),
          ...entriesOf(pipfile['dev-packages']),
        ].map(([n]) => normalisePythonName(n)),
      )
    : undefined;
  const cursor = new LineCursor(text);
  for (const [section, packages] of Object.entries(json)) {
    if (section !== 'default' && section !== 'develop') continue;
    cursor.find(`"${section}"`);
    for (const [name, raw] of entriesOf(packages)) {
      const key = JSON.stringify(name);
      const line = cursor.lineOfAny(`${key}: {`, `${key}:{`, key);
      const spec = stringOf(objectOf(raw)?.version);
      if (!spec) continue;
      const exact =
        spec.startsWith('==') && !spec.includes('*') && !spec.includes(',');
      const version = exact ? spec.replace(/^===?/, '') : spec;
      const added = out.add({
        ecosystem: 'PyPI',
        name,
        version,
        exact,
        direct: declared ? declared.has(normalisePythonName(name)) : undefined,
        dev: section === 'develop',
        line,
      });
      if (!added) return;
    }
  }
}
