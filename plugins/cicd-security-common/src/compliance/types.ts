import type { CheckResult, CheckStatus, FrameworkId, Severity } from '../types';

/** The compliance frameworks the checks are mapped to. */
export type ComplianceFrameworkId =
  | 'owasp-cicd-top10'
  | 'openssf-scorecard'
  | 'osps-baseline'
  | 'slsa-build'
  | 'nist-ssdf';

/** One control (risk, check, requirement or practice) of a framework. */
export interface FrameworkControl {
  /** The framework's own id, e.g. `CICD-SEC-4`, `Pinned-Dependencies`, `OSPS-AC-03.01`, `PS.2`. */
  id: string;
  title: string;
  url?: string;
  /**
   * Set when no check can assess the control from CI/CD data (a policy
   * document, an organisation setting the scan does not read…): the reason.
   */
  notAssessable?: string;
}

export interface ComplianceFramework {
  id: ComplianceFrameworkId;
  title: string;
  /** The version of the framework the controls come from. */
  version: string;
  url: string;
  /** Every control of the framework, in the framework's order. */
  controls: FrameworkControl[];
  /** The id this framework has in a check's `frameworks` metadata. */
  metadataId: FrameworkId;
}

/** One framework control a check evidences. */
export interface ControlRef {
  framework: ComplianceFrameworkId;
  control: string;
}

export type ControlStatus =
  | 'met'
  | 'not-met'
  | 'partially-met'
  | 'not-assessed';

/** One check's result as evidence for a control. */
export interface ControlEvidence {
  checkId: string;
  title: string;
  status: CheckStatus;
  severity: Severity;
  /** Open findings (not suppressed), listed and unlisted. */
  findings: number;
  /** The portal waiver covering the check, if any: the check then counts as met. */
  waiver?: CheckResult['waiver'];
}

export interface ControlResult {
  controlId: string;
  title: string;
  status: ControlStatus;
  /** Why the control is not assessed, or met only thanks to waivers, or partially met. */
  reason?: string;
  evidence: ControlEvidence[];
}

export interface ComplianceView {
  framework: { id: ComplianceFrameworkId; title: string; version: string };
  controls: ControlResult[];
  summary: Record<ControlStatus, number>;
}

/** A control across many entities, with how many entities are in each status. */
export type AggregatedControlResult = ControlResult & {
  entities: Record<ControlStatus, number>;
};

export type AggregatedComplianceView = Omit<ComplianceView, 'controls'> & {
  controls: AggregatedControlResult[];
};

/** The SLSA v1.0 Build level the evidence supports, and what the next level needs. */
export interface SlsaEstimate {
  level: 0 | 1 | 2 | 3;
  missingForNext: Array<{ requirement: string; checkIds: string[] }>;
  /** The facts the level rests on, one sentence each. */
  basis: string[];
}
