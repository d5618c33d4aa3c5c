import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';

/**
 * Problems kept per file. A junk file can yield hundreds of thousands of
 * parse errors; the first ones locate the damage, the rest only cost memory.
 */
export const MAX_PROBLEMS_PER_FILE = 100;

/**
 * The first `max` problems of each file, then one note per file that says
 * how many more were left out (a note already present counts as many as it
 * says). Keeps the order of the input.
 */
export function capProblems(
  problems: readonly ScanProblem[],
  max = MAX_PROBLEMS_PER_FILE,
): ScanProblem[] {
  const kept = new Map<string, number>();
  const dropped = new Map<string, { count: number; first: ScanProblem }>();
  const out: ScanProblem[] = [];
  for (const p of problems) {
    const more = moreCount(p);
    const n = kept.get(p.file) ?? 0;
    if (more === undefined && n < max) {
      kept.set(p.file, n + 1);
      out.push(p);
      continue;
    }
    const d = dropped.get(p.file);
    if (d) d.count += more ?? 1;
    else dropped.set(p.file, { count: more ?? 1, first: p });
  }
  for (const [file, { count, first }] of dropped) {
    out.push({
      file,
      kind: first.kind,
      message: moreNote(count),
    });
  }
  return out;
}

const MORE_RE =
  /^and (\d+) more problems? of this file (?:was|were) not listed/;

function moreNote(count: number) {
  return `and ${count} more problem${
    count === 1 ? ' of this file was' : 's of this file were'
  } not listed`;
}

function moreCount(p: ScanProblem): number | undefined {
  const m = MORE_RE.exec(p.message);
  return m && p.line === undefined ? Number(m[1]) : undefined;
}

/**
 * Append problems to a list without `push(...list)`, which throws a
 * RangeError past about 125,000 arguments.
 */
export function addProblems(
  target: ScanProblem[],
  problems: readonly ScanProblem[],
): void {
  for (const p of capProblems(problems)) target.push(p);
}

/** A parser that threw on a file, as a problem at its first line. */
export function parseFailure(path: string, e: unknown): ScanProblem {
  const message = e instanceof Error ? e.message : String(e);
  return {
    file: path,
    line: 1,
    column: 1,
    kind: 'parse-error',
    message: `could not read the file: ${message.split('\n')[0]}`,
  };
}
