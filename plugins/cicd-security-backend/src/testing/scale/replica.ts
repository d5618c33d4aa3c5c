/*
 * One backend replica for the multi-process scale tests and benchmark: a
 * test backend with the cicd-security plugin, the real database and
 * scheduler services on a shared PostgreSQL database, and a fake catalog of
 * components over local directories.
 *
 * Environment: CICD_PG (connection string of the server), CICD_DB_PREFIX
 * (database prefix), CICD_REPOS (directory of repositories, one component
 * per folder), CICD_SHARDS, CICD_CONCURRENCY, CICD_REPLICA (label),
 * CICD_TIMEOUT_S (how long a shard run may hold its claim; default 600).
 * Prints `READY` once started and one `SHARD <json>` line per shard run (the
 * task that picks up never-scanned components is not a shard).
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'fs';
import path from 'path';
import { cicdSecurityPlugin } from '../../plugin';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

export function componentsOf(reposDir: string): Entity[] {
  return fs
    .readdirSync(reposDir)
    .filter(name => fs.statSync(path.join(reposDir, name)).isDirectory())
    .sort()
    .map((name, i) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        annotations: {
          'backstage.io/source-location': `dir:${path.join(reposDir, name)}`,
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: `team-${i % 25}`,
      },
    }));
}

/** Logs the shard summaries of the refresh task to stdout, the rest nowhere. */
const printingLogger = createServiceFactory({
  service: coreServices.logger,
  deps: {},
  factory() {
    const replica = process.env.CICD_REPLICA ?? '?';
    const logger: any = {
      info(message: string) {
        if (message.startsWith('cicd-security refresh (shard ')) {
          process.stdout.write(
            `SHARD ${JSON.stringify({ replica, message, at: Date.now() })}\n`,
          );
        }
      },
      warn() {},
      error(message: string) {
        process.stderr.write(`${replica}: ${message}\n`);
      },
      debug() {},
      child: () => logger,
    };
    return logger;
  },
});

async function main() {
  const reposDir = env('CICD_REPOS');
  await startTestBackend({
    features: [
      cicdSecurityPlugin,
      catalogServiceMock.factory({ entities: componentsOf(reposDir) }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: {
              client: 'pg',
              connection: env('CICD_PG'),
              prefix: env('CICD_DB_PREFIX'),
            },
          },
          cicdSecurity: {
            sources: { localRoots: [reposDir] },
            shards: Number(process.env.CICD_SHARDS ?? 4),
            concurrency: Number(process.env.CICD_CONCURRENCY ?? 4),
            schedule: {
              frequency: { minutes: 30 },
              initialDelay: { seconds: 1 },
              timeout: { seconds: Number(process.env.CICD_TIMEOUT_S ?? 600) },
            },
            housekeepingSchedule: {
              frequency: { hours: 24 },
              initialDelay: { hours: 1 },
              timeout: { minutes: 10 },
            },
            // The tests measure the shard cycle alone: the new-components
            // task stays out of the cycle under test.
            newEntitiesSchedule: {
              frequency: { minutes: 30 },
              initialDelay: { minutes: 10 },
              timeout: { minutes: 5 },
            },
          },
        },
      }),
      databaseServiceFactory,
      schedulerServiceFactory,
      printingLogger,
    ],
  });
  process.stdout.write('READY\n');
}

main().catch(e => {
  process.stderr.write(`replica failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
