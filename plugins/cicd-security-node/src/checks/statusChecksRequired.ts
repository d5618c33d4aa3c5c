import {
  BRANCH_RULES_PLACE,
  githubSettingsScope,
  readSettingsFact,
} from '../analysis/githubSettings';
import { createScorecardCheck, outcome } from './types';

/** Score when checks are required but the branch need not be up to date. */
const WITHOUT_UP_TO_DATE = 8;

/**
 * Tests and scanners that run on pull requests only protect the default
 * branch when their success is required before merging.
 */
export const statusChecksRequired = createScorecardCheck({
  id: 'status-checks-required',
  title: 'Status checks required before merge',
  description:
    'The default branch requires status checks (CI, tests, scanners) to pass before a change is merged, ideally on a branch up to date with it.',
  category: 'code-quality',
  severity: 'medium',
  platforms: ['repository'],
  frameworks: [
    { framework: 'legitify', control: 'requires_status_checks' },
    {
      framework: 'legitify',
      control: 'requires_branches_up_to_date_before_merge',
    },
  ],
  remediationUrl:
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#require-status-checks-before-merging',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, {
      gitlab: true,
      archived: 'nobody can merge into its default branch',
    });
    if (scope) return scope;
    const rules = readSettingsFact(
      snapshot,
      'github.defaultBranchRules',
      'whether status checks are required before merging',
    );
    if (!rules.ok) return rules.outcome;
    const r = rules.value;
    const gitlab = rules.platform === 'gitlab';
    const checks = r.requiredStatusChecks;
    if (checks.length === 0) {
      return outcome.fail(0, [
        {
          message: gitlab
            ? `Merge requests into the default branch ${r.branch} can be merged without a successful pipeline ("Pipelines must succeed" is off): changes can be merged while CI fails or has not run`
            : `No status check is required before merging into the default branch ${
                r.branch
              }${
                r.sources.length === 0 ? ' (no rule protects it)' : ''
              }: changes can be merged while CI fails or has not run`,
          fingerprintKey: 'no-required-status-checks',
          suggestedFix: {
            description: gitlab
              ? 'Settings → Merge requests → Merge checks: tick "Pipelines must succeed" (REST: PUT /projects/:id with only_allow_merge_if_pipeline_succeeds=true).'
              : `${BRANCH_RULES_PLACE}: enable "Require status checks to pass" and add the CI jobs that must succeed (REST: the ruleset rule required_status_checks, or required_status_checks.checks in classic protection).`,
          },
        },
      ]);
    }
    const list = checks.join(', ');
    if (r.strictStatusChecks) {
      return outcome.pass(
        `merging into ${r.branch} requires ${list} to pass on a branch up to date with it`,
      );
    }
    return {
      status: 'warn',
      score: WITHOUT_UP_TO_DATE,
      reason: `merging into ${r.branch} requires ${list} to pass`,
      findings: [
        {
          message: `Required status checks on ${r.branch} (${list}) may have passed on a branch that is behind it: the merged result was not tested`,
          severity: 'low',
          fingerprintKey: 'status-checks-not-strict',
          suggestedFix: {
            description: gitlab
              ? 'Settings → Merge requests → Merge method: "Merge commit with semi-linear history" or "Fast-forward merge", so a merge request is rebased (and its pipeline run) on the current default branch; or use merged results pipelines or a merge train.'
              : `${BRANCH_RULES_PLACE}: enable "Require branches to be up to date before merging" (REST: strict_required_status_checks_policy true, or required_status_checks.strict true in classic protection), or use a merge queue.`,
          },
        },
      ],
    };
  },
});
