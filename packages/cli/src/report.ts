import {
  CheckMetadata,
  Finding,
  SEVERITIES,
  Severity,
} from '@cicd-security/plugin-cicd-security-common';
import { ScanResult } from '@cicd-security/plugin-cicd-security-node';

export interface TargetReport {
  target: string;
  kind: 'directory' | 'file';
  recognisedAs?: string;
  result: ScanResult;
}

export interface GateOutcome {
  passed: boolean;
  reasons: string[];
}

export interface Report {
  version: string;
  targets: TargetReport[];
  checks: CheckMetadata[];
  gate: GateOutcome;
}

export type FailOn = Severity | 'none';

/** Severity order: critical is 0. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Unsuppressed findings of a result, with their check. */
export function openFindings(result: ScanResult): Finding[] {
  return result.checks.flatMap(c => c.findings.filter(f => !f.suppressed));
}

/**
 * Decide the pipeline gate: findings at or above a severity, checks that
 * errored, and a minimum score. A check that errored could not verify the
 * target, so it fails the gate whatever `failOn` is, except `none`.
 */
export function evaluateGate(
  targets: TargetReport[],
  failOn: FailOn,
  minScore?: number,
): GateOutcome {
  const reasons: string[] = [];
  for (const t of targets) {
    if (failOn !== 'none') {
      for (const c of t.result.checks.filter(r => r.status === 'error')) {
        reasons.push(
          `${t.target}: check ${
            c.checkId
          } could not run, so it could not verify this target${
            c.reason ? ` (${c.reason})` : ''
          }`,
        );
      }
      const bad = openFindings(t.result).filter(
        f => severityRank(f.severity) <= severityRank(failOn),
      );
      if (bad.length) {
        reasons.push(
          `${t.target}: ${bad.length} finding(s) of severity ${failOn} or higher`,
        );
      }
    }
    if (minScore !== undefined && (t.result.score ?? 0) < minScore) {
      reasons.push(
        `${t.target}: score ${
          t.result.score ?? 'n/a'
        } is below the minimum ${minScore}`,
      );
    }
  }
  return { passed: reasons.length === 0, reasons };
}
