import { Severity } from '@cicd-security/plugin-cicd-security-common';
import {
  expressionContexts,
  findExpressions,
  getWorkflows,
  triggersIn,
  UNTRUSTED_CHECKOUT_TRIGGERS,
  Workflow,
  WorkflowJob,
  WorkflowStep,
} from '../parsers/githubActions';
import {
  getNode,
  LocatedString,
  mapEntries,
  SourceRange,
  toJS,
} from '../parsers/yaml';
import { isMap, isSeq } from 'yaml';
import { AzurePipeline, getAzurePipelines } from '../parsers/azurePipelines';
import { RepoSnapshot } from '../snapshot';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Contexts naming the pull request's (or triggering run's) own code. */
const UNTRUSTED_REF_RE = new RegExp(
  `^(?:${[
    'github\\.head_ref',
    'github\\.event\\.pull_request\\.head\\.(?:sha|ref|repo\\.full_name)',
    'github\\.event\\.pull_request\\.merge_commit_sha',
    'github\\.event\\.workflow_run\\.(?:head_sha|head_branch|head_commit\\.id|head_repository\\.full_name)',
    'github\\.event\\.workflow_run\\.pull_requests\\.\\*\\.head\\.(?:sha|ref)',
  ].join('|')})$`,
);
/** On `issue_comment`, the PR head usually arrives through a lookup step's output. */
const LOOKED_UP_HEAD_RE =
  /^(?:steps|needs)\.[^.]+\.outputs\.[^.]*(?:head|sha|ref|branch|pr|pull)[^.]*$/i;
const PULL_REF_RE =
  /\brefs\/pull\/|(?:^|[\s:"'])pull\/(?:\$\{\{[^}]*\}\}|[^\s/]+)\/(?:head|merge)\b/;

/** Start of a shell command: line start, after `;`, `&&`, `|`, `(` or `then`/`do`/`sudo`. */
const CMD = String.raw`(?:^|[;&|(]|\b(?:then|do|sudo|time|exec|env)\s)\s*`;
const cmd = (body: string) => new RegExp(CMD + body);

/** Commands that execute code from the checked-out tree. */
const BUILD_TOOLS: Array<[RegExp, string]> = [
  [
    cmd(
      String.raw`(npm|pnpm|yarn|bun)\s+(ci|i|install|run|test|build|exec|pack|publish)\b`,
    ),
    '$1 $2',
  ],
  [cmd(String.raw`(npm|pnpm|yarn|bun)\b(?!\s+(?:--version|-v)\b)`), '$1'],
  [cmd(String.raw`npx\s+\S+`), 'npx'],
  [cmd(String.raw`make\b`), 'make'],
  [cmd(String.raw`pip3?\s+install\b`), 'pip install'],
  [
    cmd(String.raw`python3?\s+(?:setup\.py|-m\s+(?:pip|build|pytest|tox))\b`),
    'python',
  ],
  [cmd(String.raw`(poetry|pipenv|uv|tox|nox|pytest|pre-commit)\b`), '$1'],
  [cmd(String.raw`(?:\.\/)?(mvnw?|gradlew?)\b`), '$1'],
  [cmd(String.raw`cargo\s+(?:build|test|run|install)\b`), 'cargo'],
  [cmd(String.raw`go\s+(?:build|test|run|generate|install)\b`), 'go'],
  [cmd(String.raw`(bundle|rake|composer|dotnet|msbuild)\b`), '$1'],
  [cmd(String.raw`docker\s+(?:build|compose)\b`), 'docker build'],
  [
    cmd(String.raw`(?:bash|sh|source|\.)\s+\.?\.?\/?[\w./-]+\.(?:sh|bash)\b`),
    'a repository script',
  ],
  [cmd(String.raw`(\.\/[\w./-]+)`), '$1'],
];

/** The first build tool a script runs, and where (offset and length in the script). */
function buildToolAt(
  run: string,
): { label: string; index: number; length: number } | undefined {
  let offset = 0;
  for (const line of run.split('\n')) {
    const code = line.replace(/(^|\s)#.*$/, '');
    for (const [re, label] of BUILD_TOOLS) {
      const m = re.exec(code);
      if (m) {
        const lead = m[0].length - m[0].trimStart().length;
        const start = m.index + lead;
        const end = start + m[0].trim().length;
        // Point at the command, not at the separator before it.
        const sep = /^[;&|(]\s*/.exec(code.slice(start, end));
        const from = start + (sep ? sep[0].length : 0);
        return {
          label: label.replace(/\$(\d)/g, (_, i) => m[Number(i)] ?? ''),
          index: offset + from,
          length: end - from,
        };
      }
    }
    offset += line.length + 1;
  }
  return undefined;
}

function buildToolIn(run: string): string | undefined {
  return buildToolAt(run)?.label;
}

/**
 * Actions that run code or configuration from the checked-out tree: hooks of
 * .pre-commit-config.yaml, checkov's external checks from .checkov.yaml, the
 * Gemfile that `bundle install` evaluates.
 */
function actionRunsCheckedOutCode(step: WorkflowStep): boolean {
  const uses = step.uses?.value.toLowerCase() ?? '';
  if (/^(?:pre-commit\/action|bridgecrewio\/checkov-action)@/.test(uses))
    return true;
  return (
    uses.startsWith('ruby/setup-ruby@') &&
    String(step.with['bundler-cache']?.value).toLowerCase() === 'true'
  );
}

function untrustedRefs(value: string, lookups: boolean): string[] {
  const out: string[] = [];
  for (const span of findExpressions(value)) {
    for (const ref of expressionContexts(span.inner)) {
      if (
        UNTRUSTED_REF_RE.test(ref) ||
        (lookups && LOOKED_UP_HEAD_RE.test(ref))
      )
        out.push(ref);
    }
  }
  if (PULL_REF_RE.test(value))
    out.push(
      value
        .match(PULL_REF_RE)![0]
        .trim()
        .replace(/^["':]/, ''),
    );
  return out;
}

interface Checkout {
  step: WorkflowStep;
  what: string;
  how: string;
  range: SourceRange;
  /** For a checkout in a script: where the rest of the script starts. */
  after?: number;
}

/** Checkouts of untrusted code in one job. */
function checkoutsIn(
  wf: Workflow,
  job: WorkflowJob,
  lookups: boolean,
): Checkout[] {
  const out: Checkout[] = [];
  for (const step of job.steps) {
    if (/^actions\/checkout@/i.test(step.uses?.value ?? '')) {
      for (const input of ['ref', 'repository']) {
        const at: LocatedString | undefined = step.with[input];
        const refs = at ? untrustedRefs(at.value, lookups) : [];
        if (at && refs.length) {
          out.push({
            step,
            what: refs.join(', '),
            how: step.uses!.value,
            range: at.range,
          });
          break;
        }
      }
      continue;
    }
    const run = step.run;
    if (!run) continue;
    let offset = 0;
    for (const line of run.value.split('\n')) {
      const code = line.replace(/(^|\s)#.*$/, '');
      const gh = /\bgh\s+pr\s+checkout\b/.exec(code);
      const git =
        /\bgit\s+(?:fetch|checkout|switch|pull|reset|worktree\s+add)\b/.exec(
          code,
        );
      const refs = git ? untrustedRefs(code, lookups) : [];
      if (git) {
        for (const m of code.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
          if (m[1] === 'GITHUB_HEAD_REF') refs.push('$GITHUB_HEAD_REF');
          const env = step.env[m[1]] ?? job.env[m[1]] ?? wf.env[m[1]];
          const via = env ? untrustedRefs(env.value, lookups) : [];
          if (via.length) refs.push(`$${m[1]} (${via.join(', ')})`);
        }
      }
      const hit = gh ?? (refs.length ? git : null);
      if (hit) {
        out.push({
          step,
          what: gh ? 'the pull request' : refs.join(', '),
          how: hit[0].replace(/\s+/g, ' '),
          range: wf.file.locateIn(run, offset + hit.index, hit[0].length),
          after: offset + hit.index + hit[0].length,
        });
      }
      offset += line.length + 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Azure Pipelines
// ---------------------------------------------------------------------------

/** Fact: the pipeline settings make secrets available to builds of forks. */
export const AZURE_FORK_SECRETS_FACT = 'azure.forkBuildsExposeSecrets';

/** Does the pipeline build pull requests? `pr: none`/`false` opts out; no `pr:` means every branch. */
function azurePrEnabled(az: AzurePipeline): boolean {
  const root = az.file.root();
  if (!root) return false;
  if (!root.has('pr')) return true;
  const pr = toJS(az.file, getNode(root, 'pr'));
  if (pr === null || pr === undefined) return true;
  if (pr === false || (typeof pr === 'string' && /^(none|false)$/i.test(pr)))
    return false;
  return true;
}

/** `checkout:` steps anywhere in the file. */
function azureCheckouts(
  az: AzurePipeline,
): Array<{ target: LocatedString; persist?: LocatedString }> {
  const out: Array<{ target: LocatedString; persist?: LocatedString }> = [];
  const walk = (n: unknown, depth: number) => {
    if (depth > 40) return;
    if (isSeq(n)) n.items.forEach(i => walk(i, depth + 1));
    if (!isMap(n)) return;
    const target = az.file.located(getNode(n, 'checkout'));
    if (target)
      out.push({
        target,
        persist: az.file.located(getNode(n, 'persistCredentials')),
      });
    for (const [, , v] of mapEntries(n)) walk(v, depth + 1);
  };
  walk(az.file.root(), 0);
  return out;
}

const AZURE_PR_REF_RE =
  /\$\(\s*System\.PullRequest\.(?:SourceBranch|SourceCommitId)\s*\)|\brefs\/pull\//i;

function azureFindings(snapshot: RepoSnapshot): {
  pipelines: number;
  findings: CheckFinding[];
  unknown: number;
} {
  const findings: CheckFinding[] = [];
  const fact = snapshot.fact(AZURE_FORK_SECRETS_FACT);
  let pipelines = 0;
  let unknown = 0;
  for (const az of getAzurePipelines(snapshot)) {
    if (!azurePrEnabled(az)) continue;
    pipelines++;
    const tools = new Set<string>();
    for (const s of az.scripts) {
      const tool = buildToolIn(s.script.value);
      if (tool) tools.add(`\`${tool}\``);
    }
    const runs = tools.size
      ? `; its scripts run ${[...tools].join(', ')}, which execute that code`
      : '';
    const loc = (r: SourceRange) => ({
      file: az.path,
      line: r.line,
      column: r.column,
      endLine: r.endLine,
      endColumn: r.endColumn,
      snippet: az.file.lineText(r.line).trim(),
    });
    for (const c of azureCheckouts(az)) {
      if (!c.persist || String(c.persist.value).toLowerCase() !== 'true')
        continue;
      findings.push({
        message: `checkout: ${c.target.value} persists the pipeline's access token (persistCredentials: true) in a pipeline that builds pull requests; code from a pull request can read it from .git/config${runs}`,
        ...loc(c.persist.range),
        fingerprintKey: `azure:${az.path}:persist:${c.target.value}`,
        suggestedFix: {
          description:
            'Do not persist credentials in pull request builds; pass $(System.AccessToken) only to the step that needs it, in a pipeline that does not build forks',
          replacement: 'persistCredentials: false',
        },
      });
    }
    for (const s of az.scripts) {
      const text = s.script.value;
      let offset = 0;
      for (const line of text.split('\n')) {
        const git =
          /\bgit\s+(?:fetch|checkout|switch|pull|reset|worktree\s+add)\b/.exec(
            line,
          );
        const ref = git ? AZURE_PR_REF_RE.exec(line) : null;
        if (git && ref) {
          const r = az.file.locateIn(
            s.script,
            offset + git.index,
            git[0].length,
          );
          findings.push({
            message: `${git[0]} of ${ref[0]} checks out the pull request's own code by hand${runs}; if this pipeline's fork builds receive secrets (a pipeline setting), the contributor's code runs with them`,
            ...loc(r),
            severity: 'high',
            fingerprintKey: `azure:${az.path}:${s.context}:${ref[0]}`,
            suggestedFix: {
              description:
                'Keep fork builds without secrets ("Make secrets available to builds of forks" off) and build the pull request\'s code only there',
            },
          });
        }
        offset += line.length + 1;
      }
    }
    // Fork PR builds with secrets are a pipeline setting, not a file.
    if (fact.available && fact.value === true) {
      // Without checkout steps Azure checks `self` out first; with them, only
      // scripts after a checkout of code see it.
      const checkouts = azureCheckouts(az).filter(
        c => c.target.value.toLowerCase() !== 'none',
      );
      const explicit = azureCheckouts(az).length > 0;
      for (const s of az.scripts) {
        if (
          explicit &&
          !checkouts.some(c => c.target.range.line < s.script.range.line)
        )
          continue;
        const tool = buildToolIn(s.script.value);
        if (!tool) continue;
        findings.push({
          message: `This pipeline builds pull requests from forks with secrets available (pipeline setting); \`${tool}\` runs the contributor's code with them`,
          ...loc(s.script.range),
          fingerprintKey: `azure:${az.path}:${s.context}:fork-secrets:${tool}`,
          suggestedFix: {
            description:
              'Turn off "Make secrets available to builds of forks" (and "Make fork builds have the same permissions as regular builds")',
          },
        });
      }
    } else if (!fact.available && tools.size) unknown++;
  }
  return { pipelines, findings, unknown };
}

/**
 * `pull_request_target`, `workflow_run` and `issue_comment` run with the base
 * repository's token and secrets; checking out the pull request's code there
 * hands both to whoever opened it ("pwn request").
 */
export const untrustedCheckout = createScorecardCheck({
  id: 'untrusted-checkout',
  title: 'No untrusted checkout in privileged triggers',
  description:
    "Workflows triggered by pull_request_target, workflow_run or issue_comment do not check out and build the pull request's code, which would run it with the base repository's token and secrets.",
  category: 'access-control',
  severity: 'critical',
  platforms: ['github-actions', 'azure-pipelines'],
  frameworks: [
    { framework: 'zizmor', control: 'dangerous-triggers' },
    { framework: 'poutine', control: 'untrusted_checkout_exec' },
  ],
  remediationUrl:
    'https://securitylab.github.com/research/github-actions-preventing-pwn-requests/',
  run(snapshot) {
    const workflows = getWorkflows(snapshot).filter(
      wf =>
        wf.kind === 'workflow' &&
        triggersIn(wf, UNTRUSTED_CHECKOUT_TRIGGERS).length > 0,
    );
    const azure = azureFindings(snapshot);
    if (workflows.length === 0 && azure.pipelines === 0) {
      return outcome.notApplicable(
        'no workflow triggered by pull_request_target, workflow_run or issue_comment, and no Azure pipeline building pull requests',
      );
    }
    const findings: CheckFinding[] = [...azure.findings];
    for (const wf of workflows) {
      const triggers = triggersIn(wf, UNTRUSTED_CHECKOUT_TRIGGERS).join(', ');
      const lookups = wf.triggers.includes('issue_comment');
      for (const job of wf.jobs) {
        const checkouts = checkoutsIn(wf, job, lookups);
        // The steps that run the checked-out code: one finding each, where
        // the code runs, naming the checkouts before it.
        const execs = new Map<
          string,
          {
            step: WorkflowStep;
            tool: string;
            range: SourceRange;
            from: Checkout[];
          }
        >();
        for (const c of checkouts) {
          for (const s of job.steps) {
            if (s.index < c.step.index || (s === c.step && s.uses)) continue;
            let tool: string | undefined;
            let range: SourceRange | undefined;
            if (s.run) {
              // A checkout in a script counts the rest of that script.
              const base = s === c.step ? c.after ?? 0 : 0;
              const t = buildToolAt(s.run.value.slice(base));
              if (t) {
                tool = `\`${t.label}\``;
                range = wf.file.locateIn(s.run, base + t.index, t.length);
              }
            } else if (s.uses?.value.startsWith('./')) {
              tool = `the local action \`${s.uses.value}\``;
              range = s.uses.range;
            } else if (s.uses && actionRunsCheckedOutCode(s)) {
              tool = `\`${s.uses.value}\``;
              range = s.uses.range;
            }
            if (!tool || !range) continue;
            const key = `${range.line}:${range.column}`;
            const e = execs.get(key) ?? { step: s, tool, range, from: [] };
            if (!e.from.includes(c)) e.from.push(c);
            execs.set(key, e);
          }
        }
        for (const e of execs.values()) {
          const from = e.from
            .map(c => `${c.how} of ${c.what} (line ${c.range.line})`)
            .join(', ');
          findings.push({
            message: `${e.tool} runs code from the pull request, checked out by ${from}, with the token and secrets of a workflow triggered by ${triggers}`,
            file: wf.path,
            line: e.range.line,
            column: e.range.column,
            endLine: e.range.endLine,
            endColumn: e.range.endColumn,
            snippet: wf.file.lineText(e.range.line).trim(),
            fingerprintKey: `${job.id}:${e.step.id ?? e.step.index}:runs:${
              e.tool
            }`,
            suggestedFix: {
              description:
                'Build untrusted code in a pull_request workflow with a read-only token, and hand results to the privileged workflow as an artifact that is treated as data',
            },
          });
        }
        for (const c of checkouts) {
          if ([...execs.values()].some(e => e.from.includes(c))) continue;
          findings.push({
            message: `${c.how} checks out ${c.what}, code from the pull request, in a workflow triggered by ${triggers}; any later step that reads or runs these files (build scripts, configuration, local actions) runs them with the workflow's token and secrets`,
            file: wf.path,
            line: c.range.line,
            column: c.range.column,
            endLine: c.range.endLine,
            endColumn: c.range.endColumn,
            snippet: wf.file.lineText(c.range.line).trim(),
            fingerprintKey: `${job.id}:${c.step.id ?? c.step.index}:${c.what}`,
            suggestedFix: {
              description:
                'Build untrusted code in a pull_request workflow with a read-only token, and hand results to the privileged workflow as an artifact that is treated as data',
            },
          });
        }
        // A reusable workflow handed the pull request's ref probably checks it out.
        if (job.uses) {
          for (const [input, value] of Object.entries(job.with)) {
            const refs = untrustedRefs(value.value, lookups);
            if (!refs.length) continue;
            const severity: Severity = 'high';
            findings.push({
              message: `The reusable workflow ${
                job.uses.value
              } is given ${refs.join(
                ', ',
              )} as input ${input} in a workflow triggered by ${triggers}; if it checks that ref out, the pull request's code runs with this workflow's token and secrets`,
              file: wf.path,
              line: value.range.line,
              column: value.range.column,
              endLine: value.range.endLine,
              endColumn: value.range.endColumn,
              snippet: wf.file.lineText(value.range.line).trim(),
              severity,
              fingerprintKey: `${job.id}:with.${input}`,
            });
          }
        }
      }
    }
    if (findings.length === 0 && workflows.length === 0 && azure.unknown) {
      return outcome.inconclusive(
        `${azure.unknown} Azure pipeline(s) build pull requests and run build tools; whether builds of forks receive secrets is a pipeline setting that needs the Azure DevOps API (fact ${AZURE_FORK_SECRETS_FACT})`,
      );
    }
    if (findings.length === 0) {
      return outcome.pass(
        `${workflows.length} privileged workflow(s) and ${azure.pipelines} Azure pull request pipeline(s) do not expose secrets to pull request code`,
      );
    }
    return outcome.fail(0, findings);
  },
});
