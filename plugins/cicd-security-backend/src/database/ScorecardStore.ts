import {
  ListScorecardsQuery,
  Scorecard,
  ScorecardHistoryPoint,
  ScorecardState,
  ScorecardSummary,
  TeamSummary,
} from '@cicd-security/plugin-cicd-security-common';
import type { ScanResult } from '@cicd-security/plugin-cicd-security-node';

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
    }
  /** The repository could not be scanned; the previous results are kept. */
  | { type: 'error'; message: string; sourceLocation?: string }
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
  /** passed / applicable, or null when the check never applied. */
  passRate: number | null;
}

export interface VisibilityFilter {
  /** Restrict to these entity refs; undefined means every entity. */
  entityRefs?: string[];
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

  /** The latest `limit` scans, oldest first. */
  getHistory(
    entityRef: string,
    limit: number,
  ): Promise<ScorecardHistoryPoint[]>;

  /** One row per owner, ordered by owner. */
  teamSummaries(filter?: VisibilityFilter): Promise<TeamSummary[]>;

  /** Per check id: on how many entities it applied and failed. */
  checkStats(filter?: VisibilityFilter): Promise<CheckStats[]>;

  /** Every entity ref with stored data. */
  listEntityRefs(): Promise<string[]>;

  /** Forget everything about these entities (gone from the catalog). */
  deleteEntities(entityRefs: string[]): Promise<void>;
}
