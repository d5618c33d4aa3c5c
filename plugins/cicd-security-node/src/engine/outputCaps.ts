import {
  CheckResult,
  Finding,
} from '@cicd-security/plugin-cicd-security-common';
import { fingerprint } from './fingerprint';

/**
 * Bounds on what one scan reports, so that a hostile repository (say one
 * 100 KB line with thousands of steps) cannot turn into hundreds of
 * megabytes of findings in the store, the API and the CLI report.
 */
export const OUTPUT_LIMITS = {
  /** Characters of a finding's snippet. */
  snippet: 200,
  /** Characters of a finding's message and of a check's reason. */
  message: 500,
  /** Characters of a suggested fix's description. */
  fixDescription: 500,
  /** Characters of a suggested fix's replacement; a longer one is dropped. */
  fixReplacement: 500,
  /** Findings listed per check; the rest are counted, not listed. */
  findingsPerCheck: 200,
} as const;

/** At most `max` characters, the last one an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Never split a surrogate pair.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A finding with its texts within {@link OUTPUT_LIMITS}. */
export function boundFinding<
  F extends Pick<Finding, 'message' | 'snippet' | 'suggestedFix'>,
>(f: F): F {
  const fix = f.suggestedFix;
  const fixTooLong =
    fix &&
    (fix.description.length > OUTPUT_LIMITS.fixDescription ||
      (fix.replacement?.length ?? 0) > OUTPUT_LIMITS.fixReplacement);
  if (
    f.message.length <= OUTPUT_LIMITS.message &&
    (f.snippet?.length ?? 0) <= OUTPUT_LIMITS.snippet &&
    !fixTooLong
  ) {
    return f;
  }
  const out = { ...f, message: truncate(f.message, OUTPUT_LIMITS.message) };
  if (f.snippet !== undefined)
    out.snippet = truncate(f.snippet, OUTPUT_LIMITS.snippet);
  if (fix && fixTooLong) {
    const { replacement, ...rest } = fix;
    out.suggestedFix = {
      ...rest,
      description: truncate(fix.description, OUTPUT_LIMITS.fixDescription),
      // A cut replacement would be a wrong fix: keep it whole or not at all.
      ...(replacement !== undefined &&
      replacement.length <= OUTPUT_LIMITS.fixReplacement
        ? { replacement }
        : {}),
    };
  }
  return out;
}

/**
 * Keep the first findings of each check (they are sorted by file and line)
 * and replace the rest with one summary finding; the left-out ones stay
 * counted in `unlisted`, so counts and scores are those of every finding.
 * Runs after suppressions, which see every finding.
 */
export function listFindings(
  results: CheckResult[],
  max: number = OUTPUT_LIMITS.findingsPerCheck,
): CheckResult[] {
  return results.map(r => {
    if (r.findings.length <= max) return r;
    const listed = r.findings.slice(0, max);
    const rest = r.findings.slice(max);
    let suppressed = 0;
    let critical = 0;
    for (const f of rest) {
      if (f.suppressed) suppressed++;
      else if (f.severity === 'critical') critical++;
    }
    const summary: Finding = {
      checkId: r.checkId,
      severity: r.severity,
      message: `and ${
        rest.length
      } more findings of this check were not listed (${
        rest.length - suppressed
      } open); fix the listed ones and scan again to see them`,
      fingerprint: fingerprint(r.checkId, undefined, 'unlisted-findings', 0),
    };
    return {
      ...r,
      findings: [...listed, summary],
      unlisted: { findings: rest.length, suppressed, critical },
    };
  });
}
