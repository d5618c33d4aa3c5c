import {
  CheckMetadata,
  complianceFrameworkOfMetadataId,
  Finding,
  FrameworkRef,
  frameworkRefsOfCheck,
  Severity,
  SuggestedFix,
} from '@cicd-security/plugin-cicd-security-common';
import { RepoSnapshot } from '../snapshot';

/**
 * A finding as a check reports it. The runner fills in `checkId`, the default
 * `severity` and a stable `fingerprint`.
 */
export interface CheckFinding {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** The offending source line or token. Redact secrets before putting them here. */
  snippet?: string;
  /** Overrides the check's severity for this finding. */
  severity?: Finding['severity'];
  suggestedFix?: SuggestedFix;
  /**
   * Extra material that keeps the fingerprint stable and distinct, e.g. the
   * job id; defaults to the snippet.
   */
  fingerprintKey?: string;
}

/** The outcome of a check. Checks with no data say so instead of inventing a score. */
export type CheckOutcome =
  | {
      status: 'pass' | 'fail' | 'warn';
      /** 0..10 */
      score: number;
      findings: CheckFinding[];
      reason?: string;
    }
  | { status: 'not-applicable' | 'inconclusive' | 'error'; reason: string };

/** One check: metadata plus a pure function of the snapshot. */
export interface ScorecardCheck extends CheckMetadata {
  run(snapshot: RepoSnapshot): CheckOutcome | Promise<CheckOutcome>;
}

export type ScorecardCheckDefinition = Omit<
  ScorecardCheck,
  'docsPath' | 'frameworks'
> & {
  docsPath?: string;
  /**
   * The peer scanners' rules (zizmor, poutine, Legitify) that find the same
   * problems. The compliance controls (OWASP CI/CD Top 10, OpenSSF
   * Scorecard, OSPS Baseline, SLSA, NIST SSDF) are not written here: they
   * come from the mappings in the common package
   * (`plugins/cicd-security-common/src/compliance/mappings.ts`).
   */
  frameworks?: FrameworkRef[];
};

/**
 * Builds a check from its definition: fills in the guide page path from the
 * id, and its `frameworks` from the compliance mappings followed by the
 * definition's peer-scanner rules. A check the mappings do not know (one a
 * backend module adds) keeps the compliance controls its definition lists.
 */
export function createScorecardCheck(
  def: ScorecardCheckDefinition,
): ScorecardCheck {
  const own = def.frameworks ?? [];
  const mapped = frameworkRefsOfCheck(def.id);
  const compliance = own.filter(f =>
    complianceFrameworkOfMetadataId(f.framework),
  );
  if (mapped.length > 0 && compliance.length > 0) {
    throw new Error(
      `Check '${def.id}' lists ${compliance
        .map(f => `${f.framework}:${f.control}`)
        .join(
          ', ',
        )} in its frameworks, but its compliance mappings live in plugins/cicd-security-common/src/compliance/mappings.ts; list them there only`,
    );
  }
  return {
    ...def,
    frameworks: [...mapped, ...own],
    docsPath: def.docsPath ?? `plugins/cicd-security-node/guides/${def.id}.md`,
  };
}

/** Helpers for outcomes. */
export const outcome = {
  notApplicable(reason: string): CheckOutcome {
    return { status: 'not-applicable', reason };
  },
  inconclusive(reason: string): CheckOutcome {
    return { status: 'inconclusive', reason };
  },
  pass(reason?: string): CheckOutcome {
    return { status: 'pass', score: 10, findings: [], reason };
  },
  /**
   * A per-instance check: score is the share of good instances (Scorecard
   * style). Fails when any instance is bad.
   */
  proportional(
    total: number,
    findings: CheckFinding[],
    bad = findings.length,
  ): CheckOutcome {
    if (bad === 0) return { status: 'pass', score: 10, findings };
    const score = total > 0 ? Math.max(0, (10 * (total - bad)) / total) : 0;
    return { status: 'fail', score: round1(score), findings };
  },
  fail(score: number, findings: CheckFinding[], reason?: string): CheckOutcome {
    return { status: 'fail', score: round1(score), findings, reason };
  },
  /**
   * Findings seen without failing the check (low-strength ones: inputs,
   * documentation examples, conditions only insiders can meet): a warning
   * whose findings cost `cost` points in all, the score going no lower than 5.
   */
  warn(cost: number, findings: CheckFinding[], reason?: string): CheckOutcome {
    return {
      status: 'warn',
      score: round1(Math.max(5, 10 - cost)),
      findings,
      reason,
    };
  },
};

const ONE_LOWER: Record<Severity, Severity> = {
  critical: 'high',
  high: 'medium',
  medium: 'low',
  low: 'low',
};

/** One severity lower (low stays low). */
export function lowerSeverity(severity: Severity): Severity {
  return ONE_LOWER[severity];
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
