import { valid as validSemver } from 'semver';
import {
  dirOf,
  entriesOf,
  joinPath,
  LineCursor,
  MAX_NESTING,
  objectOf,
  parseJson,
  stringOf,
} from './model';
import {
  LockfileInput,
  npmDeclarations,
  NpmDeclarations,
  siblingJson,
} from './manifests';

const NODE_MODULES = 'node_modules/';

/** True for an exact npm version (not a git URL, tarball or file path). */
export function isExactNpmVersion(version: string): boolean {
  return validSemver(version, { loose: false }) !== null;
}

/**
 * `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1 to 3.
 * Versions 2 and 3 list every installed folder under `packages`
 * (`node_modules/a`, `node_modules/a/node_modules/b`, workspace folders);
 * version 1 nests `dependencies` objects. A package is direct when the
 * project (or the workspace whose `node_modules` holds it) declares it.
 */
export function parseNpmLock(input: LockfileInput): void {
  const { text, out } = input;
  const json = objectOf(parseJson(text, out));
  if (!json) {
    if (!out.problems.length) out.problem('not a JSON object');
    return;
  }
  const cursor = new LineCursor(text);
  const packages = objectOf(json.packages);
  if (packages) parsePackages(packages, cursor, input);
  else parseV1(json, cursor, input);
}

function parsePackages(
  packages: Record<string, unknown>,
  cursor: LineCursor,
  { out }: LockfileInput,
) {
  // Folders that declare dependencies: the root ('') and workspace members.
  const declarations = new Map<string, NpmDeclarations>();
  for (const [key, value] of Object.entries(packages)) {
    if (!key.includes(NODE_MODULES) && objectOf(value)) {
      declarations.set(key, npmDeclarations(value));
    }
  }
  for (const [key, raw] of Object.entries(packages)) {
    const entry = objectOf(raw);
    const at = key.lastIndexOf(NODE_MODULES);
    const line = cursor.line(JSON.stringify(key));
    // The project and its workspace folders are not dependencies; links
    // point at a folder listed under its own key.
    if (!entry || at === -1 || entry.link === true) continue;
    const folderName = key.slice(at + NODE_MODULES.length);
    const name = stringOf(entry.name) ?? folderName;
    const version = stringOf(entry.version);
    if (!name || version === undefined) continue;
    const owner = at === 0 ? '' : key.slice(0, at - 1);
    const declared = declarations.get(owner);
    const direct = declared
      ? declared.specs.has(folderName)
      : owner.includes(NODE_MODULES) || owner === ''
      ? false
      : undefined;
    const dev = entry.dev === true;
    if (
      !out.add({
        ecosystem: 'npm',
        name,
        version,
        exact: isExactNpmVersion(version),
        direct,
        dev,
        line,
      })
    )
      return;
  }
}

/** Version 1: nested `dependencies`, walked in document order without recursion. */
function parseV1(
  json: Record<string, unknown>,
  cursor: LineCursor,
  { file, out, snapshot }: LockfileInput,
) {
  const manifest = siblingJson(snapshot, joinPath(dirOf(file), 'package.json'));
  const declared =
    manifest === undefined ? undefined : npmDeclarations(manifest);
  type Frame = {
    entries: Array<[string, unknown]>;
    next: number;
    depth: number;
  };
  const stack: Frame[] = [
    { entries: entriesOf(json.dependencies), next: 0, depth: 1 },
  ];
  let deepNoted = false;
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next >= top.entries.length) {
      stack.pop();
      continue;
    }
    const [name, raw] = top.entries[top.next++];
    const entry = objectOf(raw);
    if (!entry) continue;
    const key = JSON.stringify(name);
    const line = cursor.lineOfAny(`${key}: {`, `${key}:{`, key);
    const version = stringOf(entry.version);
    if (version !== undefined) {
      const direct =
        top.depth > 1 ? false : declared ? declared.specs.has(name) : undefined;
      const added = out.add({
        ecosystem: 'npm',
        name,
        version,
        exact: isExactNpmVersion(version),
        direct,
        dev: entry.dev === true,
        line,
      });
      if (!added) return;
    }
    const children = entriesOf(entry.dependencies);
    if (!children.length) continue;
    if (top.depth >= MAX_NESTING) {
      if (!deepNoted) {
        deepNoted = true;
        out.problem(
          `dependencies nested more than ${MAX_NESTING} levels deep are not listed`,
          line,
        );
      }
      continue;
    }
    stack.push({ entries: children, next: 0, depth: top.depth + 1 });
  }
}
