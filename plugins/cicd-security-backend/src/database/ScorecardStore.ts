import {
  CheckDetailResponse,
  CheckResult,
  ListScorecardsQuery,
  OverviewResponse,
  TeamsResponse,
  Scorecard,
  ScorecardHistoryPoint,
  ScorecardState,
  ScorecardSummary,
  TeamSummary,
  FactReading,
} from '@cicd-security/plugin-cicd-security-common';
import type {
  ScanResult,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';

/**
 * A check result without its findings: the number of open (not suppressed)
 * listed findings instead, and the active waiver that covers it.
 */
export type CheckDigest = Omit<CheckResult, 'findings'> & {
  openFindings: number;
};

/** An entity's latest scorecard summary with its check results, no findings. */
export interface ScorecardDigest extends ScorecardSummary {
  checks: CheckDigest[];
}

/** What the store keeps about an entity, denormalised for fast org queries. */
export interface EntityMeta {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  type?: string;
  lifecycle?: string;
  /** Owner entity ref, e.g. `group:default/team-payments`. */
  owner?: string;
  /** System entity ref, e.g. `system:default/payments`. */
  system?: string;
}

/** How a scan of one entity ended. */
export type ScanOutcome =
  | {
      type: 'scanned';
      result: ScanResult;
      revision?: string;
      sourceLocation?: string;
      checkSetVersion?: string;
      /** Base URL of the source in its SCM (url: sources). */
      scmUrl?: string;
      /** Hash of the scoring configuration the score was computed with. */
      scoringVersion?: string;
      /** The facts the scan read, without their values. */
      facts?: FactReading[];
    }
  /** The repository could not be scanned; the previous results are kept. */
  | { type: 'error'; message: string; sourceLocation?: string }
  /**
   * The source could not be read for now (SCM outage, rate limit); the
   * previous results are kept and the state becomes `stale`.
   */
  | { type: 'stale'; message: string; sourceLocation?: string }
  /**
   * Source revision and check set are unchanged since the last scan: the
   * results are kept, the entity facts refreshed and the state set to `ok`.
   * No history row is added.
   */
  | {
      type: 'unchanged';
      /** Set when the stored results were re-scored with this scoring config. */
      scoringVersion?: string;
    }
  /** There is nothing to scan; previous results are cleared. */
  | { type: 'no-source'; reason: string };

export interface ListScorecardsOptions extends ListScorecardsQuery {
  /**
   * Restrict the result to these entity refs (the ones the caller may see).
   * Undefined means no restriction.
   */
  entityRefs?: string[];
}

export interface ListScorecardsResult {
  items: ScorecardSummary[];
  totalCount: number;
}

export interface CheckStats {
  checkId: string;
  /** Entities where the check passed, failed or warned. */
  applicable: number;
  failing: number;
  /** Failing entities that no active portal waiver covers. */
  openFailing: number;
  /** Failing entities where an active portal waiver (entity or owner) covers the check. */
  waivedFailing: number;
  /** Findings the repositories suppress in code (inline comment or configuration). */
  suppressedFindings: number;
  /** Entities where the check could not see what it needs (a permission, a module). */
  inconclusive: number;
  /** passed / applicable, or null when the check never applied. */
  passRate: number | null;
}

export interface VisibilityFilter {
  /** Restrict to these entity refs; undefined means every entity. */
  entityRefs?: string[];
}

/** What the last scan of an entity saw, to decide whether to scan again. */
/**
 * The reason stored with a `scanning` state while the new-components task
 * holds a component's first scan: a shard run that finds it leaves it alone
 * until that task's timeout (after which its run, and claim, are dead).
 */
export const NEW_COMPONENTS_CLAIM =
  'first scan in progress (new components task)';

export interface StoredScanState {
  entityRef: string;
  state: ScorecardState;
  /** The reason stored with the state (for `scanning`: who claimed it). */
  stateReason?: string;
  /** When the state was last written (ISO 8601). */
  updatedAt?: string;
  revision?: string;
  checkSetVersion?: string;
  scoringVersion?: string;
  sourceLocation?: string;
}

/** What a history retention pass removed. */
export interface PruneHistoryResult {
  /** Scans older than the retention limit. */
  deleted: number;
  /** Scans removed by downsampling to one per entity per day. */
  downsampled: number;
}

/** A scan of an earlier revision of an entity's source (history backfill). */
export interface BackfilledScan {
  /** The commit SHA scanned. */
  revision: string;
  /** The commit time: the date of the history point. */
  committedAt: Date;
  result: ScanResult;
}

/** Persistence of scorecards, scan history, check results and findings. */
export interface ScorecardStore {
  /**
   * Record the outcome of a scan in one transaction: the check results,
   * findings and problems of the entity are replaced, the scorecard row is
   * upserted and a history row is added. A failed save leaves the previous
   * scorecard as it was.
   */
  saveScan(
    meta: EntityMeta,
    outcome: ScanOutcome,
    scannedAt?: Date,
  ): Promise<void>;

  /**
   * Change the state of an entity (e.g. to `scanning`) without touching its
   * last results. Creates a minimal row when the entity has none yet.
   */
  setState(
    entityRef: string,
    state: ScorecardState,
    reason?: string,
    meta?: EntityMeta,
  ): Promise<void>;

  listScorecards(options: ListScorecardsOptions): Promise<ListScorecardsResult>;

  /** The full scorecard, or undefined when the entity has never been stored. */
  getScorecard(entityRef: string): Promise<Scorecard | undefined>;

  /**
   * The latest scorecards of many entities at once, without finding bodies,
   * waivers applied as `getScorecard` applies them. Entities never stored
   * are absent from the map.
   */
  getScorecardDigests(
    entityRefs: string[],
  ): Promise<Map<string, ScorecardDigest>>;

  /** The latest `limit` scans, oldest first. */
  getHistory(
    entityRef: string,
    limit: number,
    /** Only scans at or after this time. */
    since?: Date,
  ): Promise<ScorecardHistoryPoint[]>;

  /** One row per owner, ordered by owner. */
  teamSummaries(filter?: VisibilityFilter): Promise<TeamSummary[]>;

  /** Per check id: on how many entities it applied and failed. */
  checkStats(filter?: VisibilityFilter): Promise<CheckStats[]>;

  /** {@link checkStats} and when it was computed (epoch milliseconds). */
  checkStatsWithTime(
    filter?: VisibilityFilter,
  ): Promise<{ value: CheckStats[]; computedAt: number }>;

  /** Computes the org-wide aggregates ahead of the first request. */
  warmAggregates(): Promise<void>;

  /**
   * Aggregates per group of the owner hierarchy (direct and rolled up) and
   * per owner. Undefined when `root` is not a known group.
   */
  teams(
    filter?: VisibilityFilter & { root?: string },
  ): Promise<TeamsResponse | undefined>;

  /** Org KPIs, grade distribution and the daily trend of the last `days`. */
  overview(
    filter?: VisibilityFilter & { days?: number },
  ): Promise<OverviewResponse>;

  /** Entities where the check fails, lowest score first (default 200). */
  failingEntities(
    checkId: string,
    filter?: VisibilityFilter,
    limit?: number,
  ): Promise<CheckDetailResponse['failingEntities']>;

  /**
   * Recompute the stored scorecards (score, grade, categories, counts) of
   * these entities from their stored check results, the active portal
   * waivers and the scoring config, without reading any source. Returns how
   * many scorecards were rewritten. Works in a few batched statements however
   * many entities are given; with `scoringVersion`, that hash of the scoring
   * config is stored with the new scores in the same transaction.
   */
  rescore(
    entityRefs: string[],
    scoring: ScoringConfig,
    options?: { scoringVersion?: string },
  ): Promise<number>;

  /**
   * Store a scan of an earlier revision as a history point dated at its
   * commit, marked as backfilled. It never touches the scorecard (the latest
   * real scan stays current). False when that revision of the entity was
   * already backfilled: nothing is added.
   */
  saveBackfilledScan?(
    entityRef: string,
    scan: BackfilledScan,
  ): Promise<boolean>;

  /** The commit SHAs already backfilled for an entity. */
  backfilledRevisions?(entityRef: string): Promise<Set<string>>;

  /** Every entity ref with stored data. */
  listEntityRefs(): Promise<string[]>;

  /** Forget everything about these entities (gone from the catalog). */
  deleteEntities(entityRefs: string[]): Promise<void>;

  /** The stored scan state of these entities (absent when never stored). */
  getScanStates(entityRefs: string[]): Promise<Map<string, StoredScanState>>;

  /**
   * Claim a never-stored entity for its first scan: store a minimal row in
   * state `scanning` unless a row exists. True when this caller claimed it, so
   * two tasks or replicas never run the first scan of one entity twice.
   * `reason` is stored with the state (who holds the claim).
   */
  claimNew(meta: EntityMeta, reason?: string): Promise<boolean>;

  /**
   * History retention: delete scans before `deleteBefore` and keep only the
   * last scan of each entity and UTC day before `downsampleBefore`.
   */
  pruneHistory(options: {
    deleteBefore: Date;
    downsampleBefore: Date;
  }): Promise<PruneHistoryResult>;
}
