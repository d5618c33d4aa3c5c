import { isMap, isScalar } from 'yaml';
import { mapEntries, parseYaml, toJS, YamlFile } from '../yaml';
import { dirOf, joinPath, objectOf, stringOf } from './model';
import {
  LockfileInput,
  npmDeclarations,
  NpmDeclarations,
  siblingJson,
} from './manifests';
import { isExactNpmVersion } from './npm';

/** `name@range` split at the `@` that ends the name (scoped names start with one). */
export function splitDescriptor(
  descriptor: string,
): { name: string; range: string } | undefined {
  const at = descriptor.indexOf('@', 1);
  if (at <= 0) return undefined;
  return { name: descriptor.slice(0, at), range: descriptor.slice(at + 1) };
}

/** The descriptors of a lockfile key: `a@^1, "a@^1.2"` → [`a@^1`, `a@^1.2`]. */
function descriptorsOf(key: string): string[] {
  return key
    .split(',')
    .map(d => unquote(d.trim()))
    .filter(Boolean);
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"')
    ? s.slice(1, -1)
    : s;
}

/** The package an alias (`npm:real@range`) installs, or the name itself. */
function installedName(name: string, range: string): string {
  if (!range.startsWith('npm:')) return name;
  const real = splitDescriptor(range.slice(4));
  return real ? real.name : name;
}

/** yarn.lock: Yarn 1 ("classic") or Yarn 2+ ("berry", YAML with `__metadata`). */
export function parseYarnLock(input: LockfileInput): void {
  if (/^__metadata:/m.test(input.text)) parseBerry(input);
  else parseClassic(input);
}

/**
 * Yarn 1: entries start at column 0 with their descriptors and a colon;
 * indented `version "x"` lines give the resolved version. Direct packages
 * are those whose descriptor the package.json next to the lockfile declares.
 */
function parseClassic({ file, text, out, snapshot }: LockfileInput) {
  const manifest = siblingJson(snapshot, joinPath(dirOf(file), 'package.json'));
  const declared =
    manifest === undefined ? undefined : npmDeclarations(manifest);
  const workspaces =
    manifest !== undefined && objectOf(manifest)?.workspaces !== undefined;
  let entry: { descriptors: string[]; line: number; done: boolean } | undefined;
  let lineNo = 0;
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    const raw = text.slice(from, to).replace(/\r$/, '');
    from = to + 1;
    lineNo++;
    if (!raw.trim() || raw.startsWith('#')) continue;
    if (!/^\s/.test(raw)) {
      entry = raw.endsWith(':')
        ? {
            descriptors: descriptorsOf(raw.slice(0, -1)),
            line: lineNo,
            done: false,
          }
        : undefined;
      if (!entry)
        out.problem('expected `descriptor:` at the start of an entry', lineNo);
      continue;
    }
    if (!entry || entry.done) continue;
    const version = classicVersion(raw);
    if (version === undefined) continue;
    entry.done = true;
    const first = entry.descriptors.map(splitDescriptor).find(Boolean);
    if (!first) continue;
    const direct = declared
      ? isDeclared(entry.descriptors, declared) ||
        (workspaces ? undefined : false)
      : undefined;
    const dev =
      direct === true && declared?.devOnly.has(first.name) ? true : undefined;
    const added = out.add({
      ecosystem: 'npm',
      name: installedName(first.name, first.range),
      version,
      exact: isExactNpmVersion(version),
      direct,
      ...(dev ? { dev } : {}),
      line: entry.line,
    });
    if (!added) return;
  }
}

/** The value of a `  version "1.2.3"` line (no regex: lines may be huge). */
function classicVersion(raw: string): string | undefined {
  if (!raw.startsWith('  version')) return undefined;
  let rest = raw.slice('  version'.length);
  if (rest.startsWith(':')) rest = rest.slice(1);
  if (rest.length && !/\s/.test(rest.charAt(0))) return undefined;
  return unquote(rest.trim());
}

function isDeclared(descriptors: string[], declared: NpmDeclarations) {
  return descriptors.some(d => {
    const s = splitDescriptor(d);
    return !!s && (declared.specs.get(s.name) ?? []).includes(s.range);
  });
}

/**
 * Yarn 2+: a YAML map from descriptor lists to entries with a `resolution`
 * (`name@npm:1.2.3`). Workspace entries (`name@workspace:path`) list the
 * project's own dependencies, so they say which packages are direct.
 */
function parseBerry({ file, text, out }: LockfileInput) {
  const { file: yaml, problems } = parseYaml(file, text);
  for (const p of problems) out.problems.push(p);
  const root = yaml?.root();
  if (!yaml || !root) {
    if (yaml) out.problem('not a YAML mapping');
    return;
  }
  const entries = mapEntries(root).filter(([key]) => key !== '__metadata');
  const direct = new Set<string>();
  for (const [, , value] of entries) {
    const entry = objectOf(toJS(yaml, value));
    const resolution = splitDescriptor(stringOf(entry?.resolution) ?? '');
    if (!resolution?.range.startsWith('workspace:')) continue;
    for (const field of ['dependencies', 'devDependencies']) {
      for (const [name, range] of Object.entries(
        objectOf(entry?.[field]) ?? {},
      )) {
        direct.add(`${name}@${String(range)}`);
      }
    }
  }
  for (const [key, keyNode, value] of entries) {
    if (!isMap(value)) continue;
    const entry = berryEntry(yaml, value);
    const resolved = resolvedPackage(entry.resolution);
    if (!resolved || resolved.workspace) continue;
    const descriptors = descriptorsOf(key);
    const version = resolved.version ?? entry.version ?? '';
    const added = out.add({
      ecosystem: 'npm',
      name: resolved.name,
      version,
      exact: resolved.version !== undefined && isExactNpmVersion(version),
      direct: descriptors.some(d => direct.has(withNpmProtocol(d))),
      line: yaml.rangeOf(keyNode).line,
    });
    if (!added) return;
  }
}

/** The scalar fields of a berry entry that matter here. */
function berryEntry(
  yaml: YamlFile,
  value: unknown,
): { resolution?: string; version?: string } {
  const out: { resolution?: string; version?: string } = {};
  for (const [k, , v] of mapEntries(value)) {
    if ((k === 'resolution' || k === 'version') && isScalar(v)) {
      out[k] = String(yaml.located(v)?.value ?? '');
    }
  }
  return out;
}

/** Workspace dependency ranges are written with their protocol (`npm:^1`). */
function withNpmProtocol(descriptor: string): string {
  const s = splitDescriptor(descriptor);
  if (!s || /^[a-z]+:/.test(s.range)) return descriptor;
  return `${s.name}@npm:${s.range}`;
}

/**
 * The registry package of a resolution: `name@npm:1.2.3` as is, a patched
 * package (`name@patch:name@npm%3A1.2.3#…`) as the package it patches,
 * other protocols (git, file, link…) by name only.
 */
function resolvedPackage(
  resolution: string | undefined,
  depth = 0,
): { name: string; version?: string; workspace?: boolean } | undefined {
  const r = splitDescriptor(resolution ?? '');
  if (!r) return undefined;
  if (r.range.startsWith('workspace:'))
    return { name: r.name, workspace: true };
  if (r.range.startsWith('npm:')) {
    const inner = splitDescriptor(r.range.slice(4));
    // An alias resolves to `alias@npm:real@1.2.3`.
    return inner && !/^\d/.test(r.range.slice(4))
      ? { name: inner.name, version: inner.range }
      : { name: r.name, version: r.range.slice(4) };
  }
  if (r.range.startsWith('patch:') && depth < 2) {
    const hash = r.range.indexOf('#');
    let inner = r.range.slice(6, hash === -1 ? undefined : hash);
    try {
      inner = decodeURIComponent(inner);
    } catch {
      return { name: r.name };
    }
    const patched = resolvedPackage(inner, depth + 1);
    return patched?.workspace ? undefined : patched ?? { name: r.name };
  }
  return { name: r.name };
}
