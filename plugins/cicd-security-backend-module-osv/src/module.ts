import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { cicdSecurityAdvisoriesExtensionPoint } from '@cicd-security/plugin-cicd-security-node/extensions';
import { OsvApiClient } from './api/OsvApiClient';
import { DatabaseOsvCache } from './cache/DatabaseOsvCache';
import { readOsvApiSettings } from './config';
import { OsvApiAdvisoryDatabase } from './OsvApiAdvisoryDatabase';

/**
 * Gives the open-vulnerable-dependencies check the OSV API as advisory
 * data, with a cache in the cicd-security plugin's database shared by every
 * component and replica. Makes no request unless `cicdSecurity.osv.api` is
 * configured.
 */
export const cicdSecurityModuleOsv = createBackendModule({
  pluginId: 'cicd-security',
  moduleId: 'osv',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        advisories: cicdSecurityAdvisoriesExtensionPoint,
      },
      async init({ config, logger, database, advisories }) {
        const settings = readOsvApiSettings(config);
        if (!settings) {
          logger.info(
            'cicdSecurity.osv.api is not configured (or enabled: false): the OSV module makes no request',
          );
          return;
        }
        const cache = await DatabaseOsvCache.create({ database });
        advisories.setAdvisoryDatabase(
          new OsvApiAdvisoryDatabase({
            client: new OsvApiClient({ ...settings, logger }),
            cache,
            ttlMs: settings.ttlMs,
            logger,
          }),
        );
      },
    });
  },
});
