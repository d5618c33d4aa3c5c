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
import { LocatedString, SourceRange } from '../parsers/yaml';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Contexts naming the pull request's (or triggering run's) own code. */
const UNTRUSTED_REF_RE = new RegExp(
  '^(?:' +
    [
      'github\\.head_ref',
      'github\\.event\\.pull_request\\.head\\.(?:sha|ref|repo\\.full_name)',
      'github\\.event\\.pull_request\\.merge_commit_sha',
      'github\\.event\\.workflow_run\\.(?:head_sha|head_branch|head_commit\\.id|head_repository\\.full_name)',
      'github\\.event\\.workflow_run\\.pull_requests\\.\\*\\.head\\.(?:sha|ref)',
    ].join('|') +
    ')$',
);
/** On `issue_comment`, the PR head usually arrives through a lookup step's output. */
const LOOKED_UP_HEAD_RE =
  /^(?:steps|needs)\.[^.]+\.outputs\.[^.]*(?:head|sha|ref|branch|pr|pull)[^.]*$/i;
const PULL_REF_RE = /\brefs\/pull\/|(?:^|[\s:])pull\/[^\s/]+\/(?:head|merge)\b/;

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

function buildToolIn(run: string): string | undefined {
  for (const line of run.split('\n')) {
    const code = line.replace(/(^|\s)#.*$/, '');
    for (const [re, label] of BUILD_TOOLS) {
      const m = re.exec(code);
      if (m) return label.replace(/\$(\d)/g, (_, i) => m[Number(i)] ?? '');
    }
  }
  return undefined;
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
  if (PULL_REF_RE.test(value)) out.push(value.match(PULL_REF_RE)![0].trim());
  return out;
}

interface Checkout {
  step: WorkflowStep;
  what: string;
  how: string;
  range: SourceRange;
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
        });
      }
      offset += line.length + 1;
    }
  }
  return out;
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
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'owasp-cicd-top10', control: 'CICD-SEC-4' },
    { framework: 'openssf-scorecard', control: 'Dangerous-Workflow' },
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
    if (workflows.length === 0) {
      return outcome.notApplicable(
        'no workflow triggered by pull_request_target, workflow_run or issue_comment',
      );
    }
    const findings: CheckFinding[] = [];
    for (const wf of workflows) {
      const triggers = triggersIn(wf, UNTRUSTED_CHECKOUT_TRIGGERS).join(', ');
      const lookups = wf.triggers.includes('issue_comment');
      for (const job of wf.jobs) {
        for (const c of checkoutsIn(wf, job, lookups)) {
          // A checkout in a script counts the rest of that script too.
          const later = job.steps.filter(
            s => s.index > c.step.index || (s === c.step && !s.uses),
          );
          const tools = new Set<string>();
          for (const s of later) {
            const tool = s.run ? buildToolIn(s.run.value) : undefined;
            if (tool) tools.add(`\`${tool}\``);
            if (s.uses?.value.startsWith('./'))
              tools.add(`the local action \`${s.uses.value}\``);
          }
          const runs = tools.size
            ? `; later steps run ${[...tools].join(
                ', ',
              )}, which execute that code with the workflow's token and secrets`
            : "; any later step that reads or runs these files (build scripts, configuration, local actions) runs them with the workflow's token and secrets";
          findings.push({
            message: `${c.how} checks out ${c.what}, code from the pull request, in a workflow triggered by ${triggers}${runs}`,
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
    if (findings.length === 0) {
      return outcome.pass(
        `${workflows.length} privileged workflow(s) do not check out pull request code`,
      );
    }
    return outcome.fail(0, findings);
  },
});
