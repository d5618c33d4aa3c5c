import { mapEntries, parseYaml, toJS, getNode } from '../yaml';
import { entriesOf, objectOf, stringOf } from './model';
import { LockfileInput } from './manifests';
import { isExactNpmVersion } from './npm';
import { splitDescriptor } from './yarn';

/** Name and version of a `packages` key of any lockfile version. */
export function parsePnpmKey(
  key: string,
  lockfileVersion: number,
): { name: string; version: string } | undefined {
  let k = key.startsWith('/') ? key.slice(1) : key;
  const paren = k.indexOf('(');
  if (paren !== -1) k = k.slice(0, paren);
  if (lockfileVersion >= 6) {
    const d = splitDescriptor(k);
    return d && d.range ? { name: d.name, version: d.range } : undefined;
  }
  // Version 5: `name/1.0.0_peer@2.0.0`, `@scope/name/1.0.0`.
  const parts = k.split('/');
  const n = k.startsWith('@') ? 2 : 1;
  if (parts.length <= n) return undefined;
  const name = parts.slice(0, n).join('/');
  const rest = parts.slice(n).join('/');
  const underscore = rest.indexOf('_');
  const version = underscore === -1 ? rest : rest.slice(0, underscore);
  return version ? { name, version } : undefined;
}

const IMPORTER_FIELDS = [
  'dependencies',
  'devDependencies',
  'optionalDependencies',
] as const;

/**
 * pnpm-lock.yaml, lockfile versions 5 (`/name/1.0.0_peer`), 6
 * (`/name@1.0.0(peer)`) and 9 (`name@1.0.0`, peers in `snapshots`).
 * `importers` (or the root fields of a single-project lockfile) list the
 * project's direct dependencies.
 */
export function parsePnpmLock({ file, text, out }: LockfileInput): void {
  const { file: yaml, problems } = parseYaml(file, text);
  for (const p of problems) out.problems.push(p);
  const root = yaml?.root();
  if (!yaml || !root) {
    if (yaml) out.problem('not a YAML mapping');
    return;
  }
  const versionText = String(
    yaml.located(getNode(root, 'lockfileVersion'))?.value ?? '5',
  );
  const lockfileVersion = Number.parseFloat(versionText) || 5;

  // Direct dependencies: `name@version` of every importer, and which are dev.
  const direct = new Set<string>();
  const devDirect = new Set<string>();
  const importers = objectOf(toJS(yaml, getNode(root, 'importers')));
  const projects = importers
    ? Object.values(importers).map(objectOf)
    : [
        objectOf({
          dependencies: toJS(yaml, getNode(root, 'dependencies')),
          devDependencies: toJS(yaml, getNode(root, 'devDependencies')),
          optionalDependencies: toJS(
            yaml,
            getNode(root, 'optionalDependencies'),
          ),
        }),
      ];
  for (const project of projects) {
    for (const field of IMPORTER_FIELDS) {
      for (const [name, raw] of entriesOf(project?.[field])) {
        const version =
          stringOf(objectOf(raw)?.version) ??
          (typeof raw === 'string' || typeof raw === 'number'
            ? String(raw)
            : undefined);
        const id = importerId(name, version, lockfileVersion);
        if (!id) continue;
        direct.add(id);
        if (field === 'devDependencies') devDirect.add(id);
      }
    }
  }

  const seen = new Set<string>();
  for (const [key, keyNode, value] of mapEntries(getNode(root, 'packages'))) {
    const entry = objectOf(toJS(yaml, value)) ?? {};
    const resolution = objectOf(entry.resolution);
    if (resolution?.type === 'directory') continue;
    const parsed = parsePnpmKey(key, lockfileVersion);
    const name = stringOf(entry.name) ?? parsed?.name;
    const version =
      stringOf(entry.version) ??
      (typeof entry.version === 'number' ? String(entry.version) : undefined) ??
      parsed?.version;
    if (!name || !version) continue;
    const id = `${name}@${version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const isDirect = direct.has(id);
    const dev =
      typeof entry.dev === 'boolean'
        ? entry.dev
        : isDirect && devDirect.has(id)
        ? true
        : undefined;
    const added = out.add({
      ecosystem: 'npm',
      name,
      version,
      exact: isExactNpmVersion(version),
      direct: isDirect,
      ...(dev === undefined ? {} : { dev }),
      line: yaml.rangeOf(keyNode).line,
    });
    if (!added) return;
  }
}

/** `name@version` of an importer's dependency; undefined for links to folders. */
function importerId(
  name: string,
  version: string | undefined,
  lockfileVersion: number,
): string | undefined {
  if (!version || version.startsWith('link:') || version.startsWith('file:')) {
    return undefined;
  }
  // An alias or a non-registry package names its package key.
  if (version.startsWith('/')) {
    const p = parsePnpmKey(version, lockfileVersion);
    return p && `${p.name}@${p.version}`;
  }
  let v = version;
  const paren = v.indexOf('(');
  if (paren !== -1) v = v.slice(0, paren);
  if (lockfileVersion < 6) {
    const underscore = v.indexOf('_');
    if (underscore !== -1) v = v.slice(0, underscore);
  }
  const alias = splitDescriptor(v);
  if (alias && !/^\d/.test(v)) return `${alias.name}@${alias.range}`;
  return `${name}@${v}`;
}
