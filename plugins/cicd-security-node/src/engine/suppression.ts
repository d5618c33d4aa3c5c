import {
  CheckResult,
  Finding,
  Suppression,
} from '@cicd-security/plugin-cicd-security-common';
import { RepoSnapshot } from '../snapshot';
import { globMatcher, RepoConfig, waiverActive } from './repoConfig';
import {
  poutineSkipFor,
  readPoutineSkips,
  zizmorIgnore,
} from './peerSuppressions';

/** `# cicd-security: ignore[check-a, check-b] reason` (also `//` comments). */
const INLINE_RE =
  /(?:#|\/\/)\s*cicd-security:\s*ignore\[([a-z0-9,\s-]+)\]\s*(.*)$/;

/**
 * Mark findings that the repository suppresses: inline ignore comments on the
 * finding's line or the line above, and waivers from `.cicd-security.yaml`
 * that have not expired. Suppressed findings stay in the result, marked, and
 * stop lowering the check's score.
 */
export function applySuppressions(
  results: CheckResult[],
  snapshot: RepoSnapshot,
  config: RepoConfig,
  now: Date = new Date(),
): CheckResult[] {
  const lines = new Map<string, string[] | undefined>();
  const lineOf = (file: string, line: number) => {
    if (!lines.has(file)) lines.set(file, snapshot.read(file)?.split('\n'));
    return lines.get(file)?.[line - 1];
  };
  const inline = (f: Finding): Suppression | undefined => {
    if (!f.file || !f.line) return undefined;
    for (const l of [f.line, f.line - 1]) {
      const m = INLINE_RE.exec(lineOf(f.file, l) ?? '');
      if (!m) continue;
      const ids = m[1].split(',').map(s => s.trim());
      if (ids.includes(f.checkId)) {
        return { kind: 'inline', reason: m[2].trim() || undefined };
      }
    }
    // zizmor's own ignore comments, on the finding's line of a YAML file.
    if (/\.ya?ml$/i.test(f.file)) {
      const audit = zizmorIgnore(lineOf(f.file, f.line) ?? '', f.checkId);
      if (audit) {
        return { kind: 'inline', reason: `zizmor: ignore[${audit}]` };
      }
    }
    return undefined;
  };
  let poutine: ReturnType<typeof readPoutineSkips> | undefined;
  const poutineSkip = (f: Finding): Suppression | undefined => {
    poutine ??= readPoutineSkips(snapshot);
    const skip = poutineSkipFor(f, poutine.skips, snapshot);
    return skip
      ? {
          kind: 'config',
          reason: `skipped in ${poutine.file}:${skip.line}${
            skip.rule ? ` (poutine rule ${skip.rule.join(', ')})` : ''
          }`,
        }
      : undefined;
  };
  // Each waiver's glob is compiled once, not once per finding.
  const pathMatchers = new Map(
    config.waivers.map(v => [v, v.path ? globMatcher(v.path) : undefined]),
  );
  const waiver = (f: Finding): Suppression | undefined => {
    const w = config.waivers.find(
      v =>
        v.check === f.checkId &&
        waiverActive(v.expires, now) &&
        (!v.fingerprint || v.fingerprint === f.fingerprint) &&
        (!v.path || (f.file !== undefined && pathMatchers.get(v)!(f.file))),
    );
    return w
      ? { kind: 'config', reason: w.reason, expires: w.expires }
      : undefined;
  };

  return results.map(r => {
    if (!r.findings.length) return r;
    let suppressedNow = 0;
    const findings = r.findings.map(f => {
      if (f.suppressed) return f;
      const s = inline(f) ?? waiver(f) ?? poutineSkip(f);
      if (!s) return f;
      suppressedNow++;
      return { ...f, suppressed: s };
    });
    if (!suppressedNow) return r;
    return withSuppressedShare(r, findings);
  });
}

/**
 * A check result with its findings replaced by `findings`, of which some are
 * now suppressed: the suppressed share of the findings no longer counts
 * against the score, and a check left with no open finding passes.
 */
export function withSuppressedShare(
  r: CheckResult,
  findings: Finding[],
): CheckResult {
  const openBefore = r.findings.filter(f => !f.suppressed).length;
  const open = findings.filter(f => !f.suppressed).length;
  const total = findings.length;
  const score = r.score ?? 0;
  // Each newly suppressed finding takes back its share of what the open
  // findings cost (so a second pass does not count the first one again).
  const adjusted =
    open === 0 || openBefore === 0
      ? 10
      : score + ((10 - score) * (openBefore - open)) / openBefore;
  const duplicates = findings.filter(f => f.suppressed?.kind === 'duplicate');
  const reason = () => {
    if (duplicates.length === total) {
      const under = [
        ...new Set(duplicates.map(f => f.suppressed!.duplicateOf!.checkId)),
      ];
      return `all ${total} finding(s) are counted under ${under.join(', ')}`;
    }
    return `all ${total} finding(s) suppressed`;
  };
  return {
    ...r,
    findings,
    status: open === 0 && r.status === 'fail' ? 'pass' : r.status,
    score: Math.round(adjusted * 10) / 10,
    reason: open === 0 ? reason() : r.reason,
  };
}
