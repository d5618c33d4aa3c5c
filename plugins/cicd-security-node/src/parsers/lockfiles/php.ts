import {
  dirOf,
  entriesOf,
  joinPath,
  LineCursor,
  objectOf,
  parseJson,
  stringOf,
} from './model';
import { LockfileInput, siblingJson } from './manifests';

/** A Composer version that names a branch rather than a release. */
function isBranch(version: string): boolean {
  return version.startsWith('dev-') || version.endsWith('-dev');
}

/**
 * composer.lock: `packages` and `packages-dev` arrays of `{ name, version }`.
 * Direct packages are those composer.json (next to it) requires.
 */
export function parseComposerLock({
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
  const manifest = objectOf(
    siblingJson(snapshot, joinPath(dirOf(file), 'composer.json')),
  );
  const declared = manifest
    ? new Set(
        [
          ...entriesOf(manifest.require),
          ...entriesOf(manifest['require-dev']),
        ].map(([n]) => n.toLowerCase()),
      )
    : undefined;
  const cursor = new LineCursor(text);
  for (const [section, list] of Object.entries(json)) {
    if (section !== 'packages' && section !== 'packages-dev') continue;
    if (!Array.isArray(list)) continue;
    cursor.find(`"${section}"`);
    for (const raw of list) {
      const pkg = objectOf(raw);
      const name = stringOf(pkg?.name);
      const version = stringOf(pkg?.version);
      if (!name || !version) continue;
      const quoted = JSON.stringify(name);
      const line = cursor.lineOfAny(`"name": ${quoted}`, `"name":${quoted}`);
      const added = out.add({
        ecosystem: 'Packagist',
        name,
        version,
        exact: !isBranch(version),
        direct: declared ? declared.has(name.toLowerCase()) : undefined,
        dev: section === 'packages-dev',
        line,
      });
      if (!added) return;
    }
  }
}
