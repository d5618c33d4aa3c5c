import {
  BRANCH_RULES_PLACE,
  GITLAB_PROTECTED_BRANCHES,
  branchProtected,
  describeRuleSources,
  githubSettingsScope,
  readSettingsFact,
} from '../analysis/githubSettings';
import { createScorecardCheck, outcome } from './types';

/**
 * Without any rule on the default branch, anyone with write access pushes
 * straight to what is built and released: no review, no checks, no history
 * guarantees.
 */
export const defaultBranchProtected = createScorecardCheck({
  id: 'default-branch-protected',
  title: 'Default branch protected',
  description:
    'A ruleset or a branch protection rule applies to the default branch, so changes to it go through the rules the repository sets.',
  category: 'access-control',
  severity: 'high',
  platforms: ['repository'],
  frameworks: [
    { framework: 'legitify', control: 'missing_default_branch_protection' },
  ],
  remediationUrl:
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/about-rulesets',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, {
      gitlab: true,
      archived: 'nobody can push to its default branch',
    });
    if (scope) return scope;
    const rules = readSettingsFact(
      snapshot,
      'github.defaultBranchRules',
      'whether the default branch is protected',
    );
    if (!rules.ok) return rules.outcome;
    const { branch, sources } = rules.value;
    if (branchProtected(rules.value)) {
      return outcome.pass(
        `the default branch ${branch} is protected by ${describeRuleSources(
          sources,
        )}`,
      );
    }
    const gitlab = rules.platform === 'gitlab';
    return outcome.fail(0, [
      {
        message: gitlab
          ? `The default branch ${branch} is not a protected branch: anyone with the Developer role can push to it directly, force-push or delete it`
          : `The default branch ${branch} is not protected: no ruleset and no branch protection rule applies to it, so anyone with write access can push to it directly, force-push or delete it`,
        fingerprintKey: 'default-branch-unprotected',
        suggestedFix: {
          description: gitlab
            ? `Protect ${branch}: ${GITLAB_PROTECTED_BRANCHES} → Add protected branch, with "Allowed to push and merge" set to No one (merges only through merge requests) and "Allowed to force push" off (REST: POST /projects/:id/protected_branches with name=${branch}, push_access_level=0).`
            : `Protect ${branch}: ${BRANCH_RULES_PLACE}. A ruleset that targets the default branch with "Restrict deletions", "Block force pushes" and "Require a pull request before merging" is the minimum (REST: POST /repos/{owner}/{repo}/rulesets with target "branch" and conditions.ref_name.include ["~DEFAULT_BRANCH"]).`,
        },
      },
    ]);
  },
});
