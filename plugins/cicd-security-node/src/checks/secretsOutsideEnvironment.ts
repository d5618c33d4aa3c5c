import { getWorkflows } from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome } from './types';
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
 * jobs that declare the environment, after its protection rules pass.
 */
export const secretsOutsideEnvironment = createScorecardCheck({
  id: 'secrets-outside-environment',
  title: 'Secrets scoped to deployment environments',
  description:
    'Jobs that use secrets (other than GITHUB_TOKEN) declare a deployment environment, so the secrets live in the environment and are released only after its protection rules pass.',
  category: 'secrets-management',
  severity: 'low',
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'owasp-cicd-top10', control: 'CICD-SEC-5' },
    { framework: 'zizmor', control: 'secrets-outside-env' },
  ],
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
    if (workflows.length === 0) {
      if (snapshot.exists('.gitlab-ci.yml')) {
        return outcome.inconclusive(
          'GitLab CI variables are protected and masked in project settings; checking them needs the GitLab API (fact gitlab.variables)',
        );
      }
      return outcome.notApplicable('no GitHub Actions workflow');
    }
    if (jobsUsingSecrets.size === 0) {
      return outcome.notApplicable(
        'no job reads secrets other than GITHUB_TOKEN',
      );
    }
    return outcome.proportional(jobsUsingSecrets.size, findings, badJobs.size);
  },
});
