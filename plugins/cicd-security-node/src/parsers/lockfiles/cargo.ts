import { LineCursor, objectOf, stringOf } from './model';
import { LockfileInput } from './manifests';
import { arrayTableLines, parseToml } from './toml';

/**
 * Cargo.lock: `[[package]]` tables. Packages without a `source` are the
 * workspace's own crates: they are left out, and the crates they depend on
 * (`dependencies = ["name", "name version", "name version (source)"]`) are
 * the direct ones.
 */
export function parseCargoLock({ text, out }: LockfileInput): void {
  const toml = parseToml(text, out);
  if (!toml) return;
  const list = Array.isArray(toml.package) ? (toml.package as unknown[]) : [];
  const headers = arrayTableLines(text, 'package');
  const cursor = new LineCursor(text);
  const direct = new Set<string>();
  for (const raw of list) {
    const pkg = objectOf(raw);
    if (!pkg || pkg.source !== undefined || !Array.isArray(pkg.dependencies)) {
      continue;
    }
    for (const dep of pkg.dependencies) {
      if (typeof dep !== 'string') continue;
      const [name, version] = dep.split(' ');
      direct.add(version ? `${name} ${version}` : name);
    }
  }
  for (let i = 0; i < list.length; i++) {
    const pkg = objectOf(list[i]);
    const name = stringOf(pkg?.name);
    const version = stringOf(pkg?.version);
    if (!pkg || !name || !version || pkg.source === undefined) continue;
    const added = out.add({
      ecosystem: 'crates.io',
      name,
      version,
      exact: true,
      direct: direct.has(`${name} ${version}`) || direct.has(name),
      line:
        headers.length === list.length
          ? headers[i]
          : cursor.line(`name = ${JSON.stringify(name)}`),
    });
    if (!added) return;
  }
}
