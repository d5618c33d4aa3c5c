import { categoryTitle } from '@cicd-security/plugin-cicd-security-common';
import { Report } from '../report';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown report for pull-request comments and job summaries. */
export function formatMarkdown(report: Report, docsBase: string): string {
  const out: string[] = ['# cicd-security report', ''];
  for (const t of report.targets) {
    const r = t.result;
    out.push(
      `## \`${t.target}\`: grade ${r.grade ?? '-'} (${r.score ?? 'n/a'}/10)`,
      '',
    );
    out.push('| Category | Score |', '|---|---|');
    for (const c of r.categories)
      out.push(`| ${categoryTitle(c.category)} | ${c.score ?? 'n/a'} |`);
    out.push('');
    const open = r.checks.flatMap(c => c.findings.filter(f => !f.suppressed));
    if (!open.length) {
      out.push('No open findings.', '');
      continue;
    }
    out.push('| Severity | Check | Location | Finding |', '|---|---|---|---|');
    for (const f of open) {
      const loc = f.file
        ? `\`${f.file}${f.line ? `:${f.line}` : ''}\``
        : 'repository';
      out.push(
        `| ${f.severity} | [${f.checkId}](${docsBase}/${f.checkId}.md)${(
          f.alsoReportedBy ?? []
        )
          .map(a => `, [${a.checkId}](${docsBase}/${a.checkId}.md)`)
          .join('')} | ${loc} | ${esc(f.message)} |`,
      );
    }
    out.push('');
  }
  out.push(
    report.gate.passed
      ? '**Gate: passed**'
      : `**Gate: failed**\n\n${report.gate.reasons
          .map(r => `- ${r}`)
          .join('\n')}`,
  );
  return `${out.join('\n')}\n`;
}
