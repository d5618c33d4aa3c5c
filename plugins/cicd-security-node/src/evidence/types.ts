import type {
  CheckStatus,
  ComplianceFrameworkId,
  ControlStatus,
  Finding,
  Grade,
  ScorecardState,
  Severity,
  SlsaEstimate,
} from '@cicd-security/plugin-cicd-security-common';

/** What an evidence document covers. */
export type EvidenceScope =
  | { kind: 'entity'; entityRef: string }
  | { kind: 'team'; owner: string }
  | { kind: 'org' }
  | { kind: 'repository'; path: string };

/** A check as it ran: its version is the engine's, plus a hash of its metadata. */
export interface EvidenceCheck {
  id: string;
  title: string;
  category: string;
  severity: Severity;
  /** The engine version that ran it (checks have no version of their own). */
  engineVersion: string;
  /** SHA-256 (hex) of the canonical JSON of the check's metadata. */
  metadataSha256: string;
}

/**
 * A portal waiver (granted in the portal, by `grantedBy`), a repository
 * waiver or ignore entry in `.cicd-security.yaml` (`config`), or an inline
 * ignore comment (`inline`).
 */
export interface EvidenceWaiver {
  checkId: string;
  source: 'portal' | 'config' | 'inline';
  id?: string;
  reason: string;
  grantedBy?: string;
  expiresAt?: string;
  /** For `config` and `inline`: the fingerprints of the findings it suppresses. */
  fingerprints?: string[];
}

export interface EvidenceResult {
  checkId: string;
  status: CheckStatus;
  severity: Severity;
  score?: number;
  reason?: string;
  findings: Finding[];
  unlisted?: { findings: number; suppressed: number; critical: number };
}

export interface EvidenceControl {
  controlId: string;
  title: string;
  status: ControlStatus;
  reason?: string;
  /** The checks whose results evidence the control. */
  checkIds: string[];
}

export interface EvidenceComponent {
  /** The catalog entity ref, or the repository folder name for the CLI. */
  entityRef: string;
  title?: string;
  owner?: string;
  state: ScorecardState;
  score: number | null;
  grade: Grade | null;
  /** When the scan that produced the stored scorecard ran (ISO 8601). */
  scannedAt?: string;
  /** The commit or content revision the scan saw, as stored. */
  revision?: string;
  /** The revision, when it is a git commit SHA (40 or 64 hex digits). */
  commitSha?: string;
  sourceLocation?: string;
  results: EvidenceResult[];
  waivers: EvidenceWaiver[];
  compliance: {
    summary: Record<ControlStatus, number>;
    controls: EvidenceControl[];
  };
  slsa: SlsaEstimate;
}

/** The hashed part of an evidence document. */
export interface EvidenceContent {
  scope: EvidenceScope;
  framework: { id: ComplianceFrameworkId; title: string; version: string };
  engine: { name: string; version: string };
  checks: EvidenceCheck[];
  components: EvidenceComponent[];
  summary: {
    components: number;
    /** Components left out because the export reached its size bound. */
    omittedComponents: number;
    grades: Record<string, number>;
    controls: Record<ControlStatus, number>;
  };
}

export interface EvidenceDocument {
  $schema: string;
  schemaVersion: 1;
  content: EvidenceContent;
  integrity: {
    algorithm: 'sha256';
    canonicalization: 'RFC8785';
    digest: string;
  };
}
