import { Severity } from '@cicd-security/plugin-cicd-security-common';
import { unavailableReason } from '../analysis/githubSettings';
import { InventoryPackage, readPackageInventory } from '../parsers/lockfiles';
import { RepoSnapshot } from '../snapshot';
import type { AdvisoryDatabase } from '../vulns/advisoryDatabase';
import type { AdvisoryMatch } from '../vulns/osvDirectory';
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
  'no vulnerability data is configured: set cicdSecurity.osv.directory (a directory of OSV records) in the backend, or pass --osv-dir to the CLI';

/** Packages of ecosystems the advisory data covers (actions have their own check). */
function dependencyPackages(snapshot: RepoSnapshot): InventoryPackage[] {
  return readPackageInventory(snapshot).packages.filter(
    p => (p.ecosystem as string) !== 'GitHub Actions',
  );
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

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
 * its secrets) at every build.
 */
export function createOpenVulnerableDependenciesCheck(
  options: { database?: AdvisoryDatabase } = {},
): ScorecardCheck {
  const { database } = options;
  return createScorecardCheck({
    id: 'open-vulnerable-dependencies',
    title: 'No open critical/high dependency vulnerabilities',
    description:
      'No package version pinned by a lockfile or manifest is affected by a known critical or high vulnerability (OSV advisories; GitHub Dependabot alerts when no advisory data is configured).',
    category: 'vulnerability-scanning',
    severity: 'critical',
    platforms: ['repository'],
    frameworks: [
      { framework: 'owasp-cicd-top10', control: 'CICD-SEC-3' },
      { framework: 'openssf-scorecard', control: 'Vulnerabilities' },
    ],
    remediationUrl: 'https://osv.dev/',
    async run(snapshot) {
      const packages = dependencyPackages(snapshot);
      if (!database) return fromDependabot(snapshot, packages.length);
      if (packages.length === 0) {
        return outcome.notApplicable(
          'no lockfile or manifest lists dependencies',
        );
      }
      let lookups;
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
      return fromAdvisories(packages, lookups, database.description);
    },
  });
}

function fromAdvisories(
  packages: InventoryPackage[],
  lookups: Awaited<ReturnType<AdvisoryDatabase['lookup']>>,
  description: string,
): CheckOutcome {
  const findings: CheckFinding[] = [];
  /** Distinct vulnerabilities: one package version, one advisory. */
  const distinct = new Map<string, Severity>();
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
      distinct.set(
        `${pkg.ecosystem}\u0000${pkg.name}\u0000${pkg.version}\u0000${a.id}`,
        a.severity,
      );
      findings.push({
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
      });
    }
  });
  const notes = [
    `${plural(packages.length, 'package')} checked against ${description}`,
    ...(notPinned
      ? [
          `${plural(
            notPinned,
            'package',
          )} declared without an exact version could not be checked (add a lockfile)`,
        ]
      : []),
    ...(unevaluated
      ? [
          `${plural(
            unevaluated,
            'advisory',
            'advisories',
          )} could not be evaluated (a version that cannot be read)`,
        ]
      : []),
  ];
  const reason = notes.join('; ');
  if (findings.length === 0) return outcome.pass(reason);
  let cost = 0;
  let severe = 0;
  for (const severity of distinct.values()) {
    cost += VULNERABILITY_WEIGHTS[severity];
    if (severity === 'critical' || severity === 'high') severe++;
  }
  const summary = `${plural(
    distinct.size,
    'known vulnerability',
    'known vulnerabilities',
  )} (${severe} critical or high); ${reason}`;
  if (severe === 0) return outcome.warn(cost, findings, summary);
  return outcome.fail(Math.max(0, 10 - cost), findings, summary);
}

/**
 * Without advisory data of its own, the check reads GitHub's Dependabot
 * alerts (counts by severity: they name no file), when the GitHub module
 * supplies them.
 */
function fromDependabot(
  snapshot: RepoSnapshot,
  packages: number,
): CheckOutcome {
  const alerts = snapshot.fact('github.dependabotAlerts');
  if (!alerts.available) {
    if (packages === 0) {
      return outcome.notApplicable(
        'no lockfile or manifest lists dependencies',
      );
    }
    const platform = snapshot.fact('scm.platform');
    const github = !platform.available || platform.value === 'github';
    return outcome.inconclusive(
      github
        ? `${NO_DATABASE}; GitHub Dependabot alerts were not available either (${unavailableReason(
            'github.dependabotAlerts',
            alerts,
          )})`
        : NO_DATABASE,
    );
  }
  const { open, by } = alerts.value;
  if (open === 0) {
    return outcome.pass('GitHub Dependabot reports no open alert');
  }
  const findings: CheckFinding[] = [];
  let cost = 0;
  let severe = 0;
  for (const severity of ['critical', 'high', 'medium', 'low'] as const) {
    const n = by[severity] ?? 0;
    if (n === 0) continue;
    cost += n * VULNERABILITY_WEIGHTS[severity];
    if (severity === 'critical' || severity === 'high') severe += n;
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
  const reason = `${plural(
    open,
    'open Dependabot alert',
  )} (${severe} critical or high); counts only, without the files: configure OSV data for per-line findings`;
  if (severe === 0) return outcome.warn(cost, findings, reason);
  return outcome.fail(Math.max(0, 10 - cost), findings, reason);
}

/** The check without advisory data of its own (Dependabot alerts, or inconclusive). */
export const openVulnerableDependencies =
  createOpenVulnerableDependenciesCheck();
