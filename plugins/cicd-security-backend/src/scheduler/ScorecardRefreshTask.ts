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
import { createHash } from 'crypto';
import {
  NEW_COMPONENTS_CLAIM,
  ScorecardStore,
} from '../database/ScorecardStore';
import { EntityScanner } from '../scanner/EntityScanner';
import { entityMeta } from '../scanner/entityMeta';
import { ScanQueue } from './ScanQueue';

/** Task id prefix; shard tasks are `cicd-security-refresh-shard-<i>-of-<n>`. */
export const REFRESH_TASK_ID = 'cicd-security-refresh';

export function shardTaskId(shard: number, shards: number): string {
  return `${REFRESH_TASK_ID}-shard-${shard}-of-${shards}`;
}

/** Every 30 minutes, first run 5 seconds after start, at most 10 minutes per run. */
export const DEFAULT_REFRESH_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 30 },
    initialDelay: { seconds: 5 },
    timeout: { minutes: 10 },
  };

/** Task that scans components the store has never seen, between full cycles. */
export const NEW_ENTITIES_TASK_ID = 'cicd-security-new-entities';

/**
 * Every minute, first run 15 seconds after start: new components (and the
 * catalog's first ingestion after a start) get a scorecard within a minute
 * instead of waiting for the next full cycle.
 */
export const DEFAULT_NEW_ENTITIES_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 1 },
    initialDelay: { seconds: 15 },
    timeout: { minutes: 10 },
  };

const PAGE_SIZE = 500;

/** How often a busy replica hands one shard back before running it itself. */
const MAX_HAND_OFFS = 3;

/**
 * The shard (0..shards-1) of an entity ref: the shards split the space of
 * the first 32 bits of the ref's SHA-256 into equal, stable ranges.
 */
export function shardOf(entityRef: string, shards: number): number {
  const hash = createHash('sha256')
    .update(entityRef.toLocaleLowerCase('en-US'))
    .digest();
  return Math.floor((hash.readUInt32BE(0) * shards) / 2 ** 32);
}

/** The label of the new-components runs. */
const NEW_COMPONENTS = 'new components';

const UNIT_MS: Record<string, number> = {
  milliseconds: 1,
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

/**
 * Milliseconds of a schedule duration: a `HumanDuration` object
 * (`{ minutes: 10 }`), or a luxon `Duration` (what an ISO 8601 duration in
 * the configuration becomes); 0 when unknown.
 */
export function durationMs(
  d: SchedulerServiceTaskScheduleDefinition['timeout'],
): number {
  const fields = d as unknown as Record<string, unknown>;
  if (typeof (fields as { toMillis?: unknown }).toMillis === 'function') {
    return (fields as unknown as { toMillis(): number }).toMillis();
  }
  let ms = 0;
  for (const [unit, value] of Object.entries(fields)) {
    if (typeof value === 'number' && UNIT_MS[unit]) ms += value * UNIT_MS[unit];
  }
  return ms;
}

export interface ScorecardRefreshTaskOptions {
  /** The root config; the schedule is read from `cicdSecurity.schedule`. */
  config: Config;
  scheduler: SchedulerService;
  logger: LoggerService;
  store: ScorecardStore;
  /**
   * Scans the entities. With a `rescore` method, entities that only need a
   * re-score (the scoring config changed) are re-scored together at the end
   * of each run instead of one by one.
   */
  scanner: Pick<EntityScanner, 'scan'> &
    Partial<Pick<EntityScanner, 'rescore'>>;
  catalog: CatalogService;
  auth: AuthService;
  /** How many entities this replica scans at the same time, over all shards. */
  concurrency: number;
  /**
   * The replica's scan queue, shared with on-demand refreshes so that both
   * stay within `concurrency` together and an entity is never scanned twice
   * at once. Default: a queue of this task's own.
   */
  queue?: ScanQueue;
  /** Into how many shard tasks the scan is split. Default: 1. */
  shards?: number;
  /**
   * Shard tasks this replica runs at once. A replica that is busy hands a
   * shard it has claimed back to the scheduler (a few times at most) so that
   * an idle replica takes it: replicas share a cycle evenly instead of the
   * first one to poll taking every shard. Default: 1.
   */
  maxConcurrentShards?: number;
  /**
   * Largest random extra initial delay of each shard task in this replica, so
   * that replicas starting together claim different shards. Default: 5 s.
   */
  startJitterMs?: number;
}

/** Result of one run, also logged. */
export interface RefreshSummary {
  /** Entities whose checks ran. */
  scanned: number;
  /** Entities whose source and checks were unchanged (results kept). */
  unchanged: number;
  /**
   * Unchanged entities whose stored results were re-scored (the scoring
   * config changed).
   */
  rescored: number;
  /** Entities whose source could not be read for now (SCM outage, rate limit). */
  stale: number;
  failed: number;
  noSource: number;
  /**
   * Entities not scanned because the scheduler aborted the run (its timeout
   * passed, it was cancelled, or the replica is shutting down); the next run
   * scans them. Absent when the run was not aborted.
   */
  notStarted?: number;
  durationMs: number;
}

/**
 * The scheduled scan of every catalog component, split into shard tasks:
 * each shard is a global task over a stable hash range of entity refs, so
 * replicas sharing one database scan different shards in parallel, and each
 * entity is scanned at most once per cycle. Scans are incremental and their
 * concurrency within a replica is bounded over all shards.
 */
export class ScorecardRefreshTask {
  readonly #options: ScorecardRefreshTaskOptions;
  readonly #schedule: SchedulerServiceTaskScheduleDefinition;
  readonly #newEntitiesSchedule: SchedulerServiceTaskScheduleDefinition;
  /** How long a first-scan claim of the new-components task can be alive. */
  readonly #newEntitiesTimeoutMs: number;
  readonly #shards: number;
  /** Entities queued or scanned by this replica, by any task or refresh. */
  readonly #queue: ScanQueue;
  /** Shard tasks running in this replica now, and how often each was handed back. */
  #runningShards = 0;
  readonly #handOffs = new Map<number, number>();

  constructor(options: ScorecardRefreshTaskOptions) {
    this.#options = options;
    this.#schedule = options.config.has('cicdSecurity.schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          options.config.getConfig('cicdSecurity.schedule'),
        )
      : DEFAULT_REFRESH_SCHEDULE;
    this.#newEntitiesSchedule = options.config.has(
      'cicdSecurity.newEntitiesSchedule',
    )
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          options.config.getConfig('cicdSecurity.newEntitiesSchedule'),
        )
      : DEFAULT_NEW_ENTITIES_SCHEDULE;
    this.#newEntitiesTimeoutMs = durationMs(this.#newEntitiesSchedule.timeout);
    this.#shards = options.shards ?? 1;
    this.#queue = options.queue ?? new ScanQueue(options.concurrency);
  }

  get schedule(): SchedulerServiceTaskScheduleDefinition {
    return this.#schedule;
  }

  get shards(): number {
    return this.#shards;
  }

  async start(): Promise<void> {
    const jitter = this.#options.startJitterMs ?? 5000;
    for (let shard = 0; shard < this.#shards; shard++) {
      const initialDelay = this.#schedule.initialDelay
        ? addJitter(this.#schedule.initialDelay, jitter)
        : undefined;
      await this.#options.scheduler.scheduleTask({
        id: shardTaskId(shard, this.#shards),
        scope: 'global',
        ...this.#schedule,
        ...(initialDelay ? { initialDelay } : {}),
        fn: async signal => {
          if (this.#handOff(shard)) return;
          this.#runningShards++;
          try {
            await this.runShard(shard, signal);
          } finally {
            this.#runningShards--;
            this.#handOffs.delete(shard);
          }
        },
      });
    }
    await this.#options.scheduler.scheduleTask({
      id: NEW_ENTITIES_TASK_ID,
      scope: 'global',
      ...this.#newEntitiesSchedule,
      fn: async signal => {
        await this.runNewEntities(signal);
      },
    });
  }

  /**
   * When this replica already runs its share of shards, give the claimed
   * shard back: the run ends at once and the task is triggered again, so the
   * next replica to poll (an idle one, most likely) takes it. After
   * MAX_HAND_OFFS attempts the shard runs here anyway, so a single replica
   * still scans everything.
   */
  #handOff(shard: number): boolean {
    const max = this.#options.maxConcurrentShards ?? 1;
    const count = this.#handOffs.get(shard) ?? 0;
    if (
      this.#shards < 2 ||
      this.#runningShards < max ||
      count >= MAX_HAND_OFFS
    ) {
      return false;
    }
    this.#handOffs.set(shard, count + 1);
    const id = shardTaskId(shard, this.#shards);
    const timer = setTimeout(() => {
      this.#options.scheduler.triggerTask(id).catch(() => {
        // Already due or running elsewhere: nothing to hand back.
      });
    }, 200);
    timer.unref?.();
    return true;
  }

  /**
   * Scan only the components that have no stored scorecard at all (new in
   * the catalog). Cheap when there are none: one catalog walk and one lookup.
   */
  async runNewEntities(signal?: AbortSignal): Promise<RefreshSummary> {
    if (this.#runningShards > 0) {
      // A cycle is running here and will reach them; look again in a minute.
      return {
        scanned: 0,
        unchanged: 0,
        rescored: 0,
        stale: 0,
        failed: 0,
        noSource: 0,
        durationMs: 0,
      };
    }
    let known: Set<string>;
    try {
      known = new Set(await this.#options.store.listEntityRefs());
    } catch (e) {
      throw new ForwardedError('cicd-security could not read the store', e);
    }
    return this.#run(ref => !known.has(ref), NEW_COMPONENTS, true, signal);
  }

  /** The schedule of the task that scans never-scanned components. */
  get newEntitiesSchedule(): SchedulerServiceTaskScheduleDefinition {
    return this.#newEntitiesSchedule;
  }

  /**
   * One full pass over the catalog (every shard, in this process). When
   * `signal` aborts, no further scan starts and the run ends once the scans
   * in flight have.
   */
  async run(signal?: AbortSignal): Promise<RefreshSummary> {
    return this.#run(() => true, 'all shards', false, signal);
  }

  /** One pass over the entities of one shard (stopped early like {@link run}). */
  async runShard(shard: number, signal?: AbortSignal): Promise<RefreshSummary> {
    return this.#run(
      ref => shardOf(ref, this.#shards) === shard,
      `shard ${shard + 1}/${this.#shards}`,
      false,
      signal,
    );
  }

  async #run(
    include: (entityRef: string) => boolean,
    label: string,
    quietWhenEmpty = false,
    signal?: AbortSignal,
  ): Promise<RefreshSummary> {
    const { logger, store, scanner } = this.#options;
    const newComponents = label === NEW_COMPONENTS;
    const started = Date.now();
    let entities: Array<{ entity: Entity; ref: string }>;
    try {
      entities = (await listComponents(this.#options))
        .map(entity => ({ entity, ref: stringifyEntityRef(entity) }))
        .filter(e => include(e.ref));
    } catch (e) {
      throw new ForwardedError('cicd-security could not read the catalog', e);
    }
    let previous: Awaited<ReturnType<ScorecardStore['getScanStates']>>;
    try {
      previous = await store.getScanStates(entities.map(e => e.ref));
    } catch (e) {
      throw new ForwardedError('cicd-security could not read the store', e);
    }

    const summary: RefreshSummary = {
      scanned: 0,
      unchanged: 0,
      rescored: 0,
      stale: 0,
      failed: 0,
      noSource: 0,
      durationMs: 0,
    };
    const deferRescore = typeof scanner.rescore === 'function';
    /** Unchanged entities to re-score in one batch at the end of the run. */
    const toRescore: string[] = [];
    await Promise.all(
      entities.map(({ entity, ref }) =>
        this.#queue.limiter.run(async () => {
          if (signal?.aborted) {
            // The scheduler gave the run up (and may give the shard to
            // another replica): start nothing more.
            summary.notStarted = (summary.notStarted ?? 0) + 1;
            return;
          }
          if (!this.#queue.begin(ref)) {
            summary.unchanged++;
            return;
          }
          try {
            let before = previous.get(ref);
            if (
              !newComponents &&
              before?.state === 'scanning' &&
              before.stateReason === NEW_COMPONENTS_CLAIM &&
              before.updatedAt &&
              Date.now() - Date.parse(before.updatedAt) <
                this.#newEntitiesTimeoutMs
            ) {
              // The new-components task holds its first scan; after that
              // task's timeout the claim is dead and this run takes it over.
              summary.unchanged++;
              return;
            }
            if (!before) {
              // A component unknown when the run started may have been
              // scanned since by the other task (shard cycle or new
              // components): look again so it is not scanned twice.
              before = (await store.getScanStates([ref])).get(ref);
              if (before && before.state !== 'pending') {
                summary.unchanged++;
                return;
              }
              // First scan of this entity: claim it, or leave it to whoever did.
              if (
                !before &&
                !(await store.claimNew(
                  entityMeta(entity),
                  newComponents ? NEW_COMPONENTS_CLAIM : undefined,
                ))
              ) {
                summary.unchanged++;
                return;
              }
            }
            const result = await scanner.scan(entity, {
              incremental: true,
              previous: before,
              ...(deferRescore ? { deferRescore: true } : {}),
            });
            if (result.action === 'needs-rescore') toRescore.push(ref);
            else if (result.action === 'unchanged') summary.unchanged++;
            else if (result.action === 'rescored') summary.rescored++;
            else if (result.state === 'stale') summary.stale++;
            else if (result.state === 'error') summary.failed++;
            else if (result.state === 'no-source') summary.noSource++;
            else summary.scanned++;
          } catch (e) {
            summary.failed++;
            logger.error(
              `Scan of ${ref} failed: ${
                e instanceof Error ? e.message : String(e)
              }`,
            );
          } finally {
            this.#queue.end(ref);
          }
        }),
      ),
    );

    if (toRescore.length) {
      try {
        await scanner.rescore!(toRescore);
        summary.rescored += toRescore.length;
      } catch (e) {
        // Their stored scoring version is still the old one: the next run
        // tries again.
        summary.failed += toRescore.length;
        logger.error(
          `Re-scoring ${toRescore.length} unchanged entities failed: ${
            e instanceof Error ? e.message : String(e)
          }`,
        );
      }
    }

    summary.durationMs = Date.now() - started;
    if (quietWhenEmpty && entities.length === 0) return summary;
    logger.info(
      `cicd-security refresh (${label}): ${summary.scanned} scanned, ${summary.unchanged} unchanged, ` +
        `${summary.rescored} re-scored, ${summary.stale} stale, ${summary.failed} failed, ` +
        `${summary.noSource} without source, ${summary.durationMs} ms`,
    );
    if (summary.notStarted) {
      logger.warn(
        `cicd-security refresh (${label}) was aborted (${abortReason(
          signal,
        )}): ${summary.notStarted} components left for the next run`,
      );
    }
    return summary;
  }
}

/** Every component of the catalog, page by page. */
export async function listComponents(options: {
  catalog: CatalogService;
  auth: AuthService;
}): Promise<Entity[]> {
  const { catalog, auth } = options;
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

function abortReason(signal: AbortSignal | undefined): string {
  const reason = signal?.reason;
  if (reason instanceof Error) return reason.message;
  return reason ? String(reason) : 'aborted';
}

function addJitter(
  delay: NonNullable<SchedulerServiceTaskScheduleDefinition['initialDelay']>,
  jitterMs: number,
) {
  if (jitterMs <= 0) return delay;
  const extra = Math.floor(Math.random() * jitterMs);
  if (
    'milliseconds' in delay ||
    'seconds' in delay ||
    'minutes' in delay ||
    'hours' in delay
  ) {
    const d = delay as Record<string, number | undefined>;
    return { ...d, milliseconds: (d.milliseconds ?? 0) + extra };
  }
  return delay;
}
