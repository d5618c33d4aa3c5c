import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { cicdSecurityFactsExtensionPoint } from '@cicd-security/plugin-cicd-security-node/extensions';
import {
  createSnykFactProvider,
  DEFAULT_SNYK_API,
} from './facts/snykFactProvider';

/**
 * Supplies `snyk.issues` to the cicd-security checks for components with
 * the Snyk plugin's annotations, read with `cicdSecurity.snyk.token`.
 * Without a token it registers nothing and makes no request.
 */
export const cicdSecurityModuleSnyk = createBackendModule({
  pluginId: 'cicd-security',
  moduleId: 'snyk',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        facts: cicdSecurityFactsExtensionPoint,
      },
      async init({ config, logger, facts }) {
        const snyk = config.getOptionalConfig('cicdSecurity.snyk');
        const token = snyk?.getOptionalString('token');
        if (!snyk || !token) {
          logger.info('Snyk facts are off: cicdSecurity.snyk.token is not set');
          return;
        }
        const apiBaseUrl =
          snyk.getOptionalString('apiBaseUrl') ?? DEFAULT_SNYK_API;
        logger.info(`Snyk facts from ${apiBaseUrl}`);
        facts.addFactProvider(
          createSnykFactProvider({
            token,
            logger,
            apiBaseUrl,
            version: snyk.getOptionalString('version'),
            maxPages: snyk.getOptionalNumber('maxPages'),
            maxProjects: snyk.getOptionalNumber('maxProjects'),
            requestTimeoutMs: snyk.getOptionalNumber('requestTimeoutMs'),
          }),
        );
      },
    });
  },
});
