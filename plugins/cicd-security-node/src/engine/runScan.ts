import {
  CheckResult,
  Finding,
  ScanProblem,
} from '@cicd-security/plugin-cicd-security-common';
import { FilteredSnapshot, RepoSnapshot } from '../snapshot';
import {
  isIgnoredPath,
  readRepoConfig,
  RepoConfig,
  waiverActive,
} from './repoConfig';
import { applySuppressions } from './suppression';
import { mergeSameProblems } from './sameProblem';
import { CheckOutcome, ScorecardCheck } from '../checks/types';
import { CheckRegistry } from './CheckRegistry';
import { fingerprint } from './fingerprint';
import { redactFindings } from './redactFindings';
import { capProblems } from '../parsers/problems';
import {
  boundFinding,
  listFindings,
  OUTPUT_LIMITS,
  truncate,
} from './outputCaps';
import {
  DEFAULT_SCORING,
  ScoreBreakdown,
  scoreResults,
  ScoringConfig,
} from './scoring';

export interface ScanResult extends ScoreBreakdown {
  checks: CheckResult[];
  problems: ScanProblem[];
  /** Milliseconds the checks took. */
  durationMs: number;
}

export interface RunScanOptions {
  scoring?: ScoringConfig;
  /** Called when a check throws; the scan goes on. */
  onCheckError?: (checkId: string, error: Error) => void;
  /** The repository's configuration; read from `.cicd-security.yaml` when absent. */
  repoConfig?: RepoConfig;
  /** Today, for waiver expiry (tests). */
  now?: Date;
}

/**
 * Run every check of the registry on a snapshot. A check that throws is
 * recorded as `error` and the others still run.
 */
export async function runScan(
  snapshot: RepoSnapshot,
  registry: CheckRegistry,
  options: RunScanOptions = {},
): Promise<ScanResult> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const repoConfig = options.repoConfig ?? readRepoConfig(snapshot);
  const view = repoConfig.ignorePaths.length
    ? new FilteredSnapshot(snapshot, p => !isIgnoredPath(repoConfig, p))
    : snapshot;
  for (const w of repoConfig.waivers) {
    if (!waiverActive(w.expires, now)) {
      snapshot.problems.push({
        file: repoConfig.file ?? '.cicd-security.yaml',
        line: w.line,
        kind: 'config',
        message: `waiver for ${w.check} expired on ${w.expires} and no longer applies`,
      });
    }
  }
  const checks: CheckResult[] = [];
  for (const check of registry.list()) {
    if (repoConfig.disable.includes(check.id)) {
      checks.push(
        toResult(check, {
          status: 'not-applicable',
          reason: `disabled in ${repoConfig.file}`,
        }),
      );
      continue;
    }
    let out: CheckOutcome;
    try {
      out = await check.run(view);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      options.onCheckError?.(check.id, error);
      out = { status: 'error', reason: `check failed: ${error.message}` };
    }
    checks.push(toResult(check, out));
  }
  const final = listFindings(
    mergeSameProblems(
      applySuppressions(checks, snapshot, repoConfig, now),
      registry.list(),
    ),
  );
  // No secret leaves the engine in clear, whichever check quotes it.
  redactFindings(final, view, snapshot.problems);
  const breakdown = scoreResults(final, options.scoring ?? DEFAULT_SCORING);
  return {
    ...breakdown,
    checks: final,
    problems: dedupeProblems(snapshot.problems),
    durationMs: Date.now() - started,
  };
}

export function toResult(
  check: ScorecardCheck,
  out: CheckOutcome,
): CheckResult {
  const base = {
    checkId: check.id,
    title: check.title,
    category: check.category,
    severity: check.severity,
  };
  if (out.status === 'pass' || out.status === 'fail' || out.status === 'warn') {
    const seen = new Map<string, number>();
    const findings: Finding[] = out.findings.map(f => {
      const key = fingerprintKey(f.fingerprintKey ?? f.snippet ?? f.message);
      const n = seen.get(`${f.file}\0${key}`) ?? 0;
      seen.set(`${f.file}\0${key}`, n + 1);
      const { fingerprintKey: _k, ...rest } = f;
      return {
        ...boundFinding(rest),
        checkId: check.id,
        severity: f.severity ?? check.severity,
        fingerprint: fingerprint(check.id, f.file, key, n),
      };
    });
    return {
      ...base,
      status: out.status,
      score: Math.max(0, Math.min(10, out.score)),
      reason: boundReason(out.reason),
      findings: sortFindings(findings),
    };
  }
  return {
    ...base,
    status: out.status,
    reason: boundReason(out.reason),
    findings: [],
  };
}

function boundReason(reason: string | undefined) {
  return reason === undefined
    ? undefined
    : truncate(reason, OUTPUT_LIMITS.message);
}

/**
 * The text a fingerprint is made of: whole up to 4 KB (every realistic
 * snippet, so fingerprints and the waivers naming them stay stable), else
 * its start and its length, so a huge line is not hashed once per finding.
 */
function fingerprintKey(text: string): string {
  return text.length <= 4096 ? text : `${text.slice(0, 4096)}\0${text.length}`;
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      (a.file === b.file ? 0 : (a.file ?? '').localeCompare(b.file ?? '')) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

/** Problems without duplicates, capped per file. */
function dedupeProblems(problems: ScanProblem[]): ScanProblem[] {
  const seen = new Set<string>();
  return capProblems(
    problems.filter(p => {
      const k = `${p.file}:${p.line}:${p.column}:${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }),
  );
}
