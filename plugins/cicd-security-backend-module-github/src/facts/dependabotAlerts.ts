import { CicdSecurityFacts } from '@cicd-security/plugin-cicd-security-node';

type DependabotAlertsFact = CicdSecurityFacts['github.dependabotAlerts'];
/** One open alert, as the fact keeps it. */
export type DependabotAlert = NonNullable<
  DependabotAlertsFact['alerts']
>[number];

/**
 * One alert as read from GitHub: its severity (always, for the counts) and
 * the alert, when GitHub gave every field the fact needs.
 */
export interface ReadAlert {
  severity: string;
  alert?: DependabotAlert;
}

/**
 * GitHub's package ecosystems (REST in lower case, GraphQL in upper case)
 * in OSV's spelling, the one the package inventory and advisories use.
 */
const OSV_ECOSYSTEM: Record<string, string> = {
  npm: 'npm',
  pip: 'PyPI',
  go: 'Go',
  maven: 'Maven',
  rubygems: 'RubyGems',
  rust: 'crates.io',
  composer: 'Packagist',
  nuget: 'NuGet',
  actions: 'GitHub Actions',
  pub: 'Pub',
  erlang: 'Hex',
  swift: 'SwiftURL',
};

export function osvEcosystem(github: string): string {
  return OSV_ECOSYSTEM[github.toLowerCase()] ?? github;
}

/** GraphQL's advisory severities in the REST API's words. */
const SEVERITY: Record<string, DependabotAlert['severity']> = {
  critical: 'critical',
  high: 'high',
  moderate: 'medium',
  medium: 'medium',
  low: 'low',
};

const text = (x: unknown): string | undefined =>
  typeof x === 'string' && x !== '' ? x : undefined;

function alertOf(fields: {
  number: unknown;
  ghsaId: unknown;
  cveId: unknown;
  package: unknown;
  ecosystem: unknown;
  manifestPath: unknown;
  severity: string | undefined;
  vulnerableRange: unknown;
  patchedVersion: unknown;
  url: string | undefined;
}): DependabotAlert | undefined {
  const pkg = text(fields.package);
  const ecosystem = text(fields.ecosystem);
  const ghsaId = text(fields.ghsaId);
  const manifestPath = text(fields.manifestPath);
  const severity = fields.severity ? SEVERITY[fields.severity] : undefined;
  if (
    typeof fields.number !== 'number' ||
    !pkg ||
    !ecosystem ||
    !ghsaId ||
    !manifestPath ||
    !severity ||
    !fields.url
  ) {
    return undefined;
  }
  const cveId = text(fields.cveId);
  const vulnerableRange = text(fields.vulnerableRange);
  const patchedVersion = text(fields.patchedVersion);
  return {
    number: fields.number,
    ghsaId,
    ...(cveId ? { cveId } : {}),
    package: pkg,
    ecosystem: osvEcosystem(ecosystem),
    manifestPath,
    severity,
    ...(vulnerableRange ? { vulnerableRange } : {}),
    ...(patchedVersion ? { patchedVersion } : {}),
    url: fields.url,
  };
}

/** An item of `GET /repos/{o}/{r}/dependabot/alerts`, kept small (it is cached). */
export function restDependabotAlert(a: Record<string, any>): ReadAlert {
  const raw =
    a.security_advisory?.severity ?? a.security_vulnerability?.severity;
  const severity = typeof raw === 'string' ? raw.toLowerCase() : 'unknown';
  const vulnerability = a.security_vulnerability ?? {};
  const pkg = a.dependency?.package ?? vulnerability.package ?? {};
  const alert = alertOf({
    number: a.number,
    ghsaId: a.security_advisory?.ghsa_id,
    cveId: a.security_advisory?.cve_id,
    package: pkg.name,
    ecosystem: pkg.ecosystem,
    manifestPath: a.dependency?.manifest_path,
    severity: SEVERITY[severity] ? severity : undefined,
    vulnerableRange: vulnerability.vulnerable_version_range,
    patchedVersion: vulnerability.first_patched_version?.identifier,
    url: text(a.html_url),
  });
  return { severity: SEVERITY[severity] ?? severity, alert };
}

/**
 * A node of GraphQL's `vulnerabilityAlerts`. GraphQL gives no link to the
 * alert: it is the repository's `url` + `/security/dependabot/<number>`,
 * the page REST's `html_url` names.
 */
export function graphqlDependabotAlert(
  a: Record<string, any>,
  repositoryUrl: string | undefined,
): ReadAlert {
  const raw =
    a?.securityAdvisory?.severity ?? a?.securityVulnerability?.severity;
  const severity =
    typeof raw === 'string'
      ? SEVERITY[raw.toLowerCase()] ?? raw.toLowerCase()
      : 'unknown';
  const vulnerability = a?.securityVulnerability ?? {};
  const identifiers: Array<Record<string, unknown>> = Array.isArray(
    a?.securityAdvisory?.identifiers,
  )
    ? a.securityAdvisory.identifiers
    : [];
  const alert = alertOf({
    number: a?.number,
    ghsaId: a?.securityAdvisory?.ghsaId,
    cveId: identifiers.find(i => i?.type === 'CVE')?.value,
    package: vulnerability.package?.name,
    ecosystem: vulnerability.package?.ecosystem,
    manifestPath: a?.vulnerableManifestPath,
    severity: typeof raw === 'string' ? raw.toLowerCase() : undefined,
    vulnerableRange: vulnerability.vulnerableVersionRange,
    patchedVersion: vulnerability.firstPatchedVersion?.identifier,
    url:
      repositoryUrl && typeof a?.number === 'number'
        ? `${repositoryUrl.replace(/\/+$/, '')}/security/dependabot/${a.number}`
        : undefined,
  });
  return { severity, alert };
}

/**
 * The fact: counts by severity, and the alerts when every one could be
 * read whole (else the counts alone, as older providers give them, rather
 * than a list that silently misses some).
 */
export function dependabotAlertsFact(
  read: readonly ReadAlert[],
): DependabotAlertsFact {
  const by: Record<string, number> = {};
  for (const r of read) by[r.severity] = (by[r.severity] ?? 0) + 1;
  const alerts = read.map(r => r.alert);
  return {
    open: read.length,
    by,
    ...(alerts.every((a): a is DependabotAlert => a !== undefined)
      ? { alerts }
      : {}),
  };
}
