import { bumpAfterWrites, DataVersion } from './dataVersion';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  CheckDetailResponse,
  OverviewResponse,
  TeamsResponse,
  Finding,
  Scorecard,
  ScorecardChanges,
  ScorecardHistoryPoint,
  ScorecardState,
  TeamSummary,
} from '@cicd-security/plugin-cicd-security-common';
import {
  DEFAULT_SCORING,
  redactCredentials,
  ScanResult,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import { Knex } from 'knex';
import { GroupHierarchyStore } from './GroupHierarchyStore';
import { rescoreEntities, scoreScanWithWaivers } from './rescore';
import {
  compareWithPrevious,
  ComputedChanges,
  readPreviousResults,
} from './scanChanges';
import { EMPTY_COUNTS, optional, toIso } from './rows';
import { ScorecardQueries } from './ScorecardQueries';
import {
  BackfilledScan,
  CheckStats,
  EntityMeta,
  ListScorecardsOptions,
  ListScorecardsResult,
  PruneHistoryResult,
  ScanOutcome,
  ScorecardDigest,
  ScorecardStore,
  StoredScanState,
  VisibilityFilter,
} from './ScorecardStore';
import {
  CHECK_RESULTS,
  FINDINGS,
  PROBLEMS,
  RawDbCheckResultRow,
  RawDbFindingRow,
  RawDbProblemRow,
  RawDbScanRow,
  RawDbScorecardRow,
  SCANS,
  SCORECARDS,
} from './tables';

/** Where the store's knex migrations live. */
export const MIGRATIONS_DIR = resolvePackagePath(
  '@cicd-security/plugin-cicd-security-backend',
  'migrations',
);

/** Rows are written in batches so that no statement exceeds the bind limits. */
const BATCH_SIZE = 200;

type Scanned = Extract<ScanOutcome, { type: 'scanned' }>;
type Unchanged = Extract<ScanOutcome, { type: 'unchanged' }>;
type Unreadable = Extract<ScanOutcome, { type: 'error' | 'stale' }>;

/** Options of {@link DatabaseScorecardStore.create}. */
export interface DatabaseScorecardStoreOptions {
  database: DatabaseService;
  skipMigrations?: boolean;
  /** Scoring used when waivers change a score; the engine's default otherwise. */
  scoring?: ScoringConfig;
  /** How long slowly changing org figures are reused (0: no caching). */
  cacheTtlMs?: number;
  /** The group hierarchy for team roll-ups (default: the same database). */
  groups?: GroupHierarchyStore;
  /** Counts writes, shared with the waiver store (default: the store's own). */
  version?: DataVersion;
}

/** The knex implementation of {@link ScorecardStore}, for SQLite and PostgreSQL. */
export class DatabaseScorecardStore implements ScorecardStore {
  static async create(
    options: DatabaseScorecardStoreOptions,
  ): Promise<DatabaseScorecardStore> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({ directory: MIGRATIONS_DIR });
    }
    return new DatabaseScorecardStore(client, options);
  }

  private readonly queries: ScorecardQueries;
  private readonly scoring: ScoringConfig;

  /** A store on a migrated database; {@link DatabaseScorecardStore.create} migrates. */
  constructor(
    private readonly db: Knex,
    options: Omit<
      DatabaseScorecardStoreOptions,
      'database' | 'skipMigrations'
    > = {},
  ) {
    this.scoring = options.scoring ?? DEFAULT_SCORING;
    const version = options.version ?? new DataVersion();
    this.queries = new ScorecardQueries(db, {
      scoring: this.scoring,
      cacheTtlMs: options.cacheTtlMs,
      groups: options.groups,
      version,
    });
    bumpAfterWrites(
      this,
      [
        'saveScan',
        'setState',
        'claimNew',
        'rescore',
        'saveBackfilledScan',
        'pruneHistory',
        'deleteEntities',
      ],
      version,
    );
  }

  async saveScan(
    meta: EntityMeta,
    outcome: ScanOutcome,
    scannedAt: Date = new Date(),
  ): Promise<void> {
    if (outcome.type === 'unchanged') {
      await this.refreshUnchanged(meta, outcome, scannedAt);
      return;
    }
    await this.db.transaction(async tx => {
      switch (outcome.type) {
        case 'stale':
          await this.keepResultsWithState(tx, meta, outcome, scannedAt);
          return;
        case 'error':
          await this.keepResultsWithState(tx, meta, outcome, scannedAt);
          await this.addHistoryPoint(tx, meta.entityRef, scannedAt, 'error');
          return;
        case 'no-source':
          await this.clearResults(tx, meta.entityRef);
          await this.markNoSource(tx, meta, outcome.reason, scannedAt);
          return;
        default: {
          const computed = compareWithPrevious(
            await readPreviousResults(tx, meta.entityRef),
            outcome.result,
            outcome.revision,
          );
          await this.clearResults(tx, meta.entityRef);
          await this.storeResults(
            tx,
            meta.entityRef,
            outcome.result,
            computed.isNew,
          );
          await this.storeScore(tx, meta, outcome, scannedAt, computed.changes);
        }
      }
    });
  }

  /**
   * Same source and checks: keep the results and refresh the entity facts,
   * writing only when something differs (most scans of a cycle).
   */
  private async refreshUnchanged(
    meta: EntityMeta,
    outcome: Unchanged,
    scannedAt: Date,
  ): Promise<void> {
    const ref = meta.entityRef;
    const row = await this.db<RawDbScorecardRow>(SCORECARDS)
      .where({ entity_ref: ref })
      .first();
    if (!row) return;
    const changes: Partial<RawDbScorecardRow> = {
      ...toMetaColumns(meta),
      state: 'ok',
      state_reason: null,
      ...(outcome.scoringVersion
        ? { scoring_version: outcome.scoringVersion }
        : {}),
    };
    const same = Object.entries(changes).every(
      ([k, v]) => (row[k as keyof RawDbScorecardRow] ?? null) === v,
    );
    if (same) return;
    await this.db<RawDbScorecardRow>(SCORECARDS)
      .where({ entity_ref: ref })
      .update({ ...changes, updated_at: scannedAt });
  }

  /**
   * The source could not be read (`stale`) or scanned (`error`): keep the
   * last results and change only the entity facts, state and reason.
   */
  private async keepResultsWithState(
    tx: Knex.Transaction,
    meta: EntityMeta,
    outcome: Unreadable,
    scannedAt: Date,
  ): Promise<void> {
    const previous = await tx<RawDbScorecardRow>(SCORECARDS)
      .where({ entity_ref: meta.entityRef })
      .first();
    const stateColumns = {
      ...toMetaColumns(meta),
      state: outcome.type,
      state_reason: scrub(outcome.message),
      updated_at: scannedAt,
    };
    await upsertScorecard(
      tx,
      previous
        ? { ...previous, ...stateColumns }
        : {
            ...toMetaColumns(meta),
            ...emptyResultColumns(),
            ...stateColumns,
            source_location: scrubOrNull(outcome.sourceLocation),
          },
    );
  }

  /** Nothing to scan: an empty scorecard with the reason, and a history point. */
  private async markNoSource(
    tx: Knex.Transaction,
    meta: EntityMeta,
    reason: string,
    scannedAt: Date,
  ) {
    await upsertScorecard(tx, {
      ...toMetaColumns(meta),
      ...emptyResultColumns(),
      state: 'no-source',
      state_reason: scrub(reason),
      updated_at: scannedAt,
    });
    await this.addHistoryPoint(tx, meta.entityRef, scannedAt, 'no-source');
  }

  /** Deletes the check results, findings and problems of an entity. */
  private async clearResults(tx: Knex.Transaction, ref: string) {
    await tx(CHECK_RESULTS).where({ entity_ref: ref }).delete();
    await tx(FINDINGS).where({ entity_ref: ref }).delete();
    await tx(PROBLEMS).where({ entity_ref: ref }).delete();
  }

  /**
   * Writes the check results, findings and problems of a scan, redacted,
   * each finding marked new or not when there is a previous scorecard.
   */
  private async storeResults(
    tx: Knex.Transaction,
    ref: string,
    result: ScanResult,
    isNew?: ComputedChanges['isNew'],
  ) {
    await insertBatched(tx, CHECK_RESULTS, toCheckResultRows(ref, result));
    await insertBatched(tx, FINDINGS, toFindingRows(ref, result, isNew));
    await insertBatched(tx, PROBLEMS, toProblemRows(ref, result));
  }

  /**
   * Upserts the scorecard of a fresh scan and adds its history point.
   * Portal waivers apply from the first save: waived checks stay in the
   * results but stop lowering the score.
   */
  private async storeScore(
    tx: Knex.Transaction,
    meta: EntityMeta,
    outcome: Scanned,
    scannedAt: Date,
    changes: ScorecardChanges,
  ) {
    const { result } = outcome;
    const scored = await scoreScanWithWaivers(tx, meta, result, this.scoring);
    const categories = JSON.stringify(scored.categories);
    await upsertScorecard(tx, {
      ...toMetaColumns(meta),
      state: 'ok',
      state_reason: null,
      score: scored.score,
      grade: scored.grade,
      categories,
      counts: JSON.stringify(scored.counts),
      revision: outcome.revision ?? null,
      source_location: scrubOrNull(outcome.sourceLocation),
      check_set_version: outcome.checkSetVersion ?? null,
      scm_url: outcome.scmUrl ?? null,
      scoring_version: outcome.scoringVersion ?? null,
      facts: outcome.facts?.length ? JSON.stringify(outcome.facts) : null,
      changes: JSON.stringify(changes),
      scanned_at: scannedAt,
      updated_at: scannedAt,
    });
    await this.addHistoryPoint(tx, meta.entityRef, scannedAt, 'ok', {
      score: scored.score,
      grade: scored.grade,
      categories,
      duration_ms: Math.round(result.durationMs),
    });
  }

  /** One row of scan history (without score unless given). */
  private async addHistoryPoint(
    tx: Knex.Transaction,
    ref: string,
    scannedAt: Date,
    state: ScorecardState,
    scored: Pick<
      RawDbScanRow,
      'score' | 'grade' | 'categories' | 'duration_ms'
    > = { score: null, grade: null, categories: '[]', duration_ms: null },
  ) {
    await tx<RawDbScanRow>(SCANS).insert({
      entity_ref: ref,
      scanned_at: scannedAt,
      state,
      ...scored,
    });
  }

  async setState(
    entityRef: string,
    state: ScorecardState,
    reason?: string,
    meta?: EntityMeta,
  ): Promise<void> {
    const now = new Date();
    await this.db.transaction(async tx => {
      const updated = await tx<RawDbScorecardRow>(SCORECARDS)
        .where({ entity_ref: entityRef })
        .update({
          ...(meta ? toMetaColumns(meta) : {}),
          state,
          state_reason: scrubOrNull(reason),
          updated_at: now,
        });
      if (updated > 0) return;
      const { kind, namespace, name } = parseEntityRef(entityRef);
      await upsertScorecard(tx, {
        ...toMetaColumns(meta ?? { entityRef, kind, namespace, name }),
        ...emptyResultColumns(),
        state,
        state_reason: scrubOrNull(reason),
        updated_at: now,
      });
    });
  }

  async claimNew(meta: EntityMeta, reason?: string): Promise<boolean> {
    const rows = await this.db<RawDbScorecardRow>(SCORECARDS)
      .insert({
        ...toMetaColumns(meta),
        ...emptyResultColumns(),
        state: 'scanning',
        state_reason: reason ?? null,
        updated_at: new Date(),
      })
      .onConflict('entity_ref')
      .ignore()
      .returning('entity_ref');
    return rows.length > 0;
  }

  listScorecards(
    options: ListScorecardsOptions,
  ): Promise<ListScorecardsResult> {
    return this.queries.listScorecards(options);
  }

  getScorecard(entityRef: string): Promise<Scorecard | undefined> {
    return this.queries.getScorecard(entityRef);
  }

  getScorecardDigests(
    entityRefs: string[],
  ): Promise<Map<string, ScorecardDigest>> {
    return this.queries.getScorecardDigests(entityRefs);
  }

  getHistory(
    entityRef: string,
    limit: number,
    since?: Date,
  ): Promise<ScorecardHistoryPoint[]> {
    return this.queries.getHistory(entityRef, limit, since);
  }

  async teamSummaries(filter: VisibilityFilter = {}): Promise<TeamSummary[]> {
    return (await this.queries.teams(filter))?.owners ?? [];
  }

  teams(
    filter: VisibilityFilter & { root?: string } = {},
  ): Promise<TeamsResponse | undefined> {
    return this.queries.teams(filter);
  }

  overview(
    filter: VisibilityFilter & { days?: number } = {},
  ): Promise<OverviewResponse> {
    return this.queries.overview(filter);
  }

  checkStats(filter: VisibilityFilter = {}): Promise<CheckStats[]> {
    return this.queries.checkStats(filter);
  }

  checkStatsWithTime(
    filter: VisibilityFilter = {},
  ): Promise<{ value: CheckStats[]; computedAt: number }> {
    return this.queries.checkStatsWithTime(filter);
  }

  warmAggregates(): Promise<void> {
    return this.queries.warm();
  }

  failingEntities(
    checkId: string,
    filter: VisibilityFilter = {},
    limit?: number,
  ): Promise<CheckDetailResponse['failingEntities']> {
    return this.queries.failingEntities(checkId, filter, limit);
  }

  rescore(
    entityRefs: string[],
    scoring: ScoringConfig,
    options: { scoringVersion?: string } = {},
  ): Promise<number> {
    return rescoreEntities(this.db, entityRefs, scoring, new Date(), {
      scoringVersion: options.scoringVersion,
    });
  }

  async saveBackfilledScan(
    entityRef: string,
    scan: BackfilledScan,
  ): Promise<boolean> {
    const { result } = scan;
    return this.db.transaction(async tx => {
      const existing = await tx<RawDbScanRow>(SCANS)
        .select('id')
        .where({ entity_ref: entityRef, revision: scan.revision })
        .where('backfilled', true)
        .first();
      if (existing) return false;
      // Scored by the engine with the revision's own configuration: portal
      // waivers, which did not exist at the time, are not applied.
      await tx<RawDbScanRow>(SCANS).insert({
        entity_ref: entityRef,
        scanned_at: scan.committedAt,
        state: 'ok',
        score: result.score,
        grade: result.grade,
        categories: JSON.stringify(result.categories),
        duration_ms: Math.round(result.durationMs),
        revision: scan.revision,
        backfilled: true,
      });
      return true;
    });
  }

  async backfilledRevisions(entityRef: string): Promise<Set<string>> {
    const rows = await this.db<RawDbScanRow>(SCANS)
      .select('revision')
      .where({ entity_ref: entityRef })
      .where('backfilled', true)
      .whereNotNull('revision');
    return new Set(rows.map(r => String(r.revision)));
  }

  async listEntityRefs(): Promise<string[]> {
    const rows = await this.db<RawDbScorecardRow>(SCORECARDS)
      .select('entity_ref')
      .orderBy('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  async getScanStates(
    entityRefs: string[],
  ): Promise<Map<string, StoredScanState>> {
    const states = new Map<string, StoredScanState>();
    for (let i = 0; i < entityRefs.length; i += BATCH_SIZE) {
      const rows = await this.db<RawDbScorecardRow>(SCORECARDS)
        .select(
          'entity_ref',
          'state',
          'revision',
          'check_set_version',
          'scoring_version',
          'source_location',
          'state_reason',
          'updated_at',
        )
        .whereIn('entity_ref', entityRefs.slice(i, i + BATCH_SIZE));
      for (const r of rows) {
        states.set(r.entity_ref, {
          entityRef: r.entity_ref,
          state: r.state as ScorecardState,
          ...optional('stateReason', r.state_reason),
          ...(r.updated_at ? { updatedAt: toIso(r.updated_at) } : {}),
          ...optional('revision', r.revision),
          ...optional('checkSetVersion', r.check_set_version),
          ...optional('scoringVersion', r.scoring_version),
          ...optional('sourceLocation', r.source_location),
        });
      }
    }
    return states;
  }

  async pruneHistory(options: {
    deleteBefore: Date;
    downsampleBefore: Date;
  }): Promise<PruneHistoryResult> {
    const deleted = await this.db(SCANS)
      .where('scanned_at', '<', options.deleteBefore)
      .delete();

    // Downsample entity by entity, so memory stays flat however long the
    // history: keep the last scan of each UTC day, delete the others.
    let downsampled = 0;
    const refs = await this.db(SCANS)
      .distinct('entity_ref')
      .where('scanned_at', '<', options.downsampleBefore);
    for (const { entity_ref: ref } of refs as Array<{ entity_ref: string }>) {
      const rows = await this.db<RawDbScanRow>(SCANS)
        .select('id', 'scanned_at')
        .where('entity_ref', ref)
        .where('scanned_at', '<', options.downsampleBefore)
        .orderBy('scanned_at', 'desc')
        .orderBy('id', 'desc');
      const seenDays = new Set<string>();
      const extra: number[] = [];
      for (const row of rows) {
        const day = toIso(row.scanned_at).slice(0, 10);
        if (seenDays.has(day)) extra.push(Number(row.id));
        else seenDays.add(day);
      }
      for (let i = 0; i < extra.length; i += BATCH_SIZE) {
        downsampled += await this.db(SCANS)
          .whereIn('id', extra.slice(i, i + BATCH_SIZE))
          .delete();
      }
    }
    return { deleted, downsampled };
  }

  async deleteEntities(entityRefs: string[]): Promise<void> {
    if (entityRefs.length === 0) return;
    await this.db.transaction(async tx => {
      for (let i = 0; i < entityRefs.length; i += BATCH_SIZE) {
        const batch = entityRefs.slice(i, i + BATCH_SIZE);
        for (const table of [
          FINDINGS,
          CHECK_RESULTS,
          PROBLEMS,
          SCANS,
          SCORECARDS,
        ]) {
          await tx(table).whereIn('entity_ref', batch).delete();
        }
      }
    });
  }
}

/**
 * The store's own redaction before writing, a backstop behind the engine's:
 * provider-format tokens, private keys, connection-string passwords,
 * URL userinfo, `-u user:pass`, `--password`, and authorization headers.
 */
function scrub(text: string): string {
  return redactCredentials(text);
}

function scrubOrNull(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : scrub(text);
}

function scrubFix(fix: NonNullable<Finding['suggestedFix']>) {
  return {
    ...fix,
    description: scrub(fix.description),
    ...(fix.replacement !== undefined
      ? { replacement: scrub(fix.replacement) }
      : {}),
  };
}

async function upsertScorecard(tx: Knex.Transaction, row: RawDbScorecardRow) {
  await tx<RawDbScorecardRow>(SCORECARDS)
    .insert(row)
    .onConflict('entity_ref')
    .merge();
}

async function insertBatched<T extends object>(
  tx: Knex.Transaction,
  table: string,
  rows: T[],
) {
  for (let i = 0; i < rows.length; i += BATCH_SIZE) {
    await tx(table).insert(rows.slice(i, i + BATCH_SIZE));
  }
}

function toMetaColumns(meta: EntityMeta) {
  return {
    entity_ref: meta.entityRef,
    kind: meta.kind,
    namespace: meta.namespace,
    name: meta.name,
    title: meta.title ?? null,
    type: meta.type ?? null,
    lifecycle: meta.lifecycle ?? null,
    owner: meta.owner ?? null,
    system: meta.system ?? null,
  };
}

function emptyResultColumns() {
  return {
    score: null,
    grade: null,
    categories: '[]',
    counts: JSON.stringify(EMPTY_COUNTS),
    revision: null,
    source_location: null,
    check_set_version: null,
    scm_url: null,
    scoring_version: null,
    facts: null,
    changes: null,
    scanned_at: null,
  };
}

function toCheckResultRows(
  ref: string,
  result: ScanResult,
): RawDbCheckResultRow[] {
  return result.checks.map(c => ({
    entity_ref: ref,
    check_id: c.checkId,
    status: c.status,
    score: c.score ?? null,
    severity: c.severity,
    category: c.category,
    title: c.title,
    reason: scrubOrNull(c.reason),
    unlisted: c.unlisted ? JSON.stringify(c.unlisted) : null,
  }));
}

function toFindingRows(
  ref: string,
  result: ScanResult,
  isNew?: ComputedChanges['isNew'],
): RawDbFindingRow[] {
  return result.checks.flatMap(c =>
    c.findings.map(f => ({
      entity_ref: ref,
      check_id: c.checkId,
      severity: f.severity,
      message: scrub(f.message),
      file: f.file ?? null,
      line: f.line ?? null,
      column: f.column ?? null,
      end_line: f.endLine ?? null,
      end_column: f.endColumn ?? null,
      snippet: scrubOrNull(f.snippet),
      fingerprint: f.fingerprint,
      suggested_fix: f.suggestedFix
        ? JSON.stringify(scrubFix(f.suggestedFix))
        : null,
      suppressed: f.suppressed ? JSON.stringify(f.suppressed) : null,
      also_reported_by: f.alsoReportedBy
        ? JSON.stringify(
            f.alsoReportedBy.map(a => ({ ...a, message: scrub(a.message) })),
          )
        : null,
      new_since_last_scan: isNew ? isNew(c.checkId, f.fingerprint) : null,
    })),
  );
}

function toProblemRows(ref: string, result: ScanResult): RawDbProblemRow[] {
  return result.problems.map(p => ({
    entity_ref: ref,
    file: p.file,
    line: p.line ?? null,
    column: p.column ?? null,
    kind: p.kind,
    message: scrub(p.message),
  }));
}
