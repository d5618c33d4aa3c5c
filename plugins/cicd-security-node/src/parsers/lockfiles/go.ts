import { dirOf, joinPath } from './model';
import { LockfileInput } from './manifests';

interface GoRequire {
  path: string;
  version: string;
  indirect: boolean;
  line: number;
}

/** The lines of a text, one at a time, without building a list of them. */
export function* textLines(text: string): Generator<[string, number]> {
  let from = 0;
  let n = 0;
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    let line = text.slice(from, to);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    n++;
    yield [line, n];
    from = to + 1;
  }
}

function unquoteGo(s: string): string {
  return s.length >= 2 &&
    ((s.startsWith('"') && s.endsWith('"')) ||
      (s.startsWith('`') && s.endsWith('`')))
    ? s.slice(1, -1)
    : s;
}

/** The `require` directives of a go.mod, single or in blocks, with `// indirect`. */
export function goRequires(text: string): GoRequire[] {
  const out: GoRequire[] = [];
  let block: string | undefined;
  for (const [raw, line] of textLines(text)) {
    const slash = raw.indexOf('//');
    const code = (slash === -1 ? raw : raw.slice(0, slash)).trim();
    const comment = slash === -1 ? '' : raw.slice(slash + 2).trim();
    if (!code) continue;
    const words = code.split(/\s+/);
    let spec: string[] | undefined;
    if (block !== undefined) {
      if (code === ')') {
        block = undefined;
        continue;
      }
      if (block === 'require') spec = words;
    } else if (words[1] === '(' && words.length === 2) {
      block = words[0];
      continue;
    } else if (words[0] === 'require') {
      spec = words.slice(1);
    }
    if (!spec || spec.length < 2) continue;
    out.push({
      path: unquoteGo(spec[0]),
      version: unquoteGo(spec[1]),
      indirect: /^indirect\b/.test(comment),
      line,
    });
  }
  return out;
}

/**
 * go.mod: every required module at the version it names (Go selects exact
 * versions); `// indirect` marks modules the project does not import
 * itself.
 */
export function parseGoMod({ text, out }: LockfileInput): void {
  for (const r of goRequires(text)) {
    const added = out.add({
      ecosystem: 'Go',
      name: r.path,
      version: r.version,
      exact: true,
      direct: !r.indirect,
      line: r.line,
    });
    if (!added) return;
  }
}

/**
 * go.sum: modules whose content the build verified (`path version h1:…`;
 * lines for a `go.mod` file alone are not). With a go.mod next to it, the
 * modules go.mod requires are listed from go.mod only, and the others are
 * transitive.
 */
export function parseGoSum({ file, text, out, snapshot }: LockfileInput): void {
  const mod = snapshot.read(joinPath(dirOf(file), 'go.mod'));
  const required =
    mod === undefined ? undefined : new Set(goRequires(mod).map(r => r.path));
  const seen = new Set<string>();
  for (const [raw, line] of textLines(text)) {
    const words = raw.trim().split(/\s+/);
    if (words.length < 3 || !words[0]) {
      if (raw.trim()) out.problem('expected `module version hash`', line);
      continue;
    }
    const [path, version] = words;
    if (version.endsWith('/go.mod') || required?.has(path)) continue;
    const id = `${path}@${version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const added = out.add({
      ecosystem: 'Go',
      name: path,
      version,
      exact: true,
      direct: required ? false : undefined,
      line,
    });
    if (!added) return;
  }
}
