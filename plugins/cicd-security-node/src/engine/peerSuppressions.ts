import { Finding, Severity } from '@cicd-security/plugin-cicd-security-common';
import { getWorkflows } from '../parsers/githubActions';
import { addProblems, parseYaml, toJS } from '../parsers/yaml';
import { RepoSnapshot } from '../snapshot';
import { globMatcher, MAX_GLOB_CHARS, MAX_GLOB_LENGTH } from './repoConfig';

/**
 * Suppressions written for other scanners, honoured so that teams that
 * already triaged with zizmor or poutine do not triage again. Which of their
 * rules match which of our checks is data, here and in
 * `docs/PEER-SUPPRESSIONS.md`; a rule with no equivalent suppresses nothing.
 */

/** zizmor audit → the checks that report the same problem. */
export const ZIZMOR_AUDITS: Readonly<Record<string, readonly string[]>> = {
  'unpinned-uses': ['unpinned-actions'],
  'template-injection': ['script-injection'],
  'excessive-permissions': ['excessive-token-permissions'],
  'dangerous-triggers': ['untrusted-checkout'],
  artipacked: ['persisted-checkout-credentials'],
  'cache-poisoning': ['cache-poisoning'],
  'github-env': ['github-env-abuse'],
  'self-hosted-runner': ['self-hosted-runner-on-prs'],
  'hardcoded-container-credentials': ['hardcoded-registry-credentials'],
  'unpinned-images': ['unpinned-images'],
  'bot-conditions': ['spoofable-bot-conditions'],
  'overprovisioned-secrets': ['overexposed-secrets'],
  'secrets-inherit': ['overexposed-secrets'],
  'secrets-outside-env': ['secrets-outside-environment'],
  'known-vulnerable-actions': ['known-vulnerable-actions'],
  'unsound-condition': ['unsound-pipeline-conditions'],
  'unsound-contains': ['unsound-pipeline-conditions'],
  'forbidden-uses': ['untrusted-actions'],
  'archived-uses': ['untrusted-actions'],
  'use-trusted-publishing': ['long-lived-credentials'],
};

/** poutine rule → the checks that report the same problem. */
export const POUTINE_RULES: Readonly<Record<string, readonly string[]>> = {
  untrusted_checkout_exec: ['untrusted-checkout'],
  injection: ['script-injection'],
  default_permissions_on_risky_events: ['excessive-token-permissions'],
  pr_runs_on_self_hosted: ['self-hosted-runner-on-prs'],
  unverified_script_exec: ['download-and-execute'],
  github_action_from_unverified_creator_used: ['untrusted-actions'],
  known_vulnerability_in_build_component: ['known-vulnerable-actions'],
  debug_enabled: ['ci-debug-logging'],
  job_all_secrets: ['overexposed-secrets'],
  if_always_true: ['unsound-pipeline-conditions'],
  confused_deputy_auto_merge: ['spoofable-bot-conditions'],
};

/**
 * `# zizmor: ignore[audit, …]`: a YAML comment on the finding's own line
 * (zizmor reads ignores where the finding is; anything after the list is
 * free text).
 */
const ZIZMOR_RE = /#\s*zizmor:\s*ignore\[([a-z0-9,\s-]{1,300})\]/;

/** The zizmor audit that suppresses the finding on this line, if any. */
export function zizmorIgnore(
  line: string,
  checkId: string,
): string | undefined {
  const m = ZIZMOR_RE.exec(line);
  if (!m) return undefined;
  return m[1]
    .split(',')
    .map(s => s.trim())
    .find(audit => ZIZMOR_AUDITS[audit]?.includes(checkId));
}

/** Where poutine's configuration lives. */
export const POUTINE_CONFIG_FILES = ['.poutine.yml', '.poutine.yaml'];

/** One `skip:` entry of `.poutine.yml`: it matches when every field given matches. */
export interface PoutineSkip {
  rule?: string[];
  path?: string[];
  job?: string[];
  level?: string[];
  line: number;
  /** `path` compiled once: an exact path or a glob each. */
  pathMatchers?: Array<(path: string) => boolean>;
}

/** At most this many skip entries are read (the file is the repository's). */
const MAX_SKIPS = 500;

/** Read the `skip:` entries of `.poutine.yml`; malformed ones are problems with a line. */
export function readPoutineSkips(snapshot: RepoSnapshot): {
  file?: string;
  skips: PoutineSkip[];
} {
  const file = POUTINE_CONFIG_FILES.find(f => snapshot.exists(f));
  if (!file) return { skips: [] };
  const text = snapshot.read(file);
  if (text === undefined) return { file, skips: [] };
  const { file: yaml, problems } = parseYaml(file, text);
  addProblems(snapshot.problems, problems);
  const root = yaml?.root();
  if (!yaml || !root) return { file, skips: [] };
  const js = toJS(yaml, root) as { skip?: unknown } | undefined;
  if (!js || !Array.isArray(js.skip)) return { file, skips: [] };
  const nodes =
    (root.get('skip', true) as { items?: Array<{ range?: number[] }> })
      ?.items ?? [];
  const skips: PoutineSkip[] = [];
  // Globs cost time to compile: bounded as in .cicd-security.yaml.
  let globChars = 0;
  js.skip.slice(0, MAX_SKIPS).forEach((entry: unknown, i: number) => {
    const range = nodes[i]?.range;
    const line = range ? yaml.pos(range[0]).line : 1;
    const list = (v: unknown): string[] | undefined => {
      if (v === undefined || v === null) return undefined;
      const items = Array.isArray(v) ? v : [v];
      return items.every(x => typeof x === 'string' || typeof x === 'number')
        ? items.map(String)
        : undefined;
    };
    const e = (entry ?? {}) as Record<string, unknown>;
    const skip: PoutineSkip = { line };
    for (const key of ['rule', 'path', 'job', 'level'] as const) {
      const value = list(e[key]);
      if (value) skip[key] = value;
    }
    // Package URL and advisory skips narrow a vulnerability finding to one
    // package; without that detail here, such an entry suppresses nothing.
    if (e.purl !== undefined || e.osv_id !== undefined) return;
    if (!skip.rule && !skip.path && !skip.job) return;
    if (skip.path) {
      globChars += skip.path.reduce((n, g) => n + g.length, 0);
      if (
        globChars > MAX_GLOB_CHARS ||
        skip.path.some(g => g.length > MAX_GLOB_LENGTH)
      ) {
        // Without its paths the entry would cover every file: it is dropped.
        snapshot.problems.push({
          file,
          line,
          column: 1,
          kind: 'parse-error',
          message: `skip entry's paths are longer than ${MAX_GLOB_LENGTH} characters each or ${MAX_GLOB_CHARS} in all; it is not used`,
        });
        return;
      }
      skip.pathMatchers = skip.path.map(glob => {
        const matches = globMatcher(glob);
        return (path: string) => path === glob || matches(path);
      });
    }
    skips.push(skip);
  });
  return { file, skips };
}

const LEVEL_OF: Record<Severity, string> = {
  low: 'note',
  medium: 'warning',
  high: 'error',
  critical: 'error',
};

/**
 * The poutine skip entry that covers a finding, if any. A `rule` must map
 * to the finding's check; `path` entries are globs; `job` matches the
 * GitHub Actions job whose definition holds the finding's line.
 */
export function poutineSkipFor(
  finding: Finding,
  skips: PoutineSkip[],
  snapshot: RepoSnapshot,
): PoutineSkip | undefined {
  if (!skips.length) return undefined;
  return skips.find(skip => {
    if (
      skip.rule &&
      !skip.rule.some(r => POUTINE_RULES[r]?.includes(finding.checkId))
    ) {
      return false;
    }
    // A skip with neither a known rule nor a path would switch off every
    // check: only rule-scoped entries apply to all files.
    if (!skip.rule && !skip.path) return false;
    if (skip.pathMatchers) {
      const file = finding.file;
      if (!file || !skip.pathMatchers.some(m => m(file))) return false;
    }
    if (skip.level && !skip.level.includes(LEVEL_OF[finding.severity])) {
      return false;
    }
    if (skip.job) {
      const job = jobAt(snapshot, finding.file, finding.line);
      if (!job || !skip.job.includes(job)) return false;
    }
    return true;
  });
}

/** The id of the workflow job whose definition holds the line. */
function jobAt(
  snapshot: RepoSnapshot,
  file: string | undefined,
  line: number | undefined,
): string | undefined {
  if (!file || !line) return undefined;
  const wf = getWorkflows(snapshot).find(w => w.path === file);
  if (!wf) return undefined;
  let found: { id: string; start: number } | undefined;
  for (const job of wf.jobs) {
    const start = job.idRange.line;
    if (start <= line && (!found || start > found.start)) {
      found = { id: job.id, start };
    }
  }
  return found?.id;
}
