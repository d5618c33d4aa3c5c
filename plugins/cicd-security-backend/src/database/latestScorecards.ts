import {
  CheckResult,
  Finding,
  Scorecard,
  ScorecardSummary,
} from '@cicd-security/plugin-cicd-security-common';
import { CheckDigest, ScorecardDigest, ScorecardStore } from './ScorecardStore';

/**
 * A latest scorecard as the org views (policies, compliance) read it: the
 * summary and the check results with their waivers. `findings` holds one
 * placeholder per open (not suppressed) listed finding: only its length, and
 * that none is suppressed, mean anything.
 */
export type LatestScorecard = ScorecardSummary & { checks: CheckResult[] };

const OPEN_FINDING = Object.freeze({}) as Finding;

function toCheckResult({ openFindings, ...rest }: CheckDigest): CheckResult {
  return {
    ...rest,
    findings: Array.from({ length: openFindings }, () => OPEN_FINDING),
  };
}

/**
 * The latest scorecards of these refs in one bulk read (no finding bodies);
 * refs never stored map to undefined.
 */
export async function loadLatestScorecards(
  store: Pick<ScorecardStore, 'getScorecardDigests'>,
  refs: string[],
): Promise<Map<string, LatestScorecard | undefined>> {
  const digests = await store.getScorecardDigests(refs);
  const out = new Map<string, LatestScorecard | undefined>();
  for (const ref of refs) {
    const digest = digests.get(ref);
    out.set(
      ref,
      digest
        ? { ...digest, checks: digest.checks.map(toCheckResult) }
        : undefined,
    );
  }
  return out;
}

/** What the bulk read gives for a full scorecard (`getScorecard`). */
export function toScorecardDigest(card: Scorecard): ScorecardDigest {
  const {
    checks,
    problems: _problems,
    explanation: _explanation,
    fixFirst: _fixFirst,
    scmUrl: _scmUrl,
    facts: _facts,
    changes: _changes,
    ...summary
  } = card;
  return {
    ...summary,
    checks: checks.map(({ findings, ...rest }) => ({
      ...rest,
      openFindings: findings.filter(f => !f.suppressed).length,
    })),
  };
}
