import {
  githubSettingsScope,
  readGithubFact,
} from '../analysis/githubSettings';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/**
 * An open secret scanning alert is a credential GitHub found in the
 * repository that nobody has yet revoked or judged harmless.
 */
export const openSecretAlerts = createScorecardCheck({
  id: 'open-secret-alerts',
  title: 'No open secret-scanning alerts',
  description:
    'The repository has no open secret scanning alerts: every leaked credential GitHub found was revoked and the alert closed.',
  category: 'secrets-management',
  severity: 'critical',
  platforms: ['repository'],
  remediationUrl:
    'https://docs.github.com/en/code-security/secret-scanning/managing-alerts-from-secret-scanning/about-alerts',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, { gitlab: false });
    if (scope) return scope;
    const alerts = readGithubFact(
      snapshot,
      'github.secretScanningAlerts',
      'the open secret scanning alerts',
    );
    if (!alerts.ok) return alerts.outcome;
    const { open, by } = alerts.value;
    if (open === 0) return outcome.pass('no open secret scanning alert');
    const findings: CheckFinding[] = [];
    const fix = {
      description:
        'Revoke and replace each leaked credential with its issuer, remove it from the code, then close the alert as revoked: Security → Secret scanning (REST: PATCH /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number} with {"state":"resolved","resolution":"revoked"}).',
    };
    const types = Object.entries(by)
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [type, n] of types) {
      findings.push({
        message: `${n} open secret scanning alert${
          n === 1 ? '' : 's'
        } of type ${type}: the credential${
          n === 1 ? ' is' : 's are'
        } exposed until revoked`,
        fingerprintKey: `secret-alerts:${type}`,
        suggestedFix: fix,
      });
    }
    const counted = types.reduce((sum, [, n]) => sum + n, 0);
    if (counted < open) {
      findings.push({
        message: `${open - counted} open secret scanning alert${
          open - counted === 1 ? '' : 's'
        } of another type`,
        fingerprintKey: 'secret-alerts:other',
        suggestedFix: fix,
      });
    }
    return outcome.fail(
      0,
      findings,
      `${open} open secret scanning alert${open === 1 ? '' : 's'}`,
    );
  },
});
