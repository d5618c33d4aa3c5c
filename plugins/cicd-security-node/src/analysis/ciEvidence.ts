import { RepoSnapshot } from '../snapshot';
import { stripTrailingComment } from '../parsers/text';
import { getWorkflows, Workflow } from '../parsers/githubActions';
import { getGitlabCi } from '../parsers/gitlabCi';
import { ciFiles } from './ciFiles';
import { PULL_REQUEST_TRIGGERS } from './githubActions';

/**
 * Helpers shared by the checks that look for a tool in the pipelines
 * (dependency, container and secret scanning, SBOM, provenance, tests) and
 * by those that ask whether a pipeline runs on pull/merge requests.
 */

/** A tool recognised on one line of a CI file. */
export interface LineRule {
  tool: string;
  re: RegExp;
  /** The line is not evidence when this also matches it. */
  unless?: RegExp;
}

/** A GitHub Actions step recognised by its `uses:` and, optionally, its inputs. */
export interface ActionRule {
  tool: string;
  uses: RegExp;
  when?: (inputs: Record<string, string>) => boolean;
}

export interface Evidence {
  tool: string;
  file: string;
  line: number;
  column: number;
  endColumn: number;
  snippet: string;
}

/** A full-line comment (`#` in YAML/shell, `//` in Groovy) or the trailing `# comment` of a YAML line. */
function stripComments(line: string, file: string): string {
  if (/^\s*(?:#|\/\/)/.test(line)) return '';
  if (/\.ya?ml$/i.test(file)) return stripTrailingComment(line, true);
  return line;
}

/**
 * The lines of a file with comments blanked (`line` is '' for comment and
 * blank lines), computed once per snapshot: many checks look through the
 * same CI files.
 */
function codeLines(
  snapshot: RepoSnapshot,
  file: string,
): Array<{ raw: string; line: string }> | undefined {
  return snapshot.memo(`ci-evidence:lines:${file}`, () => {
    const text = snapshot.read(file);
    if (text === undefined) return undefined;
    return text.split('\n').map(r => {
      const raw = r.replace(/\r$/, '');
      const line = stripComments(raw, file);
      return { raw, line: line.trim() ? line : '' };
    });
  });
}

/** Every line of `files` where one of the rules matches, in file and line order. */
export function findLineEvidence(
  snapshot: RepoSnapshot,
  rules: LineRule[],
  files: readonly string[] = ciFiles(snapshot),
): Evidence[] {
  const found: Evidence[] = [];
  for (const file of files) {
    const lines = codeLines(snapshot, file);
    if (!lines) continue;
    lines.forEach(({ raw, line }, i) => {
      if (!line) return;
      for (const rule of rules) {
        const m = rule.re.exec(line);
        if (!m || (rule.unless && rule.unless.test(line))) continue;
        found.push({
          tool: rule.tool,
          file,
          line: i + 1,
          column: m.index + 1,
          endColumn: m.index + 1 + m[0].length,
          snippet: raw.trim(),
        });
      }
    });
  }
  return found;
}

/** GitHub Actions steps matching the rules, pointing at their `uses:` value. */
export function findActionEvidence(
  snapshot: RepoSnapshot,
  rules: ActionRule[],
): Evidence[] {
  const found: Evidence[] = [];
  for (const wf of getWorkflows(snapshot)) {
    for (const job of wf.jobs) {
      for (const step of job.steps) {
        const uses = step.uses;
        if (!uses) continue;
        const inputs: Record<string, string> = {};
        for (const [k, v] of Object.entries(step.with))
          inputs[k] = String(v.value);
        for (const rule of rules) {
          if (!rule.uses.test(uses.value) || (rule.when && !rule.when(inputs)))
            continue;
          found.push({
            tool: rule.tool,
            file: wf.path,
            line: uses.range.line,
            column: uses.range.column,
            endColumn: uses.range.endColumn,
            snippet: wf.file.lineText(uses.range.line).trim(),
          });
        }
      }
    }
  }
  return found;
}

/** Both kinds of evidence, sorted by file and line. */
export function findEvidence(
  snapshot: RepoSnapshot,
  lineRules: LineRule[],
  actionRules: ActionRule[] = [],
  files?: readonly string[],
): Evidence[] {
  return [
    ...findLineEvidence(snapshot, lineRules, files),
    ...findActionEvidence(snapshot, actionRules),
  ].sort((a, b) =>
    a.file === b.file
      ? a.line - b.line || a.column - b.column
      : a.file < b.file
      ? -1
      : 1,
  );
}

/** GitLab `include: template:` / `component:` entries whose value matches `re`. */
export function findGitlabIncludes(
  snapshot: RepoSnapshot,
  re: RegExp,
): Evidence[] {
  const found: Evidence[] = [];
  for (const config of getGitlabCi(snapshot)) {
    for (const inc of config.includes) {
      if (
        (inc.kind !== 'template' && inc.kind !== 'component') ||
        !re.test(inc.value.value)
      )
        continue;
      const r = inc.value.range;
      found.push({
        tool: inc.value.value,
        file: config.path,
        line: r.line,
        column: r.column,
        endColumn: r.endColumn,
        snippet: config.file.lineText(r.line).trim(),
      });
    }
  }
  return found;
}

/** GitLab's Auto DevOps template pulls in every security scanner template. */
export const AUTO_DEVOPS_TEMPLATE = /(?:^|\/)Auto-DevOps\.gitlab-ci\.yml$/;

/**
 * Evidence of a scanner: lines and actions matching the rules, plus GitLab
 * Auto DevOps, whose template runs every GitLab security scanner.
 */
export function findScannerEvidence(
  snapshot: RepoSnapshot,
  lineRules: LineRule[],
  actionRules: ActionRule[],
): Evidence[] {
  return [
    ...findEvidence(snapshot, lineRules, actionRules),
    ...findGitlabIncludes(snapshot, AUTO_DEVOPS_TEMPLATE).map(e => ({
      ...e,
      tool: 'GitLab Auto DevOps',
    })),
  ];
}

/** True when a `push:` trigger runs on every branch (so on the branches of pull requests too). */
function pushOnAllBranches(config: unknown): boolean {
  if (config === null || config === undefined || typeof config !== 'object')
    return true;
  const c = config as Record<string, unknown>;
  if (c.branches === undefined && c['branches-ignore'] === undefined)
    return c.tags === undefined;
  const branches = Array.isArray(c.branches) ? c.branches.map(String) : [];
  return branches.some(b => b === '**' || b === '*' || b === '**/*');
}

function workflowOnPullRequests(
  workflows: Workflow[],
  wf: Workflow,
  seen: Set<string>,
): boolean {
  if (seen.has(wf.path)) return false;
  seen.add(wf.path);
  if (wf.triggers.some(t => PULL_REQUEST_TRIGGERS.includes(t))) return true;
  if (wf.triggers.includes('push') && pushOnAllBranches(wf.triggerConfig.push))
    return true;
  // A reusable workflow or a local action runs on pull requests when a caller does.
  const target =
    wf.kind === 'workflow' ? wf.path : wf.path.replace(/\/action\.ya?ml$/, '');
  if (wf.kind === 'workflow' && !wf.triggers.includes('workflow_call'))
    return false;
  return workflows.some(caller => {
    const calls = caller.jobs.some(
      job =>
        sameLocal(job.uses?.value, target) ||
        job.steps.some(step => sameLocal(step.uses?.value, target)),
    );
    return calls && workflowOnPullRequests(workflows, caller, seen);
  });
}

function sameLocal(uses: string | undefined, target: string): boolean {
  if (!uses || !uses.startsWith('./')) return false;
  return (
    uses.replace(/^\.\//, '').replace(/\/$/, '').replace(/@.*$/, '') === target
  );
}

/**
 * Whether a CI file runs on pull/merge requests. GitHub Actions: a
 * `pull_request`/`pull_request_target`/`merge_group` trigger, a `push` on every
 * branch, or a caller that does. Azure Pipelines: unless `pr: none`. GitLab,
 * Jenkins (multibranch), CircleCI and others build every pushed branch, so the
 * branches of merge requests too, unless the file restricts its pipelines to
 * tags or the default branch only.
 */
export function runsOnPullRequests(
  snapshot: RepoSnapshot,
  file: string,
): boolean {
  if (/^\.github\/workflows\/|(?:^|\/)action\.ya?ml$/.test(file)) {
    const workflows = getWorkflows(snapshot);
    const wf = workflows.find(w => w.path === file);
    return wf ? workflowOnPullRequests(workflows, wf, new Set()) : false;
  }
  const text = snapshot.read(file) ?? '';
  if (/azure-pipelines|^\.azure-pipelines\//.test(file)) {
    return !/^pr:\s*['"]?none['"]?\s*$/m.test(text);
  }
  if (/^\.gitlab-ci\.ya?ml$|^\.gitlab\//.test(file)) {
    if (
      /merge_request_event|CI_MERGE_REQUEST_|^\s*-\s*merge_requests\b/m.test(
        text,
      )
    )
      return true;
    // `workflow: rules:` that only let tag or default-branch pipelines through.
    const workflowRules = /^workflow:\s*\n((?:[ \t]+.*\n?|\s*\n)*)/m.exec(
      text,
    )?.[1];
    if (workflowRules && /\bif:/.test(workflowRules)) {
      const ifs = [...workflowRules.matchAll(/\bif:\s*(.*)/g)].map(m => m[1]);
      const whenNever = /when:\s*never/.test(workflowRules) && ifs.length === 1;
      if (
        !whenNever &&
        ifs.every(c =>
          /CI_COMMIT_TAG|==\s*\$CI_DEFAULT_BRANCH|CI_PIPELINE_SOURCE\s*==\s*["']?(?:schedule|web)/.test(
            c,
          ),
        )
      ) {
        return false;
      }
    }
    return true;
  }
  return true;
}
