import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { cicdSecurityFactsExtensionPoint } from '@cicd-security/plugin-cicd-security-node/extensions';
import { readSonarqubeInstances } from './facts/instances';
import { createSonarqubeFactProvider } from './facts/sonarqubeFactProvider';

/**
 * Supplies `sonarqube.qualityGate` to the cicd-security checks for
 * components annotated `sonarqube.org/project-key`, read with the tokens
 * of `cicdSecurity.sonarqube`. Without that configuration it registers
 * nothing and makes no request.
 */
export const cicdSecurityModuleSonarqube = createBackendModule({
  pluginId: 'cicd-security',
  moduleId: 'sonarqube',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        facts: cicdSecurityFactsExtensionPoint,
      },
      async init({ config, logger, facts }) {
        const instances = readSonarqubeInstances(config);
        if (instances.length === 0) {
          logger.info(
            'SonarQube facts are off: cicdSecurity.sonarqube has no baseUrl and token, nor instances',
          );
          return;
        }
        logger.info(
          `SonarQube facts from ${instances
            .map(i => `${i.name} (${i.baseUrl})`)
            .join(', ')}`,
        );
        facts.addFactProvider(
          createSonarqubeFactProvider({
            instances,
            logger,
            requestTimeoutMs: config.getOptionalNumber(
              'cicdSecurity.sonarqube.requestTimeoutMs',
            ),
          }),
        );
      },
    });
  },
});
