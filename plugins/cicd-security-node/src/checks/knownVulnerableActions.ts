import advisoryData from '../advisories/actions.json';
import { getWorkflows } from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome } from './types';
import {
  at,
  COMMIT_SHA_RE,
  parseUses,
  trailingComment,
  usesRefs,
} from '../analysis/githubActions';

export interface ActionAdvisory {
  id: string;
  aliases: string[];
  /** `owner/repo`. */
  package: string;
  summary: string;
  severity: 'critical' | 'high' | 'medium' | 'low';
  /** Semver ranges: `introduced` inclusive, `fixed` exclusive. */
  ranges: Array<{ introduced: string; fixed?: string }>;
  url: string;
}

/** The offline advisory snapshot shipped with the engine. */
export const ACTION_ADVISORIES: readonly ActionAdvisory[] = (
  advisoryData as { advisories: ActionAdvisory[] }
).advisories;

const VERSION_RE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+][\w.-]*)?$/i;

/**
 * The version a ref stands for. A moving major or minor tag (`v2`, `v2.2`)
 * follows the newest release of its series, so it reads as `2.∞.∞` / `2.2.∞`.
 */
export function refVersion(ref: string): number[] | undefined {
  const m = VERSION_RE.exec(ref.trim());
  if (!m) return undefined;
  return [1, 2, 3].map(i => (m[i] === undefined ? Infinity : Number(m[i])));
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function parseBound(v: string): number[] {
  return (refVersion(v) ?? [0, 0, 0]).map(n => (n === Infinity ? 0 : n));
}

/** Whether a version falls in one of an advisory's ranges. */
export function affects(adv: ActionAdvisory, version: number[]): boolean {
  return adv.ranges.some(
    r =>
      compare(version, parseBound(r.introduced)) >= 0 &&
      (r.fixed === undefined || compare(version, parseBound(r.fixed)) < 0),
  );
}

function display(v: number[]) {
  return v.map(n => (n === Infinity ? 'x' : String(n))).join('.');
}

/**
 * A `uses:` whose version falls in the affected range of a published advisory
 * runs code with a known vulnerability (or, for a compromised action, known
 * malware) with the job's token and secrets.
 */
export const knownVulnerableActions = createScorecardCheck({
  id: 'known-vulnerable-actions',
  title: 'No known‑vulnerable CI actions',
  description:
    'No action or reusable workflow in uses: is referenced at a version that a GitHub security advisory (GitHub Actions ecosystem) lists as affected.',
  category: 'vulnerability-scanning',
  severity: 'high',
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'owasp-cicd-top10', control: 'CICD-SEC-3' },
    { framework: 'owasp-cicd-top10', control: 'CICD-SEC-8' },
    { framework: 'zizmor', control: 'known-vulnerable-actions' },
    { framework: 'poutine', control: 'known_vulnerability_in_build_component' },
  ],
  remediationUrl:
    'https://docs.github.com/en/code-security/security-advisories/working-with-global-security-advisories-from-the-github-advisory-database/about-the-github-advisory-database',
  run(snapshot) {
    const byPackage = new Map<string, ActionAdvisory[]>();
    for (const a of ACTION_ADVISORIES) {
      const k = a.package.toLowerCase();
      byPackage.set(k, [...(byPackage.get(k) ?? []), a]);
    }
    const findings: CheckFinding[] = [];
    const undetermined: string[] = [];
    let total = 0;
    const bad = new Set<string>();
    for (const wf of getWorkflows(snapshot)) {
      for (const { uses, where } of usesRefs(wf)) {
        const u = parseUses(uses.value);
        if (!u) continue;
        total++;
        const advisories = byPackage.get(u.repo);
        if (!advisories || !u.ref) continue;
        let version: number[] | undefined;
        let via = 'tag';
        if (COMMIT_SHA_RE.test(u.ref)) {
          const comment = trailingComment(wf, uses);
          const v = comment ? refVersion(comment.split(/\s+/)[0]) : undefined;
          if (!v || v.includes(Infinity)) {
            undetermined.push(`${uses.value} (${wf.path}:${uses.range.line})`);
            continue;
          }
          version = v;
          via = 'commit, whose comment names';
        } else {
          version = refVersion(u.ref);
          if (!version) continue; // a branch follows the newest code
        }
        for (const adv of advisories) {
          if (!affects(adv, version)) continue;
          bad.add(`${wf.path}:${uses.range.line}:${uses.range.column}`);
          const fixed = adv.ranges.map(r => r.fixed).filter(Boolean)[0];
          findings.push({
            ...at(wf, uses.range),
            severity: adv.severity,
            message: `${u.repo} at ${via} ${display(version)} is affected by ${
              adv.id
            }${adv.aliases.length ? ` (${adv.aliases.join(', ')})` : ''}: ${
              adv.summary
            }${fixed ? `; fixed in ${fixed}` : ''} (${adv.url})`,
            fingerprintKey: `${where}:${uses.value}:${adv.id}`,
            suggestedFix: fixed
              ? {
                  description: `Upgrade ${u.repo} to ${fixed} or later (pinned by commit SHA, with the version as a comment)`,
                }
              : { description: `Stop using ${u.repo}; see ${adv.url}` },
          });
        }
      }
    }
    if (total === 0)
      return outcome.notApplicable(
        'no remote action or reusable workflow in uses:',
      );
    if (findings.length === 0 && undetermined.length > 0) {
      return outcome.inconclusive(
        `actions with advisories are pinned by commit SHA without a version comment, so their version is unknown offline: ${undetermined.join(
          ', ',
        )}`,
      );
    }
    const out = outcome.proportional(total, findings, bad.size);
    if (out.status === 'fail' && undetermined.length) {
      return {
        ...out,
        reason: `${undetermined.length} SHA-pinned use(s) of advised actions could not be versioned`,
      };
    }
    return out;
  },
});
