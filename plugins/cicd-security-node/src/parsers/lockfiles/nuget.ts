import { entriesOf, LineCursor, objectOf, parseJson, stringOf } from './model';
import { LockfileInput } from './manifests';

/**
 * NuGet packages.lock.json: per target framework, `Name → { type, resolved }`
 * where type is Direct, Transitive or CentralTransitive (Project entries are
 * the solution's own projects). A package locked for several frameworks is
 * listed once per version.
 */
export function parseNugetLock({ text, out }: LockfileInput): void {
  const json = objectOf(parseJson(text, out));
  if (!json) {
    if (!out.problems.length) out.problem('not a JSON object');
    return;
  }
  const cursor = new LineCursor(text);
  cursor.find('"dependencies"');
  const seen = new Set<string>();
  for (const [framework, packages] of entriesOf(json.dependencies)) {
    cursor.find(JSON.stringify(framework));
    for (const [name, raw] of entriesOf(packages)) {
      const key = JSON.stringify(name);
      const line = cursor.lineOfAny(`${key}: {`, `${key}:{`, key);
      const entry = objectOf(raw);
      const type = stringOf(entry?.type);
      const version = stringOf(entry?.resolved);
      if (!version || type === 'Project') continue;
      const id = `${name.toLowerCase()}@${version}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const added = out.add({
        ecosystem: 'NuGet',
        name,
        version,
        exact: true,
        direct: type === 'Direct' ? true : type ? false : undefined,
        line,
      });
      if (!added) return;
    }
  }
}
