import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CicdSecurityFacts,
  FactName,
  FactProvider,
  factUnavailable,
  factValue,
} from '@cicd-security/plugin-cicd-security-node';
import { hasSnykAnnotations, readSnykAnnotations } from './annotations';
import { SnykClient, SnykResource, SnykUnavailable } from './SnykClient';

/** The facts this provider supplies. */
export const SNYK_FACTS = [
  'snyk.issues',
] as const satisfies readonly FactName[];

type SnykIssues = CicdSecurityFacts['snyk.issues'];
type SnykIssue = SnykIssues['issues'][number];

export interface SnykFactProviderOptions {
  token: string;
  logger: LoggerService;
  /** Default `https://api.snyk.io`. */
  apiBaseUrl?: string;
  /** REST API version date. Default `2024-10-15`. */
  version?: string;
  /** Pages of 100 read per list. Default 10. */
  maxPages?: number;
  /** Snyk projects read per component. Default 20. */
  maxProjects?: number;
  /** Time limit of one request. Default 10 s. */
  requestTimeoutMs?: number;
}

export const DEFAULT_SNYK_API = 'https://api.snyk.io';
export const DEFAULT_SNYK_VERSION = '2024-10-15';

/** `attributes` of a project of `GET /rest/orgs/{org_id}/projects`. */
interface ProjectAttributes {
  name?: string;
  type?: string;
  target_file?: string;
  status?: string;
}

/** `attributes` of an issue of `GET /rest/orgs/{org_id}/issues`. */
interface IssueAttributes {
  key?: string;
  title?: string;
  type?: string;
  effective_severity_level?: string;
  status?: string;
  ignored?: boolean;
  problems?: Array<{ id?: string; source?: string; url?: string }>;
  coordinates?: Array<{
    remedies?: Array<{ details?: { upgrade_package?: string } }>;
    representations?: Array<{
      dependency?: { package_name?: string; package_version?: string };
    }>;
  }>;
}

/** Snyk project types (package managers) in OSV's spelling. */
const ECOSYSTEMS: Record<string, string> = {
  npm: 'npm',
  yarn: 'npm',
  pnpm: 'npm',
  pip: 'PyPI',
  poetry: 'PyPI',
  pipenv: 'PyPI',
  maven: 'Maven',
  gradle: 'Maven',
  sbt: 'Maven',
  gomodules: 'Go',
  golangdep: 'Go',
  govendor: 'Go',
  nuget: 'NuGet',
  paket: 'NuGet',
  rubygems: 'RubyGems',
  composer: 'Packagist',
  cargo: 'crates.io',
  hex: 'Hex',
  pub: 'Pub',
  swift: 'SwiftURL',
};

const SEVERITIES = new Set(['critical', 'high', 'medium', 'low']);

/**
 * Reads the open Snyk issues of a component's Snyk projects: those of its
 * `snyk.io/target-id`, or its `snyk.io/project-ids`, in the organization of
 * `snyk.io/org-id`. One request per page of projects, then one per page of
 * issues of each project.
 */
export function createSnykFactProvider(
  options: SnykFactProviderOptions,
): FactProvider {
  const maxProjects = options.maxProjects ?? 20;
  return {
    id: 'snyk',
    facts: SNYK_FACTS,
    appliesTo: subject => hasSnykAnnotations(subject.annotations),
    async fetch(subject, { signal }) {
      const selection = readSnykAnnotations(subject.annotations ?? {});
      if ('error' in selection) {
        return { 'snyk.issues': factUnavailable(selection.error) };
      }
      const client = new SnykClient({
        token: options.token,
        apiBaseUrl: options.apiBaseUrl ?? DEFAULT_SNYK_API,
        version: options.version ?? DEFAULT_SNYK_VERSION,
        requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
        maxPages: options.maxPages ?? 10,
      });
      const org = encodeURIComponent(selection.orgId);
      try {
        const listed = await client.list<ProjectAttributes>(
          `/orgs/${org}/projects`,
          selection.projectIds
            ? { ids: selection.projectIds.join(',') }
            : { target_id: selection.targetId! },
          signal,
        );
        let truncated = listed.truncated;
        let projects = listed.items.filter(
          p =>
            !selection.exclude.includes(p.id) &&
            p.attributes?.status !== 'inactive',
        );
        if (projects.length > maxProjects) {
          projects = projects.slice(0, maxProjects);
          truncated = true;
        }
        const issues: SnykIssue[] = [];
        for (const project of projects) {
          const found = await client.list<IssueAttributes>(
            `/orgs/${org}/issues`,
            {
              'scan_item.id': project.id,
              'scan_item.type': 'project',
              status: 'open',
            },
            signal,
          );
          truncated ||= found.truncated;
          for (const issue of found.items)
            issues.push(...toIssues(issue, project));
        }
        options.logger.debug(
          `Snyk: ${issues.length} open issues in ${projects.length} projects of ${subject.entityRef} (${client.requests} requests)`,
        );
        const value: SnykIssues = {
          projects: projects.map(p => ({
            id: p.id,
            name: p.attributes?.name ?? p.id,
          })),
          issues,
          ...(truncated ? { truncated: true } : {}),
        };
        return { 'snyk.issues': factValue(value) };
      } catch (e) {
        if (e instanceof SnykUnavailable) {
          return { 'snyk.issues': factUnavailable(e.message, e.options) };
        }
        throw e;
      }
    },
  };
}

/**
 * The vulnerable packages of one issue: one entry per package and version
 * it names (`coordinates[].representations[].dependency`). Issues of other
 * kinds (code, licence, configuration) name no vulnerable package and are
 * left out.
 */
function toIssues(
  issue: SnykResource<IssueAttributes>,
  project: SnykResource<ProjectAttributes>,
): SnykIssue[] {
  const a = issue.attributes ?? {};
  if (a.type && a.type !== 'package_vulnerability') return [];
  if (a.ignored) return [];
  const problems = a.problems ?? [];
  const snykProblem = problems.find(p => p.source?.toUpperCase() === 'SNYK');
  const id = a.key ?? snykProblem?.id ?? issue.id;
  const severity = SEVERITIES.has(a.effective_severity_level ?? '')
    ? (a.effective_severity_level as SnykIssue['severity'])
    : // Snyk's `info` level: the lowest the fact has.
      'low';
  const ids = (re: RegExp) =>
    [...new Set(problems.map(p => p.id ?? '').filter(p => re.test(p)))].map(p =>
      p.toUpperCase(),
    );
  const cves = ids(/^CVE-\d{4}-\d+$/i);
  const ghsas = ids(/^GHSA(-[0-9a-z]{4}){3}$/i).map(
    g => `GHSA${g.slice(4).toLowerCase()}`,
  );
  const url = id.startsWith('SNYK-')
    ? `https://security.snyk.io/vuln/${encodeURIComponent(id)}`
    : snykProblem?.url;
  const ecosystem = ECOSYSTEMS[project.attributes?.type ?? ''];
  const out = new Map<string, SnykIssue>();
  for (const coordinate of a.coordinates ?? []) {
    const fixedIn = [
      ...new Set(
        (coordinate.remedies ?? []).flatMap(r =>
          (r.details?.upgrade_package ?? '')
            .split(',')
            .map(v => v.trim())
            .filter(Boolean),
        ),
      ),
    ];
    for (const r of coordinate.representations ?? []) {
      const name = r.dependency?.package_name;
      const version = r.dependency?.package_version;
      if (!name || !version || out.has(`${name}@${version}`)) continue;
      out.set(`${name}@${version}`, {
        id,
        title: a.title ?? id,
        severity,
        packageName: name,
        version,
        ...(ecosystem ? { ecosystem } : {}),
        ...(fixedIn.length ? { fixedIn } : {}),
        ...(cves.length ? { cves } : {}),
        ...(ghsas.length ? { ghsas } : {}),
        ...(url ? { url } : {}),
        project: project.attributes?.name ?? project.id,
      });
    }
  }
  return [...out.values()];
}
