import {
  BRANCH_RULES_PLACE,
  githubSettingsScope,
  readSettingsFact,
  unreadPart,
} from '../analysis/githubSettings';
import { createScorecardCheck, outcome } from './types';

/**
 * Signed commits tie each change on the default branch to a key its author
 * holds: a stolen password or token alone cannot forge them.
 */
export const signedCommitsRequired = createScorecardCheck({
  id: 'signed-commits-required',
  title: 'Signed commits required on default branch',
  description:
    'The default branch accepts only commits with verified signatures, so the origin of every change can be checked.',
  category: 'compliance',
  severity: 'low',
  platforms: ['repository'],
  frameworks: [{ framework: 'legitify', control: 'no_signed_commits' }],
  remediationUrl:
    'https://docs.github.com/en/authentication/managing-commit-signature-verification/about-commit-signature-verification',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, {
      gitlab: true,
      archived: 'nobody can push commits to it',
    });
    if (scope) return scope;
    const rules = readSettingsFact(
      snapshot,
      'github.defaultBranchRules',
      'whether signed commits are required',
    );
    if (!rules.ok) return rules.outcome;
    const r = rules.value;
    if (r.requiredSignatures) {
      return outcome.pass(
        `commits on ${r.branch} must have verified signatures`,
      );
    }
    const gitlab = rules.platform === 'gitlab';
    if (gitlab) {
      const unread = unreadPart(
        r,
        'pushRule',
        'whether signed commits are required',
      );
      if (unread) return unread;
    }
    return outcome.fail(0, [
      {
        message: gitlab
          ? `Unsigned commits are not rejected in the project (push rule "Reject unsigned commits" off): commits with no verified signature are accepted on ${r.branch}`
          : `Signed commits are not required on the default branch ${r.branch}${
              r.sources.length === 0 ? ' (no rule protects it)' : ''
            }: commits with no verified signature are accepted`,
        fingerprintKey: 'signatures-not-required',
        suggestedFix: {
          description: gitlab
            ? 'Settings → Repository → Push rules: tick "Reject unsigned commits" (GitLab Premium; REST: PUT /projects/:id/push_rule with reject_unsigned_commits=true).'
            : `${BRANCH_RULES_PLACE}: enable "Require signed commits" (REST: the ruleset rule required_signatures, or POST /repos/{owner}/{repo}/branches/{branch}/protection/required_signatures).`,
        },
      },
    ]);
  },
});
