import { Report } from '../report';

/** The full machine-readable report (findings already redacted by the checks). */
export function formatJson(report: Report): object {
  return {
    version: report.version,
    gate: report.gate,
    targets: report.targets.map(t => ({
      target: t.target,
      kind: t.kind,
      recognisedAs: t.recognisedAs,
      score: t.result.score,
      grade: t.result.grade,
      categories: t.result.categories,
      counts: t.result.counts,
      checks: t.result.checks,
      problems: t.result.problems,
      durationMs: t.result.durationMs,
    })),
  };
}
