import {
  CheckCategory,
  CheckResult,
  CheckStatus,
  Finding,
  FixFirstItem,
  ScoreExplanation,
  SEVERITIES,
  Severity,
} from '@cicd-security/plugin-cicd-security-common';
import {
  checkWeight,
  countResults,
  isScored,
  ScoreBreakdown,
  scoreOf,
  scoreResults,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import { Knex } from 'knex';
import { activeWaiversFor } from './activeWaivers';
import { WaiverInfo } from './rows';
import { isPostgres } from './sql';
import { CHECK_RESULTS, FINDINGS, SCORECARDS } from './tables';

/** 0: open, 1: suppressed, 2: another check's duplicate (`Suppression` JSON). */
const SUPPRESSION_STATE = `(case when suppressed is null then 0 when suppressed like '%"kind":"duplicate"%' then 2 else 1 end)`;
/** Entities per chunk: well within the bind limits of SQLite and PostgreSQL. */
const CHUNK_SIZE = 500;

/**
 * The score of a set of check results with portal waivers applied: waived
 * checks stay in the results but are left out of the score, and their open
 * findings count as suppressed.
 */
export function scoreWithWaivers(
  checks: CheckResult[],
  waived: Map<string, WaiverInfo>,
  scoring: ScoringConfig,
): ScoreBreakdown {
  const scored = scoreResults(
    checks.filter(c => !waived.has(c.checkId)),
    scoring,
  );
  const counts = countResults(
    checks.map(c => {
      const waiver = waived.get(c.checkId);
      if (!waiver) return c;
      return {
        ...c,
        findings: c.findings.map(f =>
          f.suppressed
            ? f
            : {
                ...f,
                suppressed: {
                  kind: 'waiver' as const,
                  reason: waiver.reason,
                  expires: waiver.expiresAt,
                },
              },
        ),
      };
    }),
  );
  return { ...scored, counts };
}

/** Options of {@link rescoreEntities}. */
export interface RescoreOptions {
  /**
   * The scoring-config hash to store with the new scores (also on entities
   * without check results), so that the scanner knows they are current.
   */
  scoringVersion?: string;
  /** Entities per read/write round trip (default 500). */
  chunkSize?: number;
}

/**
 * Recompute the stored scorecards of these entities from their stored check
 * results, the active portal waivers and the scoring config, without reading
 * any source. Entities without check results are left alone. Returns how many
 * scorecards were rewritten.
 *
 * Works in chunks of entities: a few queries read the check results, finding
 * counts and waivers of a whole chunk, the scores are computed in memory, and
 * one statement writes the chunk's scorecards, all in one transaction.
 */
export async function rescoreEntities(
  db: Knex,
  entityRefs: string[],
  scoring: ScoringConfig,
  now: Date = new Date(),
  options: RescoreOptions = {},
): Promise<number> {
  const chunkSize = Math.max(1, options.chunkSize ?? CHUNK_SIZE);
  const unique = [...new Set(entityRefs)];
  let updated = 0;
  for (let i = 0; i < unique.length; i += chunkSize) {
    const chunk = unique.slice(i, i + chunkSize);
    updated += await db.transaction(tx =>
      rescoreChunk(tx, chunk, scoring, now, options.scoringVersion),
    );
  }
  return updated;
}

async function rescoreChunk(
  tx: Knex.Transaction,
  refs: string[],
  scoring: ScoringConfig,
  now: Date,
  scoringVersion: string | undefined,
): Promise<number> {
  const cards: Array<{ entity_ref: string; owner: string | null }> = await tx(
    SCORECARDS,
  )
    .whereIn('entity_ref', refs)
    .select('entity_ref', 'owner');
  if (cards.length === 0) return 0;
  const cardRefs = cards.map(c => c.entity_ref);
  const checkRows = await tx(CHECK_RESULTS)
    .whereIn('entity_ref', cardRefs)
    .select(
      'entity_ref',
      'check_id',
      'title',
      'category',
      'severity',
      'status',
      'score',
      'unlisted',
    )
    .orderBy(['entity_ref', 'check_id']);
  // Scoring only needs how many findings of each severity a check has, and
  // whether they are suppressed: count them instead of reading every row.
  const findingRows: Array<{
    entity_ref: string;
    check_id: string;
    severity: string;
    suppressed: number | string;
    n: number | string;
  }> = await tx(FINDINGS)
    .whereIn('entity_ref', cardRefs)
    .select(
      'entity_ref',
      'check_id',
      'severity',
      tx.raw(`${SUPPRESSION_STATE} as suppressed`),
    )
    .count({ n: '*' })
    .groupBy('entity_ref', 'check_id', 'severity', tx.raw(SUPPRESSION_STATE));
  const waivers = await activeWaiversFor(
    tx,
    cards.map(c => ({ entityRef: c.entity_ref, owner: c.owner })),
    now,
  );

  const findings = new Map<string, Finding[]>();
  for (const f of findingRows) {
    const key = `${f.entity_ref}\u0000${f.check_id}`;
    const list = findings.get(key) ?? [];
    const finding: Finding = {
      checkId: f.check_id,
      severity: f.severity as Severity,
      message: '',
      fingerprint: '',
      // Only the presence of a suppression matters to the score (and, to
      // the counts, whether it is another check's duplicate).
      ...(Number(f.suppressed) === 2
        ? { suppressed: { kind: 'duplicate' as const } }
        : Number(f.suppressed) === 1
        ? { suppressed: { kind: 'inline' as const } }
        : {}),
    };
    for (let n = Number(f.n); n > 0; n--) list.push(finding);
    findings.set(key, list);
  }
  const checksByEntity = new Map<string, CheckResult[]>();
  for (const c of checkRows) {
    const list = checksByEntity.get(c.entity_ref) ?? [];
    list.push({
      checkId: c.check_id,
      title: c.title,
      category: c.category as CheckCategory,
      severity: c.severity as Severity,
      status: c.status as CheckStatus,
      ...(c.score === null ? {} : { score: Number(c.score) }),
      ...(c.unlisted ? { unlisted: JSON.parse(c.unlisted) } : {}),
      findings: findings.get(`${c.entity_ref}\u0000${c.check_id}`) ?? [],
    });
    checksByEntity.set(c.entity_ref, list);
  }

  const rows: Array<{
    entity_ref: string;
    score: number | null;
    grade: string | null;
    categories: string;
    counts: string;
  }> = [];
  for (const card of cards) {
    const checks = checksByEntity.get(card.entity_ref);
    if (!checks?.length) continue;
    const result = scoreWithWaivers(
      checks,
      waivers.get(card.entity_ref) ?? new Map(),
      scoring,
    );
    rows.push({
      entity_ref: card.entity_ref,
      score: result.score,
      grade: result.grade,
      categories: JSON.stringify(result.categories),
      counts: JSON.stringify(result.counts),
    });
  }
  if (rows.length) await updateScores(tx, rows);
  if (scoringVersion !== undefined) {
    await tx(SCORECARDS)
      .whereIn('entity_ref', cardRefs)
      .update({ scoring_version: scoringVersion });
  }
  return rows.length;
}

/** One statement that writes the scores of many scorecards. */
async function updateScores(
  tx: Knex.Transaction,
  rows: Array<{
    entity_ref: string;
    score: number | null;
    grade: string | null;
    categories: string;
    counts: string;
  }>,
): Promise<void> {
  const json = JSON.stringify(rows);
  if (isPostgres(tx)) {
    await tx.raw(
      `update ?? as s
          set score = v.score, grade = v.grade,
              categories = v.categories, counts = v.counts
         from jsonb_to_recordset(?::jsonb)
           as v(entity_ref text, score double precision, grade text,
                categories text, counts text)
        where s.entity_ref = v.entity_ref`,
      [SCORECARDS, json],
    );
    return;
  }
  await tx.raw(
    `update ?? as s
        set score = v.score, grade = v.grade,
            categories = v.categories, counts = v.counts
       from (select json_extract(value, '$.entity_ref') as entity_ref,
                    json_extract(value, '$.score') as score,
                    json_extract(value, '$.grade') as grade,
                    json_extract(value, '$.categories') as categories,
                    json_extract(value, '$.counts') as counts
               from json_each(?)) as v
      where s.entity_ref = v.entity_ref`,
    [SCORECARDS, json],
  );
}

const NOT_COUNTED: Partial<Record<CheckStatus, string>> = {
  'not-applicable': 'Not applicable',
  inconclusive: 'Inconclusive',
  error: 'The check failed to run',
};

/** How the score of a scorecard was computed, check by check. */
export function explainScore(
  checks: CheckResult[],
  categories: ScoreExplanation['categories'],
  scoring: ScoringConfig,
): ScoreExplanation {
  return {
    checks: checks.map(c => {
      const scored = isScored(c);
      let note: string | undefined;
      if (c.waiver) {
        note = `Waived until ${c.waiver.expiresAt.slice(0, 10)}: ${
          c.waiver.reason
        }`;
      } else if (c.status === 'error') {
        note = `Counted as 0: the check failed to run, so this could not be verified${
          c.reason ? ` (${c.reason})` : ''
        }`;
      } else if (!scored) {
        note = NOT_COUNTED[c.status] ?? 'Not counted';
        if (c.reason) note = `${note}: ${c.reason}`;
      }
      return {
        checkId: c.checkId,
        category: c.category,
        weight: checkWeight(c, scoring),
        score: scoreOf(c) ?? null,
        counted: scored && !c.waiver,
        ...(note ? { note } : {}),
      };
    }),
    categories,
    categoryWeights: { ...scoring.categoryWeights },
    gradeBands: { ...scoring.gradeBands },
  };
}

/**
 * The failing and warning checks of a scorecard ranked by what passing each
 * would add to the score (then by severity): each is replaced by a pass
 * (score 10, no findings) and the results re-scored by
 * {@link scoreWithWaivers}, the code that produces the stored score. Waived
 * checks, and checks whose findings are all suppressed, are left out.
 */
export function fixFirst(
  checks: CheckResult[],
  scoring: ScoringConfig,
): FixFirstItem[] {
  const waived = new Map<string, WaiverInfo>();
  for (const c of checks) if (c.waiver) waived.set(c.checkId, c.waiver);
  const now = scoreWithWaivers(checks, waived, scoring).score ?? 0;
  const items: FixFirstItem[] = [];
  checks.forEach((c, i) => {
    if ((c.status !== 'fail' && c.status !== 'warn') || waived.has(c.checkId)) {
      return;
    }
    const counts = countResults([c]);
    const open = counts.findings;
    if (open === 0 && counts.suppressedFindings > 0) return;
    const fixed = checks.slice();
    fixed[i] = passing(c);
    const result = scoreWithWaivers(fixed, waived, scoring);
    if (result.score === null || result.grade === null) return;
    items.push({
      checkId: c.checkId,
      title: c.title,
      severity: c.severity,
      findings: open,
      scoreIfFixed: result.score,
      gain: Math.round((result.score - now) * 10) / 10,
      gradeIfFixed: result.grade,
    });
  });
  return items.sort(
    (a, b) =>
      b.gain - a.gain ||
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      a.checkId.localeCompare(b.checkId),
  );
}

/** A check result as it would be once fixed: passing, with no findings. */
function passing(c: CheckResult): CheckResult {
  return {
    ...c,
    status: 'pass',
    score: 10,
    findings: [],
    unlisted: undefined,
    reason: undefined,
  };
}

/**
 * The score to store for a fresh scan: the engine's own, or recomputed when
 * active portal waivers cover some of its checks.
 */
export async function scoreScanWithWaivers(
  db: Knex,
  entity: { entityRef: string; owner?: string | null },
  result: ScoreBreakdown & { checks: CheckResult[] },
  scoring: ScoringConfig,
  now: Date = new Date(),
): Promise<ScoreBreakdown> {
  const waived = (await activeWaiversFor(db, [entity], now)).get(
    entity.entityRef,
  );
  if (!waived) {
    const { score, grade, categories, counts } = result;
    return { score, grade, categories, counts };
  }
  return scoreWithWaivers(result.checks, waived, scoring);
}
