import {
  classifyRunnerLabel,
  expandMatrix,
  getWorkflows,
  matrixContext,
  MatrixCombination,
  templateValues,
  valueToString,
  WorkflowJob,
} from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome, round1 } from './types';
import { at, UNTRUSTED_PULL_REQUEST_TRIGGERS } from '../analysis/githubActions';

/** Most label sets considered per job (alternatives multiply). */
const MAX_LABEL_SETS = 64;

/**
 * The label sets a job's `runs-on:` can take: expressions are evaluated
 * (literal alternatives, `fromJSON`, the job's matrix, combination by
 * combination), and `unknown` holds the expressions whose value the files
 * cannot tell (an input, a job output).
 */
function runnerLabelSets(job: WorkflowJob): {
  sets: string[][];
  unknown: string[];
} {
  const raw = job.runsOn;
  const items: unknown[] = [];
  if (typeof raw === 'string') items.push(raw);
  else if (Array.isArray(raw)) items.push(...raw);
  else if (raw && typeof raw === 'object') {
    const o = raw as { group?: unknown; labels?: unknown };
    if (o.group !== undefined) items.push(`group:${String(o.group)}`);
    if (Array.isArray(o.labels)) items.push(...o.labels);
    else if (o.labels !== undefined) items.push(o.labels);
  } else return { sets: [], unknown: [] };
  const unknown = new Set<string>();
  const matrix =
    job.matrix === undefined ? undefined : expandMatrix(job.matrix);
  const combinations: MatrixCombination[] = matrix?.combinations.length
    ? matrix.combinations
    : [{}];
  const seen = new Set<string>();
  const sets: string[][] = [];
  for (const combination of combinations) {
    // Each item's alternatives, then every choice of one per item.
    let choices: string[][] = [[]];
    for (const item of items) {
      const text = String(item).trim();
      const values = templateValues(text, matrixContext(combination));
      // A matrix built from a job output is as unknowable as the output.
      if (values.unknown || (matrix?.unknown && /\bmatrix\b/.test(text))) {
        unknown.add(text);
      }
      const alternatives = values.values.map(v =>
        Array.isArray(v) ? v.map(valueToString) : [valueToString(v)],
      );
      const next: string[][] = [];
      for (const choice of choices) {
        for (const alt of alternatives) {
          if (next.length < MAX_LABEL_SETS) next.push([...choice, ...alt]);
        }
      }
      choices = next;
    }
    for (const labels of choices) {
      const clean = labels.map(l => l.trim()).filter(Boolean);
      const key = clean.join('\n');
      if (clean.length === 0 || seen.has(key)) continue;
      seen.add(key);
      sets.push(clean);
    }
  }
  return { sets, unknown: [...unknown] };
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
    let bad = 0;
    let undecided = 0;
    for (const wf of workflows) {
      const prTriggers = wf.triggers.filter(t =>
        UNTRUSTED_PULL_REQUEST_TRIGGERS.includes(t),
      );
      for (const job of wf.jobs) {
        if (job.uses || !job.runsOnRange) continue;
        total++;
        const { sets, unknown } = runnerLabelSets(job);
        // GitHub picks a runner with every label: a set is self-hosted when
        // any of its labels is neither GitHub's nor a managed service's.
        const custom = [
          ...new Set(
            sets.flatMap(labels =>
              labels.filter(
                l => classifyRunnerLabel(l, allowed).kind === 'self-hosted',
              ),
            ),
          ),
        ];
        if (custom.length > 0) {
          bad++;
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
        } else if (unknown.length > 0) {
          // Seen, at low severity: the runner is chosen at run time.
          undecided++;
          findings.push({
            ...at(wf, job.runsOnRange),
            severity: 'low',
            message: `job "${
              job.id
            }" of a workflow triggered by ${prTriggers.join(
              ', ',
            )} runs on a runner chosen at run time (${unknown
              .map(u => `\`${u}\``)
              .join(
                ', ',
              )}); whether it is self-hosted cannot be known from the files`,
            fingerprintKey: `${job.id}:unknown`,
            suggestedFix: {
              description:
                'Choose pull request runners from literal labels (or a literal matrix), so that a pull request cannot pick a self-hosted runner',
            },
          });
        }
      }
    }
    if (total === 0)
      return outcome.notApplicable('no pull request job with runs-on');
    if (bad === 0 && undecided === 0) return outcome.proportional(total, []);
    // A job whose runner cannot be known counts a quarter of a self-hosted one.
    const score = round1(
      Math.max(0, (10 * (total - bad - undecided / 4)) / total),
    );
    return bad > 0
      ? outcome.fail(score, findings)
      : { status: 'warn', score, findings };
  },
});
