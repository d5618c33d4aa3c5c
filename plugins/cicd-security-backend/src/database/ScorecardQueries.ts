import {
  CategoryScore,
  CheckDetailResponse,
  CheckResult,
  Finding,
  OverviewResponse,
  Scorecard,
  ScorecardHistoryPoint,
  ScorecardSortField,
  TeamsResponse,
  FactReading,
} from '@cicd-security/plugin-cicd-security-common';
import {
  DEFAULT_SCORING,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import { createHash } from 'crypto';
import { Knex } from 'knex';
import { activeWaiversFor } from './activeWaivers';
import { DataVersion } from './dataVersion';
import { DatabaseGroupHierarchyStore } from './DatabaseGroupHierarchyStore';
import { GroupHierarchyStore } from './GroupHierarchyStore';
import { explainScore, fixFirst } from './rescore';
import {
  optional,
  parseJson,
  toCheckResult,
  toFinding,
  toHistoryPoint,
  toNumberOrNull,
  toProblem,
  toScmUrl,
  toSummary,
} from './rows';
import { parseChanges } from './scanChanges';
import {
  CheckStats,
  ListScorecardsOptions,
  ListScorecardsResult,
  ScorecardDigest,
  VisibilityFilter,
} from './ScorecardStore';
import {
  categoryBelow,
  escapeLike,
  isPostgres,
  jsonNumber,
  utcDay,
  whereInList,
} from './sql';
import {
  CHECK_RESULTS,
  FINDINGS,
  GROUP_CLOSURE,
  PROBLEMS,
  RawDbCheckResultRow,
  RawDbFindingRow,
  RawDbProblemRow,
  RawDbScanRow,
  RawDbScorecardRow,
  RawDbWaiverRow,
  SCANS,
  SCORECARDS,
  WAIVERS,
} from './tables';
import {
  categoryVector,
  round1,
  round3,
  scoreStats,
  shareAB,
  StatRow,
  teamAggregates,
} from './teamStats';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longer visibility lists are applied in memory rather than in SQL. */
const VISIBILITY_IN_SQL_MAX = 500;
/**
 * How long the order of a filtered list is reused for callers with long
 * visibility lists: membership and order may lag a scan by this much, the
 * rows shown never do.
 */
const LIST_ORDER_TTL_MS = 5_000;

/**
 * Default time to reuse org-wide figures (the rows behind team and overview
 * aggregates, scores 30 days ago, the trend): aggregates may lag a scan by
 * this much, lists and single scorecards never do.
 */
export const DEFAULT_QUERY_CACHE_TTL_MS = 15_000;

export interface QueryOptions {
  scoring?: ScoringConfig;
  /** How long org-wide history figures are reused; 0 turns caching off. */
  cacheTtlMs?: number;
  clock?: () => Date;
  /** The group hierarchy (default: read from the same database). */
  groups?: GroupHierarchyStore;
  /** Counts the writes; while it is unchanged cached figures stay valid. */
  version?: DataVersion;
}

/**
 * How long cached figures are reused when nothing was written in this
 * process: the bound for writes by other instances of the backend.
 */
export const UNCHANGED_CACHE_TTL_MS = 10 * 60_000;

/**
 * The read side of the scorecard store: filtered lists, one scorecard,
 * history, team roll-ups, overview and check figures.
 */
/** Entity refs per query of the bulk reads (SQLite's variable limit). */
const DIGEST_CHUNK = 500;

export class ScorecardQueries {
  private readonly scoring: ScoringConfig;
  private readonly ttl: number;
  private readonly clock: () => Date;
  private readonly cache = new Map<
    string,
    {
      at: number;
      version: number;
      value: Promise<Computed<unknown>>;
      refreshing?: boolean;
    }
  >();
  private readonly version: DataVersion;
  /** Sets of visible refs, per list (the visibility cache reuses lists). */
  private readonly visibleSets = new WeakMap<string[], Set<string>>();
  private readonly groups: GroupHierarchyStore;

  constructor(private readonly db: Knex, options: QueryOptions = {}) {
    this.scoring = options.scoring ?? DEFAULT_SCORING;
    this.ttl = options.cacheTtlMs ?? DEFAULT_QUERY_CACHE_TTL_MS;
    this.clock = options.clock ?? (() => new Date());
    this.groups = options.groups ?? new DatabaseGroupHierarchyStore(db);
    this.version = options.version ?? new DataVersion();
  }

  async listScorecards(
    options: ListScorecardsOptions,
  ): Promise<ListScorecardsResult> {
    if (options.entityRefs && options.entityRefs.length === 0) {
      return { items: [], totalCount: 0 };
    }
    const { db } = this;
    const query = db<RawDbScorecardRow>(SCORECARDS);
    // Short visibility lists go into the SQL; long ones are applied to the
    // ordered refs in memory (one narrow index-friendly query, no huge bind).
    const bigVisibility =
      options.entityRefs && options.entityRefs.length > VISIBILITY_IN_SQL_MAX;
    if (options.entityRefs && !bigVisibility) {
      whereInList(db, query, 'entity_ref', options.entityRefs);
    }
    if (options.owner) {
      const owner = options.owner.toLocaleLowerCase('en-US');
      query.where(q =>
        q
          .where('owner', owner)
          .orWhereIn(
            'owner',
            db(GROUP_CLOSURE).where('ancestor', owner).select('descendant'),
          ),
      );
    }
    if (options.system) {
      query.where('system', options.system.toLocaleLowerCase('en-US'));
    }
    if (options.kind) {
      query.whereRaw(
        'lower(kind) = ?',
        options.kind.toLocaleLowerCase('en-US'),
      );
    }
    if (options.type) query.where('type', options.type);
    if (options.lifecycle) query.where('lifecycle', options.lifecycle);
    if (options.grade) {
      query.whereIn(
        'grade',
        options.grade.split(',').map(g => g.trim().toUpperCase()),
      );
    }
    if (options.state) query.where('state', options.state);
    if (options.category && options.categoryBelow !== undefined) {
      query.where(
        categoryBelow(
          db,
          'categories',
          options.category,
          options.categoryBelow,
        ),
      );
    }
    if (options.failingCheck) {
      query.whereExists(
        db(CHECK_RESULTS)
          .select(db.raw('1'))
          .whereRaw('??.entity_ref = ??.entity_ref', [
            CHECK_RESULTS,
            SCORECARDS,
          ])
          .where(`${CHECK_RESULTS}.check_id`, options.failingCheck)
          .where(`${CHECK_RESULTS}.status`, 'fail'),
      );
    }
    if (options.q) {
      const pattern = `%${escapeLike(options.q.toLocaleLowerCase('en-US'))}%`;
      query.where(q =>
        q
          .whereRaw(`lower(name) like ? escape '\\'`, [pattern])
          .orWhereRaw(`lower(title) like ? escape '\\'`, [pattern])
          .orWhereRaw(`lower(owner) like ? escape '\\'`, [pattern]),
      );
    }

    const sortExpr = this.sortExpression(options.sort ?? 'name');
    const order = options.order === 'desc' ? 'desc' : 'asc';
    const limit = options.limit ?? 50;
    const offset = options.offset ?? 0;
    const sorted = (q: Knex.QueryBuilder) => {
      // Nulls last in both directions, spelt out because knex's `nulls last`
      // for SQLite drops the column itself (and so that the index on
      // `(score is null), score, entity_ref` serves the default sort).
      if (sortExpr.nullable) {
        q.orderByRaw(`(${sortExpr.sql} is null) asc`, sortExpr.bindings);
      }
      return q
        .orderByRaw(`${sortExpr.sql} ${order}`, sortExpr.bindings)
        .orderBy('entity_ref', 'asc');
    };

    if (bigVisibility) {
      const visible = this.visibleSet(options.entityRefs!);
      // The order of the matching refs is shared by every caller for a few
      // seconds; the rows of the page are always read fresh.
      const {
        entityRefs: _visible,
        limit: _l,
        offset: _o,
        ...filters
      } = options;
      const ordered = await this.cached(
        `order:${stableKey(filters)}`,
        async () => {
          const refRows: Array<{ entity_ref: string }> = await sorted(
            query.clone().select('entity_ref'),
          );
          return refRows.map(r => r.entity_ref);
        },
        Math.min(this.ttl, LIST_ORDER_TTL_MS),
      );
      const matching = ordered.filter(ref => visible.has(ref));
      const pageRefs = matching.slice(offset, offset + limit);
      const rows: RawDbScorecardRow[] = pageRefs.length
        ? await db<RawDbScorecardRow>(SCORECARDS).whereIn(
            'entity_ref',
            pageRefs,
          )
        : [];
      const byRef = new Map(rows.map(r => [r.entity_ref, r]));
      return {
        items: pageRefs.flatMap(ref => {
          const row = byRef.get(ref);
          return row ? [toSummary(row)] : [];
        }),
        totalCount: matching.length,
      };
    }

    const countRow = await query.clone().count({ count: '*' }).first();
    const totalCount = Number(countRow?.count ?? 0);
    const rows = await sorted(query.select('*')).limit(limit).offset(offset);
    return { items: rows.map(toSummary), totalCount };
  }

  private sortExpression(field: ScorecardSortField): {
    sql: string;
    bindings: string[];
    nullable: boolean;
  } {
    switch (field) {
      case 'criticalFindings':
      case 'findings': {
        const raw = jsonNumber(this.db, 'counts', field).toSQL();
        return {
          sql: raw.sql,
          bindings: raw.bindings as string[],
          nullable: true,
        };
      }
      case 'scannedAt':
        return { sql: '??', bindings: ['scanned_at'], nullable: true };
      case 'name':
      case 'kind':
      case 'state':
        return { sql: '??', bindings: [field], nullable: false };
      default:
        return { sql: '??', bindings: [field], nullable: true };
    }
  }

  async getScorecard(entityRef: string): Promise<Scorecard | undefined> {
    const { db } = this;
    const row = await db<RawDbScorecardRow>(SCORECARDS)
      .where({ entity_ref: entityRef })
      .first();
    if (!row) return undefined;
    const [checkRows, findingRows, problemRows, waivers] = await Promise.all([
      db<RawDbCheckResultRow>(CHECK_RESULTS)
        .where({ entity_ref: entityRef })
        .orderBy('check_id'),
      db<RawDbFindingRow>(FINDINGS)
        .where({ entity_ref: entityRef })
        .orderBy('id'),
      db<RawDbProblemRow>(PROBLEMS)
        .where({ entity_ref: entityRef })
        .orderBy('id'),
      activeWaiversFor(db, [{ entityRef, owner: row.owner }], this.clock()),
    ]);
    const waived = waivers.get(entityRef);
    const findingsByCheck = new Map<string, Finding[]>();
    for (const f of findingRows) {
      const list = findingsByCheck.get(f.check_id) ?? [];
      list.push(toFinding(f));
      findingsByCheck.set(f.check_id, list);
    }
    const checks: CheckResult[] = checkRows.map(c => ({
      ...toCheckResult(c, waived?.get(c.check_id)),
      findings: findingsByCheck.get(c.check_id) ?? [],
    }));
    const problems = problemRows.map(toProblem);
    const summary = toSummary(row);
    const scmUrl = row.scm_url ?? toScmUrl(row.source_location);
    return {
      ...summary,
      checks,
      problems,
      ...(checks.length
        ? {
            explanation: explainScore(checks, summary.categories, this.scoring),
            fixFirst: fixFirst(checks, this.scoring),
          }
        : {}),
      ...(scmUrl ? { scmUrl } : {}),
      ...(row.facts ? { facts: parseFacts(row.facts) } : {}),
      ...optional('changes', parseChanges(row.changes)),
    };
  }

  /**
   * Latest scorecards of many entities without finding bodies: per check the
   * count of open listed findings, waivers applied as in `getScorecard`.
   */
  async getScorecardDigests(
    entityRefs: string[],
  ): Promise<Map<string, ScorecardDigest>> {
    const { db } = this;
    const out = new Map<string, ScorecardDigest>();
    const refs = [...new Set(entityRefs)];
    for (let i = 0; i < refs.length; i += DIGEST_CHUNK) {
      const chunk = refs.slice(i, i + DIGEST_CHUNK);
      const rows = await db<RawDbScorecardRow>(SCORECARDS).whereIn(
        'entity_ref',
        chunk,
      );
      if (rows.length === 0) continue;
      const found = rows.map(r => r.entity_ref);
      const [checkRows, openRows, waivers] = await Promise.all([
        db<RawDbCheckResultRow>(CHECK_RESULTS)
          .whereIn('entity_ref', found)
          .select(
            'entity_ref',
            'check_id',
            'title',
            'category',
            'severity',
            'status',
            'score',
            'reason',
            'unlisted',
          )
          .orderBy('entity_ref')
          .orderBy('check_id'),
        db(FINDINGS)
          .whereIn('entity_ref', found)
          .whereNull('suppressed')
          .groupBy('entity_ref', 'check_id')
          .select('entity_ref', 'check_id')
          .count({ n: '*' }) as Promise<
          Array<{ entity_ref: string; check_id: string; n: number | string }>
        >,
        activeWaiversFor(
          db,
          rows.map(r => ({ entityRef: r.entity_ref, owner: r.owner })),
          this.clock(),
        ),
      ]);
      const open = new Map<string, number>();
      for (const r of openRows) {
        open.set(`${r.entity_ref}\u0000${r.check_id}`, Number(r.n));
      }
      for (const row of rows) {
        out.set(row.entity_ref, { ...toSummary(row), checks: [] });
      }
      for (const c of checkRows) {
        out.get(c.entity_ref)!.checks.push({
          ...toCheckResult(c, waivers.get(c.entity_ref)?.get(c.check_id)),
          openFindings: open.get(`${c.entity_ref}\u0000${c.check_id}`) ?? 0,
        });
      }
    }
    return out;
  }

  async getHistory(
    entityRef: string,
    limit: number,
    since?: Date,
  ): Promise<ScorecardHistoryPoint[]> {
    const query = this.db<RawDbScanRow>(SCANS)
      .where({ entity_ref: entityRef })
      .orderBy('scanned_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit);
    if (since) query.where('scanned_at', '>=', since);
    const rows = await query;
    return rows.reverse().map(toHistoryPoint);
  }

  /** Per-owner and per-group figures, rolled up the group hierarchy. */
  async teams(
    filter: VisibilityFilter & { root?: string } = {},
  ): Promise<TeamsResponse | undefined> {
    const hierarchy = await this.groups.load();
    const root = filter.root?.toLocaleLowerCase('en-US');
    if (root && !hierarchy.groups.has(root)) return undefined;
    const [rows, past] = await Promise.all([
      this.statRows(filter),
      this.scoresAt(this.clock().getTime() - 30 * DAY_MS),
    ]);
    return {
      ...teamAggregates(hierarchy, rows.value, past.value, root),
      computedAt: oldest(rows, past),
    };
  }

  async overview(
    filter: VisibilityFilter & { days?: number } = {},
  ): Promise<OverviewResponse> {
    const now = this.clock().getTime();
    const days = filter.days ?? 30;
    const [rows, past, trend] = await Promise.all([
      this.statRows(filter),
      this.scoresAt(now - 30 * DAY_MS),
      this.trend(filter.entityRefs, days),
    ]);
    const stats = scoreStats(rows.value, past.value);
    return {
      stats,
      shareAB: shareAB(stats),
      trend: trend.value,
      computedAt: oldest(rows, past, trend),
    };
  }

  async checkStats(filter: VisibilityFilter = {}): Promise<CheckStats[]> {
    return (await this.checkStatsWithTime(filter)).value;
  }

  /**
   * {@link checkStats} with the time it was computed: per visible scope and
   * cache TTL, like the other aggregates (a caller who sees every scorecard
   * shares the org-wide figures), so the Checks tab does not aggregate every
   * check result of the organisation on each request.
   */
  async checkStatsWithTime(
    filter: VisibilityFilter = {},
  ): Promise<Computed<CheckStats[]>> {
    if (filter.entityRefs && filter.entityRefs.length === 0) {
      return { value: [], computedAt: this.clock().getTime() };
    }
    return this.scoped(
      'checkStats',
      filter.entityRefs,
      (db, entityRefs) => this.computeCheckStats(db, { entityRefs }),
      db => db(CHECK_RESULTS).distinct('entity_ref').pluck('entity_ref'),
    );
  }

  private async computeCheckStats(
    db: Knex,
    filter: VisibilityFilter,
  ): Promise<CheckStats[]> {
    const query = db(CHECK_RESULTS)
      .select('check_id')
      .select(
        db.raw(
          `sum(case when status in ('pass', 'fail', 'warn') then 1 else 0 end) as applicable`,
        ),
        db.raw(`sum(case when status = 'fail' then 1 else 0 end) as failing`),
        db.raw(`sum(case when status = 'pass' then 1 else 0 end) as passing`),
        db.raw(
          `sum(case when status = 'inconclusive' then 1 else 0 end) as inconclusive`,
        ),
      )
      .groupBy('check_id')
      .orderBy('check_id');
    if (filter.entityRefs) {
      whereInList(db, query, 'entity_ref', filter.entityRefs);
    }
    const [rows, waived, suppressed] = await Promise.all([
      query as Promise<Array<Record<string, unknown>>>,
      this.waivedFailures(db, filter),
      this.suppressedInCode(db, filter),
    ]);
    return rows.map(r => {
      const checkId = String(r.check_id);
      const applicable = Number(r.applicable ?? 0);
      const passing = Number(r.passing ?? 0);
      const failing = Number(r.failing ?? 0);
      const waivedFailing = Math.min(waived.get(checkId) ?? 0, failing);
      return {
        checkId,
        applicable,
        failing,
        openFailing: failing - waivedFailing,
        waivedFailing,
        suppressedFindings: suppressed.get(checkId) ?? 0,
        inconclusive: Number(r.inconclusive ?? 0),
        passRate: applicable > 0 ? round3(passing / applicable) : null,
      };
    });
  }

  /**
   * Per check, the failing results that an active portal waiver (of the
   * entity or of its owner) covers.
   */
  private async waivedFailures(
    db: Knex,
    filter: VisibilityFilter,
  ): Promise<Map<string, number>> {
    const active: Array<
      Pick<RawDbWaiverRow, 'check_id' | 'scope_type' | 'scope_ref'>
    > = await db<RawDbWaiverRow>(WAIVERS)
      .whereNull('revoked_at')
      .where('expires_at', '>', this.clock())
      .select('check_id', 'scope_type', 'scope_ref');
    const counts = new Map<string, number>();
    if (active.length === 0) return counts;
    const covered = new Set(
      active.map(w => `${w.check_id}\u0000${w.scope_type}\u0000${w.scope_ref}`),
    );
    const query = db(`${CHECK_RESULTS} as r`)
      .join(`${SCORECARDS} as s`, 's.entity_ref', 'r.entity_ref')
      .where('r.status', 'fail')
      .whereIn('r.check_id', [...new Set(active.map(w => w.check_id))])
      .select('r.entity_ref', 'r.check_id', 's.owner');
    if (filter.entityRefs) {
      whereInList(db, query, 'r.entity_ref', filter.entityRefs);
    }
    const failures: Array<{
      entity_ref: string;
      check_id: string;
      owner: string | null;
    }> = await query;
    for (const f of failures) {
      const waived =
        covered.has(`${f.check_id}\u0000entity\u0000${f.entity_ref}`) ||
        (!!f.owner && covered.has(`${f.check_id}\u0000owner\u0000${f.owner}`));
      if (waived) counts.set(f.check_id, (counts.get(f.check_id) ?? 0) + 1);
    }
    return counts;
  }

  /**
   * Per check, the listed findings that the repository suppresses (an inline
   * comment or its configuration file); duplicates of another check's
   * finding are not counted.
   */
  private async suppressedInCode(
    db: Knex,
    filter: VisibilityFilter,
  ): Promise<Map<string, number>> {
    const query = db<RawDbFindingRow>(FINDINGS)
      .whereNotNull('suppressed')
      .select('check_id', 'suppressed');
    if (filter.entityRefs) {
      whereInList(db, query, 'entity_ref', filter.entityRefs);
    }
    const rows: Array<Pick<RawDbFindingRow, 'check_id' | 'suppressed'>> =
      await query;
    const counts = new Map<string, number>();
    for (const r of rows) {
      const kind = parseJson<Finding['suppressed']>(
        r.suppressed,
        undefined,
      )?.kind;
      if (kind === 'inline' || kind === 'config') {
        counts.set(r.check_id, (counts.get(r.check_id) ?? 0) + 1);
      }
    }
    return counts;
  }

  /** Entities where the check fails, lowest score first. */
  async failingEntities(
    checkId: string,
    filter: VisibilityFilter = {},
    limit = 200,
  ): Promise<CheckDetailResponse['failingEntities']> {
    if (filter.entityRefs && filter.entityRefs.length === 0) return [];
    const { db } = this;
    const query = db(`${CHECK_RESULTS} as r`)
      .join(`${SCORECARDS} as s`, 's.entity_ref', 'r.entity_ref')
      .where('r.check_id', checkId)
      .where('r.status', 'fail')
      .select(
        's.entity_ref',
        's.title',
        's.owner',
        's.score',
        db.raw(
          `(select count(*) from ${FINDINGS} f where f.entity_ref = r.entity_ref and f.check_id = r.check_id) as findings`,
        ),
      )
      .orderByRaw('(s.score is null) asc')
      .orderBy('s.score', 'asc')
      .orderBy('s.entity_ref', 'asc')
      .limit(limit);
    if (filter.entityRefs) {
      whereInList(db, query, 'r.entity_ref', filter.entityRefs);
    }
    const rows: Array<Record<string, any>> = await query;
    return rows.map(r => ({
      entityRef: r.entity_ref,
      ...(r.title ? { title: r.title } : {}),
      ...(r.owner ? { owner: r.owner } : {}),
      score: toNumberOrNull(r.score),
      findings: Number(r.findings ?? 0),
    }));
  }

  /**
   * What aggregates need of every scorecard. The org-wide rows are read once
   * per cache TTL and filtered per caller in memory, so a dashboard full of
   * users does not re-read and re-parse the whole table on every request.
   */
  private async statRows(
    filter: VisibilityFilter,
  ): Promise<Computed<StatRow[]>> {
    if (filter.entityRefs && filter.entityRefs.length === 0) {
      return { value: [], computedAt: this.clock().getTime() };
    }
    const all = await this.cachedWithTime('statRows', async () => {
      const { db } = this;
      const rows: Array<Record<string, any>> = await db(SCORECARDS).select(
        'entity_ref',
        'owner',
        'score',
        'grade',
        'categories',
        'scanned_at',
        db.raw('? as ??', [
          jsonNumber(db, 'counts', 'criticalFindings'),
          'critical',
        ]),
      );
      return rows.map(
        (r): StatRow => ({
          entityRef: r.entity_ref,
          owner: r.owner,
          score: toNumberOrNull(r.score),
          grade: r.grade ?? null,
          cats: categoryVector(parseJson<CategoryScore[]>(r.categories, [])),
          critical: Number(r.critical ?? 0),
          scanned: r.scanned_at !== null && r.scanned_at !== undefined,
        }),
      );
    });
    if (!filter.entityRefs) return all;
    const visible = this.visibleSet(filter.entityRefs);
    return {
      value: all.value.filter(r => visible.has(r.entityRef)),
      computedAt: all.computedAt,
    };
  }

  /**
   * Each entity's score at a point in time (its latest successful scan then),
   * from the history. Org-wide and cached: it changes slowly.
   */
  private async scoresAt(at: number): Promise<Computed<Map<string, number>>> {
    // Round to the hour so that the cache is reused between requests.
    const cutoff = new Date(Math.floor(at / 3_600_000) * 3_600_000);
    return this.cachedWithTime(`scoresAt:${cutoff.toISOString()}`, async () => {
      const { db } = this;
      const latest = db(SCANS)
        .select('entity_ref')
        .max({ at: 'scanned_at' })
        .where('scanned_at', '<=', cutoff)
        .where('state', 'ok')
        .groupBy('entity_ref')
        .as('m');
      const rows: Array<{ entity_ref: string; score: unknown }> = await db(
        `${SCANS} as s`,
      )
        .join(latest, q =>
          q.on('s.entity_ref', 'm.entity_ref').andOn('s.scanned_at', 'm.at'),
        )
        .where('s.state', 'ok')
        .whereNotNull('s.score')
        .select('s.entity_ref', 's.score');
      return new Map(rows.map(r => [r.entity_ref, Number(r.score)]));
    });
  }

  /** Daily average of the scores of the scans of each day. */
  private async trend(
    entityRefs: string[] | undefined,
    days: number,
  ): Promise<Computed<OverviewResponse['trend']>> {
    if (entityRefs && entityRefs.length === 0) {
      return { value: [], computedAt: this.clock().getTime() };
    }
    const since = new Date(
      Math.floor(this.clock().getTime() / DAY_MS) * DAY_MS -
        (days - 1) * DAY_MS,
    );
    const scans = (db: Knex) =>
      db(SCANS).where('scanned_at', '>=', since).where('state', 'ok');
    return this.scoped(
      `trend:${days}:${since.toISOString()}`,
      entityRefs,
      async (db, refs) => {
        const day = utcDay(db, 'scanned_at');
        const query = scans(db)
          .select(db.raw('? as ??', [day, 'day']))
          .avg({ average: 'score' })
          .countDistinct({ scanned: 'entity_ref' })
          .groupBy(day as any)
          .orderBy('day');
        if (refs) whereInList(db, query, 'entity_ref', refs);
        const rows: Array<Record<string, unknown>> = await query;
        return rows.map(r => {
          const avg = toNumberOrNull(r.average as number | null);
          return {
            date: String(r.day),
            averageScore: avg === null ? null : round1(avg),
            scanned: Number(r.scanned ?? 0),
          };
        });
      },
      db => scans(db).distinct('entity_ref').pluck('entity_ref'),
    );
  }

  /**
   * A value computed at most once per TTL and process. Concurrent callers
   * share one computation; once expired, the old value is served while a
   * single refresh runs, so no request waits for a slow org-wide query
   * except the very first.
   */
  private cached<T>(
    key: string,
    compute: () => Promise<T>,
    ttl = this.ttl,
  ): Promise<T> {
    return this.cachedWithTime(key, compute, ttl).then(c => c.value);
  }

  /** {@link cached}, with the time the served value was computed. */
  private cachedWithTime<T>(
    key: string,
    compute: () => Promise<T>,
    ttl = this.ttl,
  ): Promise<Computed<T>> {
    const run = (): Promise<Computed<T>> => {
      const computedAt = this.clock().getTime();
      return compute().then(value => ({ value, computedAt }));
    };
    if (ttl <= 0) return run();
    const now = Date.now();
    const version = this.version.value;
    const hit = this.cache.get(key);
    // Nothing written since: the figures are still right (up to a bound for
    // the writes of other instances).
    const maxAge =
      hit && hit.version === version
        ? Math.max(ttl, UNCHANGED_CACHE_TTL_MS)
        : ttl;
    if (hit && (now - hit.at < maxAge || hit.refreshing)) {
      return hit.value as Promise<Computed<T>>;
    }
    if (hit) {
      hit.refreshing = true;
      run().then(
        value =>
          this.cache.set(key, {
            at: Date.now(),
            version,
            value: Promise.resolve(value),
          }),
        () => this.cache.delete(key),
      );
      return hit.value as Promise<Computed<T>>;
    }
    if (this.cache.size > 500) this.cache.clear();
    const value = run();
    this.cache.set(key, { at: now, version, value });
    value.catch(() => this.cache.delete(key));
    return value;
  }

  /**
   * An aggregate per visible scope, cached like the others. The org-wide
   * value is computed in one snapshot together with the refs it covers, and
   * served to every caller who may see all of them (the common case: one
   * computation for everyone, without a list of refs in the query); any
   * other caller gets the aggregate of its own refs, cached per set.
   */
  private async scoped<T>(
    key: string,
    entityRefs: string[] | undefined,
    compute: (db: Knex, entityRefs?: string[]) => Promise<T>,
    covered: (db: Knex) => Promise<string[]>,
  ): Promise<Computed<T>> {
    const all = await this.cachedWithTime(`${key}:all`, () =>
      this.db.transaction(
        async tx => ({
          value: await compute(tx),
          covered: await covered(tx),
        }),
        isPostgres(this.db) ? { isolationLevel: 'repeatable read' } : {},
      ),
    );
    const whole = { value: all.value.value, computedAt: all.computedAt };
    if (!entityRefs) return whole;
    const visible = this.visibleSet(entityRefs);
    if (all.value.covered.every(ref => visible.has(ref))) return whole;
    const digest = createHash('sha1')
      .update(entityRefs.join('\n'))
      .digest('hex');
    return this.cachedWithTime(`${key}:${digest}`, () =>
      compute(this.db, entityRefs),
    );
  }

  /**
   * Computes the org-wide aggregates into the cache, so that the first
   * visitor after a start does not wait for them.
   */
  async warm(): Promise<void> {
    await Promise.all([this.overview({}), this.teams({}), this.checkStats({})]);
    // The Components tab's first page (worst first) for callers who see a
    // long list of refs: the order is computed once and shared.
    const all = (await this.statRows({})).value.map(r => r.entityRef);
    if (all.length > VISIBILITY_IN_SQL_MAX) {
      await this.listScorecards({
        sort: 'score',
        order: 'asc',
        limit: 1,
        entityRefs: all,
      });
    }
  }

  private visibleSet(refs: string[]): Set<string> {
    let set = this.visibleSets.get(refs);
    if (!set) {
      set = new Set(refs);
      this.visibleSets.set(refs, set);
    }
    return set;
  }
}

/** A cached value and when it was computed (epoch milliseconds). */
/** A cache key of an options object: its defined keys, sorted. */
function stableKey(options: object): string {
  return JSON.stringify(
    Object.entries(options)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

interface Computed<T> {
  value: T;
  computedAt: number;
}

/** The oldest of the times the parts of an aggregate were computed. */
function oldest(...parts: Array<Computed<unknown>>): string {
  return new Date(Math.min(...parts.map(p => p.computedAt))).toISOString();
}

/** The stored fact readings; a damaged column shows none rather than failing the page. */
function parseFacts(text: string): FactReading[] {
  try {
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
