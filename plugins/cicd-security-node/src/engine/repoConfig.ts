import { isMap } from 'yaml';
import { minimatch } from 'minimatch';
import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import { addProblems, parseYaml, toJS } from '../parsers/yaml';
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
  /** ISO date (YYYY-MM-DD); the waiver stops applying after that day. */
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
  const ignorePaths = Array.isArray(ignore)
    ? strings(ignore, 'ignore')
    : strings(ignore?.paths, 'ignore.paths');
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
    const expires =
      w.expires instanceof Date
        ? w.expires.toISOString().slice(0, 10)
        : String(w.expires);
    if (Number.isNaN(Date.parse(expires))) {
      snapshot.problems.push(
        problem(`waiver expiry '${expires}' is not a date`, line),
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

/** True when the file is excluded by the repository configuration. */
export function isIgnoredPath(config: RepoConfig, path: string): boolean {
  return config.ignorePaths.some(
    g =>
      minimatch(path, g, { dot: true }) ||
      minimatch(path, `${g.replace(/\/$/, '')}/**`, { dot: true }),
  );
}
