import {
  CheckCategory,
  CheckResult,
  CheckStatus,
  Finding,
  ScoreExplanation,
  Severity,
} from '@cicd-security/plugin-cicd-security-common';
import {
  checkWeight,
  countResults,
  isScored,
  ScoreBreakdown,
  scoreResults,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import { Knex } from 'knex';
import { activeWaiversFor, WaiverInfo } from './WaiverStore';

const SCORECARDS = 'cicd_security_scorecards';
const CHECK_RESULTS = 'cicd_security_check_results';
const FINDINGS = 'cicd_security_findings';
const BATCH_SIZE = 200;

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

/**
 * Recompute the stored scorecards of these entities from their stored check
 * results, the active portal waivers and the scoring config, without reading
 * any source. Entities without check results are left alone. Returns how many
 * scorecards were rewritten.
 */
export async function rescoreEntities(
  db: Knex,
  entityRefs: string[],
  scoring: ScoringConfig,
  now: Date = new Date(),
): Promise<number> {
  let updated = 0;
  const unique = [...new Set(entityRefs)];
  for (let i = 0; i < unique.length; i += BATCH_SIZE) {
    const batch = unique.slice(i, i + BATCH_SIZE);
    updated += await db.transaction(async tx => {
      const cards = await tx(SCORECARDS)
        .whereIn('entity_ref', batch)
        .select('entity_ref', 'owner');
      const checkRows = await tx(CHECK_RESULTS)
        .whereIn('entity_ref', batch)
        .select('*');
      const findingRows = await tx(FINDINGS)
        .whereIn('entity_ref', batch)
        .select('entity_ref', 'check_id', 'severity', 'suppressed');
      const waivers = await activeWaiversFor(
        tx,
        cards.map(c => ({ entityRef: c.entity_ref, owner: c.owner })),
        now,
      );
      const findings = new Map<string, Finding[]>();
      for (const f of findingRows) {
        const key = `${f.entity_ref}\u0000${f.check_id}`;
        const list = findings.get(key) ?? [];
        list.push({
          checkId: f.check_id,
          severity: f.severity as Severity,
          message: '',
          fingerprint: '',
          ...(f.suppressed ? { suppressed: JSON.parse(f.suppressed) } : {}),
        });
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
          findings: findings.get(`${c.entity_ref}\u0000${c.check_id}`) ?? [],
        });
        checksByEntity.set(c.entity_ref, list);
      }
      let count = 0;
      for (const card of cards) {
        const checks = checksByEntity.get(card.entity_ref);
        if (!checks?.length) continue;
        const result = scoreWithWaivers(
          checks,
          waivers.get(card.entity_ref) ?? new Map(),
          scoring,
        );
        count += await tx(SCORECARDS)
          .where({ entity_ref: card.entity_ref })
          .update({
            score: result.score,
            grade: result.grade,
            categories: JSON.stringify(result.categories),
            counts: JSON.stringify(result.counts),
          });
      }
      return count;
    });
  }
  return updated;
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
      } else if (!scored) {
        note = NOT_COUNTED[c.status] ?? 'Not counted';
        if (c.reason) note = `${note}: ${c.reason}`;
      }
      return {
        checkId: c.checkId,
        category: c.category,
        weight: checkWeight(c, scoring),
        score: typeof c.score === 'number' ? c.score : null,
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
