import {
  githubSettingsScope,
  readGithubFact,
} from '../analysis/githubSettings';
import {
  GITLAB_JOB_TOKEN_PLACE,
  onGitlab,
  readGitlabFact,
} from '../analysis/gitlabSettings';
import { RepoSnapshot } from '../snapshot';
import {
  CheckFinding,
  CheckOutcome,
  createScorecardCheck,
  outcome,
} from './types';

const SETTINGS_PLACE = 'Settings → Actions → General → Workflow permissions';
const REST_FIX =
  'REST: PUT /repos/{owner}/{repo}/actions/permissions/workflow with {"default_workflow_permissions":"read","can_approve_pull_request_reviews":false}';

/**
 * The repository's defaults apply to every workflow that does not declare
 * its own permissions: a write token by default gives each such job write
 * access, and a token that approves pull requests lets a workflow satisfy
 * the review its own change needs. On GitLab the setting of this kind is
 * the job token's: whether other projects' CI/CD job tokens may reach the
 * project.
 */
export const actionsRepoSettings = createScorecardCheck({
  id: 'actions-repo-settings',
  title: 'Repo Actions settings hardened',
  description:
    "The workflow token is read-only by default and workflows cannot create or approve pull requests (Settings → Actions → General); on GitLab, only allow-listed projects' CI/CD job tokens may access the project (Settings → CI/CD → Job token permissions).",
  category: 'access-control',
  severity: 'high',
  platforms: ['repository'],
  frameworks: [
    {
      framework: 'legitify',
      control: 'token_default_permissions_is_read_write',
    },
    { framework: 'legitify', control: 'actions_can_approve_pull_requests' },
  ],
  remediationUrl:
    'https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, {
      gitlab: true,
      archived: 'no workflow runs in it',
    });
    if (scope) return scope;
    if (onGitlab(snapshot)) return gitlabJobToken(snapshot);
    const actions = snapshot.fact('github.actionsPermissions');
    if (actions.available && !actions.value.enabled) {
      return outcome.notApplicable(
        'GitHub Actions is disabled for the repository',
      );
    }
    const defaults = readGithubFact(
      snapshot,
      'github.workflowTokenDefaults',
      'the default permissions of the workflow token',
    );
    if (!defaults.ok) return defaults.outcome;
    const d = defaults.value;
    const findings: CheckFinding[] = [];
    if (d.default_workflow_permissions === 'write') {
      findings.push({
        message:
          'The workflow token has read and write permissions by default (default_workflow_permissions "write"): every job that declares no permissions can push code, publish packages and change releases',
        fingerprintKey: 'default-token-write',
        suggestedFix: {
          description: `${SETTINGS_PLACE}: choose "Read repository contents and packages permissions", and grant writes per job with permissions: (${REST_FIX}).`,
        },
      });
    }
    if (d.can_approve_pull_request_reviews) {
      findings.push({
        message:
          'Workflows may create and approve pull requests (can_approve_pull_request_reviews true): a workflow can approve a change and satisfy required reviews without a person',
        fingerprintKey: 'actions-can-approve',
        suggestedFix: {
          description: `${SETTINGS_PLACE}: untick "Allow GitHub Actions to create and approve pull requests" (${REST_FIX}).`,
        },
      });
    }
    if (findings.length === 0) {
      return outcome.pass(
        'the workflow token is read-only by default and workflows cannot approve pull requests',
      );
    }
    return outcome.fail(10 - 5 * findings.length, findings);
  },
});

const GITLAB_REST_FIX =
  'REST: PATCH /projects/:id/job_token_scope with {"enabled":true}';

/**
 * GitLab: with "Limit access to this project" off (`inbound_enabled`
 * false), the CI/CD job token of any project's pipeline reaches this
 * project's repository, packages, releases and API with the rights of the
 * user who ran that pipeline; on, only allow-listed groups and projects do.
 */
function gitlabJobToken(snapshot: RepoSnapshot): CheckOutcome {
  const scope = readGitlabFact(
    snapshot,
    'gitlab.jobTokenScope',
    "which projects' CI/CD job tokens may access the project",
  );
  if (!scope.ok) return scope.outcome;
  if (scope.value.inboundEnabled) {
    return outcome.pass(
      "only allow-listed groups and projects' CI/CD job tokens may access the project",
    );
  }
  return outcome.fail(5, [
    {
      message:
        'Any project\'s CI/CD job token may access this project ("Limit access to this project" is off, inbound_enabled false): a pipeline elsewhere, or a dependency running in it, can clone the repository, fetch packages and artifacts and call the API endpoints job tokens may use, with the rights of the member who ran it',
      // Lower than the check's: it takes a pipeline run by a member of this project.
      severity: 'medium',
      fingerprintKey: 'gitlab-job-token-inbound-open',
      suggestedFix: {
        description: `${GITLAB_JOB_TOKEN_PLACE}: under "Authorized groups and projects" choose "Only this project and any groups and projects in the allowlist" ("Limit access to this project" in older versions), and allow-list only the groups and projects whose pipelines need this one (${GITLAB_REST_FIX}).`,
      },
    },
  ]);
}
