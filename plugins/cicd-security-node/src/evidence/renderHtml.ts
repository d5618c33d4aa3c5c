import type { Finding } from '@cicd-security/plugin-cicd-security-common';
import type {
  EvidenceComponent,
  EvidenceDocument,
  EvidenceScope,
} from './types';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const e = escapeHtml;

export function evidenceScopeLabel(scope: EvidenceScope): string {
  switch (scope.kind) {
    case 'entity':
      return scope.entityRef;
    case 'team':
      return `team ${scope.owner}`;
    case 'repository':
      return `repository ${scope.path}`;
    default:
      return 'organisation';
  }
}

const STATUS_LABEL: Record<string, string> = {
  met: 'Met',
  'not-met': 'Not met',
  'partially-met': 'Partially met',
  'not-assessed': 'Not assessed',
  pass: 'Pass',
  fail: 'Fail',
  warn: 'Warn',
  'not-applicable': 'N/A',
  inconclusive: 'Inconclusive',
  error: 'Error',
};

const CSS = `
*{box-sizing:border-box}
body{font:13px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d1d1f;margin:0;padding:24px 32px;background:#fff}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:2px solid #1d1d1f}
h3{font-size:14px;margin:18px 0 6px}
.sub{color:#555;margin:0 0 16px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0 12px}
dl.meta dt{color:#555}
dl.meta dd{margin:0;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid #c9c9cf;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f2f2f5;font-weight:600}
td.num{text-align:right;white-space:nowrap}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
.nowrap{white-space:nowrap}
.chip{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;font-weight:600;white-space:nowrap}
.s-met,.s-pass{background:#dff5e3;color:#14532d}
.s-not-met,.s-fail,.s-error{background:#fde2e1;color:#7f1d1d}
.s-partially-met,.s-warn{background:#fdf1d6;color:#713f12}
.s-not-assessed,.s-not-applicable,.s-inconclusive{background:#ececf1;color:#333}
.grade{font-weight:700}
.muted{color:#666}
.integrity{margin-top:28px;padding:10px 12px;border:1px solid #c9c9cf;background:#fafafa}
section.component{break-before:page}
section.component:first-of-type{break-before:auto}
@media print{
  body{padding:0;font-size:11px}
  @page{size:A4;margin:14mm 12mm}
  h2{break-after:avoid}
  tr,li{break-inside:avoid}
  thead{display:table-header-group}
}
`;

function chip(status: string): string {
  return `<span class="chip s-${e(status)}">${e(
    STATUS_LABEL[status] ?? status,
  )}</span>`;
}

function where(f: Finding): string {
  if (!f.file) return '';
  return `${f.file}${f.line ? `:${f.line}` : ''}`;
}

function componentSection(c: EvidenceComponent): string {
  const findings = c.results.flatMap(r => r.findings);
  const rows: string[] = [];
  rows.push(`<section class="component" id="${e(c.entityRef)}">`);
  rows.push(`<h2>${e(c.title ?? c.entityRef)}</h2>`);
  rows.push('<dl class="meta">');
  const meta: Array<[string, string | undefined]> = [
    ['Entity', c.entityRef],
    ['Owner', c.owner],
    ['State', c.state],
    [
      'Score',
      c.score === null ? 'not scored' : `${c.score} / 10 (grade ${c.grade})`,
    ],
    ['Scanned at', c.scannedAt],
    ['Commit', c.commitSha],
    ['Revision', c.commitSha ? undefined : c.revision],
    ['Source', c.sourceLocation],
    ['SLSA Build level', String(c.slsa.level)],
  ];
  for (const [k, v] of meta) {
    if (v !== undefined) rows.push(`<dt>${e(k)}</dt><dd>${e(v)}</dd>`);
  }
  rows.push('</dl>');

  rows.push('<h3>Controls</h3>');
  rows.push(
    '<table><thead><tr><th>Control</th><th>Title</th><th>Status</th><th>Evidenced by</th></tr></thead><tbody>',
  );
  for (const ctl of c.compliance.controls) {
    rows.push(
      `<tr><td class="mono nowrap">${e(ctl.controlId)}</td><td>${e(ctl.title)}${
        ctl.reason ? `<div class="muted">${e(ctl.reason)}</div>` : ''
      }</td><td>${chip(ctl.status)}</td><td class="mono">${e(
        ctl.checkIds.join(', '),
      )}</td></tr>`,
    );
  }
  rows.push('</tbody></table>');

  rows.push('<h3>Waivers</h3>');
  if (c.waivers.length === 0) {
    rows.push('<p class="muted">No waiver.</p>');
  } else {
    rows.push(
      '<table><thead><tr><th>Check</th><th>Source</th><th>Reason</th><th>Granted by</th><th>Until</th></tr></thead><tbody>',
    );
    for (const w of c.waivers) {
      rows.push(
        `<tr><td class="mono">${e(w.checkId)}</td><td>${e(
          w.source,
        )}</td><td>${e(w.reason)}${
          w.fingerprints
            ? `<div class="muted">${w.fingerprints.length} finding${
                w.fingerprints.length === 1 ? '' : 's'
              }</div>`
            : ''
        }</td><td>${e(w.grantedBy ?? '—')}</td><td>${e(
          w.expiresAt ?? '—',
        )}</td></tr>`,
      );
    }
    rows.push('</tbody></table>');
  }

  rows.push('<h3>Check results</h3>');
  rows.push(
    '<table><thead><tr><th>Check</th><th>Status</th><th>Severity</th><th>Score</th><th>Findings</th></tr></thead><tbody>',
  );
  for (const r of c.results) {
    rows.push(
      `<tr><td class="mono">${e(r.checkId)}${
        r.reason ? `<div class="muted">${e(r.reason)}</div>` : ''
      }</td><td>${chip(r.status)}</td><td>${e(
        r.severity,
      )}</td><td class="num">${
        r.score === undefined ? '—' : e(r.score)
      }</td><td class="num">${r.findings.length}</td></tr>`,
    );
  }
  rows.push('</tbody></table>');

  rows.push(`<h3>Findings (${findings.length})</h3>`);
  if (findings.length) {
    rows.push(
      '<table><thead><tr><th>Check</th><th>Severity</th><th>Where</th><th>Message</th></tr></thead><tbody>',
    );
    for (const f of findings) {
      rows.push(
        `<tr><td class="mono">${e(f.checkId)}</td><td>${e(
          f.severity,
        )}</td><td class="mono">${e(where(f))}</td><td>${e(f.message)}${
          f.suppressed
            ? `<div class="muted">suppressed (${e(f.suppressed.kind)}${
                f.suppressed.reason ? `: ${e(f.suppressed.reason)}` : ''
              })</div>`
            : ''
        }</td></tr>`,
      );
    }
    rows.push('</tbody></table>');
  }
  rows.push('</section>');
  return rows.join('\n');
}

/**
 * A printable, self-contained HTML report of an evidence document: no script,
 * no external asset, every text escaped, print CSS for A4.
 */
export function renderEvidenceHtml(doc: EvidenceDocument): string {
  const c = doc.content;
  const scope = evidenceScopeLabel(c.scope);
  const out: string[] = [];
  out.push('<!DOCTYPE html>');
  out.push('<html lang="en"><head><meta charset="utf-8">');
  out.push(
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
  );
  out.push(`<title>CI/CD security evidence: ${e(scope)}</title>`);
  out.push(`<style>${CSS}</style></head><body>`);
  out.push(`<h1>CI/CD security evidence: ${e(scope)}</h1>`);
  out.push(
    `<p class="sub">${e(c.framework.title)} (${e(
      c.framework.version,
    )}) · engine ${e(c.engine.name)} ${e(c.engine.version)} · ${
      c.summary.components
    } component${c.summary.components === 1 ? '' : 's'}${
      c.summary.omittedComponents
        ? ` (${c.summary.omittedComponents} more left out: narrow the export to a team)`
        : ''
    }</p>`,
  );
  const s = c.summary.controls;
  out.push(
    `<p>Controls across the components: ${chip('met')} ${s.met} ${chip(
      'partially-met',
    )} ${s['partially-met']} ${chip('not-met')} ${s['not-met']} ${chip(
      'not-assessed',
    )} ${s['not-assessed']}</p>`,
  );
  if (c.components.length > 1) {
    out.push('<h2>Components</h2>');
    out.push(
      '<table><thead><tr><th>Component</th><th>Owner</th><th>Grade</th><th>Score</th><th>Scanned at</th><th>Commit / revision</th><th>Controls met</th><th>Not met</th></tr></thead><tbody>',
    );
    for (const comp of c.components) {
      out.push(
        `<tr><td><a href="#${e(comp.entityRef)}">${e(
          comp.title ?? comp.entityRef,
        )}</a><div class="muted mono">${e(comp.entityRef)}</div></td><td>${e(
          comp.owner ?? '—',
        )}</td><td class="grade">${e(comp.grade ?? '—')}</td><td class="num">${
          comp.score === null ? '—' : e(comp.score)
        }</td><td class="nowrap">${e(
          comp.scannedAt?.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') ??
            '—',
        )}</td><td class="mono">${e(
          (comp.commitSha ?? comp.revision ?? '—').slice(0, 12),
        )}</td><td class="num">${
          comp.compliance.summary.met
        }</td><td class="num">${comp.compliance.summary['not-met']}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  for (const comp of c.components) out.push(componentSection(comp));
  out.push(
    `<div class="integrity"><strong>Integrity.</strong> SHA-256 of the canonical JSON (RFC 8785) of the document's <code>content</code>: <code>${e(
      doc.integrity.digest,
    )}</code>. Verify the JSON document with <code>cicd-security evidence --verify FILE</code>. Checks: ${
      c.checks.length
    }, each identified by engine version ${e(
      c.engine.version,
    )} and the SHA-256 of its metadata.</div>`,
  );
  out.push('</body></html>');
  return `${out.join('\n')}\n`;
}
