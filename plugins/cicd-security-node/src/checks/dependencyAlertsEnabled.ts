import { AUTO_DEVOPS_TEMPLATE } from '../analysis/ciEvidence';
import {
  gitlabTemplateOutcome,
  hasGitlabCi,
} from '../analysis/gitlabTemplates';
import { createScorecardCheck, outcome } from './types';

const DEPENDENCY_SCANNING =
  /(?:^|\/)Dependency-Scanning\.(?:latest\.)?gitlab-ci\.yml$|\/components\/dependency-scanning\/[\w-]+@/i;

/**
 * Dependency alerts tell the maintainers when a dependency they ship gets a
 * known vulnerability; security updates open the fix as a pull request.
 */
export const dependencyAlertsEnabled = createScorecardCheck({
  id: 'dependency-alerts-enabled',
  title: 'Dependency alerts & security updates enabled',
  description:
    'Dependabot alerts and Dependabot security updates are enabled for the repository; on GitLab, the Dependency Scanning template is included in the pipeline.',
  category: 'vulnerability-scanning',
  severity: 'high',
  platforms: ['repository', 'gitlab-ci'],
  frameworks: [
    { framework: 'legitify', control: 'vulnerability_alerts_not_enabled' },
  ],
  remediationUrl:
    'https://docs.github.com/en/code-security/dependabot/dependabot-alerts/about-dependabot-alerts',
  run(snapshot) {
    const alerts = snapshot.fact('github.vulnerabilityAlerts');
    if (alerts.available) {
      if (!alerts.value) {
        return outcome.fail(0, [
          {
            message: 'Dependabot alerts are disabled for the repository',
            fingerprintKey: 'no-dependency-alerts',
          },
        ]);
      }
      const fixes = snapshot.fact('github.automatedSecurityFixes');
      if (!fixes.available) {
        return outcome.inconclusive(
          `Dependabot alerts are enabled; whether security updates are needs the GitHub API (fact github.automatedSecurityFixes: ${fixes.reason})`,
        );
      }
      const v = fixes.value;
      const on = typeof v === 'boolean' ? v : !!v?.enabled && !v?.paused;
      if (on)
        return outcome.pass(
          'Dependabot alerts and security updates are enabled',
        );
      return outcome.fail(7, [
        {
          message:
            'Dependabot alerts are enabled but security updates are not: fixes for vulnerable dependencies are not proposed automatically',
          fingerprintKey: 'no-security-updates',
          severity: 'medium',
        },
      ]);
    }
    if (hasGitlabCi(snapshot)) {
      return gitlabTemplateOutcome(
        snapshot,
        new RegExp(
          `${DEPENDENCY_SCANNING.source}|${AUTO_DEVOPS_TEMPLATE.source}`,
          'i',
        ),
        'Dependency Scanning',
        'Dependency-Scanning.gitlab-ci.yml',
      );
    }
    return outcome.inconclusive(
      `whether Dependabot alerts and security updates are enabled needs the GitHub API (fact github.vulnerabilityAlerts: ${alerts.reason})`,
    );
  },
});
