import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CheckRegistry,
  DEFAULT_SCORING,
  Fact,
  FactName,
  FactProvider,
  FactsSnapshot,
  gatherFacts,
  redactCredentials,
  runScan,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import path from 'path';
import { ScorecardStore } from '../database/ScorecardStore';
import { listComponents } from '../scheduler/ScorecardRefreshTask';
import { resolveSource } from '../sources';
import { BackfillSettings } from './config';
import {
  findWorkTree,
  gitAvailable,
  GitLocation,
  GitMissingError,
  listRevisions,
  revisionSnapshot,
} from './gitRevisions';

export const BACKFILL_TASK_ID = 'cicd-security-history-backfill';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface HistoryBackfillOptions {
  store: ScorecardStore;
  registry: CheckRegistry;
  logger: LoggerService;
  settings: BackfillSettings;
  /** Directories that local `dir:` sources must lie under (as for scans). */
  localRoots: string[];
  maxFileBytes: number;
  maxTotalBytes: number;
  scoring?: ScoringConfig;
  /**
   * Providers of facts that hold for earlier revisions too (organisation
   * declarations); SCM settings read today are not given to past revisions.
   */
  factProviders?: readonly FactProvider[];
  /** Today (tests). */
  now?: () => Date;
}

/** What the backfill of one component did. */
export interface BackfillSummary {
  entityRef: string;
  /** Revisions scanned and stored. */
  added: number;
  /** Revisions in the window already stored by an earlier backfill. */
  skipped: number;
  /** Revisions that could not be scanned (each logged with the reason). */
  failed: number;
  /** Why nothing was looked at (no git repository, not a dir: source…). */
  reason?: string;
}

/**
 * History from day one: scans earlier git revisions of a component's `dir:`
 * source with the same checks and scoring as a live scan, and stores each
 * as a history point dated at its commit, with its SHA, marked backfilled.
 * The scorecard itself (the latest live scan) is never touched, and
 * revisions already stored are skipped, so a second run adds nothing.
 */
export class HistoryBackfill {
  readonly #options: HistoryBackfillOptions;
  #gitChecked?: Promise<boolean>;

  constructor(options: HistoryBackfillOptions) {
    this.#options = options;
  }

  /** Whether git can be run; logged once when it cannot. */
  #git(): Promise<boolean> {
    if (!this.#gitChecked) {
      this.#gitChecked = gitAvailable().then(ok => {
        if (!ok) {
          this.#options.logger.warn(
            'cicd-security history backfill is skipped: git is not installed or not on the PATH',
          );
        }
        return ok;
      });
    }
    return this.#gitChecked;
  }

  /** Where the history of a local source directory is read. */
  async #historyOf(dir: string): Promise<GitLocation | undefined> {
    for (const h of this.#options.settings.historyRepositories) {
      const rel = path.relative(h.directory, dir);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      const repository = path.join(h.repositories, rel);
      const found = await findWorkTree(repository).catch(e => {
        if (e instanceof GitMissingError) throw e;
        return undefined;
      });
      // The history repository of this very directory, not one around it.
      if (found && found.prefix === '') return found;
      return undefined;
    }
    return findWorkTree(dir);
  }

  /** Backfill one component. Never throws but for a missing git. */
  async backfillEntity(
    entity: Entity,
    signal?: AbortSignal,
  ): Promise<BackfillSummary> {
    const entityRef = stringifyEntityRef(entity);
    const summary: BackfillSummary = {
      entityRef,
      added: 0,
      skipped: 0,
      failed: 0,
    };
    const { store, settings, logger } = this.#options;
    if (!store.saveBackfilledScan || !store.backfilledRevisions) {
      return { ...summary, reason: 'the store keeps no backfilled history' };
    }
    if (!(await this.#git())) {
      return { ...summary, reason: 'git is not available' };
    }
    const source = resolveSource(entity, {
      localRoots: this.#options.localRoots,
    });
    if (source.type !== 'local') {
      return {
        ...summary,
        reason:
          source.type === 'url'
            ? 'only dir: sources are backfilled'
            : source.reason,
      };
    }
    const location = await this.#historyOf(source.path);
    if (!location) {
      return { ...summary, reason: 'the source is not in a git work tree' };
    }
    const now = this.#options.now?.() ?? new Date();
    const revisions = await listRevisions(location, {
      since: new Date(now.getTime() - settings.maxAgeDays * DAY_MS),
      max: settings.maxRevisionsPerComponent,
      timeoutMs: settings.revisionTimeoutMs,
      signal,
    });
    const stored = await store.backfilledRevisions(entityRef);
    const facts = await this.#facts(entity, entityRef, source.path);
    for (const revision of revisions) {
      if (signal?.aborted) break;
      if (stored.has(revision.sha)) {
        summary.skipped++;
        continue;
      }
      try {
        const result = await this.#scanRevision(
          location,
          revision.sha,
          `${source.location}@${revision.sha.slice(0, 12)}`,
          facts,
          signal,
        );
        if (
          await store.saveBackfilledScan(entityRef, {
            revision: revision.sha,
            committedAt: revision.committedAt,
            result,
          })
        ) {
          summary.added++;
        } else {
          summary.skipped++;
        }
      } catch (e) {
        if (e instanceof GitMissingError) throw e;
        summary.failed++;
        logger.warn(
          `cicd-security history backfill of ${entityRef} at ${revision.sha.slice(
            0,
            12,
          )} failed: ${redactCredentials(
            e instanceof Error ? e.message : String(e),
          )}`,
        );
      }
    }
    return summary;
  }

  /** One revision read and scanned within the per-revision timeout. */
  async #scanRevision(
    location: GitLocation,
    sha: string,
    label: string,
    facts: Partial<Record<FactName, Fact>>,
    signal?: AbortSignal,
  ) {
    const { settings, registry, logger } = this.#options;
    const timeout = AbortSignal.timeout(settings.revisionTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const { snapshot } = await revisionSnapshot(location, sha, {
      maxFileBytes: this.#options.maxFileBytes,
      maxTotalBytes: this.#options.maxTotalBytes,
      timeoutMs: settings.revisionTimeoutMs,
      signal: combined,
      label,
    });
    if (combined.aborted) {
      throw new Error(
        `reading the revision took longer than ${settings.revisionTimeoutMs} ms`,
      );
    }
    return runScan(
      Object.keys(facts).length ? new FactsSnapshot(snapshot, facts) : snapshot,
      registry,
      {
        scoring: this.#options.scoring ?? DEFAULT_SCORING,
        onCheckError: (checkId, error) =>
          logger.warn(`Check ${checkId} failed on ${label}: ${error.message}`),
      },
    );
  }

  async #facts(
    entity: Entity,
    entityRef: string,
    dir: string,
  ): Promise<Partial<Record<FactName, Fact>>> {
    const providers = this.#options.factProviders ?? [];
    if (providers.length === 0) return {};
    const { facts } = await gatherFacts(providers, {
      entityRef,
      annotations: { ...(entity.metadata.annotations ?? {}) },
      source: { type: 'dir', target: dir },
    });
    return facts;
  }

  /**
   * Backfill these components, a few at a time, within the run's time
   * budget; one component failing does not stop the others.
   */
  async run(
    entities: Entity[],
    signal?: AbortSignal,
  ): Promise<BackfillSummary[]> {
    const { settings, logger } = this.#options;
    const budget = AbortSignal.timeout(settings.runTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, budget]) : budget;
    const summaries: BackfillSummary[] = [];
    let next = 0;
    let gitMissing = false;
    const worker = async () => {
      while (next < entities.length && !combined.aborted && !gitMissing) {
        const entity = entities[next++];
        try {
          summaries.push(await this.backfillEntity(entity, combined));
        } catch (e) {
          if (e instanceof GitMissingError) {
            gitMissing = true;
            return;
          }
          summaries.push({
            entityRef: stringifyEntityRef(entity),
            added: 0,
            skipped: 0,
            failed: 1,
            reason: e instanceof Error ? e.message : String(e),
          });
          logger.warn(
            `cicd-security history backfill of ${stringifyEntityRef(
              entity,
            )} failed: ${redactCredentials(
              e instanceof Error ? e.message : String(e),
            )}`,
          );
        }
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(settings.concurrency, entities.length) },
        worker,
      ),
    );
    if (gitMissing) {
      logger.warn(
        'cicd-security history backfill stopped: git is no longer on the PATH',
      );
    }
    const added = summaries.reduce((n, s) => n + s.added, 0);
    if (summaries.length > 0) {
      logger.info(
        `cicd-security history backfill: ${added} earlier revisions scanned for ${
          summaries.filter(s => s.added > 0).length
        } of ${summaries.length} components, ${summaries.reduce(
          (n, s) => n + s.skipped,
          0,
        )} already stored, ${summaries.reduce(
          (n, s) => n + s.failed,
          0,
        )} failed`,
      );
    }
    return summaries;
  }
}

/**
 * Runs the backfill once per component, after its first scan: every few
 * minutes the task picks the components that have a scorecard and were not
 * backfilled by this process yet. A restart looks at each component once
 * more; revisions already stored are skipped.
 */
export class BackfillTask {
  readonly #done = new Set<string>();

  constructor(
    private readonly options: {
      backfill: HistoryBackfill;
      store: ScorecardStore;
      catalog: CatalogService;
      auth: AuthService;
      scheduler: SchedulerService;
      logger: LoggerService;
    },
  ) {}

  async start(): Promise<void> {
    await this.options.scheduler.scheduleTask({
      id: BACKFILL_TASK_ID,
      scope: 'global',
      // After the first scans of a start; then only the components scanned
      // for the first time since (a cheap pass when there are none).
      initialDelay: { seconds: 30 },
      frequency: { minutes: 2 },
      timeout: { minutes: 60 },
      fn: signal => this.run(signal).then(() => undefined),
    });
  }

  /** One pass: the components scanned since the last one. */
  async run(signal?: AbortSignal) {
    const { store, catalog, auth, backfill, logger } = this.options;
    let entities: Entity[];
    try {
      entities = await listComponents({ catalog, auth });
    } catch (e) {
      logger.warn(
        `cicd-security history backfill could not read the catalog: ${
          e instanceof Error ? e.message : String(e)
        }`,
      );
      return [];
    }
    const refs = entities.map(e => stringifyEntityRef(e));
    const states = await store.getScanStates(
      refs.filter(r => !this.#done.has(r)),
    );
    const due = entities.filter(e => {
      const state = states.get(stringifyEntityRef(e));
      // After the first live scan: never before the scorecard exists.
      return state && (state.state === 'ok' || state.state === 'stale');
    });
    if (due.length === 0) return [];
    const summaries = await backfill.run(due, signal);
    // Once per component and process, failed revisions included: those
    // are tried again at the next start, not at every pass.
    for (const s of summaries) this.#done.add(s.entityRef);
    return summaries;
  }
}
