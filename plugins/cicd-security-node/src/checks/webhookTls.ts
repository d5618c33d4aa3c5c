import {
  githubSettingsScope,
  readSettingsFact,
} from '../analysis/githubSettings';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/**
 * Deliveries carry the repository's events and the signature of their
 * secret; over plain HTTP, or to a certificate nobody checks, anyone on the
 * path can read or alter them.
 */
export const webhookTls = createScorecardCheck({
  id: 'webhook-tls',
  title: 'Webhooks use HTTPS with SSL verification',
  description:
    'Every repository webhook delivers to an https:// URL with SSL verification enabled.',
  category: 'network-security',
  severity: 'medium',
  platforms: ['repository'],
  frameworks: [
    { framework: 'legitify', control: 'repository_webhook_doesnt_require_ssl' },
  ],
  remediationUrl:
    'https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, { gitlab: true });
    if (scope) return scope;
    const hooks = readSettingsFact(
      snapshot,
      'github.webhooks',
      'whether the webhooks use verified HTTPS',
    );
    if (!hooks.ok) return hooks.outcome;
    if (hooks.value.length === 0) {
      return outcome.notApplicable('the repository has no webhooks');
    }
    const gitlab = hooks.platform === 'gitlab';
    const findings: CheckFinding[] = [];
    for (const h of hooks.value) {
      const plain = !/^https:\/\//i.test(h.url);
      if (!plain && !h.insecureSsl) continue;
      const inactive = h.active ? '' : ' (inactive)';
      findings.push({
        message: plain
          ? `Webhook ${h.id} delivers over plain HTTP (${h.url})${inactive}: deliveries can be read and altered on the way`
          : `Webhook ${h.id} (${
              h.url
            })${inactive} has SSL verification disabled (${
              gitlab ? 'enable_ssl_verification false' : 'insecure_ssl "1"'
            }): any certificate is accepted`,
        fingerprintKey: `webhook:${h.id}:${plain ? 'http' : 'insecure-ssl'}`,
        suggestedFix: {
          description: gitlab
            ? `Settings → Webhooks → ${h.url} → Edit: ${
                plain ? 'use an https:// URL and ' : ''
              }tick "Enable SSL verification" (REST: PUT /projects/:id/hooks/${
                h.id
              } with ${
                plain ? 'url=https://…, ' : ''
              }enable_ssl_verification=true).`
            : `Settings → Webhooks → ${h.url} → Edit: ${
                plain ? 'use an https:// Payload URL and ' : ''
              }select "Enable SSL verification" (REST: PATCH /repos/{owner}/{repo}/hooks/${
                h.id
              }/config with {${
                plain ? '"url":"https://…",' : ''
              }"insecure_ssl":"0"}).`,
        },
      });
    }
    if (findings.length === 0) {
      return outcome.pass(
        `${hooks.value.length} webhook${
          hooks.value.length === 1 ? '' : 's'
        } deliver${hooks.value.length === 1 ? 's' : ''} over verified HTTPS`,
      );
    }
    return outcome.proportional(hooks.value.length, findings);
  },
});
