import {
  aggregateCompliance,
  CheckMetadata,
  CheckResult,
  complianceFramework,
  ComplianceFrameworkId,
  ComplianceView,
  ControlStatus,
  estimateSlsaBuildLevel,
  evaluateCompliance,
  Finding,
  Scorecard,
} from '@cicd-security/plugin-cicd-security-common';
import { redactCredentials } from '../secrets/credentials';
import { ENGINE_VERSION } from '../version';
import { canonicalJson, sha256Hex, sortKeys } from './canonicalJson';
import {
  EvidenceCheck,
  EvidenceComponent,
  EvidenceContent,
  EvidenceDocument,
  EvidenceResult,
  EvidenceScope,
  EvidenceWaiver,
} from './types';

export const EVIDENCE_SCHEMA_ID =
  'https://github.com/cicd-security/cicd-security/blob/main/docs/schemas/evidence.schema.json';

export const DEFAULT_EVIDENCE_FRAMEWORK: ComplianceFrameworkId =
  'owasp-cicd-top10';

/** The scorecard fields an evidence document reads. */
export type EvidenceScorecard = Pick<
  Scorecard,
  'entityRef' | 'state' | 'score' | 'grade' | 'checks'
> &
  Partial<
    Pick<
      Scorecard,
      'title' | 'owner' | 'scannedAt' | 'revision' | 'sourceLocation'
    >
  >;

export interface BuildEvidenceOptions {
  scope: EvidenceScope;
  framework?: ComplianceFrameworkId;
  /** The checks of the engine that produced the scorecards. */
  checks: CheckMetadata[];
  scorecards: EvidenceScorecard[];
  /** Components beyond the ones given, left out by a size bound. */
  omittedComponents?: number;
}

/**
 * The evidence document of stored scorecards: the same scorecards always give
 * the same bytes (see `serializeEvidence`), and `integrity.digest` is the
 * SHA-256 of the canonical JSON (RFC 8785) of `content`.
 */
export function buildEvidenceDocument(
  options: BuildEvidenceOptions,
): EvidenceDocument {
  const frameworkId = options.framework ?? DEFAULT_EVIDENCE_FRAMEWORK;
  const framework = complianceFramework(frameworkId);
  const checks: EvidenceCheck[] = options.checks
    .map(meta => ({
      id: meta.id,
      title: meta.title,
      category: meta.category,
      severity: meta.severity,
      engineVersion: ENGINE_VERSION,
      metadataSha256: sha256Hex(canonicalJson(meta)),
    }))
    .sort((a, b) => compare(a.id, b.id));

  const views: ComplianceView[] = [];
  const grades: Record<string, number> = {};
  const components = options.scorecards
    .map(sc => {
      const scanned = !!sc.scannedAt || sc.checks.length > 0;
      const view = evaluateCompliance(frameworkId, scanned ? sc.checks : []);
      if (scanned && sc.checks.length > 0) views.push(view);
      const grade = sc.grade ?? 'none';
      grades[grade] = (grades[grade] ?? 0) + 1;
      return componentOf(sc, view);
    })
    .sort((a, b) => compare(a.entityRef, b.entityRef));

  const controls: Record<ControlStatus, number> = views.length
    ? aggregateCompliance(views).summary
    : evaluateCompliance(frameworkId, []).summary;

  const content: EvidenceContent = {
    scope: options.scope,
    framework: {
      id: framework.id,
      title: framework.title,
      version: framework.version,
    },
    engine: {
      name: '@cicd-security/plugin-cicd-security-node',
      version: ENGINE_VERSION,
    },
    checks,
    components,
    summary: {
      components: components.length,
      omittedComponents: options.omittedComponents ?? 0,
      grades,
      controls,
    },
  };
  const sorted = sortKeys(JSON.parse(JSON.stringify(content)));
  return {
    $schema: EVIDENCE_SCHEMA_ID,
    schemaVersion: 1,
    content: sorted,
    integrity: {
      algorithm: 'sha256',
      canonicalization: 'RFC8785',
      digest: sha256Hex(canonicalJson(sorted)),
    },
  };
}

/** The file text of an evidence document: keys sorted, two-space indent, final newline. */
export function serializeEvidence(doc: EvidenceDocument): string {
  return `${JSON.stringify(sortKeys(doc), null, 2)}\n`;
}

function componentOf(
  sc: EvidenceScorecard,
  view: ComplianceView,
): EvidenceComponent {
  const results = [...sc.checks]
    .sort((a, b) => compare(a.checkId, b.checkId))
    .map(resultOf);
  const revision = sc.revision;
  return {
    entityRef: sc.entityRef,
    ...(sc.title ? { title: sc.title } : {}),
    ...(sc.owner ? { owner: sc.owner } : {}),
    state: sc.state,
    score: sc.score,
    grade: sc.grade,
    ...(sc.scannedAt ? { scannedAt: sc.scannedAt } : {}),
    ...(revision ? { revision } : {}),
    ...(revision && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(revision)
      ? { commitSha: revision.toLowerCase() }
      : {}),
    ...(sc.sourceLocation ? { sourceLocation: sc.sourceLocation } : {}),
    results,
    waivers: waiversOf(sc.checks),
    compliance: {
      summary: view.summary,
      controls: view.controls.map(c => ({
        controlId: c.controlId,
        title: c.title,
        status: c.status,
        ...(c.reason ? { reason: clean(c.reason) } : {}),
        checkIds: c.evidence.map(e => e.checkId).sort(compare),
      })),
    },
    slsa: estimateSlsaBuildLevel(sc.checks),
  };
}

function resultOf(r: CheckResult): EvidenceResult {
  return {
    checkId: r.checkId,
    status: r.status,
    severity: r.severity,
    ...(r.score !== undefined ? { score: r.score } : {}),
    ...(r.reason !== undefined ? { reason: clean(r.reason) } : {}),
    findings: r.findings.map(cleanFinding).sort(compareFindings),
    ...(r.unlisted ? { unlisted: r.unlisted } : {}),
  };
}

/** Stored findings are redacted already; every text goes through the redaction once more. */
function cleanFinding(f: Finding): Finding {
  return {
    ...f,
    message: clean(f.message),
    ...(f.snippet !== undefined ? { snippet: clean(f.snippet) } : {}),
    ...(f.suggestedFix
      ? {
          suggestedFix: {
            description: clean(f.suggestedFix.description),
            ...(f.suggestedFix.replacement !== undefined
              ? { replacement: clean(f.suggestedFix.replacement) }
              : {}),
          },
        }
      : {}),
    ...(f.suppressed
      ? {
          suppressed: {
            ...f.suppressed,
            ...(f.suppressed.reason !== undefined
              ? { reason: clean(f.suppressed.reason) }
              : {}),
          },
        }
      : {}),
    ...(f.alsoReportedBy
      ? {
          alsoReportedBy: f.alsoReportedBy
            .map(a => ({ ...a, message: clean(a.message) }))
            .sort((a, b) => compare(a.checkId, b.checkId)),
        }
      : {}),
  };
}

function waiversOf(results: CheckResult[]): EvidenceWaiver[] {
  const waivers: EvidenceWaiver[] = [];
  for (const r of results) {
    if (r.waiver) {
      waivers.push({
        checkId: r.checkId,
        source: 'portal',
        id: r.waiver.id,
        reason: clean(r.waiver.reason),
        grantedBy: r.waiver.createdBy,
        expiresAt: r.waiver.expiresAt,
      });
    }
    const repo = new Map<string, EvidenceWaiver>();
    for (const f of r.findings) {
      const s = f.suppressed;
      if (!s || (s.kind !== 'config' && s.kind !== 'inline')) continue;
      const key = `${s.kind}\u0000${s.reason ?? ''}\u0000${s.expires ?? ''}`;
      let w = repo.get(key);
      if (!w) {
        w = {
          checkId: r.checkId,
          source: s.kind,
          reason: clean(s.reason ?? ''),
          ...(s.expires ? { expiresAt: s.expires } : {}),
          fingerprints: [],
        };
        repo.set(key, w);
      }
      w.fingerprints!.push(f.fingerprint);
    }
    for (const w of repo.values()) {
      w.fingerprints = [...new Set(w.fingerprints)].sort(compare);
      waivers.push(w);
    }
  }
  return waivers.sort(
    (a, b) =>
      compare(a.checkId, b.checkId) ||
      compare(a.source, b.source) ||
      compare(a.reason, b.reason) ||
      compare(a.expiresAt ?? '', b.expiresAt ?? '') ||
      compare(a.id ?? '', b.id ?? ''),
  );
}

function clean(text: string): string {
  return redactCredentials(text);
}

/** Code-unit order, independent of the locale. */
function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    compare(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    compare(a.fingerprint, b.fingerprint) ||
    compare(a.message, b.message)
  );
}
