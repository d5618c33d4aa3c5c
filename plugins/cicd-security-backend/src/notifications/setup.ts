import {
  AuthService,
  DatabaseService,
  LoggerService,
  RootInstanceMetadataService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { PolicyDefinition } from '@cicd-security/plugin-cicd-security-common';
import { ScorecardStore } from '../database/ScorecardStore';
import { WaiverStore } from '../database/WaiverStore';
import { evaluatePolicy, selects } from '../policies/policies';
import { NotificationLog } from './NotificationLog';
import { notifyingStore } from './notifyingStore';
import { PolicyStatusLookup, ScorecardNotifier } from './ScorecardNotifier';
import { readNotificationSettings } from './settings';
import { WaiverExpiryTask } from './WaiverExpiryTask';

/** The id of Backstage's notifications backend plugin. */
export const NOTIFICATIONS_PLUGIN_ID = 'notifications';

/**
 * Sets up notifications when they are enabled and the notifications backend
 * plugin is installed in this backend; otherwise returns the store as it is
 * and sends nothing. Returns the store the scanner writes through.
 */
export async function setupNotifications<T extends ScorecardStore>(options: {
  config: Config;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  instanceMetadata: RootInstanceMetadataService;
  notifications: NotificationService;
  store: T;
  waivers: WaiverStore;
  catalog: CatalogService;
  auth: AuthService;
  policies: PolicyDefinition[];
}): Promise<{ store: T; notifier?: ScorecardNotifier }> {
  const { config, logger, store } = options;
  const settings = readNotificationSettings(config);
  if (!settings.enabled) {
    logger.info('Notifications are off (cicdSecurity.notifications.enabled)');
    return { store };
  }
  const installed = await options.instanceMetadata.getInstalledPlugins();
  if (!installed.some(p => p.pluginId === NOTIFICATIONS_PLUGIN_ID)) {
    logger.info(
      'The notifications backend plugin is not installed: owners are not notified of scorecard changes',
    );
    return { store };
  }
  const db = await options.database.getClient();
  const policyStatus: PolicyStatusLookup | undefined = options.policies.length
    ? async card => {
        const entity = await options.catalog.getEntityByRef(card.entityRef, {
          credentials: await options.auth.getOwnServiceCredentials(),
        });
        if (!entity) return [];
        return options.policies
          .filter(p => selects(p.select, entity))
          .map(p => ({
            policy: p.name,
            status: evaluatePolicy(p, card).status,
          }));
      }
    : undefined;
  const notifier = new ScorecardNotifier({
    log: new NotificationLog(db),
    send: message => options.notifications.send(message),
    settings,
    logger,
    policyStatus,
  });
  await new WaiverExpiryTask({
    scheduler: options.scheduler,
    logger,
    waivers: options.waivers,
    notifier,
    ownerOf: async ref => (await store.getScorecard(ref))?.owner,
  }).start();
  return { store: notifyingStore(store, notifier, logger), notifier };
}
