/*
 * The cicd-security demo portal backend: catalog, guest auth, permissions and
 * the cicd-security plugin, on the new backend system.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// auth: the guest provider lets the demo portal run without accounts
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permissions (allow-all in the demo; see README for a real policy)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// notifications (the bell) and signals (pushes them to open pages): the
// cicd-security plugin notifies owners when their scorecards get worse
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// cicd-security
backend.add(import('@cicd-security/plugin-cicd-security-backend'));
backend.add(
  import('@cicd-security/plugin-cicd-security-backend-module-github'),
);
// GitLab project settings: reads only with a token under integrations.gitlab
backend.add(
  import('@cicd-security/plugin-cicd-security-backend-module-gitlab'),
);
// OSV API advisories: makes no request unless cicdSecurity.osv.api is
// configured (the demo reads the offline records of cicdSecurity.osv.directory)
backend.add(import('@cicd-security/plugin-cicd-security-backend-module-osv'));

// SonarQube quality gates: reads only with cicdSecurity.sonarqube configured
backend.add(
  import('@cicd-security/plugin-cicd-security-backend-module-sonarqube'),
);
// Snyk issues: reads only with cicdSecurity.snyk.token
backend.add(import('@cicd-security/plugin-cicd-security-backend-module-snyk'));

backend.start();
