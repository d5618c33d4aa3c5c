import {
  githubSettingsScope,
  readSettingsFact,
} from '../analysis/githubSettings';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/**
 * A webhook receiver that gets no secret cannot tell GitHub's (or GitLab's) deliveries
 * from anyone else's requests: a forged push event can start a build or a
 * deployment.
 */
export const webhookSecret = createScorecardCheck({
  id: 'webhook-secret',
  title: 'Webhooks authenticated',
  description:
    'Every repository webhook has a secret, so its receiver can verify that deliveries come from GitHub (X-Hub-Signature-256) or GitLab (X-Gitlab-Token).',
  category: 'access-control',
  severity: 'medium',
  platforms: ['repository'],
  frameworks: [
    { framework: 'legitify', control: 'repository_webhook_no_secret' },
  ],
  remediationUrl:
    'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, { gitlab: true });
    if (scope) return scope;
    const hooks = readSettingsFact(
      snapshot,
      'github.webhooks',
      'whether the webhooks have secrets',
    );
    if (!hooks.ok) return hooks.outcome;
    if (hooks.value.length === 0) {
      return outcome.notApplicable('the repository has no webhooks');
    }
    const gitlab = hooks.platform === 'gitlab';
    const findings: CheckFinding[] = [];
    const unknown: string[] = [];
    for (const h of hooks.value) {
      if (h.hasSecret) continue;
      if (h.hasSecret === null) {
        unknown.push(`${h.id} (${h.url})`);
        continue;
      }
      findings.push({
        message: `Webhook ${h.id} (${h.url}${
          h.active ? '' : ', inactive'
        }) has no secret: its receiver cannot verify that a delivery comes from ${
          gitlab ? 'GitLab' : 'GitHub'
        }`,
        fingerprintKey: `webhook:${h.id}`,
        suggestedFix: {
          description: gitlab
            ? `Settings → Webhooks → ${h.url} → Edit: set a random Secret token and compare it with the X-Gitlab-Token header in the receiver (REST: PUT /projects/:id/hooks/${h.id} with token=…).`
            : `Settings → Webhooks → ${h.url} → Edit: set a random Secret and verify X-Hub-Signature-256 in the receiver (REST: PATCH /repos/{owner}/{repo}/hooks/${h.id}/config with {"secret":"…"}).`,
        },
      });
    }
    if (unknown.length > 0 && findings.length === 0) {
      return outcome.inconclusive(
        `the ${gitlab ? 'GitLab' : 'GitHub'} API does not say whether webhook${
          unknown.length === 1 ? '' : 's'
        } ${unknown.join(', ')} ha${
          unknown.length === 1 ? 's' : 've'
        } a secret token`,
      );
    }
    if (findings.length === 0) {
      return outcome.pass(
        `${hooks.value.length} webhook${
          hooks.value.length === 1 ? ' has a secret' : 's all have secrets'
        }`,
      );
    }
    const result = outcome.proportional(
      hooks.value.length - unknown.length,
      findings,
    );
    return unknown.length > 0 && result.status !== 'inconclusive'
      ? {
          ...result,
          reason: `not known for ${unknown.join(
            ', ',
          )}: the API does not say whether they have a secret token`,
        }
      : result;
  },
});
