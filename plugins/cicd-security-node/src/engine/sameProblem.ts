import {
  CheckResult,
  Finding,
  SEVERITIES,
} from '@cicd-security/plugin-cicd-security-common';
import { ScorecardCheck } from '../checks/types';
import { withSuppressedShare } from './suppression';

/**
 * One line, one problem: where two checks that declare each other the same
 * problem (`sameProblemAs`) report the same token, the scan keeps one finding
 * that names both. The more severe one (the first check of the registry on a
 * tie) stays open and lists the other under `alsoReportedBy`; the other is
 * marked `duplicate`, stays visible in its own check and stops counting
 * there, as a suppressed finding does. Findings the repository or the portal
 * already suppress are left alone.
 *
 * Same token: the same file and line, and spans that overlap (a finding
 * without columns covers its whole line).
 */
export function mergeSameProblems(
  results: CheckResult[],
  checks: readonly ScorecardCheck[],
): CheckResult[] {
  const pairs = samePairs(checks);
  if (!pairs.size) return results;
  const order = new Map(checks.map((c, i) => [c.id, i]));
  // Open findings of checks in a pair, by file and line.
  const byLine = new Map<string, Array<{ r: number; f: number }>>();
  results.forEach((r, ri) => {
    if (!pairs.has(r.checkId)) return;
    r.findings.forEach((f, fi) => {
      if (f.suppressed || !f.file || !f.line) return;
      const key = `${f.file}\0${f.line}`;
      const list = byLine.get(key);
      if (list) list.push({ r: ri, f: fi });
      else byLine.set(key, [{ r: ri, f: fi }]);
    });
  });
  const rank = (x: { r: number; f: number }) => {
    const f = results[x.r].findings[x.f];
    return [
      SEVERITIES.indexOf(f.severity),
      order.get(results[x.r].checkId) ?? Infinity,
    ];
  };
  // The winner of each merged finding, and the findings merged into it.
  const merged = new Map<string, Finding>(); // "r:f" of a loser → winner
  const also = new Map<string, Finding[]>(); // "r:f" of a winner → losers
  for (const list of byLine.values()) {
    if (list.length < 2) continue;
    // Most severe first: each finding joins the first earlier one it pairs with.
    list.sort((a, b) => {
      const [sa, oa] = rank(a);
      const [sb, ob] = rank(b);
      return sa - sb || oa - ob;
    });
    const winners: Array<{ r: number; f: number }> = [];
    for (const x of list) {
      const f = results[x.r].findings[x.f];
      const w = winners.find(y => {
        const g = results[y.r].findings[y.f];
        return (
          pairs.get(results[y.r].checkId)?.has(results[x.r].checkId) &&
          results[y.r].checkId !== results[x.r].checkId &&
          spansOverlap(f, g) &&
          !(also.get(`${y.r}:${y.f}`) ?? []).some(h => h.checkId === f.checkId)
        );
      });
      if (!w) {
        winners.push(x);
        continue;
      }
      const winner = results[w.r].findings[w.f];
      merged.set(`${x.r}:${x.f}`, winner);
      also.set(`${w.r}:${w.f}`, [...(also.get(`${w.r}:${w.f}`) ?? []), f]);
    }
  }
  if (!merged.size) return results;
  return results.map((r, ri) => {
    let touched = false;
    const findings = r.findings.map((f, fi) => {
      const winner = merged.get(`${ri}:${fi}`);
      const losers = also.get(`${ri}:${fi}`);
      if (!winner && !losers) return f;
      touched = true;
      if (losers) {
        return {
          ...f,
          alsoReportedBy: losers.map(l => ({
            checkId: l.checkId,
            severity: l.severity,
            message: l.message,
            fingerprint: l.fingerprint,
          })),
        };
      }
      return {
        ...f,
        suppressed: {
          kind: 'duplicate' as const,
          reason: `the same problem as ${
            winner!.checkId
          } reports at this line: counted once, there`,
          duplicateOf: {
            checkId: winner!.checkId,
            fingerprint: winner!.fingerprint,
          },
        },
      };
    });
    return touched ? withSuppressedShare(r, findings) : r;
  });
}

/** Each check id → the ids it shares problems with (both directions). */
function samePairs(checks: readonly ScorecardCheck[]) {
  const ids = new Set(checks.map(c => c.id));
  const pairs = new Map<string, Set<string>>();
  const add = (a: string, b: string) => {
    if (!pairs.has(a)) pairs.set(a, new Set());
    pairs.get(a)!.add(b);
  };
  for (const c of checks) {
    for (const other of c.sameProblemAs ?? []) {
      if (!ids.has(other) || other === c.id) continue;
      add(c.id, other);
      add(other, c.id);
    }
  }
  return pairs;
}

function spansOverlap(a: Finding, b: Finding): boolean {
  if (a.column === undefined || b.column === undefined) return true;
  const aEnd =
    a.endLine !== undefined && a.endLine !== a.line
      ? Infinity
      : a.endColumn ?? a.column;
  const bEnd =
    b.endLine !== undefined && b.endLine !== b.line
      ? Infinity
      : b.endColumn ?? b.column;
  return a.column <= bEnd && b.column <= aEnd;
}
