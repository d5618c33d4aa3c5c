import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  CategoryScore,
  CheckCategory,
  CheckResult,
  CheckStatus,
  Finding,
  Grade,
  GRADES,
  ScanProblem,
  Scorecard,
  ScorecardCounts,
  ScorecardHistoryPoint,
  ScorecardSortField,
  ScorecardState,
  ScorecardSummary,
  Severity,
  TeamSummary,
} from '@cicd-security/plugin-cicd-security-common';
import { Knex } from 'knex';
import {
  CheckStats,
  EntityMeta,
  ListScorecardsOptions,
  ListScorecardsResult,
  ScanOutcome,
  ScorecardStore,
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

const SORT_COLUMNS: Record<ScorecardSortField, string> = {
  name: 'name',
  score: 'score',
  grade: 'grade',
  owner: 'owner',
  scannedAt: 'scanned_at',
};

/** The knex implementation of {@link ScorecardStore}, for SQLite and PostgreSQL. */
export class DatabaseScorecardStore implements ScorecardStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseScorecardStore> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseScorecardStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async saveScan(
    meta: EntityMeta,
    outcome: ScanOutcome,
    scannedAt: Date = new Date(),
  ): Promise<void> {
    const ref = meta.entityRef;
    await this.db.transaction(async tx => {
      const metaColumns = toMetaColumns(meta);
      const previous = await tx<RawDbScorecardRow>(SCORECARDS)
        .where({ entity_ref: ref })
        .first();

      if (outcome.type === 'error') {
        // Keep the last good results; only the state and reason change.
        const row: RawDbScorecardRow = previous
          ? {
              ...previous,
              ...metaColumns,
              state: 'error',
              state_reason: outcome.message,
              updated_at: scannedAt,
            }
          : {
              ...metaColumns,
              ...emptyResultColumns(),
              state: 'error',
              state_reason: outcome.message,
              source_location: outcome.sourceLocation ?? null,
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
          state_reason: outcome.reason,
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
        reason: c.reason ?? null,
      }));
      const findingRows: RawDbFindingRow[] = result.checks.flatMap(c =>
        c.findings.map(f => ({
          entity_ref: ref,
          check_id: c.checkId,
          severity: f.severity,
          message: f.message,
          file: f.file ?? null,
          line: f.line ?? null,
          column: f.column ?? null,
          end_line: f.endLine ?? null,
          end_column: f.endColumn ?? null,
          snippet: f.snippet ?? null,
          fingerprint: f.fingerprint,
          suggested_fix: f.suggestedFix ? JSON.stringify(f.suggestedFix) : null,
          suppressed: f.suppressed ? JSON.stringify(f.suppressed) : null,
        })),
      );
      const problemRows: RawDbProblemRow[] = result.problems.map(p => ({
        entity_ref: ref,
        file: p.file,
        line: p.line ?? null,
        column: p.column ?? null,
        kind: p.kind,
        message: p.message,
      }));
      await insertBatched(tx, CHECK_RESULTS, checkRows);
      await insertBatched(tx, FINDINGS, findingRows);
      await insertBatched(tx, PROBLEMS, problemRows);

      const categories = JSON.stringify(result.categories);
      await upsertScorecard(tx, {
        ...metaColumns,
        state: 'ok',
        state_reason: null,
        score: result.score,
        grade: result.grade,
        categories,
        counts: JSON.stringify(result.counts),
        revision: outcome.revision ?? null,
        source_location: outcome.sourceLocation ?? null,
        check_set_version: outcome.checkSetVersion ?? null,
        scanned_at: scannedAt,
        updated_at: scannedAt,
      });
      await tx<RawDbScanRow>(SCANS).insert({
        entity_ref: ref,
        scanned_at: scannedAt,
        state: 'ok',
        score: result.score,
        grade: result.grade,
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
          state_reason: reason ?? null,
          updated_at: now,
        });
      if (updated > 0) return;
      const { kind, namespace, name } = parseEntityRef(entityRef);
      await upsertScorecard(tx, {
        ...toMetaColumns(meta ?? { entityRef, kind, namespace, name }),
        ...emptyResultColumns(),
        state,
        state_reason: reason ?? null,
        updated_at: now,
      });
    });
  }

  async listScorecards(
    options: ListScorecardsOptions,
  ): Promise<ListScorecardsResult> {
    if (options.entityRefs && options.entityRefs.length === 0) {
      return { items: [], totalCount: 0 };
    }
    const query = this.db<RawDbScorecardRow>(SCORECARDS);
    if (options.entityRefs) query.whereIn('entity_ref', options.entityRefs);
    if (options.owner) query.where('owner', options.owner);
    if (options.kind)
      query.whereRaw('lower(kind) = ?', options.kind.toLowerCase());
    if (options.grade) query.where('grade', options.grade);
    if (options.state) query.where('state', options.state);
    if (options.q) {
      const pattern = `%${escapeLike(options.q.toLowerCase())}%`;
      query.where(q =>
        q
          .whereRaw(`lower(name) like ? escape '\\'`, [pattern])
          .orWhereRaw(`lower(title) like ? escape '\\'`, [pattern])
          .orWhereRaw(`lower(owner) like ? escape '\\'`, [pattern]),
      );
    }

    const countRow = await query.clone().count({ count: '*' }).first();
    const totalCount = Number(countRow?.count ?? 0);

    const column = SORT_COLUMNS[options.sort ?? 'name'];
    const order = options.order ?? 'asc';
    const rows = await query
      .select('*')
      // Nulls last in both directions, spelt out because knex's `nulls last`
      // for SQLite drops the column itself.
      .orderByRaw('(?? is null) asc', [column])
      .orderBy(column, order)
      .orderBy('entity_ref', 'asc')
      .limit(options.limit ?? 50)
      .offset(options.offset ?? 0);
    return { items: rows.map(toSummary), totalCount };
  }

  async getScorecard(entityRef: string): Promise<Scorecard | undefined> {
    const row = await this.db<RawDbScorecardRow>(SCORECARDS)
      .where({ entity_ref: entityRef })
      .first();
    if (!row) return undefined;
    const [checkRows, findingRows, problemRows] = await Promise.all([
      this.db<RawDbCheckResultRow>(CHECK_RESULTS)
        .where({ entity_ref: entityRef })
        .orderBy('check_id'),
      this.db<RawDbFindingRow>(FINDINGS)
        .where({ entity_ref: entityRef })
        .orderBy('id'),
      this.db<RawDbProblemRow>(PROBLEMS)
        .where({ entity_ref: entityRef })
        .orderBy('id'),
    ]);
    const findingsByCheck = new Map<string, Finding[]>();
    for (const f of findingRows) {
      const list = findingsByCheck.get(f.check_id) ?? [];
      list.push(toFinding(f));
      findingsByCheck.set(f.check_id, list);
    }
    const checks: CheckResult[] = checkRows.map(c => ({
      checkId: c.check_id,
      title: c.title,
      category: c.category as CheckCategory,
      severity: c.severity as Severity,
      status: c.status as CheckStatus,
      ...(c.score === null ? {} : { score: Number(c.score) }),
      ...(c.reason === null ? {} : { reason: c.reason }),
      findings: findingsByCheck.get(c.check_id) ?? [],
    }));
    const problems: ScanProblem[] = problemRows.map(p => ({
      file: p.file,
      ...(p.line === null ? {} : { line: p.line }),
      ...(p.column === null ? {} : { column: p.column }),
      kind: p.kind as ScanProblem['kind'],
      message: p.message,
    }));
    return { ...toSummary(row), checks, problems };
  }

  async getHistory(
    entityRef: string,
    limit: number,
  ): Promise<ScorecardHistoryPoint[]> {
    const rows = await this.db<RawDbScanRow>(SCANS)
      .where({ entity_ref: entityRef })
      .orderBy('scanned_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.reverse().map(r => ({
      scannedAt: toIso(r.scanned_at),
      score: toNumberOrNull(r.score),
      grade: (r.grade as Grade | null) ?? null,
      state: r.state as ScorecardState,
      categories: parseJson<CategoryScore[]>(r.categories, []),
    }));
  }

  async teamSummaries(filter: VisibilityFilter = {}): Promise<TeamSummary[]> {
    if (filter.entityRefs && filter.entityRefs.length === 0) return [];
    const query = this.db(SCORECARDS)
      .whereNotNull('owner')
      .select('owner')
      .count({ components: '*' })
      .count({ scanned: 'scanned_at' })
      .avg({ average_score: 'score' })
      .groupBy('owner')
      .orderBy('owner');
    for (const grade of GRADES) {
      query.select(
        this.db.raw(`sum(case when grade = ? then 1 else 0 end) as ??`, [
          grade,
          `grade_${grade.toLowerCase()}`,
        ]),
      );
    }
    if (filter.entityRefs) query.whereIn('entity_ref', filter.entityRefs);
    const rows: Array<Record<string, unknown>> = await query;
    return rows.map(r => {
      const average = toNumberOrNull(r.average_score as string | number | null);
      return {
        owner: String(r.owner),
        components: Number(r.components),
        scanned: Number(r.scanned),
        averageScore: average === null ? null : Math.round(average * 10) / 10,
        grades: Object.fromEntries(
          GRADES.map(g => [g, Number(r[`grade_${g.toLowerCase()}`] ?? 0)]),
        ) as Record<Grade, number>,
      };
    });
  }

  async checkStats(filter: VisibilityFilter = {}): Promise<CheckStats[]> {
    if (filter.entityRefs && filter.entityRefs.length === 0) return [];
    const query = this.db(CHECK_RESULTS)
      .select('check_id')
      .select(
        this.db.raw(
          `sum(case when status in ('pass', 'fail', 'warn') then 1 else 0 end) as applicable`,
        ),
        this.db.raw(
          `sum(case when status = 'fail' then 1 else 0 end) as failing`,
        ),
        this.db.raw(
          `sum(case when status = 'pass' then 1 else 0 end) as passing`,
        ),
      )
      .groupBy('check_id')
      .orderBy('check_id');
    if (filter.entityRefs) query.whereIn('entity_ref', filter.entityRefs);
    const rows: Array<Record<string, unknown>> = await query;
    return rows.map(r => {
      const applicable = Number(r.applicable ?? 0);
      const passing = Number(r.passing ?? 0);
      return {
        checkId: String(r.check_id),
        applicable,
        failing: Number(r.failing ?? 0),
        passRate:
          applicable > 0
            ? Math.round((passing / applicable) * 1000) / 1000
            : null,
      };
    });
  }

  async listEntityRefs(): Promise<string[]> {
    const rows = await this.db<RawDbScorecardRow>(SCORECARDS)
      .select('entity_ref')
      .orderBy('entity_ref');
    return rows.map(r => r.entity_ref);
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
    scanned_at: null,
  };
}

function toSummary(row: RawDbScorecardRow): ScorecardSummary {
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

function toFinding(f: RawDbFindingRow): Finding {
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

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, c => `\\${c}`);
}
