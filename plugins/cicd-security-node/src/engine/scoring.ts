import {
  CategoryScore,
  CHECK_CATEGORIES,
  CheckCategory,
  CheckResult,
  DEFAULT_GRADE_BANDS,
  DEFAULT_SEVERITY_WEIGHTS,
  Grade,
  ScorecardCounts,
  Severity,
} from '@cicd-security/plugin-cicd-security-common';

/** Everything about scoring that an organisation may configure. */
export interface ScoringConfig {
  /** Weight of each severity inside a category mean. */
  severityWeights: Record<Severity, number>;
  /** Weight of each category in the overall mean (default 1 each). */
  categoryWeights: Record<CheckCategory, number>;
  /** Per-check weight overrides (replace the severity weight). */
  checkWeights: Record<string, number>;
  /** Lowest score of each grade; anything below D is F. */
  gradeBands: Record<'A' | 'B' | 'C' | 'D', number>;
}

export const DEFAULT_SCORING: ScoringConfig = {
  severityWeights: { ...DEFAULT_SEVERITY_WEIGHTS },
  categoryWeights: Object.fromEntries(
    CHECK_CATEGORIES.map(c => [c.id, 1]),
  ) as Record<CheckCategory, number>,
  checkWeights: {},
  gradeBands: { ...DEFAULT_GRADE_BANDS },
};

/** Merge a partial config over the defaults, validating the numbers. */
export function resolveScoringConfig(
  partial: DeepPartial<ScoringConfig> = {},
): ScoringConfig {
  const cfg: ScoringConfig = {
    severityWeights: {
      ...DEFAULT_SCORING.severityWeights,
      ...clean(partial.severityWeights),
    },
    categoryWeights: {
      ...DEFAULT_SCORING.categoryWeights,
      ...clean(partial.categoryWeights),
    },
    checkWeights: { ...clean(partial.checkWeights) } as Record<string, number>,
    gradeBands: { ...DEFAULT_SCORING.gradeBands, ...clean(partial.gradeBands) },
  };
  for (const [name, table] of Object.entries({
    severityWeights: cfg.severityWeights,
    categoryWeights: cfg.categoryWeights,
    checkWeights: cfg.checkWeights,
  })) {
    for (const [k, v] of Object.entries(table)) {
      if (!Number.isFinite(v) || v < 0) {
        throw new Error(`scoring.${name}.${k} must be a number >= 0, got ${v}`);
      }
    }
  }
  const b = cfg.gradeBands;
  if (!(b.A >= b.B && b.B >= b.C && b.C >= b.D && b.D >= 0 && b.A <= 10)) {
    throw new Error(
      `scoring.gradeBands must satisfy 10 >= A >= B >= C >= D >= 0, got ${JSON.stringify(
        b,
      )}`,
    );
  }
  return cfg;
}

type DeepPartial<T> = { [K in keyof T]?: Partial<T[K]> };

function clean<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(o ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

/**
 * Results that count towards the score: pass, fail and warn with their
 * score, and errored checks, which count as 0 (see {@link scoreOf}).
 */
export function isScored(r: CheckResult): boolean {
  return (
    ((r.status === 'pass' || r.status === 'fail' || r.status === 'warn') &&
      typeof r.score === 'number') ||
    r.status === 'error'
  );
}

/**
 * The score a result counts with: its own for pass, fail and warn; 0 for a
 * check that errored, because what it checks could not be verified (a
 * repository must not score better by breaking a check); undefined for
 * results left out of the score (not applicable, inconclusive).
 */
export function scoreOf(r: CheckResult): number | undefined {
  if (r.status === 'error') return 0;
  return isScored(r) ? (r.score as number) : undefined;
}

export function checkWeight(r: CheckResult, cfg: ScoringConfig): number {
  return cfg.checkWeights[r.checkId] ?? cfg.severityWeights[r.severity];
}

export interface ScoreBreakdown {
  score: number | null;
  grade: Grade | null;
  categories: CategoryScore[];
  counts: ScorecardCounts;
}

/**
 * check score → category score (weighted mean of the applicable checks) →
 * overall score (category-weighted mean) → grade. Not-applicable and
 * inconclusive checks are left out, never counted as failures; a check that
 * errored counts as 0 with its weight.
 */
export function scoreResults(
  results: CheckResult[],
  cfg: ScoringConfig = DEFAULT_SCORING,
): ScoreBreakdown {
  const categories: CategoryScore[] = CHECK_CATEGORIES.map(({ id }) => {
    const scored = results.filter(r => r.category === id && isScored(r));
    let weight = 0;
    let sum = 0;
    for (const r of scored) {
      const w = checkWeight(r, cfg);
      weight += w;
      sum += w * (scoreOf(r) ?? 0);
    }
    return {
      category: id,
      score: weight > 0 ? round1(sum / weight) : null,
      applicable: scored.length,
      failing: scored.filter(r => r.status === 'fail').length,
    };
  });
  let weight = 0;
  let sum = 0;
  for (const c of categories) {
    if (c.score === null) continue;
    const w = cfg.categoryWeights[c.category] ?? 1;
    weight += w;
    sum += w * c.score;
  }
  const score = weight > 0 ? round1(sum / weight) : null;
  return {
    score,
    grade: score === null ? null : gradeFor(score, cfg),
    categories,
    counts: countResults(results),
  };
}

export function gradeFor(
  score: number,
  cfg: ScoringConfig = DEFAULT_SCORING,
): Grade {
  const b = cfg.gradeBands;
  if (score >= b.A) return 'A';
  if (score >= b.B) return 'B';
  if (score >= b.C) return 'C';
  if (score >= b.D) return 'D';
  return 'F';
}

export function countResults(results: CheckResult[]): ScorecardCounts {
  const counts: ScorecardCounts = {
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
  for (const r of results) {
    if (r.status === 'pass') counts.passed++;
    else if (r.status === 'fail') counts.failed++;
    else if (r.status === 'warn') counts.warned++;
    else if (r.status === 'not-applicable') counts.notApplicable++;
    else if (r.status === 'inconclusive') counts.inconclusive++;
    else counts.errored++;
    for (const f of r.findings) {
      // A duplicate is counted once, as the other check's finding.
      if (f.suppressed?.kind === 'duplicate') continue;
      if (f.suppressed) counts.suppressedFindings++;
      else {
        counts.findings++;
        if (f.severity === 'critical') counts.criticalFindings++;
      }
    }
    if (r.unlisted) {
      // One listed finding (open, of the check's severity) only says how
      // many were not listed: count those instead. Order-independent, so
      // re-scoring from stored rows counts the same.
      counts.findings--;
      if (r.severity === 'critical') counts.criticalFindings--;
      counts.suppressedFindings += r.unlisted.suppressed;
      counts.findings += r.unlisted.findings - r.unlisted.suppressed;
      counts.criticalFindings += r.unlisted.critical;
    }
  }
  return counts;
}

function round1(n: number) {
  return Math.round(n * 10) / 10;
}
