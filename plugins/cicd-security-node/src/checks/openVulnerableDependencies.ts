import { Severity } from '@cicd-security/plugin-cicd-security-common';
import { unavailableReason } from '../analysis/githubSettings';
import type { CicdSecurityFacts, Fact } from '../facts';
import { InventoryPackage, readPackageInventory } from '../parsers/lockfiles';
import { RepoSnapshot } from '../snapshot';
import type { AdvisoryDatabase } from '../vulns/advisoryDatabase';
import { normalisePackageName } from '../vulns/match';
import type { AdvisoryMatch } from '../vulns/osvDirectory';
import { compareVersions, isVersionEcosystem } from '../vulns/versions';
import {
  CheckFinding,
  CheckOutcome,
  createScorecardCheck,
  outcome,
  ScorecardCheck,
} from './types';

/**
 * Points each distinct vulnerability costs (the catalogue's Scorecard-style
 * `10 − weighted count`): a critical one costs three, a high one one.
 */
export const VULNERABILITY_WEIGHTS: Record<Severity, number> = {
  critical: 3,
  high: 1,
  medium: 0.5,
  low: 0.25,
};

const NO_DATABASE =
  'no vulnerability data is configured: add the OSV module (cicdSecurity.osv.api) or set cicdSecurity.osv.directory (a directory of OSV records) in the backend, or pass --osv-dir to the CLI';

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

type DependabotAlerts = CicdSecurityFacts['github.dependabotAlerts'];
type DependabotAlert = NonNullable<DependabotAlerts['alerts']>[number];
type SnykIssue = CicdSecurityFacts['snyk.issues']['issues'][number];
type Source = 'osv' | 'dependabot' | 'snyk';
type Lookups = Awaited<ReturnType<AdvisoryDatabase['lookup']>>;

/** Packages of ecosystems the advisory data covers (actions have their own check). */
function dependencyPackages(snapshot: RepoSnapshot): InventoryPackage[] {
  return readPackageInventory(snapshot).packages.filter(
    p => (p.ecosystem as string) !== 'GitHub Actions',
  );
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** `a`, `a and b`, `a, b and c`. */
const and = (xs: string[]) =>
  xs.length <= 1
    ? xs.join('')
    : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

function advisoryNames(a: AdvisoryMatch): string {
  const cve = a.aliases.filter(x => x.startsWith('CVE-'));
  return cve.length ? `${a.id} (${cve.join(', ')})` : a.id;
}

function upgradeFix(pkg: InventoryPackage, a: AdvisoryMatch): string {
  const where = `${pkg.file}${
    pkg.direct === false
      ? ' (a transitive dependency: upgrade the package that pulls it in, or add an override/resolution)'
      : ''
  }`;
  return a.fixed !== undefined
    ? `Upgrade ${pkg.name} to ${a.fixed} or later in ${where}, then regenerate the lockfile. Advisory: ${a.url}`
    : `No release of ${pkg.name} fixes ${a.id} yet: replace the package, remove it, or mitigate as the advisory says (${a.url}), and waive the finding with the reason until a fix is released.`;
}

/**
 * Versions that lockfiles pin and that advisories list as vulnerable ship
 * their vulnerabilities to production, and run them in the pipeline (with
 * its secrets) at every build. OSV advisories, GitHub Dependabot alerts and
 * Snyk issues are merged: a vulnerability two of them report counts once.
 */
export function createOpenVulnerableDependenciesCheck(
  options: { database?: AdvisoryDatabase } = {},
): ScorecardCheck {
  const { database } = options;
  return createScorecardCheck({
    id: 'open-vulnerable-dependencies',
    title: 'No open critical/high dependency vulnerabilities',
    description:
      'No package version pinned by a lockfile or manifest is affected by a known critical or high vulnerability (OSV advisories, merged with GitHub Dependabot alerts and Snyk issues when they are available).',
    category: 'vulnerability-scanning',
    severity: 'critical',
    platforms: ['repository'],
    remediationUrl: 'https://osv.dev/',
    async run(snapshot) {
      const packages = dependencyPackages(snapshot);
      let lookups;
      if (database && packages.length > 0) {
        try {
          lookups = await database.lookup(packages);
        } catch (e) {
          // No answer is not "no vulnerability": never let it pass.
          return outcome.inconclusive(
            `the advisory data could not be read (${database.description}): ${
              e instanceof Error ? e.message : String(e)
            }`,
          );
        }
      }
      return merged(
        snapshot,
        packages,
        database && lookups
          ? { lookups, description: database.description }
          : undefined,
      );
    },
  });
}

/** One distinct vulnerability: a package (at a version, or a range) and an advisory. */
interface Vulnerability {
  /** The source that reported it first; others only add `alsoBy`. */
  source: Source;
  ecosystem?: string;
  name: string;
  /** The exact version, when known (OSV, Snyk, a Dependabot alert found in the inventory). */
  version?: string;
  /** The advisory's ids and aliases, upper case. */
  ids: Set<string>;
  severity: Severity;
  /** One per location. */
  findings: CheckFinding[];
  /** `Dependabot alert #12`, `Snyk (SNYK-JS-…)`. */
  alsoBy: string[];
}

/** A report of one source, before it is merged. */
type Report = Omit<Vulnerability, 'findings' | 'alsoBy'> & {
  finding: CheckFinding;
  label: string;
};

const nameKey = (ecosystem: string | undefined, name: string) =>
  ecosystem && isVersionEcosystem(ecosystem)
    ? normalisePackageName(ecosystem, name)
    : name.toLowerCase();

function samePackage(
  a: { ecosystem?: string; name: string },
  b: { ecosystem?: string; name: string },
): boolean {
  if (a.ecosystem && b.ecosystem && a.ecosystem !== b.ecosystem) return false;
  const ecosystem = a.ecosystem ?? b.ecosystem;
  return nameKey(ecosystem, a.name) === nameKey(ecosystem, b.name);
}

const bare = (v: string) => v.replace(/^v(?=\d)/, '');

/**
 * Same vulnerability: same package, a shared advisory id or alias, and the
 * same version when both know theirs (a Dependabot alert names a range).
 */
function sameVulnerability(v: Vulnerability, r: Report): boolean {
  return (
    samePackage(v, r) &&
    [...r.ids].some(id => v.ids.has(id)) &&
    (v.version === undefined ||
      r.version === undefined ||
      bare(v.version) === bare(r.version))
  );
}

/**
 * Add a report: another location of a vulnerability its own source already
 * reported, a confirmation of one another source reported (`alsoBy`), or a
 * new vulnerability.
 */
function add(vulns: Vulnerability[], report: Report): void {
  const matches = vulns.filter(v => sameVulnerability(v, report));
  const own = matches.find(v => v.source === report.source);
  if (own) {
    own.findings.push(report.finding);
  } else if (matches.length > 0) {
    for (const v of matches) {
      if (!v.alsoBy.includes(report.label)) v.alsoBy.push(report.label);
    }
  } else {
    vulns.push({
      source: report.source,
      ecosystem: report.ecosystem,
      name: report.name,
      version: report.version,
      ids: report.ids,
      severity: report.severity,
      findings: [report.finding],
      alsoBy: [],
    });
  }
}

const upperIds = (...ids: Array<string | undefined>) =>
  new Set(ids.filter((x): x is string => !!x).map(x => x.toUpperCase()));

function osvReports(
  packages: InventoryPackage[],
  lookups: Lookups,
): { reports: Report[]; notPinned: number; unevaluated: number } {
  const reports: Report[] = [];
  let notPinned = 0;
  let unevaluated = 0;
  packages.forEach((pkg, i) => {
    const lookup = lookups[i];
    // Go versions keep their `v` (v1.2.3); OSV's SEMVER events have none.
    const spell = (v: string) =>
      pkg.version.startsWith('v') && /^\d/.test(v) ? `v${v}` : v;
    if (!lookup) return;
    if (lookup.status === 'not-pinned') {
      notPinned++;
      return;
    }
    unevaluated += lookup.unparseable.length;
    for (const a of lookup.advisories) {
      reports.push({
        source: 'osv',
        label: 'OSV',
        ecosystem: pkg.ecosystem,
        name: pkg.name,
        version: pkg.version,
        ids: upperIds(a.id, ...a.aliases),
        severity: a.severity,
        finding: {
          message: `${pkg.name} ${pkg.version} (${pkg.ecosystem}${
            pkg.dev ? ', development' : ''
          }) is affected by ${advisoryNames(a)}: ${a.summary}${
            a.fixed !== undefined
              ? `; fixed in ${spell(a.fixed)}`
              : '; no fixed release'
          }${a.approximate ? ` (${a.approximate})` : ''}`,
          file: pkg.file,
          line: pkg.line,
          severity: a.severity,
          fingerprintKey: `${pkg.ecosystem}:${pkg.name}@${pkg.version}:${a.id}`,
          suggestedFix: {
            description: upgradeFix(
              pkg,
              a.fixed === undefined ? a : { ...a, fixed: spell(a.fixed) },
            ),
          },
        },
      });
    }
  });
  return { reports, notPinned, unevaluated };
}

/** Whether `version` is in a GitHub range (`>= 2.0.0, < 2.0.2`); undefined when unreadable. */
function inRange(
  ecosystem: string,
  version: string,
  range: string | undefined,
): boolean | undefined {
  if (!range || !isVersionEcosystem(ecosystem)) return undefined;
  for (const part of range.split(',')) {
    const m = /^\s*(>=|<=|>|<|=)?\s*(\S+)\s*$/.exec(part);
    if (!m) return undefined;
    const c = compareVersions(ecosystem, bare(version), bare(m[2]));
    const holds: Record<string, boolean> = {
      '>=': c >= 0,
      '<=': c <= 0,
      '>': c > 0,
      '<': c < 0,
      '=': c === 0,
    };
    if (!holds[m[1] ?? '=']) return false;
  }
  return true;
}

function dependabotReport(
  alert: DependabotAlert,
  packages: InventoryPackage[],
): Report {
  // The alert's manifest, at the package's line when the inventory lists it there.
  const candidates = packages.filter(
    p =>
      p.file === alert.manifestPath &&
      samePackage(p, { ecosystem: alert.ecosystem, name: alert.package }),
  );
  const pkg =
    candidates.find(
      p =>
        p.exact && inRange(alert.ecosystem, p.version, alert.vulnerableRange),
    ) ?? candidates[0];
  const ids = alert.cveId ? `${alert.ghsaId} (${alert.cveId})` : alert.ghsaId;
  const label = `Dependabot alert #${alert.number}`;
  return {
    source: 'dependabot',
    label,
    ecosystem: alert.ecosystem,
    name: alert.package,
    version: pkg?.exact ? pkg.version : undefined,
    ids: upperIds(alert.ghsaId, alert.cveId),
    severity: alert.severity,
    finding: {
      message: `${alert.package}${pkg?.exact ? ` ${pkg.version}` : ''} (${
        alert.ecosystem
      }) is affected by ${ids}: ${label}${
        alert.vulnerableRange ? `, vulnerable ${alert.vulnerableRange}` : ''
      }${
        alert.patchedVersion
          ? `; fixed in ${alert.patchedVersion}`
          : '; no patched version'
      }`,
      file: alert.manifestPath,
      ...(pkg ? { line: pkg.line } : {}),
      severity: alert.severity,
      fingerprintKey: `dependabot:${alert.ecosystem}:${alert.package}:${alert.ghsaId}`,
      suggestedFix: {
        description: alert.patchedVersion
          ? `Upgrade ${alert.package} to ${alert.patchedVersion} or later in ${alert.manifestPath} (or merge Dependabot's security update), then regenerate the lockfile. Alert: ${alert.url}`
          : `No release of ${alert.package} fixes ${alert.ghsaId} yet: replace the package, remove it, or mitigate as the advisory says (${alert.url}); dismiss the alert only with a reason.`,
      },
    },
  };
}

function snykReport(issue: SnykIssue, packages: InventoryPackage[]): Report {
  const candidates = packages.filter(p =>
    samePackage(p, { ecosystem: issue.ecosystem, name: issue.packageName }),
  );
  // The inventory line of that version; else of the package in the Snyk project's file.
  const pkg =
    candidates.find(p => bare(p.version) === bare(issue.version)) ??
    (issue.project
      ? candidates.find(p => p.file === issue.project)
      : undefined);
  const ecosystem = issue.ecosystem ?? pkg?.ecosystem;
  const aliases = [...(issue.cves ?? []), ...(issue.ghsas ?? [])];
  const label = `Snyk (${issue.id})`;
  return {
    source: 'snyk',
    label,
    ecosystem,
    name: issue.packageName,
    version: issue.version,
    ids: upperIds(issue.id, ...aliases),
    severity: issue.severity,
    finding: {
      message: `${issue.packageName} ${issue.version}${
        ecosystem ? ` (${ecosystem})` : ''
      } is affected by ${issue.id}${
        aliases.length ? ` (${aliases.join(', ')})` : ''
      }: ${issue.title}, reported by Snyk${
        issue.project ? ` in ${issue.project}` : ''
      }${
        issue.fixedIn?.length
          ? `; fixed in ${issue.fixedIn.join(', ')}`
          : '; no fixed release'
      }`,
      ...(pkg ? { file: pkg.file, line: pkg.line } : {}),
      severity: issue.severity,
      fingerprintKey: `snyk:${issue.packageName}@${issue.version}:${issue.id}`,
      suggestedFix: {
        description: issue.fixedIn?.length
          ? `Upgrade ${issue.packageName} to ${issue.fixedIn[0]} or later${
              pkg ? ` in ${pkg.file}` : ''
            }, then regenerate the lockfile.${
              issue.url ? ` Issue: ${issue.url}` : ''
            }`
          : `No release of ${issue.packageName} fixes ${
              issue.id
            } yet: replace the package, remove it, or mitigate as Snyk says${
              issue.url ? ` (${issue.url})` : ''
            }, and waive the finding with the reason until a fix is released.`,
      },
    },
  };
}

const notSupplied = (name: string, f: Fact) =>
  !f.available && f.reason === `no provider supplied ${name}`;

/**
 * Every source that could be read, merged: OSV findings as they are, then
 * Dependabot alerts and Snyk issues that OSV (or an earlier source) did not
 * already report. Unavailable sources are named in the reason; they never
 * make the check fail.
 */
function merged(
  snapshot: RepoSnapshot,
  packages: InventoryPackage[],
  osv: { lookups: Lookups; description: string } | undefined,
): CheckOutcome {
  const vulns: Vulnerability[] = [];
  const used: string[] = [];
  const notes: string[] = [];
  /**
   * Sources that could not be read. One no provider supplied (a module not
   * installed) is named only when no source could be read.
   */
  const unread: Array<{ what: string; supplied: boolean }> = [];

  if (osv) {
    const { reports, notPinned, unevaluated } = osvReports(
      packages,
      osv.lookups,
    );
    for (const r of reports) add(vulns, r);
    used.push(
      `${plural(packages.length, 'package')} checked against ${
        osv.description
      }`,
    );
    if (notPinned) {
      notes.push(
        `${plural(
          notPinned,
          'package',
        )} declared without an exact version could not be checked (add a lockfile)`,
      );
    }
    if (unevaluated) {
      notes.push(
        `${plural(
          unevaluated,
          'advisory',
          'advisories',
        )} could not be evaluated (a version that cannot be read)`,
      );
    }
  }

  const dependabot = snapshot.fact('github.dependabotAlerts');
  /** Counts without alerts (an older GitHub module): used only without OSV. */
  let counts: DependabotAlerts | undefined;
  if (dependabot.available) {
    const { alerts, open } = dependabot.value;
    if (alerts) {
      for (const a of alerts) add(vulns, dependabotReport(a, packages));
      used.push(`Dependabot alerts (${open} open)`);
    } else if (osv) {
      notes.push(
        `the ${plural(
          open,
          'open Dependabot alert',
        )} were not merged: the GitHub module gives their counts only`,
      );
    } else {
      counts = dependabot.value;
      used.push(
        `Dependabot alerts (${open} open; counts only, without the files: configure OSV data for per-line findings)`,
      );
    }
  } else {
    const platform = snapshot.fact('scm.platform');
    if (!platform.available || platform.value === 'github') {
      unread.push({
        what: `GitHub Dependabot alerts (${unavailableReason(
          'github.dependabotAlerts',
          dependabot,
        )})`,
        supplied: !notSupplied('github.dependabotAlerts', dependabot),
      });
    }
  }

  const snyk = snapshot.fact('snyk.issues');
  if (snyk.available) {
    for (const issue of snyk.value.issues)
      add(vulns, snykReport(issue, packages));
    used.push(
      `Snyk (${plural(snyk.value.issues.length, 'open issue')}${
        snyk.value.truncated ? ', more not read' : ''
      })`,
    );
  } else if (!notSupplied('snyk.issues', snyk)) {
    // Without a Snyk module there is nothing to say about Snyk.
    unread.push({
      what: `Snyk issues (${unavailableReason('snyk.issues', snyk)})`,
      supplied: true,
    });
  }

  if (used.length === 0) {
    if (packages.length === 0) {
      return outcome.notApplicable(
        'no lockfile or manifest lists dependencies',
      );
    }
    return outcome.inconclusive(
      [
        NO_DATABASE,
        ...(unread.length
          ? [`not available either: ${unread.map(u => u.what).join(', ')}`]
          : []),
      ].join('; '),
    );
  }

  const findings: CheckFinding[] = [];
  let cost = 0;
  let severe = 0;
  const bySeverity: Partial<Record<Severity, number>> = {};
  for (const v of vulns) {
    bySeverity[v.severity] = (bySeverity[v.severity] ?? 0) + 1;
    for (const f of v.findings) {
      findings.push(
        v.alsoBy.length
          ? { ...f, message: `${f.message}; also reported by ${and(v.alsoBy)}` }
          : f,
      );
    }
  }
  if (counts) {
    // Counts name no package: they cannot be matched with Snyk's issues,
    // so each severity counts the larger of the two, never both.
    for (const severity of SEVERITIES) {
      const n = counts.by[severity] ?? 0;
      if (n === 0) continue;
      bySeverity[severity] = Math.max(bySeverity[severity] ?? 0, n);
      findings.push({
        message: `GitHub Dependabot reports ${plural(
          n,
          `open ${severity} alert`,
        )} on the repository's dependencies`,
        severity,
        fingerprintKey: `dependabot:${severity}`,
        suggestedFix: {
          description:
            'Security → Dependabot alerts: merge the Dependabot security updates or upgrade the packages named there, then regenerate the lockfiles; dismiss an alert only with a reason.',
        },
      });
    }
  }
  let distinct = 0;
  for (const severity of SEVERITIES) {
    const n = bySeverity[severity] ?? 0;
    distinct += n;
    cost += n * VULNERABILITY_WEIGHTS[severity];
    if (severity === 'critical' || severity === 'high') severe += n;
  }

  const failed = unread.filter(u => u.supplied);
  const reason = [
    used.length > 1 || !osv ? `sources: ${used.join(', ')}` : used[0],
    ...notes,
    ...(failed.length
      ? [`could not be read: ${failed.map(u => u.what).join(', ')}`]
      : []),
  ].join('; ');
  if (findings.length === 0) {
    if (packages.length === 0) {
      return outcome.notApplicable(
        'no lockfile or manifest lists dependencies',
      );
    }
    return outcome.pass(reason);
  }
  const summary = `${plural(
    distinct,
    'known vulnerability',
    'known vulnerabilities',
  )} (${severe} critical or high); ${reason}`;
  if (severe === 0) return outcome.warn(cost, findings, summary);
  return outcome.fail(Math.max(0, 10 - cost), findings, summary);
}

/** The check without advisory data of its own (Dependabot alerts and Snyk issues, or inconclusive). */
export const openVulnerableDependencies =
  createOpenVulnerableDependenciesCheck();
