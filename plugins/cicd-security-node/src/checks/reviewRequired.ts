import {
  BRANCH_RULES_PLACE,
  GITLAB_APPROVALS,
  GITLAB_PROTECTED_BRANCHES,
  branchProtected,
  githubSettingsScope,
  readSettingsFact,
  unreadPart,
} from '../analysis/githubSettings';
import { createScorecardCheck, outcome } from './types';

const FIX = `${BRANCH_RULES_PLACE}: enable "Require a pull request before merging" with "Required approvals" at 1 or more (REST: the ruleset rule pull_request with required_approving_review_count ≥ 1, or required_pull_request_reviews.required_approving_review_count in classic protection).`;

const GITLAB_MR_FIX = `${GITLAB_PROTECTED_BRANCHES}: protect the default branch with "Allowed to push and merge" set to No one and "Allowed to merge" to Maintainers or Developers + Maintainers, so changes arrive only through merge requests (REST: POST /projects/:id/protected_branches with push_access_level=0); then require approvals.`;

const GITLAB_APPROVAL_FIX = `${GITLAB_APPROVALS}: add an approval rule for the default branch with "Approvals required" at 1 or more (GitLab Premium; REST: POST /projects/:id/approval_rules with approvals_required ≥ 1).`;

/**
 * A second person reads every change before it reaches the default branch,
 * pipeline definitions included: one compromised account cannot ship alone.
 */
export const reviewRequired = createScorecardCheck({
  id: 'review-required',
  title: 'Review required before merge',
  description:
    'Changes reach the default branch through pull requests that need at least one approving review.',
  category: 'code-quality',
  severity: 'high',
  platforms: ['repository'],
  frameworks: [{ framework: 'legitify', control: 'code_review_not_required' }],
  remediationUrl:
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#require-pull-request-reviews-before-merging',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, {
      gitlab: true,
      archived: 'nobody can merge into its default branch',
    });
    if (scope) return scope;
    const rules = readSettingsFact(
      snapshot,
      'github.defaultBranchRules',
      'whether reviews are required before merging',
    );
    if (!rules.ok) return rules.outcome;
    const r = rules.value;
    const gitlab = rules.platform === 'gitlab';
    const what = gitlab ? 'Merge requests' : 'Pull requests';
    if (r.pullRequestRequired && r.requiredApprovals > 0) {
      return outcome.pass(
        `${what.toLowerCase()} into ${r.branch} need ${
          r.requiredApprovals
        } approving review${r.requiredApprovals > 1 ? 's' : ''}`,
      );
    }
    if (!r.pullRequestRequired) {
      return outcome.fail(0, [
        {
          message: gitlab
            ? `${what} are not required on the default branch ${r.branch}: ${
                branchProtected(r)
                  ? 'its protected branch lets some roles push to it'
                  : 'it is not a protected branch, and'
              } changes can be pushed to it without any review`
            : `${what} are not required on the default branch ${r.branch}${
                r.sources.length === 0 ? ' (no rule protects it)' : ''
              }: changes can be pushed to it without any review`,
          fingerprintKey: 'no-pull-request-required',
          suggestedFix: { description: gitlab ? GITLAB_MR_FIX : FIX },
        },
      ]);
    }
    if (gitlab) {
      const unread = unreadPart(
        r,
        'approvals',
        'whether merge requests need approval',
      );
      if (unread) return unread;
    }
    return outcome.fail(0, [
      {
        message: `${what} into the default branch ${r.branch} need 0 approving reviews: their authors can merge them unreviewed`,
        fingerprintKey: 'zero-required-approvals',
        suggestedFix: { description: gitlab ? GITLAB_APPROVAL_FIX : FIX },
      },
    ]);
  },
});
