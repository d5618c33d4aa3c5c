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
import { WaiverStore } from '../database/WaiverStore';
import { listComponents } from './ScorecardRefreshTask';

export const HOUSEKEEPING_TASK_ID = 'cicd-security-housekeeping';
export const WAIVER_EXPIRY_TASK_ID = 'cicd-security-waiver-expiry';

/** Every 6 hours, first run 2 minutes after start, at most 30 minutes per run. */
export const DEFAULT_HOUSEKEEPING_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { hours: 6 },
    initialDelay: { minutes: 2 },
    timeout: { minutes: 30 },
  };

/**
 * Every minute, first run 30 seconds after start: expired portal waivers stop
 * lowering scores within about a minute (the run is one indexed query when
 * nothing expired).
 */
export const DEFAULT_WAIVER_EXPIRY_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 1 },
    initialDelay: { seconds: 30 },
    timeout: { minutes: 5 },
  };

const DAY_MS = 24 * 60 * 60 * 1000;

export interface HousekeepingTaskOptions {
  /** The root config; the schedule is read from `cicdSecurity.housekeepingSchedule`. */
  config: Config;
  scheduler: SchedulerService;
  logger: LoggerService;
  store: ScorecardStore;
  /** Portal waivers: the entities of expired ones are rescored. */
  waivers: Pick<WaiverStore, 'applyExpired'>;
  catalog: CatalogService;
  auth: AuthService;
  retention: RetentionSettings;
  /** The clock (tests replace it). */
  now?: () => Date;
}

export interface HousekeepingSummary {
  /** Waivers that expired since the last run; their entities were rescored. */
  expiredWaivers: number;
  /** Entities removed because they left the catalog. */
  removedEntities: number;
  /** History rows older than the retention limit. */
  deletedScans: number;
  /** History rows removed by downsampling to one per entity per day. */
  downsampledScans: number;
  durationMs: number;
}

/**
 * The scheduled clean-up: rescores the entities of portal waivers that
 * expired, forgets entities deleted from the catalog, deletes scan history
 * older than `retention.days` and downsamples history older than
 * `retention.fullResolutionDays` to one point per entity per day.
 *
 * Expired waivers are also applied by a light task of their own
 * (`cicd-security-waiver-expiry`, every minute by default), so that they stop
 * applying soon after they expire; requests never write.
 */
export class HousekeepingTask {
  readonly #options: HousekeepingTaskOptions;
  readonly #schedule: SchedulerServiceTaskScheduleDefinition;
  readonly #waiverExpirySchedule: SchedulerServiceTaskScheduleDefinition;

  constructor(options: HousekeepingTaskOptions) {
    this.#options = options;
    this.#schedule = readSchedule(
      options.config,
      'cicdSecurity.housekeepingSchedule',
      DEFAULT_HOUSEKEEPING_SCHEDULE,
    );
    this.#waiverExpirySchedule = readSchedule(
      options.config,
      'cicdSecurity.waivers.expirySchedule',
      DEFAULT_WAIVER_EXPIRY_SCHEDULE,
    );
  }

  get schedule(): SchedulerServiceTaskScheduleDefinition {
    return this.#schedule;
  }

  get waiverExpirySchedule(): SchedulerServiceTaskScheduleDefinition {
    return this.#waiverExpirySchedule;
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
    await this.#options.scheduler.scheduleTask({
      id: WAIVER_EXPIRY_TASK_ID,
      scope: 'global',
      ...this.#waiverExpirySchedule,
      fn: async () => {
        await this.applyExpiredWaivers();
      },
    });
  }

  /**
   * Rescores the entities of portal waivers that expired since the last
   * call, so that expired waivers stop applying. Returns how many waivers
   * expired; a failure is logged and counts as none (the next run retries).
   */
  async applyExpiredWaivers(): Promise<number> {
    const { logger, waivers } = this.#options;
    try {
      const n = await waivers.applyExpired();
      if (n) logger.info(`Rescored the entities of ${n} expired waiver(s)`);
      return n;
    } catch (e) {
      logger.warn(`Could not apply expired waivers: ${e}`);
      return 0;
    }
  }

  async run(): Promise<HousekeepingSummary> {
    const { logger, store, retention } = this.#options;
    const started = Date.now();
    const now = (this.#options.now ?? (() => new Date()))();
    const expiredWaivers = await this.applyExpiredWaivers();

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
      expiredWaivers,
      removedEntities,
      deletedScans,
      downsampledScans,
      durationMs: Date.now() - started,
    };
    logger.info(
      `cicd-security housekeeping: ${removedEntities} removed entities, ` +
        `${deletedScans} expired and ${downsampledScans} downsampled history rows, ` +
        `${expiredWaivers} expired waivers, ${summary.durationMs} ms`,
    );
    return summary;
  }
}

function readSchedule(
  config: Config,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  return config.has(key)
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig(key),
      )
    : fallback;
}
