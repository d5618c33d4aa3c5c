/*
 * Types shared by the browser and Node parts of cicd-security: check metadata,
 * findings, check results, scorecards and the payloads of the REST API.
 */

/** The seven areas of the scorecard. */
export type CheckCategory =
  | 'secrets-management'
  | 'vulnerability-scanning'
  | 'code-quality'
  | 'access-control'
  | 'compliance'
  | 'network-security'
  | 'third-party-software';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/**
 * Status of one check on one repository.
 * `not-applicable` and `inconclusive` are left out of the aggregate score.
 */
export type CheckStatus =
  | 'pass'
  | 'fail'
  | 'warn'
  | 'not-applicable'
  | 'inconclusive'
  | 'error';

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

/** Platforms a check looks at. */
export type CheckPlatform =
  | 'github-actions'
  | 'gitlab-ci'
  | 'jenkins'
  | 'azure-pipelines'
  | 'circleci'
  | 'dockerfile'
  | 'shell'
  | 'repository';

export type FrameworkId =
  | 'owasp-cicd-top10'
  | 'openssf-scorecard'
  | 'zizmor'
  | 'poutine'
  | 'legitify'
  | 'osps'
  | 'slsa'
  | 'nist-ssdf';

export interface FrameworkRef {
  framework: FrameworkId;
  /** Control id inside the framework, e.g. `CICD-SEC-3` or `Pinned-Dependencies`. */
  control: string;
}

/** What a check is, independent of any result. */
export interface CheckMetadata {
  /** Stable kebab-case id from the check catalogue, e.g. `unpinned-actions`. */
  id: string;
  title: string;
  /** One or two sentences: what the check looks for and why. */
  description: string;
  category: CheckCategory;
  severity: Severity;
  platforms: CheckPlatform[];
  frameworks: FrameworkRef[];
  /**
   * Where the guide page lives in the project repository, e.g.
   * `plugins/cicd-security-node/guides/unpinned-actions.md`.
   */
  docsPath: string;
  /** External reference for the remediation. */
  remediationUrl?: string;
  /**
   * Checks whose findings on the same token (same file, line and span) are
   * the same problem as this check's: the scan shows one finding that names
   * both, and the score counts it once. Declared on one side of a pair.
   */
  sameProblemAs?: string[];
}

/** A proposed mechanical fix for a finding. */
export interface SuggestedFix {
  description: string;
  /** The replacement text for the finding's location (line-level), when the fix is mechanical. */
  replacement?: string;
}

/**
 * `inline` and `config`: the repository suppresses the finding; `waiver`: the
 * portal does; `duplicate`: another check reports the same problem at the
 * same token, and the finding is counted once, there (`duplicateOf`).
 */
export type SuppressionKind = 'inline' | 'config' | 'waiver' | 'duplicate';

export interface Suppression {
  kind: SuppressionKind;
  reason?: string;
  /** ISO date after which the suppression stops applying. */
  expires?: string;
  /** For `duplicate`: the finding that counts in this one's place. */
  duplicateOf?: { checkId: string; fingerprint: string };
}

/** Another check's report of the same problem at the same token. */
export interface AlsoReportedBy {
  checkId: string;
  severity: Severity;
  message: string;
  fingerprint: string;
}

/** One problem at one place. Secrets in `snippet` and `message` are already redacted. */
export interface Finding {
  checkId: string;
  severity: Severity;
  message: string;
  /** Path relative to the repository root, POSIX separators. */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  endLine?: number;
  endColumn?: number;
  snippet?: string;
  /** Stable across scans while the offending code stays the same. */
  fingerprint: string;
  suggestedFix?: SuggestedFix;
  suppressed?: Suppression;
  /**
   * Other checks that report the same problem at this token. Their findings
   * are marked `duplicate` and count here only.
   */
  alsoReportedBy?: AlsoReportedBy[];
  /**
   * True when the previous scorecard of the entity had no finding of this
   * check with this fingerprint: the finding appeared in the latest scan.
   * False when it was there already; absent when there was nothing to
   * compare with (an entity's first scorecard).
   */
  newSinceLastScan?: boolean;
}

export interface CheckResult {
  checkId: string;
  /** Set when a portal waiver covers this check: it stays visible but stops lowering the score. */
  waiver?: { id: string; reason: string; expiresAt: string; createdBy: string };
  title: string;
  category: CheckCategory;
  severity: Severity;
  status: CheckStatus;
  /** 0..10; absent for not-applicable, inconclusive and error. */
  score?: number;
  /** Why a check is not-applicable, inconclusive or errored, or a short summary. */
  reason?: string;
  findings: Finding[];
  /**
   * Findings past the engine's per-check listing cap: left out of `findings`
   * (whose last entry then says how many were not listed) but counted here,
   * so counts and scores cover every finding.
   */
  unlisted?: { findings: number; suppressed: number; critical: number };
}

/** A file the engine could not use, or a parse problem with its location. */
export interface ScanProblem {
  file: string;
  line?: number;
  column?: number;
  kind: 'parse-error' | 'skipped-file' | 'config';
  message: string;
}

export interface CategoryScore {
  category: CheckCategory;
  /** 0..10, or null when no check of the category applied. */
  score: number | null;
  /** Checks of this category that counted towards the score. */
  applicable: number;
  failing: number;
}

/** State of an entity's scorecard. */
/** `pending`: in the catalog but not scanned yet. */
export type ScorecardState =
  | 'ok'
  | 'pending'
  | 'scanning'
  | 'error'
  | 'no-source'
  | 'stale';

export interface ScorecardCounts {
  passed: number;
  failed: number;
  warned: number;
  notApplicable: number;
  inconclusive: number;
  errored: number;
  findings: number;
  suppressedFindings: number;
  criticalFindings: number;
}

/** One row of the org-wide list. */
export interface ScorecardSummary {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  type?: string;
  lifecycle?: string;
  owner?: string;
  system?: string;
  state: ScorecardState;
  /** Why the state is error, stale or no-source. */
  stateReason?: string;
  score: number | null;
  grade: Grade | null;
  categories: CategoryScore[];
  counts: ScorecardCounts;
  /** ISO timestamp of the scan that produced this scorecard. */
  scannedAt?: string;
  /** Commit or content revision the scan saw, when known. */
  revision?: string;
  /** Where the source was read from (location target). */
  sourceLocation?: string;
}

/**
 * A setting or declaration from outside the repository's files (a fact:
 * branch rules, alerts, an organisation's declaration) that the scan read,
 * without its value.
 */
export interface FactReading {
  /** The fact's name, e.g. `github.defaultBranchRules`. */
  name: string;
  /** Where it comes from, e.g. `GitHub REST API`. */
  source: string;
  available: boolean;
  /**
   * When the scan read it (ISO 8601). Later scans that found the same
   * values keep this reading.
   */
  readAt: string;
  /** Why it could not be read. */
  reason?: string;
  /** The permission or scope that would let it be read. */
  permission?: string;
  /** Not read for now (a rate limit, a slow API): the next scan will. */
  delayed?: boolean;
}

/** One entity's full scorecard. */
export interface Scorecard extends ScorecardSummary {
  checks: CheckResult[];
  problems: ScanProblem[];
  /** How the score was computed (absent for entities never scanned). */
  explanation?: import('./api').ScoreExplanation;
  /**
   * The failing and warning checks ranked by what passing each would add to
   * the score, highest gain first (absent for entities never scanned).
   */
  fixFirst?: import('./api').FixFirstItem[];
  /**
   * Base URL of the source in its SCM (the `url:` source location), so the UI
   * can link a finding to its file and line with ScmIntegrations. Absent for
   * local directories.
   */
  scmUrl?: string;
  /**
   * For `dir:` sources, when `cicdSecurity.sources.linkTemplate` is set: the
   * link of a finding's file, with the entity's placeholders filled in and
   * `{path}` and `{line}` left for each finding, e.g.
   * `/cicd-security/source/default/component/payments-api?path={path}&line={line}`.
   */
  sourceLinkTemplate?: string;
  /** The facts the scan read (SCM settings, alerts, declarations), oldest first. */
  facts?: FactReading[];
  /**
   * What changed since the previous scorecard of the entity, computed when
   * this scorecard was stored (absent for entities never scanned).
   */
  changes?: ScorecardChanges;
}

/** A finding of the previous scorecard that the latest scan no longer reports. */
export interface FixedFinding {
  checkId: string;
  /** The check's title when the previous scorecard was stored. */
  checkTitle: string;
  severity: Severity;
  file?: string;
  line?: number;
  /** As stored: secrets already redacted. */
  message: string;
  fingerprint: string;
}

/** The findings that appeared and went away between two scorecards. */
export interface ScorecardChanges {
  /**
   * The scorecard this one was compared with; null on the entity's first
   * scorecard (nothing is new, nothing is fixed).
   */
  comparedWith: { scannedAt: string; revision?: string } | null;
  /** Findings marked `newSinceLastScan`. */
  newFindings: number;
  fixedFindings: FixedFinding[];
}

export interface ScorecardHistoryPoint {
  /** When the scan ran; for a backfilled point, the commit time of its revision. */
  scannedAt: string;
  score: number | null;
  grade: Grade | null;
  state: ScorecardState;
  categories: CategoryScore[];
  /**
   * True for a scan of an earlier git revision of the source, made after the
   * fact (history backfill); absent for scans made at `scannedAt`.
   */
  backfilled?: boolean;
  /** The commit SHA a backfilled point scanned. */
  revision?: string;
}

export interface TeamSummary {
  owner: string;
  components: number;
  scanned: number;
  averageScore: number | null;
  grades: Record<Grade, number>;
}
