import {
  AuthService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ForwardedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { RetentionSettings } from '../config';
import { ScorecardStore } from '../database/ScorecardStore';
import { listComponents } from './ScorecardRefreshTask';

export const HOUSEKEEPING_TASK_ID = 'cicd-security-housekeeping';

/** Every 6 hours, first run 2 minutes after start, at most 30 minutes per run. */
export const DEFAULT_HOUSEKEEPING_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { hours: 6 },
    initialDelay: { minutes: 2 },
    timeout: { minutes: 30 },
  };

const DAY_MS = 24 * 60 * 60 * 1000;

export interface HousekeepingTaskOptions {
  /** The root config; the schedule is read from `cicdSecurity.housekeepingSchedule`. */
  config: Config;
  scheduler: SchedulerService;
  logger: LoggerService;
  store: ScorecardStore;
  catalog: CatalogService;
  auth: AuthService;
  retention: RetentionSettings;
  /** The clock (tests replace it). */
  now?: () => Date;
}

export interface HousekeepingSummary {
  /** Entities removed because they left the catalog. */
  removedEntities: number;
  /** History rows older than the retention limit. */
  deletedScans: number;
  /** History rows removed by downsampling to one per entity per day. */
  downsampledScans: number;
  durationMs: number;
}

/**
 * The scheduled clean-up: forgets entities deleted from the catalog, deletes
 * scan history older than `retention.days` and downsamples history older
 * than `retention.fullResolutionDays` to one point per entity per day.
 */
export class HousekeepingTask {
  readonly #options: HousekeepingTaskOptions;
  readonly #schedule: SchedulerServiceTaskScheduleDefinition;

  constructor(options: HousekeepingTaskOptions) {
    this.#options = options;
    this.#schedule = options.config.has('cicdSecurity.housekeepingSchedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          options.config.getConfig('cicdSecurity.housekeepingSchedule'),
        )
      : DEFAULT_HOUSEKEEPING_SCHEDULE;
  }

  get schedule(): SchedulerServiceTaskScheduleDefinition {
    return this.#schedule;
  }

  async start(): Promise<void> {
    await this.#options.scheduler.scheduleTask({
      id: HOUSEKEEPING_TASK_ID,
      scope: 'global',
      ...this.#schedule,
      fn: async () => {
        await this.run();
      },
    });
  }

  async run(): Promise<HousekeepingSummary> {
    const { logger, store, retention } = this.#options;
    const started = Date.now();
    const now = (this.#options.now ?? (() => new Date()))();

    let known: Set<string>;
    try {
      known = new Set(
        (await listComponents(this.#options)).map(e => stringifyEntityRef(e)),
      );
    } catch (e) {
      throw new ForwardedError('cicd-security could not read the catalog', e);
    }

    let removedEntities = 0;
    let deletedScans = 0;
    let downsampledScans = 0;
    try {
      const gone = (await store.listEntityRefs()).filter(r => !known.has(r));
      await store.deleteEntities(gone);
      removedEntities = gone.length;

      const pruned = await store.pruneHistory({
        deleteBefore: new Date(now.getTime() - retention.days * DAY_MS),
        downsampleBefore: new Date(
          now.getTime() - retention.fullResolutionDays * DAY_MS,
        ),
      });
      deletedScans = pruned.deleted;
      downsampledScans = pruned.downsampled;
    } catch (e) {
      throw new ForwardedError('cicd-security housekeeping failed', e);
    }

    const summary = {
      removedEntities,
      deletedScans,
      downsampledScans,
      durationMs: Date.now() - started,
    };
    logger.info(
      `cicd-security housekeeping: ${removedEntities} removed entities, ` +
        `${deletedScans} expired and ${downsampledScans} downsampled history rows, ${summary.durationMs} ms`,
    );
    return summary;
  }
}
