import {
  AuthService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ForwardedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ScorecardStore } from '../database/ScorecardStore';
import { EntityScanner } from '../scanner/EntityScanner';

export const REFRESH_TASK_ID = 'cicd-security-refresh';

/** Every 30 minutes, first run 5 seconds after start, at most 10 minutes per run. */
export const DEFAULT_REFRESH_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 30 },
    initialDelay: { seconds: 5 },
    timeout: { minutes: 10 },
  };

const PAGE_SIZE = 200;

export interface ScorecardRefreshTaskOptions {
  /** The root config; the schedule is read from `cicdSecurity.schedule`. */
  config: Config;
  scheduler: SchedulerService;
  logger: LoggerService;
  store: ScorecardStore;
  scanner: Pick<EntityScanner, 'scan'>;
  catalog: CatalogService;
  auth: AuthService;
  /** How many entities are scanned at the same time. */
  concurrency: number;
}

/** Result of one run, also logged. */
export interface RefreshSummary {
  scanned: number;
  failed: number;
  noSource: number;
  deleted: number;
  durationMs: number;
}

/**
 * The scheduled scan of every catalog component: walks the catalog, scans
 * each component with bounded concurrency and forgets entities that left
 * the catalog.
 */
export class ScorecardRefreshTask {
  readonly #options: ScorecardRefreshTaskOptions;
  readonly #schedule: SchedulerServiceTaskScheduleDefinition;

  constructor(options: ScorecardRefreshTaskOptions) {
    this.#options = options;
    this.#schedule = options.config.has('cicdSecurity.schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          options.config.getConfig('cicdSecurity.schedule'),
        )
      : DEFAULT_REFRESH_SCHEDULE;
  }

  get schedule(): SchedulerServiceTaskScheduleDefinition {
    return this.#schedule;
  }

  async start(): Promise<void> {
    await this.#options.scheduler.scheduleTask({
      id: REFRESH_TASK_ID,
      scope: 'global',
      ...this.#schedule,
      fn: async () => {
        await this.run();
      },
    });
  }

  /** One full pass over the catalog. */
  async run(): Promise<RefreshSummary> {
    const { logger, store, scanner, concurrency } = this.#options;
    const started = Date.now();
    let entities: Entity[];
    try {
      entities = await this.#listComponents();
    } catch (e) {
      throw new ForwardedError('cicd-security could not read the catalog', e);
    }

    const summary: RefreshSummary = {
      scanned: 0,
      failed: 0,
      noSource: 0,
      deleted: 0,
      durationMs: 0,
    };
    await forEachBounded(entities, concurrency, async entity => {
      try {
        const result = await scanner.scan(entity);
        if (result.state === 'error') summary.failed++;
        else if (result.state === 'no-source') summary.noSource++;
        else summary.scanned++;
      } catch (e) {
        summary.failed++;
        logger.error(
          `Scan of ${stringifyEntityRef(entity)} failed: ${
            e instanceof Error ? e.message : String(e)
          }`,
        );
      }
    });

    try {
      const known = new Set(entities.map(e => stringifyEntityRef(e)));
      const gone = (await store.listEntityRefs()).filter(r => !known.has(r));
      await store.deleteEntities(gone);
      summary.deleted = gone.length;
    } catch (e) {
      throw new ForwardedError(
        'cicd-security could not clean up old entities',
        e,
      );
    }

    summary.durationMs = Date.now() - started;
    logger.info(
      `cicd-security refresh: ${summary.scanned} scanned, ${summary.failed} failed, ` +
        `${summary.noSource} without source, ${summary.deleted} removed, ${summary.durationMs} ms`,
    );
    return summary;
  }

  async #listComponents(): Promise<Entity[]> {
    const { catalog, auth } = this.#options;
    const credentials = await auth.getOwnServiceCredentials();
    const entities: Entity[] = [];
    let response = await catalog.queryEntities(
      { filter: { kind: 'Component' }, limit: PAGE_SIZE },
      { credentials },
    );
    entities.push(...response.items);
    while (response.pageInfo.nextCursor) {
      response = await catalog.queryEntities(
        { cursor: response.pageInfo.nextCursor, limit: PAGE_SIZE },
        { credentials },
      );
      entities.push(...response.items);
    }
    return entities;
  }
}

/** Run `fn` over `items` with at most `limit` calls in flight. */
async function forEachBounded<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from(
    { length: Math.max(1, Math.min(limit, items.length)) },
    async () => {
      while (next < items.length) {
        const item = items[next++];
        await fn(item);
      }
    },
  );
  await Promise.all(workers);
}
