import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { cicdSecurityFactsExtensionPoint } from '@cicd-security/plugin-cicd-security-node/extensions';
import { createGithubFactProvider } from './facts/githubFactProvider';

/**
 * Supplies the GitHub facts (repository settings, branch rules, Actions
 * permissions, webhooks, security alerts) to the cicd-security checks,
 * read with the GitHub integrations' credentials.
 */
export const cicdSecurityModuleGithub = createBackendModule({
  pluginId: 'cicd-security',
  moduleId: 'github',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        facts: cicdSecurityFactsExtensionPoint,
      },
      async init({ config, logger, facts }) {
        const settings = config.getOptionalConfig('cicdSecurity.github');
        const seconds = settings?.getOptionalNumber('maxRateLimitWaitSeconds');
        const remember = settings?.getOptionalNumber(
          'rememberWithoutEtagSeconds',
        );
        const settingsMaxAge = settings?.getOptionalNumber(
          'settingsMaxAgeSeconds',
        );
        facts.addFactProvider(
          createGithubFactProvider({
            integrations: ScmIntegrations.fromConfig(config),
            logger,
            maxAlertPages: settings?.getOptionalNumber('maxAlertPages'),
            cacheEntries: settings?.getOptionalNumber('cacheEntries'),
            graphql: settings?.getOptionalBoolean('graphql'),
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
