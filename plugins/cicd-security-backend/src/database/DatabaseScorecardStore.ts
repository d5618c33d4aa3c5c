import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  CategoryScore,
  CheckDetailResponse,
  OverviewResponse,
  TeamsResponse,
  Finding,
  Grade,
  Scorecard,
  ScorecardCounts,
  ScorecardHistoryPoint,
  ScorecardState,
  ScorecardSummary,
  Severity,
  TeamSummary,
} from '@cicd-security/plugin-cicd-security-common';
import {
  DEFAULT_SCORING,
  redactCredentials,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import { Knex } from 'knex';
import { GroupHierarchyStore } from './GroupHierarchyStore';
import { rescoreEntities, scoreScanWithWaivers } from './rescore';
import { ScorecardQueries } from './ScorecardQueries';
import { DatabaseWaiverStore } from './WaiverStore';
import {
  CheckStats,
  EntityMeta,
  ListScorecardsOptions,
  ListScorecardsResult,
  PruneHistoryResult,
  ScanOutcome,
  ScorecardStore,
  StoredScanState,
  VisibilityFilter,
} from './ScorecardStore';

const migrationsDir = resolvePackagePath(
  '@cicd-security/plugin-cicd-security-backend',
  'migrations',
);

const SCORECARDS = 'cicd_security_scorecards';
const SCANS = 'cicd_security_scans';
const CHECK_RESULTS = 'cicd_security_check_results';
const FINDINGS = 'cicd_security_findings';
const PROBLEMS = 'cicd_security_problems';

/** Rows are written in batches so that no statement exceeds the bind limits. */
const BATCH_SIZE = 200;

/** A timestamp as the drivers return it: Date (pg), number (SQLite) or text. */
type DbTimestamp = Date | number | string;

export type RawDbScorecardRow = {
  entity_ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  type: string | null;
  lifecycle: string | null;
  owner: string | null;
  system: string | null;
  state: string;
  state_reason: string | null;
  score: number | string | null;
  grade: string | null;
  categories: string;
  counts: string;
  revision: string | null;
  source_location: string | null;
  check_set_version: string | null;
  scanned_at: DbTimestamp | null;
  updated_at: DbTimestamp;
  scm_url?: string | null;
  scoring_version?: string | null;
};

export type RawDbScanRow = {
  id?: number;
  entity_ref: string;
  scanned_at: DbTimestamp;
  state: string;
  score: number | string | null;
  grade: string | null;
  categories: string;
  duration_ms: number | null;
};

export type RawDbCheckResultRow = {
  entity_ref: string;
  check_id: string;
  status: string;
  score: number | string | null;
  severity: string;
  category: string;
  title: string;
  reason: string | null;
  /** JSON of `CheckResult.unlisted`, when the check listed only part of its findings. */
  unlisted?: string | null;
};

export type RawDbFindingRow = {
  id?: number;
  entity_ref: string;
  check_id: string;
  severity: string;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  end_line: number | null;
  end_column: number | null;
  snippet: string | null;
  fingerprint: string;
  suggested_fix: string | null;
  suppressed: string | null;
};

export type RawDbProblemRow = {
  id?: number;
  entity_ref: string;
  file: string;
  line: number | null;
  column: number | null;
  kind: string;
  message: string;
};

const EMPTY_COUNTS: ScorecardCounts = {
  passed: 0,
  failed: 0,
  warned: 0,
  notApplicable: 0,
  inconclusive: 0,
  errored: 0,
  findings: 0,
  suppressedFindings: 0,
  criticalFindings: 0,
};

/** The knex implementation of {@link ScorecardStore}, for SQLite and PostgreSQL. */
export class DatabaseScorecardStore implements ScorecardStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    /** Scoring used when waivers change a score; the engine's default otherwise. */
    scoring?: ScoringConfig;
    /** How long slowly changing org figures are reused (0: no caching). */
    cacheTtlMs?: number;
  }): Promise<DatabaseScorecardStore> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseScorecardStore(
      client,
      options.scoring ?? DEFAULT_SCORING,
      options.cacheTtlMs,
    );
  }

  private readonly queries: ScorecardQueries;
  /** Portal waivers, sharing this store's database and scoring. */
  readonly waivers: DatabaseWaiverStore;
  /** The group hierarchy used for owner filters and team roll-ups. */
  readonly groups: GroupHierarchyStore;

  private constructor(
    private readonly db: Knex,
    private readonly scoring: ScoringConfig = DEFAULT_SCORING,
    cacheTtlMs?: number,
  ) {
    this.queries = new ScorecardQueries(db, { scoring, cacheTtlMs });
    this.waivers = new DatabaseWaiverStore(db, scoring);
    this.groups = this.queries.groups;
  }

  async saveScan(
    meta: EntityMeta,
    outcome: ScanOutcome,
    scannedAt: Date = new Date(),
  ): Promise<void> {
    const ref = meta.entityRef;
    if (outcome.type === 'unchanged') {
      // Same source and checks: keep the results and refresh the entity
      // facts, writing only when something differs (most scans of a cycle).
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
      return;
    }
    await this.db.transaction(async tx => {
      const metaColumns = toMetaColumns(meta);
      const previous = await tx<RawDbScorecardRow>(SCORECARDS)
        .where({ entity_ref: ref })
        .first();

      if (outcome.type === 'stale') {
        // The source is unreachable for now: keep everything but the state.
        await upsertScorecard(
          tx,
          previous
            ? {
                ...previous,
                ...metaColumns,
                state: 'stale',
                state_reason: scrub(outcome.message),
                updated_at: scannedAt,
              }
            : {
                ...metaColumns,
                ...emptyResultColumns(),
                state: 'stale',
                state_reason: scrub(outcome.message),
                source_location: scrubOrNull(outcome.sourceLocation),
                updated_at: scannedAt,
              },
        );
        return;
      }

      if (outcome.type === 'error') {
        // Keep the last good results; only the state and reason change.
        const row: RawDbScorecardRow = previous
          ? {
              ...previous,
              ...metaColumns,
              state: 'error',
              state_reason: scrub(outcome.message),
              updated_at: scannedAt,
            }
          : {
              ...metaColumns,
              ...emptyResultColumns(),
              state: 'error',
              state_reason: scrub(outcome.message),
              source_location: scrubOrNull(outcome.sourceLocation),
              updated_at: scannedAt,
            };
        await upsertScorecard(tx, row);
        await tx<RawDbScanRow>(SCANS).insert({
          entity_ref: ref,
          scanned_at: scannedAt,
          state: 'error',
          score: null,
          grade: null,
          categories: '[]',
          duration_ms: null,
        });
        return;
      }

      await tx(CHECK_RESULTS).where({ entity_ref: ref }).delete();
      await tx(FINDINGS).where({ entity_ref: ref }).delete();
      await tx(PROBLEMS).where({ entity_ref: ref }).delete();

      if (outcome.type === 'no-source') {
        await upsertScorecard(tx, {
          ...metaColumns,
          ...emptyResultColumns(),
          state: 'no-source',
          state_reason: scrub(outcome.reason),
          updated_at: scannedAt,
        });
        await tx<RawDbScanRow>(SCANS).insert({
          entity_ref: ref,
          scanned_at: scannedAt,
          state: 'no-source',
          score: null,
          grade: null,
          categories: '[]',
          duration_ms: null,
        });
        return;
      }

      const { result } = outcome;
      const checkRows: RawDbCheckResultRow[] = result.checks.map(c => ({
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
      const findingRows: RawDbFindingRow[] = result.checks.flatMap(c =>
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
        })),
      );
      const problemRows: RawDbProblemRow[] = result.problems.map(p => ({
        entity_ref: ref,
        file: p.file,
        line: p.line ?? null,
        column: p.column ?? null,
        kind: p.kind,
        message: scrub(p.message),
      }));
      await insertBatched(tx, CHECK_RESULTS, checkRows);
      await insertBatched(tx, FINDINGS, findingRows);
      await insertBatched(tx, PROBLEMS, problemRows);

      // Portal waivers apply from the first save: waived checks stay in the
      // results but stop lowering the score.
      const scored = await scoreScanWithWaivers(tx, meta, result, this.scoring);
      const categories = JSON.stringify(scored.categories);
      await upsertScorecard(tx, {
        ...metaColumns,
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
        scanned_at: scannedAt,
        updated_at: scannedAt,
      });
      await tx<RawDbScanRow>(SCANS).insert({
        entity_ref: ref,
        scanned_at: scannedAt,
        state: 'ok',
        score: scored.score,
        grade: scored.grade,
        categories,
        duration_ms: Math.round(result.durationMs),
      });
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

  async claimNew(meta: EntityMeta): Promise<boolean> {
    const rows = await this.db<RawDbScorecardRow>(SCORECARDS)
      .insert({
        ...toMetaColumns(meta),
        ...emptyResultColumns(),
        state: 'scanning',
        state_reason: null,
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
        )
        .whereIn('entity_ref', entityRefs.slice(i, i + BATCH_SIZE));
      for (const r of rows) {
        states.set(r.entity_ref, {
          entityRef: r.entity_ref,
          state: r.state as ScorecardState,
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
    scanned_at: null,
  };
}

export function toSummary(row: RawDbScorecardRow): ScorecardSummary {
  return {
    entityRef: row.entity_ref,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    ...optional('title', row.title),
    ...optional('type', row.type),
    ...optional('lifecycle', row.lifecycle),
    ...optional('owner', row.owner),
    ...optional('system', row.system),
    state: row.state as ScorecardState,
    ...optional('stateReason', row.state_reason),
    score: toNumberOrNull(row.score),
    grade: (row.grade as Grade | null) ?? null,
    categories: parseJson<CategoryScore[]>(row.categories, []),
    counts: {
      ...EMPTY_COUNTS,
      ...parseJson<Partial<ScorecardCounts>>(row.counts, {}),
    },
    ...optional(
      'scannedAt',
      row.scanned_at === null ? null : toIso(row.scanned_at),
    ),
    ...optional('revision', row.revision),
    ...optional('sourceLocation', row.source_location),
  };
}

export function toFinding(f: RawDbFindingRow): Finding {
  return {
    checkId: f.check_id,
    severity: f.severity as Severity,
    message: f.message,
    ...optional('file', f.file),
    ...optional('line', f.line),
    ...optional('column', f.column),
    ...optional('endLine', f.end_line),
    ...optional('endColumn', f.end_column),
    ...optional('snippet', f.snippet),
    fingerprint: f.fingerprint,
    ...optional(
      'suggestedFix',
      parseJson<Finding['suggestedFix']>(f.suggested_fix, undefined),
    ),
    ...optional(
      'suppressed',
      parseJson<Finding['suppressed']>(f.suppressed, undefined),
    ),
  };
}

/** `{ [key]: value }` when value is set, `{}` otherwise. */
function optional<K extends string, V>(
  key: K,
  value: V | null | undefined,
): { [P in K]?: V } {
  return value === null || value === undefined
    ? {}
    : ({ [key]: value } as { [P in K]?: V });
}

function toNumberOrNull(
  value: number | string | null | undefined,
): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function toIso(value: DbTimestamp): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const asNumber = Number(value);
  if (/^\d+$/.test(value) && Number.isFinite(asNumber)) {
    return new Date(asNumber).toISOString();
  }
  // SQLite may hand back 'YYYY-MM-DD HH:MM:SS' text written by other tools.
  return new Date(
    value.includes('T') ? value : `${value.replace(' ', 'T')}Z`,
  ).toISOString();
}

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
