import { isScalar, Node, Scalar, visit } from 'yaml';
import {
  findExpressions,
  Workflow,
  WorkflowJob,
  WorkflowStep,
} from '../parsers/githubActions';
import { LocatedString, SourceRange } from '../parsers/yaml';
import { commandWords, programName, shellCommands } from '../parsers/scripts';
import { joinRepoPath } from '../parsers/text/repoPath';
import { CheckFinding } from '../checks/types';
import { RepoSnapshot } from '../snapshot';

/** A full 40-character commit SHA: the only immutable `uses:` ref. */
export const COMMIT_SHA_RE = /^[0-9a-f]{40}$/i;

/** The location part of a finding, from a range in a workflow. */
export function at(
  wf: Workflow,
  range: SourceRange,
): Pick<
  CheckFinding,
  'file' | 'line' | 'column' | 'endLine' | 'endColumn' | 'snippet'
> {
  return {
    file: wf.path,
    line: range.line,
    column: range.column,
    endLine: range.endLine,
    endColumn: range.endColumn,
    snippet: wf.file.lineText(range.line).trim(),
  };
}

/** One `${{ … }}` expression found in a scalar of a workflow, with its location helpers. */
export interface LocatedExpression {
  /** The scalar holding it. */
  value: LocatedString;
  /** The text between the braces. */
  inner: string;
  /** Offset of `${{` in the scalar's value. */
  start: number;
  end: number;
  /** The job it belongs to (undefined for workflow-level values). */
  job?: WorkflowJob;
  /** Whether the scalar is an `if:` value (whose whole text is an expression). */
  isCondition: boolean;
}

/**
 * Every expression of a workflow: `${{ … }}` spans of every scalar, plus the
 * bare expressions of `if:` values (which need no braces).
 */
export function workflowExpressions(wf: Workflow): LocatedExpression[] {
  let cached = expressionCache.get(wf);
  if (!cached) {
    cached = collectExpressions(wf);
    expressionCache.set(wf, cached);
  }
  return cached;
}

/** Several checks read every expression of a workflow: walk each document once. */
const expressionCache = new WeakMap<Workflow, LocatedExpression[]>();

function collectExpressions(wf: Workflow): LocatedExpression[] {
  const out: LocatedExpression[] = [];
  const jobOf = (offset: number) =>
    wf.jobs.find(j => {
      const r = j.node.range;
      return r && offset >= r[0] && offset < r[2];
    });
  const seen = new Set<Scalar>();
  visit(wf.file.doc, {
    Pair(_, pair) {
      if (
        isScalar(pair.key) &&
        String(pair.key.value) === 'if' &&
        isScalar(pair.value)
      ) {
        const loc = wf.file.located(pair.value);
        if (!loc) return;
        seen.add(pair.value as Scalar);
        const job = jobOf((pair.value as Node).range?.[0] ?? 0);
        const spans = findExpressions(loc.value);
        if (spans.length === 0) {
          out.push({
            value: loc,
            inner: loc.value,
            start: 0,
            end: loc.value.length,
            job,
            isCondition: true,
          });
        } else {
          for (const s of spans) {
            out.push({
              value: loc,
              inner: s.inner,
              start: s.start,
              end: s.end,
              job,
              isCondition: true,
            });
          }
        }
      }
    },
    Scalar(_, node) {
      if (seen.has(node) || typeof node.value !== 'string') return;
      if (!node.value.includes('${{')) return;
      const loc = wf.file.located(node);
      if (!loc) return;
      const job = jobOf(node.range?.[0] ?? 0);
      for (const s of findExpressions(loc.value)) {
        out.push({
          value: loc,
          inner: s.inner,
          start: s.start,
          end: s.end,
          job,
          isCondition: false,
        });
      }
    },
  });
  return out;
}

/** The range of a substring `needle` found at or after `from` in an expression's scalar. */
export function rangeInExpression(
  wf: Workflow,
  e: LocatedExpression,
  needleOffsetInInner: number,
  length: number,
): SourceRange {
  // `inner` is trimmed: find where it starts in the scalar value.
  const raw = e.value.value.slice(e.start, e.end);
  const innerAt = e.start + Math.max(0, raw.indexOf(e.inner));
  return wf.file.locateIn(e.value, innerAt + needleOffsetInInner, length);
}

/** All `uses:` references of a workflow (job-level reusable workflows and steps). */
export function usesRefs(wf: Workflow): Array<{
  uses: LocatedString;
  job: WorkflowJob;
  where: string;
  stepIndex?: number;
}> {
  const out: Array<{
    uses: LocatedString;
    job: WorkflowJob;
    where: string;
    stepIndex?: number;
  }> = [];
  for (const job of wf.jobs) {
    if (job.uses) out.push({ uses: job.uses, job, where: job.id });
    for (const step of job.steps) {
      if (step.uses) {
        out.push({
          uses: step.uses,
          job,
          where: `${job.id}[${step.index}]`,
          stepIndex: step.index,
        });
      }
    }
  }
  return out;
}

export interface ParsedUses {
  /** `owner/repo`, lower-cased. */
  repo: string;
  owner: string;
  name: string;
  /** Sub-path inside the repository (`.github/workflows/x.yml`, `sub/action`). */
  path: string;
  ref?: string;
}

/** Split a remote `uses:` value; undefined for local (`./`) and `docker://` uses. */
export function parseUses(value: string): ParsedUses | undefined {
  const v = value.trim();
  if (
    !v ||
    v.startsWith('./') ||
    v.startsWith('../') ||
    v.startsWith('docker://')
  ) {
    return undefined;
  }
  const atIdx = v.lastIndexOf('@');
  const path = atIdx === -1 ? v : v.slice(0, atIdx);
  const ref = atIdx === -1 ? undefined : v.slice(atIdx + 1);
  const parts = path.split('/');
  if (parts.length < 2 || !parts[0] || !parts[1]) return undefined;
  const owner = parts[0].toLowerCase();
  const name = parts[1].toLowerCase();
  return {
    repo: `${owner}/${name}`,
    owner,
    name,
    path: parts.slice(2).join('/'),
    ref,
  };
}

/** The comment after a `uses:` value on its line, if any (`# v4.1.1`). */
export function trailingComment(
  wf: Workflow,
  loc: LocatedString,
): string | undefined {
  const text = wf.file.lineText(loc.range.endLine);
  const rest = text.slice(Math.max(0, loc.range.endColumn - 1));
  const m = /(?:^|\s)#\s*(.*)$/.exec(rest);
  return m ? m[1].trim() : undefined;
}

/** Triggers that run a workflow on the changes of a pull request. */
export const PULL_REQUEST_TRIGGERS: readonly string[] = [
  'pull_request',
  'pull_request_target',
  'merge_group',
];

/**
 * Triggers through which people outside the repository start a run on their
 * pull request, including its reviews and review comments (a merge queue
 * only runs changes a maintainer has already approved).
 */
export const UNTRUSTED_PULL_REQUEST_TRIGGERS: readonly string[] = [
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
];

/** The names of the secrets an expression reads (`secrets.X` or `secrets['X']`). */
export function secretsReferences(expression: string): string[] {
  const names: string[] = [];
  const re =
    /\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']*)'\s*\])/g;
  let m: RegExpExecArray | null;
  const stripped = stripStrings(expression, /secrets\s*\[\s*$/);
  while ((m = re.exec(stripped))) names.push(m[1] ?? m[2]);
  return names;
}

/**
 * Blank out string literals of an expression (keeping offsets), except those
 * right after a prefix matching `keep` (e.g. an index `secrets['X']`).
 */
export function stripStrings(expression: string, keep?: RegExp): string {
  return expression.replace(/'(?:[^']|'')*'/g, (lit, offset: number) => {
    if (keep && keep.test(expression.slice(0, offset))) return lit;
    return `'${' '.repeat(Math.max(0, lit.length - 2))}'`;
  });
}

/**
 * A `with:` input of a step, by name, with its key as written: GitHub reads
 * input names without regard to case (`inlineScript`, `inlinescript`).
 */
export function withInput(
  step: WorkflowStep,
  name: string,
): { key: string; value: LocatedString } | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(step.with).find(k => k.toLowerCase() === wanted);
  return key === undefined ? undefined : { key, value: step.with[key] };
}

/** A call of a local action or reusable workflow (`uses: ./…`). */
export interface LocalCall {
  caller: Workflow;
  /** The called path, without `./`, a trailing `/` or a ref. */
  target: string;
  /** `step` for an action, `job` for a reusable workflow. */
  via: 'step' | 'job';
}

/** Every local action and reusable workflow that the repository's workflows call. */
export function localCalls(workflows: readonly Workflow[]): LocalCall[] {
  const calls: LocalCall[] = [];
  const add = (
    caller: Workflow,
    uses: string | undefined,
    via: LocalCall['via'],
  ) => {
    const v = uses?.trim();
    if (!v?.startsWith('./')) return;
    calls.push({
      caller,
      target: v.slice(2).split('@')[0].replace(/\/+$/, ''),
      via,
    });
  };
  for (const wf of workflows) {
    if (wf.kind !== 'workflow') continue;
    for (const job of wf.jobs) {
      add(wf, job.uses?.value, 'job');
      for (const step of job.steps) add(wf, step.uses?.value, 'step');
    }
  }
  return calls;
}

/** Interpreters whose first non-option argument is a script to run. */
const INTERPRETERS = new Set([
  'bash',
  'sh',
  'zsh',
  'dash',
  'ksh',
  'source',
  '.',
  'python',
  'python3',
  'node',
  'ruby',
  'perl',
  'pwsh',
  'powershell',
]);

/** At most this many scripts are followed per step. */
const MAX_SCRIPTS_PER_STEP = 8;

/**
 * The repository scripts a `run:` step executes: `./scripts/x.sh`,
 * `bash scripts/x.sh`, `python tools/y.py`… resolved against the step's
 * (or the job's) `working-directory:` and kept when the snapshot has them.
 * One level: scripts called by those scripts are not followed.
 */
export function calledScripts(
  snapshot: RepoSnapshot,
  job: WorkflowJob,
  step: WorkflowStep,
): string[] {
  if (!step.run) return [];
  const dir = workingDirectory(job, step);
  const out = new Set<string>();
  for (const cmd of shellCommands(step.run.value)) {
    const words = commandWords(cmd);
    const first = words[0]?.value ?? '';
    let candidate: string | undefined;
    if (INTERPRETERS.has(programName(words[0]))) {
      candidate = words.slice(1).find(w => !w.value.startsWith('-'))?.value;
    } else if (/^\.{0,2}\//.test(first) || first.includes('/')) {
      candidate = first;
    }
    if (!candidate || /[$`*?]/.test(candidate)) continue;
    const path = dir.includes('${{')
      ? joinRepoPath('', candidate)
      : joinRepoPath(dir, candidate);
    if (path && snapshot.exists(path)) out.add(path);
    if (out.size >= MAX_SCRIPTS_PER_STEP) break;
  }
  return [...out];
}

function workingDirectory(job: WorkflowJob, step: WorkflowStep): string {
  const own = step.node.get('working-directory');
  if (typeof own === 'string') return own;
  const defaults = job.node.getIn(['defaults', 'run', 'working-directory']);
  return typeof defaults === 'string' ? defaults : '';
}
