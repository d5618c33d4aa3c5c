import {
  hasGitlabCi,
  gitlabTemplateOutcome,
} from '../analysis/gitlabTemplates';
import { createScorecardCheck, outcome } from './types';

/** `repo.security_and_analysis` of the GitHub REST API. */
export interface SecurityAndAnalysis {
  secret_scanning?: { status?: string };
  secret_scanning_push_protection?: { status?: string };
  [feature: string]: { status?: string } | undefined;
}

const SECRET_DETECTION =
  /(?:^|\/)Secret-Detection\.(?:latest\.)?gitlab-ci\.yml$|\/components\/secret-detection\/secret-detection@/i;

/**
 * Secret scanning finds credentials pushed to the repository; push protection
 * refuses the push before the secret ever lands in history.
 */
export const secretScanningEnabled = createScorecardCheck({
  id: 'secret-scanning-enabled',
  title: 'Secret scanning (+push protection) enabled',
  description:
    'GitHub secret scanning and push protection are enabled for the repository; on GitLab, the Secret Detection template is included in the pipeline.',
  category: 'secrets-management',
  severity: 'high',
  platforms: ['repository', 'gitlab-ci'],
  frameworks: [
    { framework: 'legitify', control: 'secret_scanning_not_enabled' },
    {
      framework: 'legitify',
      control: 'enable_push_protection_secret_scanning',
    },
  ],
  remediationUrl:
    'https://docs.github.com/en/code-security/secret-scanning/introduction/about-push-protection',
  run(snapshot) {
    const fact = snapshot.fact('github.securityAndAnalysis');
    if (fact.available) {
      const sa = fact.value ?? {};
      const scanning = sa.secret_scanning?.status === 'enabled';
      const push = sa.secret_scanning_push_protection?.status === 'enabled';
      if (scanning && push)
        return outcome.pass('secret scanning and push protection are enabled');
      if (scanning) {
        return outcome.fail(5, [
          {
            message:
              'Secret scanning is enabled but push protection is not: secrets are found only after they are pushed',
            fingerprintKey: 'no-push-protection',
            severity: 'medium',
          },
        ]);
      }
      return outcome.fail(0, [
        {
          message: 'Secret scanning is disabled for the repository',
          fingerprintKey: 'no-secret-scanning',
        },
      ]);
    }
    if (hasGitlabCi(snapshot)) {
      return gitlabTemplateOutcome(
        snapshot,
        SECRET_DETECTION,
        'Secret Detection',
        'Secret-Detection.gitlab-ci.yml',
      );
    }
    return outcome.inconclusive(
      `whether secret scanning and push protection are enabled needs the GitHub API (fact github.securityAndAnalysis: ${fact.reason})`,
    );
  },
});
