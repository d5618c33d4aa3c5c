import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { cicdSecurityFactsExtensionPoint } from '@cicd-security/plugin-cicd-security-node/extensions';
import { createGitlabFactProvider } from './facts/gitlabFactProvider';

/**
 * Supplies the GitLab facts (project settings, default branch rules,
 * webhooks, protected environments, CI/CD variables, job token scope,
 * members, vulnerabilities) to the cicd-security checks, read with the
 * GitLab integrations' tokens.
 */
export const cicdSecurityModuleGitlab = createBackendModule({
  pluginId: 'cicd-security',
  moduleId: 'gitlab',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        facts: cicdSecurityFactsExtensionPoint,
      },
      async init({ config, logger, facts }) {
        const settings = config.getOptionalConfig('cicdSecurity.gitlab');
        const seconds = settings?.getOptionalNumber('maxRateLimitWaitSeconds');
        const remember = settings?.getOptionalNumber(
          'rememberWithoutEtagSeconds',
        );
        const settingsMaxAge = settings?.getOptionalNumber(
          'settingsMaxAgeSeconds',
        );
        facts.addFactProvider(
          createGitlabFactProvider({
            integrations: ScmIntegrations.fromConfig(config),
            logger,
            maxPages: settings?.getOptionalNumber('maxPages'),
            cacheEntries: settings?.getOptionalNumber('cacheEntries'),
            maxResponseBytes: settings?.getOptionalNumber('maxResponseBytes'),
            maxRateLimitWaitMs:
              seconds === undefined ? undefined : seconds * 1000,
            rememberWithoutEtagMs:
              remember === undefined ? undefined : remember * 1000,
            settingsMaxAgeMs:
              settingsMaxAge === undefined ? undefined : settingsMaxAge * 1000,
          }),
        );
      },
    });
  },
});
