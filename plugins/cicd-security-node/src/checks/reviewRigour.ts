import {
  BRANCH_RULES_PLACE,
  GITLAB_APPROVALS,
  GITLAB_PROTECTED_BRANCHES,
  githubSettingsScope,
  readSettingsFact,
  unreadPart,
} from '../analysis/githubSettings';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Points of each tier, out of 10. */
const TWO_APPROVALS = 4;
const CODE_OWNERS = 3;
const FRESH_APPROVAL = 3;
/** GitLab: each way for an author to approve their own change. */
const LOOPHOLE = 2;

/**
 * One approval can come from a colleague who skims; rigour means two
 * reviewers, the owners of the code that changed, and approvals that are
 * still about the code being merged.
 */
export const reviewRigour = createScorecardCheck({
  id: 'review-rigour',
  title: 'Review rigour',
  description:
    'Reviews of the default branch need two approvals, the code owners’ approval, and approvals that do not survive later pushes (stale approvals dismissed, or approval of the last push required).',
  category: 'code-quality',
  severity: 'medium',
  platforms: ['repository'],
  frameworks: [
    {
      framework: 'legitify',
      control: 'code_review_by_two_members_not_required',
    },
    { framework: 'legitify', control: 'dismisses_stale_reviews' },
  ],
  remediationUrl:
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/available-rules-for-rulesets#require-a-pull-request-before-merging',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, {
      gitlab: true,
      archived: 'nobody can merge into its default branch',
    });
    if (scope) return scope;
    const rules = readSettingsFact(
      snapshot,
      'github.defaultBranchRules',
      'how rigorous the required reviews are',
    );
    if (!rules.ok) return rules.outcome;
    const r = rules.value;
    const gitlab = rules.platform === 'gitlab';
    if (gitlab && r.pullRequestRequired) {
      const unread = unreadPart(
        r,
        'approvals',
        'how rigorous the required approvals are',
      );
      if (unread) return unread;
    }
    const requests = gitlab ? 'Merge requests' : 'Pull requests';
    const approvals = r.pullRequestRequired ? r.requiredApprovals : 0;
    const noReview =
      approvals === 0
        ? ' (no review is required at all: see review-required)'
        : '';
    const findings: CheckFinding[] = [];
    let score = 10;
    if (approvals < 2) {
      score -= TWO_APPROVALS;
      findings.push({
        message: `${requests} into ${
          r.branch
        } need ${approvals} approving review${
          approvals === 1 ? '' : 's'
        }${noReview}; two reviewers make a careless or colluding approval less likely`,
        fingerprintKey: 'fewer-than-two-approvals',
        suggestedFix: {
          description: gitlab
            ? `${GITLAB_APPROVALS}: set "Approvals required" of the default branch's approval rule to 2 (REST: PUT /projects/:id/approval_rules/:rule_id with approvals_required=2).`
            : `${BRANCH_RULES_PLACE}: set "Required approvals" to 2 (REST: required_approving_review_count 2).`,
        },
      });
    }
    if (!r.pullRequestRequired || !r.requireCodeOwnerReview) {
      score -= CODE_OWNERS;
      findings.push({
        message: `Review from code owners is not required on ${r.branch}${noReview}: changes to owned files, pipeline definitions included, can be merged without their owners`,
        fingerprintKey: 'no-code-owner-review',
        suggestedFix: {
          description: gitlab
            ? `${GITLAB_PROTECTED_BRANCHES} → ${r.branch}: turn on "Code owner approval" (GitLab Premium), with a CODEOWNERS file that owns the pipeline files (.gitlab-ci.yml and what it includes).`
            : `${BRANCH_RULES_PLACE}: enable "Require review from Code Owners" (REST: require_code_owner_review true), with a CODEOWNERS file that owns the pipeline files.`,
        },
      });
    }
    if (
      !r.pullRequestRequired ||
      (!r.dismissStaleReviews && !r.requireLastPushApproval)
    ) {
      score -= FRESH_APPROVAL;
      findings.push({
        message: `Approvals on ${r.branch} survive later pushes${noReview}: ${
          gitlab
            ? 'approvals are not removed when a commit is added'
            : 'stale approvals are not dismissed and approval of the most recent push is not required'
        }, so code can be changed after it was approved`,
        fingerprintKey: 'stale-approvals-kept',
        suggestedFix: {
          description: gitlab
            ? `${GITLAB_APPROVALS} → Approval settings: tick "Remove all approvals when a commit is added" (REST: POST /projects/:id/approvals with reset_approvals_on_push=true).`
            : `${BRANCH_RULES_PLACE}: enable "Dismiss stale pull request approvals when new commits are pushed" or "Require approval of the most recent reviewable push" (REST: dismiss_stale_reviews_on_push / require_last_push_approval true).`,
        },
      });
    }
    if (gitlab && r.pullRequestRequired && approvals > 0) {
      // GitLab's own ways round an approval: self-approval, approval by
      // those who added commits, and rules edited on the merge request.
      const loopholes: Array<[boolean | undefined, string, string, string]> = [
        [
          r.authorCanApprove,
          'author-can-approve',
          'the author of a merge request may approve it',
          '"Prevent approval by merge request creator"',
        ],
        [
          r.committersCanApprove,
          'committers-can-approve',
          'people who added commits to a merge request may approve it',
          '"Prevent approvals by users who add commits"',
        ],
        [
          r.approversOverridable,
          'approvers-overridable',
          'approval rules can be edited on each merge request',
          '"Prevent editing approval rules in merge requests"',
        ],
      ];
      for (const [open, key, what, setting] of loopholes) {
        if (!open) continue;
        score -= LOOPHOLE;
        findings.push({
          message: `On ${r.branch}, ${what}: the required approvals can come from the change's own author`,
          fingerprintKey: key,
          suggestedFix: {
            description: `${GITLAB_APPROVALS} → Approval settings: tick ${setting}.`,
          },
        });
      }
    }
    if (findings.length === 0) {
      return outcome.pass(
        `${requests.toLowerCase()} into ${
          r.branch
        } need ${approvals} approvals including the code owners', and approvals are renewed after new pushes`,
      );
    }
    return outcome.fail(Math.max(0, score), findings);
  },
});
