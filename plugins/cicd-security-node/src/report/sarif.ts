import {
  CheckMetadata,
  CheckResult,
  Finding,
  Severity,
} from '@cicd-security/plugin-cicd-security-common';
import type * as Sarif from 'sarif';

const LEVEL: Record<Severity, Sarif.Result.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** GitHub code scanning reads `security-severity` (0-10) to rank security alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

/** One scanned target of a SARIF log. */
export interface SarifTarget {
  /** Path or name of the target; prefixes finding paths when there are several. */
  target: string;
  kind: 'directory' | 'file';
  result: { checks: CheckResult[] };
}

export interface SarifOptions {
  /** Version of the tool that produced the results. */
  version: string;
  /** Base URL of the check guides: `<docsBase>/<check-id>.md`. */
  docsBase: string;
  /** The checks that ran: one rule each. */
  checks: CheckMetadata[];
  targets: SarifTarget[];
  /** The Markdown guide of a check, used as the rule's help. */
  readGuide?: (checkId: string) => string | undefined;
}

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: one rule per check with
 * help, results with a region and partial fingerprints. Paths are relative to
 * the scanned root (`%SRCROOT%`). Used by the CLI and by the portal's export.
 */
export function buildSarif(options: SarifOptions): Sarif.Log {
  const { version, docsBase, checks, targets, readGuide } = options;
  const rules = checks.map((check): Sarif.ReportingDescriptor => {
    const guide = readGuide?.(check.id);
    return {
      id: check.id,
      name: check.id.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) =>
        ch.toUpperCase(),
      ),
      shortDescription: { text: check.title },
      fullDescription: { text: check.description },
      helpUri: `${docsBase}/${check.id}.md`,
      help: {
        text: `${check.description}\n\nRemediation: ${docsBase}/${check.id}.md`,
        markdown:
          guide ??
          `${check.description}\n\n[How to fix](${docsBase}/${check.id}.md)`,
      },
      defaultConfiguration: { level: LEVEL[check.severity] },
      properties: {
        tags: [
          'security',
          check.category,
          ...check.frameworks.map(f => `${f.framework}:${f.control}`),
        ],
        precision: 'high',
        'security-severity': SECURITY_SEVERITY[check.severity],
      },
    };
  });
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const multi = targets.length > 1;
  const results = targets.flatMap(t =>
    t.result.checks.flatMap(c =>
      // A finding another check reports as the same problem is one result,
      // that check's, which names both.
      c.findings
        .filter(f => f.suppressed?.kind !== 'duplicate')
        .map(f =>
          toResult(
            f,
            ruleIndex.get(f.checkId) ?? -1,
            multi ? t.target : undefined,
            t.kind,
          ),
        ),
    ),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cicd-security',
            informationUri: 'https://github.com/cicd-security/cicd-security',
            semanticVersion: version,
            version,
            rules,
          },
        },
        originalUriBaseIds: {
          '%SRCROOT%': {
            description: { text: 'The scanned repository root' },
          },
        },
        results,
      },
    ],
  };
}

function toResult(
  f: Finding,
  ruleIndex: number,
  prefix: string | undefined,
  kind: string,
): Sarif.Result {
  let uri: string | undefined;
  if (f.file) {
    if (kind === 'file' || !prefix) uri = f.file;
    else uri = `${prefix.replace(/\/+$/, '')}/${f.file}`;
  }
  const region: Sarif.Region = {};
  if (f.line) region.startLine = f.line;
  if (f.line && f.column) region.startColumn = f.column;
  if (f.endLine && f.endLine >= (f.line ?? 0)) region.endLine = f.endLine;
  if (
    f.endColumn &&
    f.endLine &&
    (f.endLine > (f.line ?? 0) || f.endColumn > (f.column ?? 0))
  ) {
    region.endColumn = f.endColumn;
  }
  if (f.snippet) region.snippet = { text: f.snippet };
  const also = f.alsoReportedBy?.length
    ? ` (also reported by ${f.alsoReportedBy.map(a => a.checkId).join(', ')})`
    : '';
  const result: Sarif.Result = {
    ruleId: f.checkId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: {
      text: f.suggestedFix
        ? `${f.message}${also}. Fix: ${f.suggestedFix.description}`
        : `${f.message}${also}`,
    },
    partialFingerprints: { 'cicdSecurityFingerprint/v1': f.fingerprint },
    properties: {
      severity: f.severity,
      ...(f.alsoReportedBy?.length
        ? { alsoReportedBy: f.alsoReportedBy.map(a => a.checkId) }
        : {}),
    },
  };
  if (uri) {
    result.locations = [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(uri), uriBaseId: '%SRCROOT%' },
          ...(f.line ? { region } : {}),
        },
      },
    ];
  }
  if (f.suppressed) {
    result.suppressions = [
      {
        kind: f.suppressed.kind === 'inline' ? 'inSource' : 'external',
        status: 'accepted',
        ...(f.suppressed.reason ? { justification: f.suppressed.reason } : {}),
      },
    ];
  }
  return result;
}
