import {
  githubSettingsScope,
  readGithubFact,
} from '../analysis/githubSettings';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Alert levels that fail the check (`rule.security_severity_level`). */
const FAILING = ['critical', 'high'] as const;

/**
 * Code scanning already found these weaknesses in the code; an open
 * critical or high alert is a known, unfixed vulnerability.
 */
export const openCodeScanningAlerts = createScorecardCheck({
  id: 'open-code-scanning-alerts',
  title: 'No open high/critical code-scanning alerts',
  description:
    'The repository has no open code scanning alert of critical or high security severity.',
  category: 'vulnerability-scanning',
  severity: 'high',
  platforms: ['repository'],
  remediationUrl:
    'https://docs.github.com/en/code-security/code-scanning/managing-code-scanning-alerts/about-code-scanning-alerts',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, { gitlab: false });
    if (scope) return scope;
    const alerts = readGithubFact(
      snapshot,
      'github.codeScanningAlerts',
      'the open code scanning alerts',
    );
    if (!alerts.ok) return alerts.outcome;
    const { open, by } = alerts.value;
    const findings: CheckFinding[] = [];
    for (const level of FAILING) {
      const n = by[level] ?? 0;
      if (n === 0) continue;
      findings.push({
        message: `${n} open code scanning alert${
          n === 1 ? '' : 's'
        } of ${level} security severity`,
        severity: level,
        fingerprintKey: `code-scanning-alerts:${level}`,
        suggestedFix: {
          description:
            'Security → Code scanning: filter on severity, fix the code each alert points at (the alert closes on the next analysis), or dismiss it with a reason if it is a false positive (REST: PATCH /repos/{owner}/{repo}/code-scanning/alerts/{alert_number} with {"state":"dismissed","dismissed_reason":"false positive"}).',
        },
      });
    }
    const failing = FAILING.reduce((sum, l) => sum + (by[l] ?? 0), 0);
    if (findings.length === 0) {
      return outcome.pass(
        open === 0
          ? 'no open code scanning alert'
          : `no open critical or high code scanning alert (${open} of lower severity)`,
      );
    }
    return outcome.fail(
      0,
      findings,
      `${failing} open critical or high code scanning alert${
        failing === 1 ? '' : 's'
      } (${open} open in all)`,
    );
  },
});
