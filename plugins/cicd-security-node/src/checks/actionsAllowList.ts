import {
  githubSettingsScope,
  readGithubFact,
} from '../analysis/githubSettings';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Points lost when any action may run, and when SHA pinning is not required. */
const ALL_ACTIONS = 6;
const NO_SHA_PINNING = 4;

const SETTINGS_PLACE = 'Settings → Actions → General → Actions permissions';

/**
 * The repository's settings can restrict which actions run at all and
 * refuse actions not pinned to a commit: a guard that holds even when a
 * workflow file forgets.
 */
export const actionsAllowList = createScorecardCheck({
  id: 'actions-allow-list',
  title: 'Actions allow-list / SHA-pinning enforced by settings',
  description:
    'The repository allows only local or selected actions and reusable workflows, and requires them to be pinned to a full commit SHA.',
  category: 'third-party-software',
  severity: 'medium',
  platforms: ['repository'],
  frameworks: [
    { framework: 'legitify', control: 'all_github_actions_are_allowed' },
  ],
  remediationUrl:
    'https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#allowing-select-actions-and-reusable-workflows-to-run',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, {
      gitlab: false,
      archived: 'no workflow runs in it',
    });
    if (scope) return scope;
    const perms = readGithubFact(
      snapshot,
      'github.actionsPermissions',
      'which actions the repository allows',
    );
    if (!perms.ok) return perms.outcome;
    const p = perms.value;
    if (!p.enabled) {
      return outcome.notApplicable(
        'GitHub Actions is disabled for the repository',
      );
    }
    if (p.allowed_actions === undefined) {
      return outcome.inconclusive(
        'GitHub did not return which actions the repository allows (allowed_actions)',
      );
    }
    const findings: CheckFinding[] = [];
    let score = 10;
    if (p.allowed_actions === 'all') {
      score -= ALL_ACTIONS;
      findings.push({
        message:
          'Any action or reusable workflow may run in the repository (allowed_actions "all"): a workflow can use any third-party code',
        fingerprintKey: 'all-actions-allowed',
        suggestedFix: {
          description: `${SETTINGS_PLACE}: choose "Allow <owner>, and select non-<owner>, actions and reusable workflows" and list the actions you use (REST: PUT /repos/{owner}/{repo}/actions/permissions with {"enabled":true,"allowed_actions":"selected"}, then PUT …/actions/permissions/selected-actions).`,
        },
      });
    }
    if (p.sha_pinning_required !== true) {
      score -= NO_SHA_PINNING;
      findings.push({
        message: `Actions need not be pinned to a full commit SHA (sha_pinning_required ${
          p.sha_pinning_required === false ? 'false' : 'not set'
        }): a tag or branch an action's owner moves changes what runs`,
        fingerprintKey: 'sha-pinning-not-required',
        severity: p.allowed_actions === 'local_only' ? 'low' : undefined,
        suggestedFix: {
          description: `${SETTINGS_PLACE}: tick "Require actions to be pinned to a full-length commit SHA" (REST: PUT /repos/{owner}/{repo}/actions/permissions with "sha_pinning_required": true).`,
        },
      });
    }
    if (findings.length === 0) {
      return outcome.pass(
        `only ${
          p.allowed_actions === 'local_only' ? 'local' : 'selected'
        } actions may run, pinned to a full commit SHA`,
      );
    }
    return outcome.fail(score, findings);
  },
});
