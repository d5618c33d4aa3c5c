import {
  BRANCH_RULES_PLACE,
  GITLAB_PROTECTED_BRANCHES,
  branchProtected,
  githubSettingsScope,
  readSettingsFact,
} from '../analysis/githubSettings';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/**
 * A force-push rewrites the default branch's history (reviewed commits can
 * be replaced by unreviewed ones); a deletion removes it. Both must be
 * blocked.
 */
export const forcePushBlocked = createScorecardCheck({
  id: 'force-push-blocked',
  title: 'Force-push & deletion blocked',
  description:
    'Force pushes to the default branch and its deletion are blocked, so its reviewed history cannot be rewritten or removed.',
  category: 'access-control',
  severity: 'high',
  platforms: ['repository'],
  frameworks: [
    {
      framework: 'legitify',
      control: 'missing_default_branch_protection_force_push',
    },
    {
      framework: 'legitify',
      control: 'missing_default_branch_protection_deletion',
    },
  ],
  remediationUrl:
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#allow-force-pushes',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, {
      gitlab: true,
      archived: 'nobody can push to or delete its default branch',
    });
    if (scope) return scope;
    const rules = readSettingsFact(
      snapshot,
      'github.defaultBranchRules',
      'whether force pushes and deletion of the default branch are blocked',
    );
    if (!rules.ok) return rules.outcome;
    const r = rules.value;
    const gitlab = rules.platform === 'gitlab';
    const unprotected = !branchProtected(r);
    const forcePush = unprotected || r.allowForcePushes;
    const deletion = unprotected || r.allowDeletions;
    if (!forcePush && !deletion) {
      return outcome.pass(
        `force pushes to ${r.branch} and its deletion are blocked`,
      );
    }
    const why = unprotected
      ? gitlab
        ? ' (it is not a protected branch)'
        : ' (no rule protects the branch)'
      : '';
    const findings: CheckFinding[] = [];
    if (forcePush) {
      findings.push({
        message: `Force pushes to the default branch ${r.branch} are allowed${why}: its history, reviewed commits included, can be rewritten`,
        fingerprintKey: 'force-push-allowed',
        suggestedFix: {
          description: gitlab
            ? unprotected
              ? `Protect ${r.branch} (${GITLAB_PROTECTED_BRANCHES} → Add protected branch) with "Allowed to force push" off: a protected branch cannot be force-pushed or deleted by a push.`
              : `${GITLAB_PROTECTED_BRANCHES} → ${r.branch}: turn "Allowed to force push" off (REST: unprotect and protect again with allow_force_push=false).`
            : `Block force pushes on ${r.branch}: ${BRANCH_RULES_PLACE}. In a ruleset, enable "Block force pushes"; in classic protection, leave "Allow force pushes" unticked (REST: allow_force_pushes false).`,
        },
      });
    }
    if (deletion) {
      findings.push({
        message: `Deletion of the default branch ${r.branch} is allowed${why}`,
        fingerprintKey: 'deletion-allowed',
        suggestedFix: {
          description: gitlab
            ? `Protect ${r.branch}: ${GITLAB_PROTECTED_BRANCHES} → Add protected branch (a protected branch cannot be deleted by a push).`
            : `Block deletion of ${r.branch}: ${BRANCH_RULES_PLACE}. In a ruleset, enable "Restrict deletions"; in classic protection, leave "Allow deletions" unticked (REST: allow_deletions false).`,
        },
      });
    }
    return outcome.fail(10 - 5 * findings.length, findings);
  },
});
