import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { cicdSecurityPermissions } from '@cicd-security/plugin-cicd-security-common';
import {
  CicdSecurityChecksExtensionPoint,
  cicdSecurityChecksExtensionPoint,
  ScorecardCheck,
  redactingLogger,
} from '@cicd-security/plugin-cicd-security-node';
import fs from 'fs';
import path from 'path';
import { selectChecks } from './checkSelection';
import { readCicdSecuritySettings } from './config';
import { createDatabaseStores } from './database/createStores';
import { EntityScanner } from './scanner/EntityScanner';
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
      }) {
        // Every log line of the plugin goes through credential redaction: SCM
        // errors and source locations can carry tokens.
        const logger = redactingLogger(pluginLogger);
        const settings = readCicdSecuritySettings(config);
        const registry = selectChecks({
          extensionChecks: extensionChecks.checks,
          disabledChecks: settings.disabledChecks,
          logger,
        });

        const {
          scorecards: store,
          waivers,
          groups,
        } = await createDatabaseStores({
          database,
          scoring: settings.scoring,
        });
        permissionsRegistry.addPermissions(cicdSecurityPermissions);

        const scanner = new EntityScanner({
          store,
          registry,
          logger,
          localRoots: settings.localRoots,
          ...(settings.allow ? { allow: settings.allow } : {}),
          maxFileBytes: settings.maxFileBytes,
          maxTotalBytes: settings.maxTotalBytes,
          readTimeoutMs: settings.readTimeoutMs,
          scoring: settings.scoring,
          urlReader,
          integrations: ScmIntegrations.fromConfig(config),
          retries: settings.retries,
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
        await new GroupHierarchyTask({
          scheduler,
          logger,
          catalog,
          auth,
          store: groups,
        }).start();

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
            guidesDir: findGuidesDir(settings.guidesDir),
            scanQueue,
            refreshRateLimit: settings.refreshRateLimit,
            waiverMaxDays: settings.waiverMaxDays,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});

/** The configured guides folder, else the project's `docs/checks` when found. */
function findGuidesDir(configured?: string): string | undefined {
  const candidates: Array<() => string> = [
    ...(configured ? [() => path.resolve(process.cwd(), configured)] : []),
    () =>
      resolvePackagePath(
        '@cicd-security/plugin-cicd-security-node',
        '../../docs/checks',
      ),
    () =>
      resolvePackagePath(
        '@cicd-security/plugin-cicd-security-backend',
        '../../docs/checks',
      ),
    () => path.resolve(process.cwd(), 'docs/checks'),
  ];
  for (const candidate of candidates) {
    try {
      const dir = candidate();
      if (fs.statSync(dir).isDirectory()) return dir;
    } catch {
      // not there: try the next one
    }
  }
  return undefined;
}
