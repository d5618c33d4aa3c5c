import { getWorkflows } from '../parsers/githubActions';
import {
  CheckFinding,
  CheckOutcome,
  createScorecardCheck,
  outcome,
} from './types';
import {
  deployCredential,
  GITLAB_PROTECTED_ENVIRONMENTS,
  GITLAB_VARIABLES_PLACE,
  GitlabVariable,
  onGitlab,
  readGitlabFact,
  secretLikeVariable,
  variableUse,
} from '../analysis/gitlabSettings';
import { RepoSnapshot } from '../snapshot';
import {
  at,
  rangeInExpression,
  secretsReferences,
  stripStrings,
  workflowExpressions,
} from '../analysis/githubActions';

/** Secrets every job gets anyway. */
const ALWAYS_AVAILABLE = new Set(['github_token']);

/**
 * Repository and organisation secrets are handed to any job of any workflow
 * that names them; secrets of a deployment environment are released only to
 * jobs that declare the environment, after its protection rules pass. On
 * GitLab the same line is drawn by CI/CD variable settings: an unprotected
 * variable reaches the pipelines of every branch, an unmasked one the job
 * logs.
 */
export const secretsOutsideEnvironment = createScorecardCheck({
  id: 'secrets-outside-environment',
  title: 'Secrets scoped to deployment environments',
  description:
    'Jobs that use secrets (other than GITHUB_TOKEN) declare a deployment environment, so the secrets live in the environment and are released only after its protection rules pass; on GitLab, CI/CD variables that hold credentials are protected and masked.',
  category: 'secrets-management',
  severity: 'low',
  platforms: ['github-actions', 'gitlab-ci'],
  frameworks: [{ framework: 'zizmor', control: 'secrets-outside-env' }],
  remediationUrl:
    'https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment',
  run(snapshot) {
    const workflows = getWorkflows(snapshot).filter(w => w.kind === 'workflow');
    const findings: CheckFinding[] = [];
    const jobsUsingSecrets = new Set<string>();
    const badJobs = new Set<string>();
    for (const wf of workflows) {
      const reported = new Set<string>();
      for (const e of workflowExpressions(wf)) {
        const job = e.job;
        // A reusable-workflow call cannot declare an environment; the called
        // workflow's jobs are checked where they are defined.
        if (!job || job.uses) continue;
        const text = stripStrings(e.inner, /secrets\s*\[\s*$/);
        const names = secretsReferences(e.inner).filter(
          n => !ALWAYS_AVAILABLE.has(n.toLowerCase()),
        );
        const computed =
          /\bsecrets\s*\[(?!\s*')/.test(text) ||
          /\btojson\s*\(\s*secrets\s*\)/i.test(text);
        if (names.length === 0 && !computed) continue;
        const key = `${wf.path}#${job.id}`;
        jobsUsingSecrets.add(key);
        if (job.environment) continue;
        badJobs.add(key);
        const m = /\bsecrets\b/.exec(text);
        const range = rangeInExpression(
          wf,
          e,
          m?.index ?? 0,
          m ? m[0].length + (names[0] ? names[0].length + 1 : 0) : 0,
        );
        for (const name of names.length ? names : ['*']) {
          if (reported.has(`${job.id}:${name}`)) continue;
          reported.add(`${job.id}:${name}`);
          findings.push({
            ...at(wf, range),
            message:
              name === '*'
                ? `job "${job.id}" reads secrets without a deployment environment`
                : `job "${job.id}" reads secrets.${name} without a deployment environment; any workflow change on any branch can use it`,
            fingerprintKey: `${job.id}:${name}`,
            suggestedFix: {
              description: `Move ${
                name === '*' ? 'the secrets' : name
              } to a deployment environment with protection rules and add \`environment: <name>\` to job "${
                job.id
              }"`,
            },
          });
        }
      }
    }
    const github: CheckOutcome =
      workflows.length === 0
        ? outcome.notApplicable('no GitHub Actions workflow')
        : jobsUsingSecrets.size === 0
        ? outcome.notApplicable('no job reads secrets other than GITHUB_TOKEN')
        : outcome.proportional(jobsUsingSecrets.size, findings, badJobs.size);
    if (
      !onGitlab(snapshot) &&
      !snapshot.exists('.gitlab-ci.yml') &&
      !snapshot.exists('.gitlab-ci.yaml')
    ) {
      return github;
    }

    // GitLab: the project's CI/CD variables, read through the API.
    const variables = readGitlabFact(
      snapshot,
      'gitlab.variables',
      'whether GitLab CI/CD variables are protected and masked',
    );
    if (!variables.ok) {
      // The files still speak; what could not be read is said, never scored.
      if (github.status === 'not-applicable') return variables.outcome;
      return 'findings' in github
        ? { ...github, reason: variables.reason }
        : github;
    }
    const secretVariables = variables.value.filter(secretLikeVariable);
    if (secretVariables.length === 0 && github.status === 'not-applicable') {
      return outcome.notApplicable(
        `${github.reason}, and none of the ${
          variables.value.length
        } GitLab CI/CD variable${
          variables.value.length === 1 ? '' : 's'
        } looks like a credential`,
      );
    }
    let badVariables = 0;
    let notes = 0;
    for (const v of secretVariables) {
      const own = variableFindings(snapshot, v);
      if (own.bad.length) badVariables++;
      notes += own.notes.length;
      findings.push(...own.bad, ...own.notes);
    }
    const total = jobsUsingSecrets.size + secretVariables.length;
    const bad = badJobs.size + badVariables;
    if (bad > 0) return outcome.proportional(total, findings, bad);
    if (notes > 0) return outcome.warn(notes, findings);
    return outcome.pass(
      `${secretVariables.length} GitLab CI/CD variable${
        secretVariables.length === 1 ? '' : 's'
      } holding credentials ${
        secretVariables.length === 1 ? 'is' : 'are'
      } protected and masked`,
    );
  },
});

/**
 * The findings about one GitLab CI/CD variable that holds a credential: not
 * protected (pipelines of every branch receive it), not masked (job logs
 * show it), and, as a note, a deploy credential that every environment
 * receives (a note: it makes a warning, not a failure). A finding points
 * at the first line of the CI files that uses the variable, when there is
 * one; otherwise at the project setting.
 */
function variableFindings(
  snapshot: RepoSnapshot,
  v: GitlabVariable,
): { bad: CheckFinding[]; notes: CheckFinding[] } {
  const use = variableUse(snapshot, v.key);
  const where: Partial<CheckFinding> = use
    ? { file: use.file, ...use.range, snippet: use.snippet }
    : {};
  const rest = `(REST: PUT /projects/:id/variables/${v.key}`;
  const bad: CheckFinding[] = [];
  const notes: CheckFinding[] = [];
  if (!v.protected) {
    bad.push({
      ...where,
      message: `GitLab CI/CD variable ${v.key} is not protected: pipelines of every branch, unreviewed ones included, receive it, so anyone who can push a branch can read it`,
      fingerprintKey: `gitlab-variable:${v.key}:unprotected`,
      suggestedFix: {
        description: `${GITLAB_VARIABLES_PLACE}: edit ${v.key} and tick "Protect variable", so only pipelines of protected branches and tags receive it ${rest} with protected=true).`,
      },
    });
  }
  // GitLab cannot mask a file variable's content (it spans lines); the job
  // log shows its path, not its value.
  if (!v.masked && v.hidden !== true && v.variableType !== 'file') {
    // Higher than the check's: GitHub masks every secret, GitLab only these.
    bad.push({
      ...where,
      message: `GitLab CI/CD variable ${v.key} is not masked: a job that prints it (an echo, a debug trace, a failing command) shows its value in the job log`,
      severity: 'medium',
      fingerprintKey: `gitlab-variable:${v.key}:unmasked`,
      suggestedFix: {
        description: `${GITLAB_VARIABLES_PLACE}: edit ${v.key} and set its visibility to "Masked" or "Masked and hidden" ("Mask variable" in older versions); a value GitLab cannot mask, such as a multi-line key, can be stored base64-encoded ${rest} with masked=true).`,
      },
    });
  }
  if (v.environmentScope === '*' && deployCredential(v)) {
    notes.push({
      ...where,
      message: `GitLab CI/CD variable ${v.key} looks like a deploy credential and every environment's jobs receive it (environment scope *), not only the jobs of the environment it deploys to`,
      severity: 'low',
      fingerprintKey: `gitlab-variable:${v.key}:any-environment`,
      suggestedFix: {
        description: `${GITLAB_VARIABLES_PLACE}: edit ${v.key} and set "Environments" to the environment it deploys to (e.g. production), then protect that environment (${GITLAB_PROTECTED_ENVIRONMENTS}) ${rest} with environment_scope=production).`,
      },
    });
  }
  return { bad, notes };
}
