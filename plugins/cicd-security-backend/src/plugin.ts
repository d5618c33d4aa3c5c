import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { cicdSecurityPermissions } from '@cicd-security/plugin-cicd-security-common';
import {
  AdvisoryDatabase,
  FactProvider,
  ScorecardCheck,
  redactingLogger,
} from '@cicd-security/plugin-cicd-security-node';
import {
  CicdSecurityAdvisoriesExtensionPoint,
  cicdSecurityAdvisoriesExtensionPoint,
  CicdSecurityChecksExtensionPoint,
  cicdSecurityChecksExtensionPoint,
  CicdSecurityFactsExtensionPoint,
  cicdSecurityFactsExtensionPoint,
} from '@cicd-security/plugin-cicd-security-node/extensions';
import path from 'path';
import { readBackfillSettings } from './backfill/config';
import { BackfillTask, HistoryBackfill } from './backfill/HistoryBackfill';
import { builtinsWithAdvisoryData, selectChecks } from './checkSelection';
import { readCicdSecuritySettings } from './config';
import { configFactProvider } from './facts/configFactProvider';
import { scmPlatformFactProvider } from './facts/scmPlatformFactProvider';
import { createDatabaseStores } from './database/createStores';
import { setupNotifications } from './notifications/setup';
import { readPolicies } from './policies/policies';
import { EntityScanner } from './scanner/EntityScanner';
import { readLinkTemplate } from './sources/sourceLinks';
import { GroupHierarchyTask } from './scheduler/GroupHierarchyTask';
import { HousekeepingTask } from './scheduler/HousekeepingTask';
import { ScanQueue } from './scheduler/ScanQueue';
import { ScorecardRefreshTask } from './scheduler/ScorecardRefreshTask';
import { createRouter } from './service/router';

/** Collects the checks that modules add; duplicate ids throw at startup. */
class ChecksExtensionPointImpl implements CicdSecurityChecksExtensionPoint {
  readonly #checks = new Map<string, ScorecardCheck>();

  addChecks(...checks: Array<ScorecardCheck | ScorecardCheck[]>): void {
    for (const check of checks.flat()) {
      if (this.#checks.has(check.id)) {
        throw new Error(`Check '${check.id}' was added twice`);
      }
      this.#checks.set(check.id, check);
    }
  }

  get checks(): ScorecardCheck[] {
    return [...this.#checks.values()];
  }
}

/** Collects the fact providers that modules add; duplicate ids throw at startup. */
class FactsExtensionPointImpl implements CicdSecurityFactsExtensionPoint {
  readonly #providers = new Map<string, FactProvider>();

  addFactProvider(...providers: FactProvider[]): void {
    for (const provider of providers) {
      if (this.#providers.has(provider.id)) {
        throw new Error(`Fact provider '${provider.id}' was added twice`);
      }
      this.#providers.set(provider.id, provider);
    }
  }

  get providers(): FactProvider[] {
    return [...this.#providers.values()];
  }
}

/** Holds the advisory database a module sets; a second one throws at startup. */
class AdvisoriesExtensionPointImpl
  implements CicdSecurityAdvisoriesExtensionPoint
{
  #database?: AdvisoryDatabase;

  setAdvisoryDatabase(database: AdvisoryDatabase): void {
    if (this.#database) {
      throw new Error(
        `An advisory database was set twice (${
          this.#database.description
        }, then ${database.description}): install one advisories module`,
      );
    }
    this.#database = database;
  }

  get database(): AdvisoryDatabase | undefined {
    return this.#database;
  }
}

/**
 * The cicd-security backend plugin: scans catalog components on a schedule
 * and serves their CI/CD security scorecards at `/api/cicd-security`.
 */
export const cicdSecurityPlugin = createBackendPlugin({
  pluginId: 'cicd-security',
  register(env) {
    const extensionChecks = new ChecksExtensionPointImpl();
    env.registerExtensionPoint(
      cicdSecurityChecksExtensionPoint,
      extensionChecks,
    );
    const extensionFacts = new FactsExtensionPointImpl();
    env.registerExtensionPoint(cicdSecurityFactsExtensionPoint, extensionFacts);
    const extensionAdvisories = new AdvisoriesExtensionPointImpl();
    env.registerExtensionPoint(
      cicdSecurityAdvisoriesExtensionPoint,
      extensionAdvisories,
    );

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        // Has a default implementation, so the plugin starts without the
        // notifications backend; messages are sent only when it is installed.
        notifications: notificationService,
        instanceMetadata: coreServices.rootInstanceMetadata,
      },
      async init({
        config,
        logger: pluginLogger,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        urlReader,
        catalog,
        notifications,
        instanceMetadata,
      }) {
        // Every log line of the plugin goes through credential redaction: SCM
        // errors and source locations can carry tokens.
        const logger = redactingLogger(pluginLogger);
        const settings = readCicdSecuritySettings(config);
        const registry = selectChecks({
          extensionChecks: extensionChecks.checks,
          disabledChecks: settings.disabledChecks,
          logger,
          builtins: await builtinsWithAdvisoryData({
            directory: config.getOptionalString('cicdSecurity.osv.directory'),
            database: extensionAdvisories.database,
            logger,
          }),
        });

        // A policy with a typo (an unknown key or check) stops the start.
        const policies = readPolicies(config, {
          knownChecks: id => registry.get(id) !== undefined,
        });

        const {
          scorecards: store,
          waivers,
          groups,
        } = await createDatabaseStores({
          database,
          scoring: settings.scoring,
          cacheTtlMs: settings.aggregatesCacheTtlMs,
        });
        permissionsRegistry.addPermissions(cicdSecurityPermissions);

        // Owners hear when a scan makes their scorecard worse.
        const { store: scanStore } = await setupNotifications({
          config,
          logger,
          database,
          scheduler,
          instanceMetadata,
          notifications,
          store,
          waivers,
          catalog,
          auth,
          policies,
        });

        const integrations = ScmIntegrations.fromConfig(config);
        const scanner = new EntityScanner({
          store: scanStore,
          registry,
          logger,
          localRoots: settings.localRoots,
          ...(settings.allow ? { allow: settings.allow } : {}),
          maxFileBytes: settings.maxFileBytes,
          maxTotalBytes: settings.maxTotalBytes,
          readTimeoutMs: settings.readTimeoutMs,
          scoring: settings.scoring,
          urlReader,
          integrations,
          retries: settings.retries,
          // Declarations in configuration first: an SCM module cannot
          // override what the organisation states.
          factProviders: [
            ...[configFactProvider(settings.facts)].filter(
              (p): p is FactProvider => p !== undefined,
            ),
            ...extensionFacts.providers,
            scmPlatformFactProvider(integrations),
          ],
          factTimeoutMs: settings.factTimeoutMs,
        });
        // Scheduled scans and on-demand refreshes share one concurrency limit.
        const scanQueue = new ScanQueue(settings.concurrency);
        await new ScorecardRefreshTask({
          config,
          scheduler,
          logger,
          store,
          scanner,
          catalog,
          auth,
          concurrency: settings.concurrency,
          queue: scanQueue,
          shards: settings.shards,
          maxConcurrentShards: settings.maxConcurrentShards,
        }).start();
        await new HousekeepingTask({
          config,
          scheduler,
          logger,
          store,
          waivers,
          catalog,
          auth,
          retention: settings.retention,
        }).start();
        // History from day one: earlier git revisions of dir: sources,
        // scanned once per component after its first scan.
        const backfillSettings = readBackfillSettings(config, {
          retentionDays: settings.retention.days,
          resolvePath: p => path.resolve(process.cwd(), p),
        });
        if (backfillSettings.enabled) {
          await new BackfillTask({
            backfill: new HistoryBackfill({
              store,
              registry,
              logger,
              settings: backfillSettings,
              localRoots: settings.localRoots,
              maxFileBytes: settings.maxFileBytes,
              maxTotalBytes: settings.maxTotalBytes,
              scoring: settings.scoring,
              // Declarations hold for earlier revisions too; SCM settings
              // read today do not.
              factProviders: [configFactProvider(settings.facts)].filter(
                (p): p is FactProvider => p !== undefined,
              ),
            }),
            store,
            catalog,
            auth,
            scheduler,
            logger,
          }).start();
        }
        await new GroupHierarchyTask({
          scheduler,
          logger,
          catalog,
          auth,
          store: groups,
        }).start();
        // The org views' aggregates are computed ahead of the first visitor
        // after a start, and kept at most ten minutes old when nobody looks.
        if (settings.aggregatesCacheTtlMs > 0) {
          await scheduler.scheduleTask({
            id: 'cicd-security-warm-aggregates',
            scope: 'local',
            frequency: { minutes: 10 },
            initialDelay: { seconds: 5 },
            timeout: { minutes: 5 },
            fn: async () => {
              await store.warmAggregates().catch(error => {
                logger.debug(`Could not compute the org aggregates: ${error}`);
              });
            },
          });
        }

        httpRouter.use(
          await createRouter({
            store,
            waivers,
            scanner,
            catalog,
            auth,
            httpAuth,
            permissions,
            logger,
            registry,
            // The organisation's own guides, read before the built-in ones.
            guidesDir:
              settings.guidesDir &&
              path.resolve(process.cwd(), settings.guidesDir),
            scanQueue,
            refreshRateLimit: settings.refreshRateLimit,
            waiverMaxDays: settings.waiverMaxDays,
            sourceLinkTemplate: readLinkTemplate(config),
            policies,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
