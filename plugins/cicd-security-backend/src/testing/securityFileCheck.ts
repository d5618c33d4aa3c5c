import { createBackendModule } from '@backstage/backend-plugin-api';
import { createScorecardCheck } from '@cicd-security/plugin-cicd-security-node';
import { cicdSecurityChecksExtensionPoint } from '@cicd-security/plugin-cicd-security-node/extensions';

/** A check for tests: fails when the repository has no SECURITY.md. */
export const securityFileCheck = createScorecardCheck({
  id: 'test-security-file',
  title: 'The repository has a SECURITY.md',
  description: 'A check added by a test module.',
  category: 'compliance',
  severity: 'high',
  platforms: ['repository'],
  frameworks: [],
  run: snapshot =>
    snapshot.exists('SECURITY.md')
      ? { status: 'pass', score: 10, findings: [] }
      : {
          status: 'fail',
          score: 0,
          findings: [
            { message: 'SECURITY.md is missing', file: 'SECURITY.md' },
          ],
        },
});

/** A backend module adding {@link securityFileCheck} through the extension point. */
export const securityFileChecksModule = createBackendModule({
  pluginId: 'cicd-security',
  moduleId: 'test-checks',
  register(env) {
    env.registerInit({
      deps: { checks: cicdSecurityChecksExtensionPoint },
      async init({ checks }) {
        checks.addChecks(securityFileCheck);
      },
    });
  },
});
