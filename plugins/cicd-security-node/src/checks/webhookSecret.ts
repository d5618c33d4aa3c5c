import {
  githubSettingsScope,
  readGithubFact,
} from '../analysis/githubSettings';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/**
 * A webhook receiver that gets no secret cannot tell GitHub's deliveries
 * from anyone else's requests: a forged push event can start a build or a
 * deployment.
 */
export const webhookSecret = createScorecardCheck({
  id: 'webhook-secret',
  title: 'Webhooks authenticated',
  description:
    'Every repository webhook has a secret, so its receiver can verify that deliveries come from GitHub (X-Hub-Signature-256).',
  category: 'access-control',
  severity: 'medium',
  platforms: ['repository'],
  frameworks: [
    { framework: 'owasp-cicd-top10', control: 'CICD-SEC-7' },
    { framework: 'openssf-scorecard', control: 'Webhooks' },
    { framework: 'legitify', control: 'repository_webhook_no_secret' },
  ],
  remediationUrl:
    'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, { gitlab: true });
    if (scope) return scope;
    const hooks = readGithubFact(
      snapshot,
      'github.webhooks',
      'whether the webhooks have secrets',
    );
    if (!hooks.ok) return hooks.outcome;
    if (hooks.value.length === 0) {
      return outcome.notApplicable('the repository has no webhooks');
    }
    const findings: CheckFinding[] = [];
    for (const h of hooks.value) {
      if (h.hasSecret) continue;
      findings.push({
        message: `Webhook ${h.id} (${h.url}${
          h.active ? '' : ', inactive'
        }) has no secret: its receiver cannot verify that a delivery comes from GitHub`,
        fingerprintKey: `webhook:${h.id}`,
        suggestedFix: {
          description: `Settings → Webhooks → ${h.url} → Edit: set a random Secret and verify X-Hub-Signature-256 in the receiver (REST: PATCH /repos/{owner}/{repo}/hooks/${h.id}/config with {"secret":"…"}).`,
        },
      });
    }
    if (findings.length === 0) {
      return outcome.pass(
        `${hooks.value.length} webhook${
          hooks.value.length === 1 ? ' has a secret' : 's all have secrets'
        }`,
      );
    }
    return outcome.proportional(hooks.value.length, findings);
  },
});
