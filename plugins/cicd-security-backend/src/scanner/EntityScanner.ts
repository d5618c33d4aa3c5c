import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import {
  FactReading,
  ScorecardState,
} from '@cicd-security/plugin-cicd-security-common';
import {
  CheckRegistry,
  DEFAULT_SCORING,
  ENGINE_VERSION,
  Fact,
  FactName,
  FactProvider,
  FactsSnapshot,
  delayedFacts,
  factCatalogue,
  factsForReuse,
  gatherFacts,
  LocalDirectorySnapshot,
  RepoSnapshot,
  redactCredentials,
  redactingLogger,
  runScan,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import { createHash } from 'crypto';
import {
  EntityMeta,
  ScanOutcome,
  ScorecardStore,
  StoredScanState,
} from '../database/ScorecardStore';
import {
  BoundedTreeRead,
  localRevisionAndSize,
  RepositoryTooLargeError,
  resolveSource,
  RetriesExhaustedError,
  RetryPolicy,
  SourceAllowEntry,
  withRetries,
} from '../sources';
import { formatBytes } from '../sources/boundedTree';
import { readSourceFile, SourceFile } from '../sources/sourceFile';
import {
  DEFAULT_READ_TIMEOUT_MS,
  ReadTimeoutError,
  withReadTimeout,
} from '../sources/readTimeout';
import { entityMeta } from './entityMeta';

/** Largest file read, when not configured (1 MiB). */
const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/** Largest total of file bytes read from one repository, when not configured (64 MiB). */
const DEFAULT_MAX_TOTAL_BYTES = 64 * 1024 * 1024;

/** Retries used when none are configured: 3 attempts, 1 s then 2 s apart. */
const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
};

export interface EntityScannerOptions {
  store: ScorecardStore;
  registry: CheckRegistry;
  logger: LoggerService;
  /** Directories that local `dir:` sources must lie under. */
  localRoots: string[];
  scoring?: ScoringConfig;
  /** Reads `url:` sources; without it every `url:` source is refused. */
  urlReader?: Pick<UrlReaderService, 'readTree'>;
  /** The configured SCM integrations that `url:` sources must belong to. */
  integrations?: { byUrl(url: string): unknown };
  /**
   * Where `url:` sources may point (`cicdSecurity.sources.allow`); unset:
   * under the host and organisation of the entity's registering location.
   */
  allow?: SourceAllowEntry[];
  /** Files larger than this are listed, not read. Default: 1 MiB. */
  maxFileBytes?: number;
  /**
   * A repository whose files to read add up to more is not scanned (the
   * entity keeps its last scorecard, in state `error` with the reason).
   * Default: 64 MiB.
   */
  maxTotalBytes?: number;
  /** Retries of SCM reads that fail with 5xx or a rate limit. */
  retries?: RetryPolicy;
  /**
   * Longest wait for one read of a `url:` source, archive included (ms);
   * a read that takes longer marks the entity stale. Default: 2 minutes.
   */
  readTimeoutMs?: number;
  /** Waits between retries (tests replace it). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Supply the facts that checks read from outside the files (SCM settings,
   * organisation declarations), asked for every entity before its checks run.
   */
  factProviders?: readonly FactProvider[];
  /** Longest wait for one fact provider (ms). Default: 30 s. */
  factTimeoutMs?: number;
}

export interface ScanOptions {
  /**
   * Skip the checks when the source revision and the check set are the same
   * as in `previous` (re-scoring only when the scoring config changed).
   * Default: false, a full scan.
   */
  incremental?: boolean;
  /** The stored state of the entity; looked up when absent. */
  previous?: StoredScanState;
  /**
   * When only the scoring config changed, do not re-score now: keep the
   * stored results and answer `needs-rescore`, so that the caller re-scores
   * many entities at once with {@link EntityScanner.rescore}. Default: false.
   */
  deferRescore?: boolean;
}

/** What became of one entity's scan. */
export interface EntityScanSummary {
  entityRef: string;
  state: ScorecardState;
  reason?: string;
  /**
   * How the result came about; absent when the scan could not be saved.
   * `needs-rescore`: unchanged, but the score is left to a later
   * {@link EntityScanner.rescore} (only with `deferRescore`).
   */
  action?:
    | 'scanned'
    | 'unchanged'
    | 'rescored'
    | 'needs-rescore'
    | 'stale'
    | 'error'
    | 'no-source';
}

/**
 * Scans one entity: resolve its source, snapshot the repository, run the
 * checks and save the outcome. Never throws: failures are stored as the
 * entity's `error` (or, for SCM outages and rate limits, `stale`) state.
 *
 * Incremental scans compare the source revision (commit SHA or ETag for
 * `url:` sources, a hash of file paths, sizes and times for local
 * directories) and the check-set version with the stored ones; when both
 * match the checks are not run again, and a changed scoring configuration
 * only re-scores the stored results.
 */
export class EntityScanner {
  readonly #options: EntityScannerOptions;
  readonly #checkSetVersion: string;
  readonly #scoring: ScoringConfig;
  readonly #scoringVersion: string;

  constructor(options: EntityScannerOptions) {
    // Log lines quote sources, SCM errors and check errors.
    this.#options = { ...options, logger: redactingLogger(options.logger) };
    this.#checkSetVersion = checkSetVersion(options.registry);
    this.#scoring = options.scoring ?? DEFAULT_SCORING;
    this.#scoringVersion = scoringVersion(this.#scoring);
  }

  /** The store's re-scoring of stored results, when it has one. */
  get #rescore(): ScorecardStore['rescore'] | undefined {
    const store = this.#options.store as Partial<
      Pick<ScorecardStore, 'rescore'>
    >;
    return store.rescore?.bind(store);
  }

  /**
   * Re-score the stored results of these entities (those a deferred scan
   * answered `needs-rescore` for) with this scanner's scoring config, in a
   * few batched statements, and record that config with the new scores.
   * Returns how many scorecards were rewritten.
   */
  async rescore(entityRefs: string[]): Promise<number> {
    if (entityRefs.length === 0) return 0;
    const rescore = this.#rescore;
    if (!rescore) throw new Error('The store cannot re-score stored results');
    return rescore(entityRefs, this.#scoring, {
      scoringVersion: this.#scoringVersion,
    });
  }

  get checkSetVersion(): string {
    return this.#checkSetVersion;
  }

  get scoringVersion(): string {
    return this.#scoringVersion;
  }

  async scan(
    entity: Entity,
    options: ScanOptions = {},
  ): Promise<EntityScanSummary> {
    const { store, logger } = this.#options;
    const meta = entityMeta(entity);
    const entityRef = meta.entityRef;
    let outcome: ScanOutcome;
    let rescored: RescoreAction = 'none';
    try {
      const previous = options.incremental
        ? options.previous ??
          (await store.getScanStates([entityRef])).get(entityRef)
        : undefined;
      const scanned = await this.#scan(
        entity,
        meta,
        previous,
        options.deferRescore === true,
      );
      outcome = scanned.outcome;
      rescored = scanned.rescored;
    } catch (e) {
      outcome = { type: 'error', message: errorMessage(e) };
    }
    // Reasons quote source locations and SCM errors: no credential in them.
    if (outcome.type === 'no-source') {
      outcome = { ...outcome, reason: redactCredentials(outcome.reason) };
    } else if (outcome.type === 'error' || outcome.type === 'stale') {
      outcome = { ...outcome, message: redactCredentials(outcome.message) };
    }
    try {
      await store.saveScan(meta, outcome);
    } catch (e) {
      logger.error(
        `Could not save the scan of ${entityRef}: ${errorMessage(e)}`,
      );
      return { entityRef, state: 'error', reason: errorMessage(e) };
    }
    switch (outcome.type) {
      case 'scanned':
        return { entityRef, state: 'ok', action: 'scanned' };
      case 'unchanged':
        return {
          entityRef,
          state: 'ok',
          action:
            rescored === 'done'
              ? 'rescored'
              : rescored === 'deferred'
              ? 'needs-rescore'
              : 'unchanged',
        };
      case 'stale':
        logger.warn(
          `Source of ${entityRef} is unavailable: ${outcome.message}`,
        );
        return {
          entityRef,
          state: 'stale',
          reason: outcome.message,
          action: 'stale',
        };
      case 'error':
        logger.warn(`Scan of ${entityRef} failed: ${outcome.message}`);
        return {
          entityRef,
          state: 'error',
          reason: outcome.message,
          action: 'error',
        };
      default:
        return {
          entityRef,
          state: 'no-source',
          reason: outcome.reason,
          action: 'no-source',
        };
    }
  }

  async #scan(
    entity: Entity,
    meta: EntityMeta,
    previous: StoredScanState | undefined,
    deferRescore: boolean,
  ): Promise<{ outcome: ScanOutcome; rescored: RescoreAction }> {
    const { maxFileBytes, maxTotalBytes } = this.#limits();
    const source = this.#resolve(entity);
    if (source.type === 'none' || source.type === 'refused') {
      // Not an error storm: the component is simply not scannable as configured.
      return {
        outcome: { type: 'no-source', reason: source.reason },
        rescored: 'none',
      };
    }
    // Facts come before the reuse decision: a setting that changed (branch
    // protection switched off) must be scanned even when the files did not.
    const facts = await this.#gatherFacts(entity, meta, {
      type: source.type === 'local' ? 'dir' : 'url',
      target: source.type === 'local' ? source.path : source.url,
    });
    // Facts a rate limit or a slow provider kept back are read at the next
    // scan; until then the previous scorecard stands ("facts delayed"),
    // rather than checks turning inconclusive and the score changing.
    const delayed = delayedFacts(facts.values);
    const prior =
      delayed.length > 0
        ? previous ??
          (await this.#options.store.getScanStates([meta.entityRef])).get(
            meta.entityRef,
          )
        : undefined;
    // A scorecard to keep: an earlier scan stored results (a refresh marks
    // the entity `scanning` first, and keeps them).
    if (
      prior?.checkSetVersion &&
      prior.state !== 'no-source' &&
      prior.state !== 'pending'
    ) {
      return {
        outcome: {
          type: 'stale',
          message: `facts delayed (${delayed.map(d => d.name).join(', ')}): ${
            delayed[0].reason
          }; the previous scorecard is kept until they can be read`,
          sourceLocation: prior.sourceLocation ?? source.location,
        },
        rescored: 'none',
      };
    }
    const checkSet = facts.version
      ? `${this.#checkSetVersion}+facts:${facts.version}`
      : this.#checkSetVersion;
    // Stored results can be kept when they came from the same checks on the
    // same source (and the same facts), and their score is current or can
    // be recomputed.
    const reusable =
      previous &&
      previous.checkSetVersion === checkSet &&
      previous.sourceLocation === source.location &&
      (previous.state === 'ok' || previous.state === 'stale') &&
      (previous.scoringVersion === this.#scoringVersion || this.#rescore)
        ? previous
        : undefined;

    if (source.type === 'local') {
      const { revision, bytesToRead } = await localRevisionAndSize(
        source.path,
        { maxFileBytes },
      );
      if (reusable && reusable.revision === revision) {
        return this.#unchanged(meta, reusable, deferRescore);
      }
      if (bytesToRead > maxTotalBytes) {
        throw new RepositoryTooLargeError(
          maxTotalBytes,
          `${formatBytes(bytesToRead)} of files to read in ${source.location}`,
        );
      }
      const snapshot = LocalDirectorySnapshot.create(source.path, {
        revision,
        maxFileBytes,
      });
      return {
        outcome: await this.#run(snapshot, source.location, {
          facts: facts.values,
          readAt: facts.readAt,
          checkSet,
        }),
        rescored: 'none',
      };
    }

    // Large files, vendored folders and binaries never reach memory, and a
    // repository over the byte budget ends its scan while it downloads.
    const bounded = new BoundedTreeRead({ maxFileBytes, maxTotalBytes });
    let snapshot: RepoSnapshot;
    try {
      // One attempt reads the whole archive, under the read timeout: an
      // answer that stops half-way is retried or marks the entity stale.
      snapshot = await withRetries(
        () => this.#readTree(source.url, bounded, reusable?.revision),
        this.#options.retries ?? DEFAULT_RETRY_POLICY,
        {
          sleep: this.#options.sleep,
          onRetry: (attempt, delayMs, reason) =>
            this.#options.logger.info(
              `Reading ${source.url} failed (attempt ${attempt}), retrying in ${delayMs} ms: ${reason}`,
            ),
        },
      );
    } catch (e) {
      if (bounded.error) throw bounded.error;
      if (isError(e) && e.name === 'NotModifiedError' && reusable) {
        return this.#unchanged(meta, reusable, deferRescore);
      }
      if (e instanceof RetriesExhaustedError || e instanceof ReadTimeoutError) {
        return {
          outcome: {
            type: 'stale',
            message: e.message,
            sourceLocation: source.location,
          },
          rescored: 'none',
        };
      }
      if (isError(e) && e.name === 'NotFoundError') {
        return {
          outcome: {
            type: 'no-source',
            reason: `Source '${source.location}' was not found: ${e.message}`,
          },
          rescored: 'none',
        };
      }
      throw e;
    }
    return {
      outcome: await this.#run(snapshot, source.location, {
        facts: facts.values,
        readAt: facts.readAt,
        checkSet,
        scmUrl: source.url,
      }),
      rescored: 'none',
    };
  }

  #limits() {
    return {
      maxFileBytes: this.#options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      maxTotalBytes: this.#options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES,
    };
  }

  /** Where the entity's files are, within the sources the configuration allows. */
  #resolve(entity: Entity) {
    const { localRoots, integrations, urlReader, allow } = this.#options;
    return resolveSource(entity, {
      localRoots,
      integrations: urlReader ? integrations : undefined,
      ...(allow ? { allow } : {}),
    });
  }

  /** One read of a `url:` source's files, within the byte budget and the read timeout. */
  #readTree(
    url: string,
    bounded: BoundedTreeRead,
    etag?: string,
  ): Promise<RepoSnapshot> {
    const reader = this.#options.urlReader!;
    return withReadTimeout(
      async signal => {
        const limits = bounded.readTreeOptions();
        const tree = await reader.readTree(url, {
          ...(etag ? { etag } : {}),
          filter: limits.filter,
          signal: AbortSignal.any([signal, limits.signal]),
        });
        return await bounded.snapshot(tree, { label: url });
      },
      this.#options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
      url,
    );
  }

  /**
   * The files of an entity's source as a scan reads them (same sources
   * allowed, same limits), for exports such as the SBOM; undefined when the
   * entity has no readable source, with the reason.
   */
  async readSource(
    entity: Entity,
  ): Promise<{ snapshot: RepoSnapshot } | { reason: string }> {
    const { maxFileBytes, maxTotalBytes } = this.#limits();
    const source = this.#resolve(entity);
    if (source.type === 'none' || source.type === 'refused') {
      return { reason: source.reason };
    }
    if (source.type === 'local') {
      const { revision, bytesToRead } = await localRevisionAndSize(
        source.path,
        { maxFileBytes },
      );
      if (bytesToRead > maxTotalBytes) {
        throw new RepositoryTooLargeError(
          maxTotalBytes,
          `${formatBytes(bytesToRead)} of files to read in ${source.location}`,
        );
      }
      return {
        snapshot: LocalDirectorySnapshot.create(source.path, {
          revision,
          maxFileBytes,
        }),
      };
    }
    const bounded = new BoundedTreeRead({ maxFileBytes, maxTotalBytes });
    try {
      return { snapshot: await this.#readTree(source.url, bounded) };
    } catch (e) {
      if (bounded.error) throw bounded.error;
      throw e;
    }
  }

  /**
   * One file of an entity's `dir:` source, redacted, for the portal's source
   * view: same sources allowed and same per-file limit as a scan. Throws 400,
   * 404 or 409 errors with the reason (see {@link readSourceFile}).
   */
  readSourceFile(entity: Entity, filePath: string): SourceFile {
    return readSourceFile(this.#resolve(entity), filePath, {
      maxFileBytes: this.#limits().maxFileBytes,
    });
  }

  /**
   * Keep the stored results, re-scoring them when the scoring config changed
   * (or leaving that to the caller when deferred: the stored scoring version
   * stays the old one until the re-score has been written).
   */
  async #unchanged(
    meta: EntityMeta,
    previous: StoredScanState,
    deferRescore: boolean,
  ): Promise<{ outcome: ScanOutcome; rescored: RescoreAction }> {
    if (previous.scoringVersion === this.#scoringVersion) {
      return { outcome: { type: 'unchanged' }, rescored: 'none' };
    }
    if (deferRescore) {
      return { outcome: { type: 'unchanged' }, rescored: 'deferred' };
    }
    await this.#rescore!([meta.entityRef], this.#scoring);
    return {
      outcome: { type: 'unchanged', scoringVersion: this.#scoringVersion },
      rescored: 'done',
    };
  }

  /**
   * Ask the fact providers about the entity. Never throws: what a provider
   * cannot read is an unavailable fact with the reason, which the checks
   * that need it turn into `inconclusive`. `version` is a hash of the
   * facts, stored with the check set so that changed facts mean a rescan.
   */
  async #gatherFacts(
    entity: Entity,
    meta: EntityMeta,
    source: { type: string; target: string },
  ): Promise<{
    values: Partial<Record<FactName, Fact>>;
    version?: string;
    /** When the providers were asked. */
    readAt?: string;
  }> {
    const providers = this.#options.factProviders ?? [];
    if (providers.length === 0) return { values: {} };
    const readAt = new Date().toISOString();
    const { facts, errors } = await gatherFacts(
      providers,
      {
        entityRef: meta.entityRef,
        annotations: { ...(entity.metadata.annotations ?? {}) },
        source,
      },
      { timeoutMs: this.#options.factTimeoutMs },
    );
    for (const error of errors) {
      this.#options.logger.warn(
        `Facts for ${meta.entityRef} are incomplete: ${error}`,
      );
    }
    const names = Object.keys(facts);
    if (names.length === 0) return { values: {} };
    return {
      values: facts,
      readAt,
      version: createHash('sha256')
        .update(canonicalJson(factsForReuse(facts)))
        .digest('hex')
        .slice(0, 16),
    };
  }

  async #run(
    snapshot: RepoSnapshot,
    location: string,
    options: {
      facts: Partial<Record<FactName, Fact>>;
      checkSet: string;
      /** When the facts were asked, for the scorecard's list of them. */
      readAt?: string;
      scmUrl?: string;
    },
  ): Promise<ScanOutcome> {
    const { registry, logger } = this.#options;
    const { scmUrl } = options;
    const withFacts =
      Object.keys(options.facts).length > 0
        ? new FactsSnapshot(snapshot, options.facts)
        : snapshot;
    const result = await runScan(withFacts, registry, {
      scoring: this.#scoring,
      onCheckError: (checkId, error) =>
        logger.warn(`Check ${checkId} failed on ${location}: ${error.message}`),
    });
    return {
      type: 'scanned',
      result,
      revision: snapshot.revision,
      sourceLocation: location,
      checkSetVersion: options.checkSet,
      scoringVersion: this.#scoringVersion,
      ...(scmUrl ? { scmUrl } : {}),
      // Listed only with a new scorecard: unchanged scans keep the stored list.
      ...(options.readAt && Object.keys(options.facts).length
        ? { facts: factReadings(options.facts, options.readAt) }
        : {}),
    };
  }
}

/** Whether an unchanged entity was re-scored, left to the caller, or neither. */
type RescoreAction = 'none' | 'done' | 'deferred';

/**
 * The check-set version stored with results: the engine version and a hash
 * of the check ids, short enough for the column however many checks run.
 */
export function checkSetVersion(registry: CheckRegistry): string {
  const ids = registry.ids().sort().join(',');
  return `${ENGINE_VERSION}:${createHash('sha256')
    .update(ids)
    .digest('hex')
    .slice(0, 16)}`;
}

/** A stable hash of a scoring configuration. */
export function scoringVersion(scoring: ScoringConfig): string {
  return createHash('sha256')
    .update(canonicalJson(scoring))
    .digest('hex')
    .slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map(
        k =>
          `${JSON.stringify(k)}:${canonicalJson(
            (value as Record<string, unknown>)[k],
          )}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What the scan read, without values: for the scorecard's "facts" list. */
function factReadings(
  facts: Partial<Record<FactName, Fact>>,
  readAt: string,
): FactReading[] {
  const sources = new Map(factCatalogue.map(f => [f.name, f.source]));
  return (Object.entries(facts) as [FactName, Fact][])
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, fact]) => ({
      name,
      source: sources.get(name) ?? 'unknown',
      available: fact.available,
      readAt: (fact.available && fact.readAt) || readAt,
      ...(fact.available
        ? {}
        : {
            reason: redactCredentials(fact.reason),
            ...(fact.permission ? { permission: fact.permission } : {}),
            ...(fact.delayed ? { delayed: true } : {}),
          }),
    }));
}
