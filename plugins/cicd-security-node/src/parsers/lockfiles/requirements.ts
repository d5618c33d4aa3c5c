import { stripTrailingComment } from '../text';
import { joinRepoPath } from '../text/repoPath';
import { dirOf } from './model';
import { isVendoredPath, LockfileInput } from './manifests';

/** `requirements.txt`, `requirements-dev.txt`, `requirements/prod.txt`… */
export function isRequirementsFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (
    /^requirements[^/]*\.txt$/.test(base) ||
    /(^|\/)requirements\/[^/]+\.txt$/.test(path)
  );
}

/** Files followed through `-r`, counting the first. */
const MAX_INCLUDE_DEPTH = 10;

interface Requirement {
  name: string;
  version: string;
  exact: boolean;
  line: number;
  file: string;
  /** pip-compile's `# via` annotation: true when the project itself asks for it. */
  via?: boolean;
}

/**
 * A pip requirements file: `name==1.2` pins are exact; ranges
 * (`>=2`, `~=1.4`, `==1.*`) and bare names are declared specs. Files it
 * includes with `-r` are read too (once, within the repository) unless the
 * inventory reads them in their own right. pip-compile's `# via` notes say
 * which packages are direct; a hand-written file's are all direct.
 */
export function parseRequirements(input: LockfileInput): void {
  const { out, snapshot } = input;
  const visited = new Set<string>([input.file]);
  const queue: Array<{ file: string; text: string; depth: number }> = [
    { file: input.file, text: input.text, depth: 1 },
  ];
  while (queue.length) {
    const { file, text, depth } = queue.shift()!;
    const { requirements, includes } = readRequirements(file, text, input);
    const annotated = requirements.some(r => r.via !== undefined);
    for (const r of requirements) {
      const added = out.add({
        ecosystem: 'PyPI',
        name: r.name,
        version: r.version,
        exact: r.exact,
        direct: annotated ? r.via : true,
        line: r.line,
        file: r.file,
      });
      if (!added) return;
    }
    for (const inc of includes) {
      const target = joinRepoPath(dirOf(file), inc.path);
      if (target === undefined || visited.has(target)) continue;
      visited.add(target);
      // Files the inventory reads in their own right are not read twice.
      if (isRequirementsFile(target) && !isVendoredPath(target)) continue;
      if (depth >= MAX_INCLUDE_DEPTH) {
        out.problem(
          `requirement files included more than ${MAX_INCLUDE_DEPTH} deep are not read`,
          inc.line,
        );
        continue;
      }
      const included = snapshot.read(target);
      if (included === undefined) continue;
      out.included.push(target);
      queue.push({ file: target, text: included, depth: depth + 1 });
    }
  }
}

function readRequirements(
  file: string,
  text: string,
  { out }: LockfileInput,
): {
  requirements: Requirement[];
  includes: Array<{ path: string; line: number }>;
} {
  const requirements: Requirement[] = [];
  const includes: Array<{ path: string; line: number }> = [];
  let last: Requirement | undefined;
  let inVia = false;
  let lineNo = 0;
  let from = 0;
  let logical = '';
  let logicalStart = 0;
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    let raw = text.slice(from, to);
    from = to + 1;
    lineNo++;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const trimmed = raw.trim();
    if (!logical && trimmed.startsWith('#')) {
      // pip-compile: `# via flask`, or `# via` then `#   -r requirements.in`.
      const body = trimmed.replace(/^#+/, '').trim();
      if (body.startsWith('via')) inVia = /^via(\s|$)/.test(body);
      if (inVia && last) {
        const item = body.startsWith('via') ? body.slice(3).trim() : body;
        if (item) last.via = (last.via ?? false) || isProjectVia(item);
        else last.via = last.via ?? false;
      }
      continue;
    }
    inVia = false;
    if (!logical) logicalStart = lineNo;
    const line = stripTrailingComment(raw);
    if (line.endsWith('\\')) {
      logical += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = (logical + line).trim();
    logical = '';
    if (!whole) continue;
    if (whole.startsWith('-')) {
      const inc = includeOf(whole);
      if (inc) includes.push({ path: inc, line: logicalStart });
      continue;
    }
    const r = parseRequirement(whole);
    if (r === 'skip') continue;
    if (!r) {
      out.problems.push({
        file,
        line: logicalStart,
        column: 1,
        kind: 'parse-error',
        message: 'not a requirement: expected a package name',
      });
      continue;
    }
    last = { ...r, line: logicalStart, file };
    requirements.push(last);
  }
  return { requirements, includes };
}

/** A `# via` item that is the project itself: `-r requirements.in`, `app (pyproject.toml)`. */
function isProjectVia(item: string): boolean {
  return (
    item.startsWith('-r ') ||
    item.endsWith('(pyproject.toml)') ||
    item.endsWith('(setup.py)') ||
    item.endsWith('(setup.cfg)')
  );
}

/** The file of `-r file`, `--requirement file`, `--requirement=file`, `-rfile`. */
function includeOf(line: string): string | undefined {
  const words = line.split(/\s+/);
  const [first, second] = words;
  if (first === '-r' || first === '--requirement') return second;
  if (first.startsWith('--requirement=')) {
    return first.slice('--requirement='.length);
  }
  if (first.startsWith('-r') && !first.startsWith('--')) return first.slice(2);
  return undefined;
}

const NAME_CHAR = /[A-Za-z0-9._-]/;

/**
 * One requirement (PEP 508 without URLs): name, extras, version clauses,
 * `; markers`, per-requirement options such as `--hash`. Scanned by hand,
 * in linear time; 'skip' for URLs, paths and direct references.
 */
export function parseRequirement(
  line: string,
): { name: string; version: string; exact: boolean } | 'skip' | undefined {
  if (
    line.includes('://') ||
    line.startsWith('.') ||
    line.startsWith('/') ||
    line.startsWith('git+')
  ) {
    return 'skip';
  }
  let i = 0;
  while (i < line.length && NAME_CHAR.test(line[i])) i++;
  const name = line.slice(0, i);
  if (!name || !/[A-Za-z0-9]/.test(name[0])) return undefined;
  let rest = line.slice(i).trimStart();
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    rest = close === -1 ? '' : rest.slice(close + 1).trimStart();
  }
  if (rest.startsWith('@')) return 'skip';
  let end = rest.length;
  const semi = rest.indexOf(';');
  if (semi !== -1) end = semi;
  const option = rest.indexOf(' -');
  if (option !== -1 && option < end) end = option;
  if (rest.startsWith('-')) end = 0;
  const spec = rest.slice(0, end).replace(/\s+/g, '');
  const clauses = spec.split(',').filter(Boolean);
  if (clauses.length === 1) {
    const c = clauses[0];
    const op = c.startsWith('===') ? 3 : c.startsWith('==') ? 2 : 0;
    const version = c.slice(op);
    if (op && /^[A-Za-z0-9._+!-]+$/.test(version)) {
      return { name, version, exact: true };
    }
  }
  return { name, version: spec, exact: false };
}
