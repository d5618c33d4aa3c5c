import {
  categoryTitle,
  Severity,
} from '@cicd-security/plugin-cicd-security-common';
import { Report, severityRank } from '../report';

const COLOURS: Record<Severity | 'grade' | 'dim' | 'ok', string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  grade: '\x1b[1m',
  dim: '\x1b[2m',
  ok: '\x1b[32m',
};

/** A human-readable report; colour only when asked (a TTY). */
export function formatTable(report: Report, colour: boolean): string {
  const c = (k: keyof typeof COLOURS, s: string) =>
    colour ? `${COLOURS[k]}${s}\x1b[0m` : s;
  const out: string[] = [];
  for (const t of report.targets) {
    const r = t.result;
    out.push(
      `${c('grade', t.target)}${
        t.recognisedAs ? c('dim', ` (scanned as ${t.recognisedAs})`) : ''
      }`,
    );
    const findings = r.checks.flatMap(ch => ch.findings.map(f => ({ f, ch })));
    const open = findings
      .filter(x => !x.f.suppressed)
      .sort(
        (a, b) =>
          severityRank(a.f.severity) - severityRank(b.f.severity) ||
          (a.f.file ?? '').localeCompare(b.f.file ?? '') ||
          (a.f.line ?? 0) - (b.f.line ?? 0),
      );
    if (!open.length) out.push(c('ok', '  no open findings'));
    for (const { f } of open) {
      const loc = f.file
        ? `${f.file}${
            f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : ''
          }`
        : '(repository)';
      out.push(
        `  ${c(
          f.severity,
          f.severity.toUpperCase().padEnd(8),
        )} ${f.checkId.padEnd(32)} ${loc}`,
      );
      if (f.alsoReportedBy?.length)
        out.push(
          `  ${' '.repeat(9)}${c(
            'dim',
            `also reported by ${f.alsoReportedBy
              .map(a => a.checkId)
              .join(', ')} (the same problem, counted once)`,
          )}`,
        );
      out.push(`  ${' '.repeat(9)}${f.message}`);
      if (f.suggestedFix)
        out.push(
          `  ${' '.repeat(9)}${c('dim', `fix: ${f.suggestedFix.description}`)}`,
        );
    }
    const duplicates = findings.filter(
      x => x.f.suppressed?.kind === 'duplicate',
    ).length;
    const suppressed = findings.length - open.length - duplicates;
    if (suppressed)
      out.push(
        c(
          'dim',
          `  ${suppressed} suppressed finding(s) not shown (see --format json)`,
        ),
      );
    for (const p of r.problems) {
      out.push(
        c(
          'dim',
          `  note: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.kind}: ${
            p.message
          }`,
        ),
      );
    }
    const cats = r.categories
      .filter(x => x.score !== null)
      .map(x => `${categoryTitle(x.category)} ${x.score}`)
      .join(' · ');
    out.push(
      `  score ${r.score ?? 'n/a'}/10 grade ${c('grade', r.grade ?? '-')} · ${
        r.counts.failed
      } failing, ${r.counts.passed} passing, ${
        r.counts.notApplicable
      } not applicable · ${r.durationMs} ms`,
    );
    if (cats) out.push(c('dim', `  ${cats}`));
    out.push('');
  }
  out.push(
    report.gate.passed
      ? c('ok', 'gate: passed')
      : `${c('critical', 'gate: failed')}\n${report.gate.reasons
          .map(r => `  - ${r}`)
          .join('\n')}`,
  );
  return `${out.join('\n')}\n`;
}
