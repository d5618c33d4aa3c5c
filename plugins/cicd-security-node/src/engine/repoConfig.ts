import { isMap } from 'yaml';
import { Minimatch } from 'minimatch';
import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import {
  addProblems,
  getNode,
  parseYaml,
  seqItems,
  toJS,
} from '../parsers/yaml';
import { RepoSnapshot } from '../snapshot';

/** Names the repository configuration file may have, first found wins. */
export const REPO_CONFIG_FILES = [
  '.cicd-security.yaml',
  '.cicd-security.yml',
  '.github/cicd-security.yaml',
  '.github/cicd-security.yml',
];

/** A waiver: a check (optionally one path or one finding) accepted until an expiry date. */
export interface Waiver {
  check: string;
  /** Glob of the files it covers; all files when absent. */
  path?: string;
  /** One finding's fingerprint, when the waiver is that narrow. */
  fingerprint?: string;
  reason: string;
  /** A calendar date, YYYY-MM-DD; the waiver stops applying after that day (UTC). */
  expires: string;
  /** Line of the waiver in the config file. */
  line?: number;
}

/** The repository's own cicd-security configuration (`.cicd-security.yaml`). */
export interface RepoConfig {
  file?: string;
  /** Globs of files the scan does not read. */
  ignorePaths: string[];
  /** Check ids that do not run for this repository. */
  disable: string[];
  waivers: Waiver[];
}

export const EMPTY_REPO_CONFIG: RepoConfig = {
  ignorePaths: [],
  disable: [],
  waivers: [],
};

/**
 * Read `.cicd-security.yaml` from the snapshot. Invalid entries are reported as
 * problems with their location and skipped; the rest of the file still applies.
 */
export function readRepoConfig(snapshot: RepoSnapshot): RepoConfig {
  const file = REPO_CONFIG_FILES.find(f => snapshot.exists(f));
  if (!file) return EMPTY_REPO_CONFIG;
  const text = snapshot.read(file);
  if (text === undefined) return { ...EMPTY_REPO_CONFIG, file };
  const { file: yaml, problems } = parseYaml(file, text);
  addProblems(snapshot.problems, problems);
  if (!yaml) return { ...EMPTY_REPO_CONFIG, file };
  const problem = (message: string, line = 1): ScanProblem => ({
    file,
    line,
    column: 1,
    kind: 'parse-error',
    message,
  });
  const root = yaml.root();
  if (!root) {
    if (yaml.doc.contents !== null)
      snapshot.problems.push(problem('expected a mapping'));
    return { ...EMPTY_REPO_CONFIG, file };
  }
  const js = (toJS(yaml, root) ?? {}) as Record<string, unknown>;
  const strings = (v: unknown, key: string): string[] => {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v) && v.every(x => typeof x === 'string'))
      return v as string[];
    snapshot.problems.push(problem(`${key} must be a list of strings`));
    return [];
  };
  const ignore = js.ignore as Record<string, unknown> | string[] | undefined;
  const ignoreNode = yaml.deref(getNode(root, 'ignore'));
  const ignoreItems = seqItems(
    yaml.deref(
      Array.isArray(ignore) ? ignoreNode : getNode(ignoreNode, 'paths'),
    ),
  );
  // Globs cost time to compile: each is bounded, and so is their total.
  let globChars = 0;
  const refuseGlob = (glob: string): string | undefined => {
    if (glob.length > MAX_GLOB_LENGTH) {
      return `is longer than ${MAX_GLOB_LENGTH} characters`;
    }
    globChars += glob.length;
    return globChars > MAX_GLOB_CHARS
      ? `is past the total of ${MAX_GLOB_CHARS} characters of globs in this file`
      : undefined;
  };
  const lineOf = (node: unknown, fallback = 1) => {
    const range = (node as { range?: [number, number, number] } | undefined)
      ?.range;
    return range ? yaml.pos(range[0]).line : fallback;
  };
  const ignorePaths = (
    Array.isArray(ignore)
      ? strings(ignore, 'ignore')
      : strings(ignore?.paths, 'ignore.paths')
  ).filter((glob, i) => {
    const refused = refuseGlob(glob);
    if (!refused) return true;
    snapshot.problems.push(
      problem(`ignore path ${refused}; it is not used`, lineOf(ignoreItems[i])),
    );
    return false;
  });
  const disable = strings(js.disable ?? (js.checks as any)?.disable, 'disable');
  const waivers: Waiver[] = [];
  const waiverNodes = (root.get('waivers', true) as any)?.items ?? [];
  const list = Array.isArray(js.waivers) ? js.waivers : [];
  list.forEach((w: any, i: number) => {
    const node = waiverNodes[i];
    const line = node?.range ? yaml.pos(node.range[0]).line : 1;
    if (!w || typeof w !== 'object') {
      snapshot.problems.push(problem('a waiver must be a mapping', line));
      return;
    }
    const missing = ['check', 'reason', 'expires'].filter(k => !w[k]);
    if (missing.length) {
      snapshot.problems.push(
        problem(`waiver is missing ${missing.join(', ')}`, line),
      );
      return;
    }
    const refused = w.path ? refuseGlob(String(w.path)) : undefined;
    if (refused) {
      snapshot.problems.push(
        problem(
          `waiver path ${refused}; the waiver does not apply`,
          lineOf(getNode(node, 'path'), line),
        ),
      );
      return;
    }
    const expires =
      w.expires instanceof Date
        ? w.expires.toISOString().slice(0, 10)
        : String(w.expires);
    if (!isCalendarDate(expires)) {
      const expiresNode = node && getNode(node, 'expires');
      snapshot.problems.push(
        problem(
          `waiver expiry '${expires.slice(
            0,
            40,
          )}' is not a date in the form YYYY-MM-DD (e.g. 2027-03-31); the waiver does not apply`,
          expiresNode?.range ? yaml.pos(expiresNode.range[0]).line : line,
        ),
      );
      return;
    }
    waivers.push({
      check: String(w.check),
      path: w.path ? String(w.path) : undefined,
      fingerprint: w.fingerprint ? String(w.fingerprint) : undefined,
      reason: String(w.reason),
      expires,
      line,
    });
  });
  if (isMap(root)) {
    // Nothing else is read; unknown keys are tolerated for forward compatibility.
  }
  return { file, ignorePaths, disable, waivers };
}

/** True for `YYYY-MM-DD` naming a day of the calendar (2026-02-30 is not). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d
  );
}

/**
 * True while a waiver applies: through the whole of its expiry day (UTC).
 * Compares days as dates, on the validated `YYYY-MM-DD` form only.
 */
export function waiverActive(expires: string, now: Date): boolean {
  if (!isCalendarDate(expires)) return false;
  const [y, m, d] = expires.split('-').map(Number);
  return now.getTime() < Date.UTC(y, m - 1, d + 1);
}

/**
 * Longest glob accepted in `ignore` and waiver paths: compiling a glob costs
 * more than linear time in its length (a 3,000-character one takes seconds).
 */
export const MAX_GLOB_LENGTH = 256;
/** Characters of all the globs of one configuration file together. */
export const MAX_GLOB_CHARS = 5_000;

/** A glob compiled once, for matching many paths. */
export function globMatcher(glob: string): (path: string) => boolean {
  if (glob.length > MAX_GLOB_LENGTH) return () => false;
  const m = new Minimatch(glob, { dot: true });
  return path => m.match(path);
}

const ignoreMatchers = new WeakMap<RepoConfig, Array<(p: string) => boolean>>();

/** True when the file is excluded by the repository configuration. */
export function isIgnoredPath(config: RepoConfig, path: string): boolean {
  let matchers = ignoreMatchers.get(config);
  if (!matchers) {
    matchers = config.ignorePaths.flatMap(g => [
      globMatcher(g),
      globMatcher(`${g.replace(/\/$/, '')}/**`),
    ]);
    ignoreMatchers.set(config, matchers);
  }
  return matchers.some(match => match(path));
}
