import {
  githubSettingsScope,
  readApiFact,
  readGithubFact,
  settingsPlatform,
} from '../analysis/githubSettings';
import { createScorecardCheck, outcome } from './types';

/** No push for longer than this many days: nobody is maintaining it. */
export const MAX_IDLE_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A repository nobody pushes to gets no security fixes: its pinned actions
 * and images age, its advisories stay open, and what it builds keeps
 * shipping the old versions.
 */
export const repositoryMaintained = createScorecardCheck({
  id: 'repository-maintained',
  title: 'Repository maintained',
  description: `The repository is not archived and was pushed to within the last ${MAX_IDLE_DAYS} days (GitLab: project activity), so security fixes reach what it builds.`,
  category: 'compliance',
  severity: 'medium',
  platforms: ['repository'],
  frameworks: [
    { framework: 'legitify', control: 'repository_not_maintained' },
    { framework: 'legitify', control: 'project_not_maintained' },
  ],
  remediationUrl:
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#maintained',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, { gitlab: true });
    if (scope) return scope;
    const gitlab = settingsPlatform(snapshot) === 'gitlab';
    const where = gitlab ? 'project' : 'repository';
    const what = `whether the ${where} is maintained`;
    let archived: boolean;
    let lastPush: string | null | undefined;
    let asOf: string | undefined;
    if (gitlab) {
      const project = readApiFact(snapshot, 'gitlab.project', what, 'GitLab');
      if (!project.ok) return project.outcome;
      ({ archived, lastActivityAt: lastPush, asOf } = project.value);
    } else {
      const repo = readGithubFact(snapshot, 'github.repository', what);
      if (!repo.ok) return repo.outcome;
      ({ archived, pushed_at: lastPush, asOf } = repo.value);
    }
    if (archived) {
      return outcome.fail(0, [
        {
          message: `The ${where} is archived: it receives no fixes, security fixes included, yet this component still points at it`,
          fingerprintKey: 'archived',
          suggestedFix: {
            description: gitlab
              ? 'If the component is still in use, unarchive the project (Settings → General → Advanced → Unarchive project) and give it an owner; otherwise mark the component deprecated (spec.lifecycle: deprecated) and remove its deployments.'
              : 'If the component is still in use, unarchive the repository (Settings → General → Danger Zone → Unarchive) and give it an owner; otherwise mark the component deprecated (spec.lifecycle: deprecated) and remove its deployments.',
          },
        },
      ]);
    }
    const last = lastPush ? Date.parse(lastPush) : NaN;
    if (Number.isNaN(last)) {
      return outcome.inconclusive(
        `the ${where} has no ${
          gitlab ? 'last activity' : 'last push'
        } date: it may be empty`,
      );
    }
    const now = asOf ? Date.parse(asOf) : Date.now();
    const days = Math.floor((now - last) / DAY_MS);
    if (days <= MAX_IDLE_DAYS) {
      return outcome.pass(
        `last ${gitlab ? 'activity' : 'push'} ${
          days <= 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} ago`
        }`,
      );
    }
    return outcome.fail(0, [
      {
        message: `Nothing was ${
          gitlab ? 'done in the project' : 'pushed to the repository'
        } for ${days} days (last on ${new Date(last)
          .toISOString()
          .slice(
            0,
            10,
          )}, more than ${MAX_IDLE_DAYS}): its dependencies, pinned actions and images are not being updated`,
        fingerprintKey: 'idle',
        suggestedFix: {
          description:
            'Give the component an owner who merges dependency and security updates (Dependabot or Renovate keep a maintained repository active); if it is no longer developed, archive it and mark the component deprecated.',
        },
      },
    ]);
  },
});
