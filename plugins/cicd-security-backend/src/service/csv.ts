import {
  CHECK_CATEGORIES,
  ScorecardSummary,
} from '@cicd-security/plugin-cicd-security-common';

const COLUMNS: Array<[string, (s: ScorecardSummary) => unknown]> = [
  ['entityRef', s => s.entityRef],
  ['kind', s => s.kind],
  ['namespace', s => s.namespace],
  ['name', s => s.name],
  ['title', s => s.title],
  ['type', s => s.type],
  ['lifecycle', s => s.lifecycle],
  ['owner', s => s.owner],
  ['system', s => s.system],
  ['state', s => s.state],
  ['score', s => s.score],
  ['grade', s => s.grade],
  ...CHECK_CATEGORIES.map(
    ({ id }): [string, (s: ScorecardSummary) => unknown] => [
      id,
      s => s.categories.find(c => c.category === id)?.score,
    ],
  ),
  ['failedChecks', s => s.counts.failed],
  ['findings', s => s.counts.findings],
  ['criticalFindings', s => s.counts.criticalFindings],
  ['scannedAt', s => s.scannedAt],
];

/**
 * RFC 4180 CSV of scorecard summaries. Text cells that a spreadsheet would
 * read as a formula are prefixed with a quote.
 */
export function toCsv(items: ScorecardSummary[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const item of items) {
    lines.push(COLUMNS.map(([, get]) => cell(get(item))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
