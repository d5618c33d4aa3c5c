import {
  CategoryScore,
  CHECK_CATEGORIES,
  CheckCategory,
  Grade,
  GRADES,
  ScoreStats,
  TeamAggregate,
  TeamsResponse,
  TeamSummary,
} from '@cicd-security/plugin-cicd-security-common';
import { GroupHierarchy } from './GroupHierarchyStore';

/**
 * The figures of the org pages, computed in memory from the stored
 * scorecards: per owner, rolled up the group hierarchy, and org-wide. Pure
 * functions of their inputs; the store reads the rows.
 */

/** One scorecard reduced to what aggregates need. */
export type StatRow = {
  entityRef: string;
  owner: string | null;
  score: number | null;
  grade: Grade | null;
  /** Score per category, in CHECK_CATEGORIES order; NaN when none. */
  cats: Float64Array;
  critical: number;
  scanned: boolean;
};

const CATEGORY_INDEX = new Map(CHECK_CATEGORIES.map((c, i) => [c.id, i]));
const GRADE_INDEX = new Map(GRADES.map((g, i) => [g, i]));

/** Sums from which {@link ScoreStats} are finished; they merge cheaply. */
export type StatSums = {
  components: number;
  scanned: number;
  critical: number;
  grades: number[];
  scores: number[];
  scoreSum: number;
  catSum: Float64Array;
  catN: Float64Array;
  nowSum: number;
  thenSum: number;
  both: number;
};

export function emptySums(): StatSums {
  return {
    components: 0,
    scanned: 0,
    critical: 0,
    grades: GRADES.map(() => 0),
    scores: [],
    scoreSum: 0,
    catSum: new Float64Array(CHECK_CATEGORIES.length),
    catN: new Float64Array(CHECK_CATEGORIES.length),
    nowSum: 0,
    thenSum: 0,
    both: 0,
  };
}

/** Adds one scorecard; `past` holds the scores of 30 days ago per entity. */
export function addRow(p: StatSums, r: StatRow, past: Map<string, number>) {
  p.components++;
  if (r.scanned) p.scanned++;
  p.critical += r.critical;
  if (r.grade) p.grades[GRADE_INDEX.get(r.grade)!]++;
  if (r.score !== null) {
    p.scores.push(r.score);
    p.scoreSum += r.score;
    const then = past.get(r.entityRef);
    if (then !== undefined) {
      p.nowSum += r.score;
      p.thenSum += then;
      p.both++;
    }
  }
  for (let i = 0; i < r.cats.length; i++) {
    const v = r.cats[i];
    if (!Number.isNaN(v)) {
      p.catSum[i] += v;
      p.catN[i]++;
    }
  }
}

export function mergeSums(parts: StatSums[]): StatSums {
  const out = emptySums();
  const scores: number[][] = [];
  for (const p of parts) {
    out.components += p.components;
    out.scanned += p.scanned;
    out.critical += p.critical;
    for (let i = 0; i < out.grades.length; i++) out.grades[i] += p.grades[i];
    scores.push(p.scores);
    out.scoreSum += p.scoreSum;
    for (let i = 0; i < out.catSum.length; i++) {
      out.catSum[i] += p.catSum[i];
      out.catN[i] += p.catN[i];
    }
    out.nowSum += p.nowSum;
    out.thenSum += p.thenSum;
    out.both += p.both;
  }
  out.scores = ([] as number[]).concat(...scores);
  return out;
}

/** Averages (one decimal), median, grade distribution and 30-day change. */
export function finishSums(p: StatSums, withMedian = true): ScoreStats {
  let median: number | null = null;
  if (withMedian && p.scores.length) {
    const sorted = Float64Array.from(p.scores).sort();
    const mid = sorted.length >> 1;
    median =
      sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
  return {
    components: p.components,
    scanned: p.scanned,
    averageScore: p.scores.length ? round1(p.scoreSum / p.scores.length) : null,
    medianScore: median === null ? null : round1(median),
    grades: Object.fromEntries(
      GRADES.map((g, i) => [g, p.grades[i]]),
    ) as Record<Grade, number>,
    categories: Object.fromEntries(
      CHECK_CATEGORIES.map(({ id }, i) => [
        id,
        p.catN[i] ? round1(p.catSum[i] / p.catN[i]) : null,
      ]),
    ) as Record<CheckCategory, number | null>,
    change30d: p.both ? round1((p.nowSum - p.thenSum) / p.both) : null,
    openCriticalFindings: p.critical,
  };
}

/** Figures of a set of scorecards. */
export function scoreStats(
  rows: StatRow[],
  past: Map<string, number>,
): ScoreStats {
  const p = emptySums();
  for (const r of rows) addRow(p, r, past);
  return finishSums(p);
}

/** Share of graded scorecards with grade A or B (three decimals). */
export function shareAB(stats: ScoreStats): number | null {
  const graded = GRADES.reduce((n, g) => n + stats.grades[g], 0);
  return graded > 0 ? round3((stats.grades.A + stats.grades.B) / graded) : null;
}

/**
 * Per-group figures (direct and rolled up the hierarchy, groups in tree
 * order from `root`, or from every top group) and per-owner figures.
 */
export function teamAggregates(
  hierarchy: GroupHierarchy,
  rows: StatRow[],
  past: Map<string, number>,
  root?: string,
): Omit<TeamsResponse, 'computedAt'> {
  // Figures per owner once, then merged up the hierarchy.
  const direct = new Map<string, StatSums>();
  for (const r of rows) {
    if (!r.owner) continue;
    let part = direct.get(r.owner);
    if (!part) {
      part = emptySums();
      direct.set(r.owner, part);
    }
    addRow(part, r, past);
  }
  const empty = emptySums();
  const items: TeamAggregate[] = [];
  for (const ref of treeOrder(hierarchy, root)) {
    const group = hierarchy.groups.get(ref)!;
    const parts = (hierarchy.descendants.get(ref) ?? [ref]).flatMap(d => {
      const part = direct.get(d);
      return part ? [part] : [];
    });
    items.push({
      groupRef: ref,
      ...(group.title ? { title: group.title } : {}),
      ...(group.type ? { type: group.type } : {}),
      ...(group.parent ? { parent: group.parent } : {}),
      children: hierarchy.children.get(ref) ?? [],
      direct: finishSums(direct.get(ref) ?? empty),
      rollup: finishSums(mergeSums(parts)),
    });
  }
  const owners: TeamSummary[] = [...direct.keys()].sort().map(owner => {
    const s = finishSums(direct.get(owner)!, false);
    return {
      owner,
      components: s.components,
      scanned: s.scanned,
      averageScore: s.averageScore,
      grades: s.grades,
    };
  });
  return { items, owners };
}

/** Groups in display order: each parent directly before its children. */
export function treeOrder(hierarchy: GroupHierarchy, root?: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (ref: string) => {
    if (seen.has(ref)) return;
    seen.add(ref);
    out.push(ref);
    for (const child of hierarchy.children.get(ref) ?? []) visit(child);
  };
  if (root) {
    visit(root);
  } else {
    const tops = [...hierarchy.groups.values()]
      .filter(g => !g.parent || !hierarchy.groups.has(g.parent))
      .map(g => g.groupRef)
      .sort();
    tops.forEach(visit);
    // Groups on a cycle have no top: add them so nothing is lost.
    [...hierarchy.groups.keys()].sort().forEach(visit);
  }
  return out;
}

/** Category scores as a vector in CHECK_CATEGORIES order (NaN: none). */
export function categoryVector(categories: CategoryScore[]): Float64Array {
  const v = new Float64Array(CHECK_CATEGORIES.length).fill(NaN);
  for (const c of categories) {
    const i = CATEGORY_INDEX.get(c.category);
    if (i !== undefined && typeof c.score === 'number') v[i] = c.score;
  }
  return v;
}

export function round1(n: number) {
  return Math.round(n * 10) / 10;
}

export function round3(n: number) {
  return Math.round(n * 1000) / 1000;
}
