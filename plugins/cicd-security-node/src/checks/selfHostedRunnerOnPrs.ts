import {
  findExpressions,
  getWorkflows,
  WorkflowJob,
} from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome } from './types';
import { at, UNTRUSTED_PULL_REQUEST_TRIGGERS } from '../analysis/githubActions';

/**
 * Labels of GitHub-hosted runners, standard and larger (`ubuntu-latest`,
 * `ubuntu-24.04-arm`, `windows-2022`, `macos-14-xlarge`, `ubuntu-slim`…).
 */
const HOSTED_RE =
  /^(ubuntu|windows|macos)-(latest|slim|\d+(\.\d+)?)(-(arm|arm64|large|xlarge|intel|vs\d+))*$/i;

/** Labels of a `runs-on:` value; undefined when an expression hides them. */
function runnerLabels(job: WorkflowJob): string[] | undefined {
  const raw = job.runsOn;
  const list: unknown[] = [];
  if (typeof raw === 'string') list.push(raw);
  else if (Array.isArray(raw)) list.push(...raw);
  else if (raw && typeof raw === 'object') {
    const o = raw as { group?: unknown; labels?: unknown };
    if (o.group !== undefined) list.push(`group:${String(o.group)}`);
    if (Array.isArray(o.labels)) list.push(...o.labels);
    else if (o.labels !== undefined) list.push(o.labels);
  } else return undefined;
  const labels: string[] = [];
  for (const item of list) {
    const s = String(item).trim();
    const spans = findExpressions(s);
    if (spans.length === 0) {
      labels.push(s);
      continue;
    }
    // `${{ matrix.os }}`: resolve from a literal matrix when possible.
    const m = /^matrix\.([A-Za-z0-9_-]+)$/.exec(spans[0].inner);
    const matrix = job.matrix as Record<string, unknown> | undefined;
    if (spans.length === 1 && m && matrix && Array.isArray(matrix[m[1]])) {
      const values = matrix[m[1]] as unknown[];
      const include = Array.isArray(matrix.include)
        ? (matrix.include as any[])
        : [];
      const extra = include.map(i => i?.[m[1]]).filter(v => v !== undefined);
      for (const v of [...values, ...extra]) {
        if (typeof v !== 'string' || v.includes('${{')) return undefined;
        labels.push(v);
      }
      continue;
    }
    return undefined;
  }
  return labels;
}

/**
 * Pull-request workflows run code from whoever opens the pull request. On a
 * self-hosted runner that code reaches the host, its network and whatever the
 * next job leaves behind: GitHub recommends never using them for public
 * repositories' pull requests.
 */
export const selfHostedRunnerOnPrs = createScorecardCheck({
  id: 'self-hosted-runner-on-prs',
  title: 'PR pipelines do not run on self‑hosted runners',
  description:
    'Jobs of workflows triggered by pull requests run on GitHub-hosted runners (or runner labels the organisation allow-lists), not on self-hosted runners that keep state and sit on internal networks.',
  category: 'access-control',
  severity: 'high',
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'owasp-cicd-top10', control: 'CICD-SEC-7' },
    { framework: 'poutine', control: 'pr_runs_on_self_hosted' },
    { framework: 'zizmor', control: 'self-hosted-runner' },
    {
      framework: 'legitify',
      control: 'runner_group_can_be_used_by_public_repositories',
    },
  ],
  remediationUrl:
    'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#self-hosted-runner-security',
  run(snapshot) {
    const workflows = getWorkflows(snapshot).filter(
      w =>
        w.kind === 'workflow' &&
        w.triggers.some(t => UNTRUSTED_PULL_REQUEST_TRIGGERS.includes(t)),
    );
    if (workflows.length === 0) {
      return outcome.notApplicable('no workflow triggered by pull requests');
    }
    const allowFact = snapshot.fact('cicd-security.allowedRunnerLabels');
    const allowed = new Set(
      allowFact.available && Array.isArray(allowFact.value)
        ? allowFact.value.map(l => String(l).toLowerCase())
        : [],
    );
    const findings: CheckFinding[] = [];
    let total = 0;
    for (const wf of workflows) {
      const prTriggers = wf.triggers.filter(t =>
        UNTRUSTED_PULL_REQUEST_TRIGGERS.includes(t),
      );
      for (const job of wf.jobs) {
        if (job.uses || !job.runsOnRange) continue;
        total++;
        const labels = runnerLabels(job);
        if (!labels) continue; // decided at run time; nothing to say offline
        const custom = labels.filter(
          l => !HOSTED_RE.test(l) && !allowed.has(l.toLowerCase()),
        );
        if (custom.length === 0) continue;
        findings.push({
          ...at(wf, job.runsOnRange),
          message: `job "${
            job.id
          }" of a workflow triggered by ${prTriggers.join(', ')} runs on ${
            custom.includes('self-hosted')
              ? 'a self-hosted runner'
              : 'a runner that is not GitHub-hosted'
          } (${custom
            .map(c => `"${c}"`)
            .join(
              ', ',
            )}), where pull request code reaches the host and its network`,
          fingerprintKey: `${job.id}:${custom.join(',')}`,
          suggestedFix: {
            description:
              'Run pull request jobs on GitHub-hosted runners (e.g. `runs-on: ubuntu-latest`), or on ephemeral, isolated runners whose labels you allow-list',
          },
        });
      }
    }
    if (total === 0)
      return outcome.notApplicable('no pull request job with runs-on');
    return outcome.proportional(total, findings);
  },
});
