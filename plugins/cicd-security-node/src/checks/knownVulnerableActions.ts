import advisoryData from '../advisories/actions.json';
import { getWorkflows } from '../parsers/githubActions';
import { RepoSnapshot } from '../snapshot';
import type { AdvisoryDatabase } from '../vulns/advisoryDatabase';
import { severityOf } from '../vulns/match';
import { advisoryUrl, summaryOf } from '../vulns/osvDirectory';
import { eventOf, OsvRecord } from '../vulns/osvSchema';
import {
  CheckFinding,
  createScorecardCheck,
  outcome,
  ScorecardCheck,
} from './types';
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
  /** Semver ranges: `introduced` inclusive, `fixed` exclusive, `lastAffected` inclusive. */
  ranges: Array<{ introduced: string; fixed?: string; lastAffected?: string }>;
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
      (r.fixed === undefined || compare(version, parseBound(r.fixed)) < 0) &&
      (r.lastAffected === undefined ||
        compare(version, parseBound(r.lastAffected)) <= 0),
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
export function createKnownVulnerableActionsCheck(
  options: { database?: AdvisoryDatabase } = {},
): ScorecardCheck {
  const { database } = options;
  return createScorecardCheck({
    id: 'known-vulnerable-actions',
    title: 'No known‑vulnerable CI actions',
    description:
      'No action or reusable workflow in uses: is referenced at a version that a GitHub security advisory (GitHub Actions ecosystem) lists as affected.',
    category: 'vulnerability-scanning',
    severity: 'high',
    platforms: ['github-actions'],
    frameworks: [
      { framework: 'zizmor', control: 'known-vulnerable-actions' },
      {
        framework: 'poutine',
        control: 'known_vulnerability_in_build_component',
      },
    ],
    remediationUrl:
      'https://docs.github.com/en/code-security/security-advisories/working-with-global-security-advisories-from-the-github-advisory-database/about-the-github-advisory-database',
    async run(snapshot) {
      const byPackage = await advisoriesByPackage(snapshot, database);
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
              undetermined.push(
                `${uses.value} (${wf.path}:${uses.range.line})`,
              );
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
              message: `${u.repo} at ${via} ${display(
                version,
              )} is affected by ${adv.id}${
                adv.aliases.length ? ` (${adv.aliases.join(', ')})` : ''
              }: ${adv.summary}${fixed ? `; fixed in ${fixed}` : ''} (${
                adv.url
              })`,
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
}

/** The check with the advisories shipped with the engine only. */
export const knownVulnerableActions = createKnownVulnerableActionsCheck();

/** Distinct actions asked of a database at most, per repository. */
const MAX_ACTIONS_ASKED = 200;

/**
 * The shipped advisories, plus the records of the advisory database about
 * the actions the workflows use (the GitHub Actions ecosystem of OSV),
 * by lowercased `owner/repo`; a record already shipped is not added twice.
 */
async function advisoriesByPackage(
  snapshot: RepoSnapshot,
  database: AdvisoryDatabase | undefined,
): Promise<Map<string, ActionAdvisory[]>> {
  const byPackage = new Map<string, ActionAdvisory[]>();
  const add = (a: ActionAdvisory) => {
    const k = a.package.toLowerCase();
    const list = byPackage.get(k) ?? [];
    const names = new Set([a.id, ...a.aliases]);
    if (list.some(b => names.has(b.id) || b.aliases.some(x => names.has(x)))) {
      return;
    }
    byPackage.set(k, [...list, a]);
  };
  ACTION_ADVISORIES.forEach(add);
  if (!database?.recordsFor) return byPackage;
  const repos = new Set<string>();
  for (const wf of getWorkflows(snapshot)) {
    for (const { uses } of usesRefs(wf)) {
      const u = parseUses(uses.value);
      if (u && repos.size < MAX_ACTIONS_ASKED) repos.add(u.repo);
    }
  }
  for (const repo of repos) {
    for (const record of await database.recordsFor('GitHub Actions', repo)) {
      const advisory = actionAdvisoryOf(record, repo);
      if (advisory) add(advisory);
    }
  }
  return byPackage;
}

/** An OSV record about an action, in the shipped advisories' form. */
export function actionAdvisoryOf(
  record: OsvRecord,
  repo: string,
): ActionAdvisory | undefined {
  if (record.withdrawn) return undefined;
  const ranges: ActionAdvisory['ranges'] = [];
  for (const entry of record.affected ?? []) {
    if (
      entry.package?.ecosystem !== 'GitHub Actions' ||
      entry.package.name.toLowerCase() !== repo.toLowerCase()
    ) {
      continue;
    }
    for (const range of entry.ranges ?? []) {
      if (range.type === 'GIT') continue;
      let open: { introduced: string } | undefined;
      for (const event of range.events) {
        const { kind, version } = eventOf(event);
        if (kind === 'introduced') {
          open = { introduced: version === '0' ? '0.0.0' : version };
        } else if (open && kind === 'fixed') {
          ranges.push({ ...open, fixed: version });
          open = undefined;
        } else if (open && kind === 'last_affected') {
          ranges.push({ ...open, lastAffected: version });
          open = undefined;
        }
      }
      if (open) ranges.push(open);
    }
  }
  if (ranges.length === 0) return undefined;
  return {
    id: record.id,
    aliases: [...new Set(record.aliases ?? [])].filter(a => a !== record.id),
    package: repo,
    summary: summaryOf(record),
    severity: severityOf(record),
    ranges,
    url: advisoryUrl(record),
  };
}
