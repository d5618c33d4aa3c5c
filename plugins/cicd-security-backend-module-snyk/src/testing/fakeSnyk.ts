import http from 'http';
import { AddressInfo } from 'net';

/** A canned answer for one path (without query), before the simulation. */
export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SeenRequest {
  /** Path and query, as sent. */
  path: string;
  status: number;
  authorization?: string;
}

/** A project of the fake organization: JSON:API resource as Snyk lists it. */
export interface FakeProject {
  id: string;
  targetId: string;
  name: string;
  type: string;
  status?: 'active' | 'inactive';
}

/**
 * The Snyk REST API on 127.0.0.1 (`/rest/…`), as JSON:API: lists
 * `GET /rest/orgs/{org_id}/projects` (filters `target_id`, `ids`) and
 * `GET /rest/orgs/{org_id}/issues` (filters `scan_item.id`,
 * `scan_item.type`, `status`), `limit` items a page with a `links.next`
 * cursor (`starting_after`) relative to `/rest`, as Snyk writes it. Asks
 * for `version` (400 without it) and `Authorization: token …` (401). A
 * canned answer set in `overrides` for a path wins.
 */
export class FakeSnyk {
  readonly requests: SeenRequest[] = [];
  readonly overrides = new Map<string, FakeAnswer>();
  readonly projects = new Map<string, FakeProject[]>();
  /** Issues by project id: `data[]` resources of the issues list. */
  readonly issues = new Map<string, unknown[]>();
  token = 'snyk-token';
  #server?: http.Server;
  #port = 0;

  get apiBaseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    this.#server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.apiBaseUrl);
      const answer = this.#answer(url, req.headers.authorization);
      this.requests.push({
        path: `${url.pathname}${url.search}`,
        status: answer.status,
        authorization: req.headers.authorization,
      });
      res.writeHead(answer.status, {
        'content-type': 'application/vnd.api+json',
        'snyk-version-served': url.searchParams.get('version') ?? '',
        ...answer.headers,
      });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
    await new Promise<void>(resolve =>
      this.#server!.listen(0, '127.0.0.1', resolve),
    );
    this.#port = (this.#server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise(resolve => this.#server?.close(resolve));
  }

  seen(from = 0): string[] {
    return this.requests.slice(from).map(r => `${r.status} ${r.path}`);
  }

  #answer(url: URL, authorization: string | undefined): FakeAnswer {
    if (authorization !== `token ${this.token}`) {
      return error(
        401,
        'Unauthorized',
        'Authentication credentials not recognized, or user access is not provisioned.',
        'SNYK-0005',
      );
    }
    const override = this.overrides.get(url.pathname);
    if (override) return override;
    const version = url.searchParams.get('version');
    if (!version) {
      return error(400, 'Bad Request', 'the version parameter is required');
    }
    const m = /^\/rest\/orgs\/([^/]+)\/(projects|issues)$/.exec(url.pathname);
    if (!m) return error(404, 'Not Found', 'the resource was not found');
    const [, orgId, list] = m;
    const projects = this.projects.get(orgId);
    if (!projects) {
      return error(404, 'Not Found', 'Org not found', 'SNYK-OS-0003');
    }
    const q = url.searchParams;
    let items: Array<{ id: string }>;
    if (list === 'projects') {
      const ids = q.get('ids')?.split(',');
      items = projects
        .filter(p => !q.get('target_id') || p.targetId === q.get('target_id'))
        .filter(p => !ids || ids.includes(p.id))
        .map(p => projectResource(orgId, p));
    } else {
      const scanItem = q.get('scan_item.id');
      if (scanItem && q.get('scan_item.type') !== 'project') {
        return error(400, 'Bad Request', 'scan_item.type is required');
      }
      items = (
        (scanItem
          ? this.issues.get(scanItem) ?? []
          : [...this.issues.values()].flat()) as Array<{
          id: string;
          attributes: { status: string };
        }>
      ).filter(
        i => !q.get('status') || i.attributes.status === q.get('status'),
      );
    }
    const limit = Number(q.get('limit') ?? 10);
    const after = q.get('starting_after');
    const start = after ? items.findIndex(i => i.id === after) + 1 : 0;
    const page = items.slice(start, start + limit);
    const links: Record<string, string> = {
      self: `${url.pathname.replace(/^\/rest/, '')}${url.search}`,
    };
    if (start + limit < items.length) {
      const next = new URLSearchParams(q);
      next.set('starting_after', page[page.length - 1].id);
      links.next = `${url.pathname.replace(/^\/rest/, '')}?${next}`;
    }
    return {
      status: 200,
      body: { jsonapi: { version: '1.0' }, data: page, links },
    };
  }
}

/** A JSON:API error answer as Snyk writes them. */
export function error(
  status: number,
  title: string,
  detail: string,
  code?: string,
): FakeAnswer {
  return {
    status,
    body: {
      jsonapi: { version: '1.0' },
      errors: [
        {
          id: 'f16c31b5-6129-4571-add8-d589da9be524',
          status: String(status),
          ...(code ? { code } : {}),
          title,
          detail,
        },
      ],
    },
  };
}

function projectResource(orgId: string, p: FakeProject) {
  return {
    id: p.id,
    type: 'project',
    attributes: {
      name: p.name,
      type: p.type,
      target_file: p.name.split(':')[1] ?? '',
      target_reference: 'main',
      origin: 'github',
      created: '2024-03-01T10:00:00.000Z',
      status: p.status ?? 'active',
      business_criticality: [],
      environment: [],
      lifecycle: [],
      tags: [],
      read_only: false,
      settings: {
        recurring_tests: { frequency: 'daily' },
        pull_requests: {},
      },
    },
    relationships: {
      organization: { data: { type: 'org', id: orgId } },
      target: { data: { type: 'target', id: p.targetId } },
    },
  };
}

/**
 * An open package vulnerability of the issues list (GA shape): Snyk key,
 * `effective_severity_level`, `problems` (Snyk id, CVE from NVD, GHSA),
 * `coordinates[].remedies` (upgrade) and `representations[].dependency`.
 */
export function vulnerability(options: {
  id: string;
  key: string;
  title: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  packageName: string;
  version: string;
  orgId: string;
  projectId: string;
  cve?: string;
  ghsa?: string;
  upgradeTo?: string;
  type?: string;
  ignored?: boolean;
}): unknown {
  return {
    id: options.id,
    type: 'issue',
    attributes: {
      key: options.key,
      title: options.title,
      type: options.type ?? 'package_vulnerability',
      status: 'open',
      ignored: options.ignored ?? false,
      effective_severity_level: options.severity,
      created_at: '2025-01-10T08:00:00.000Z',
      updated_at: '2025-05-02T08:00:00.000Z',
      classes: [{ id: 'CWE-1321', source: 'CWE', type: 'weakness' }],
      problems: [
        {
          id: options.key,
          source: 'SNYK',
          type: 'vulnerability',
          url: `https://security.snyk.io/vuln/${options.key}`,
          disclosed_at: '2024-12-01T00:00:00.000Z',
          discovered_at: '2024-12-01T00:00:00.000Z',
          updated_at: '2025-01-01T00:00:00.000Z',
        },
        ...(options.cve
          ? [
              {
                id: options.cve,
                source: 'NVD',
                type: 'vulnerability',
                url: `https://nvd.nist.gov/vuln/detail/${options.cve}`,
              },
            ]
          : []),
        ...(options.ghsa
          ? [
              {
                id: options.ghsa,
                source: 'GHSA',
                type: 'vulnerability',
                url: `https://github.com/advisories/${options.ghsa}`,
              },
            ]
          : []),
      ],
      coordinates: [
        {
          is_fixable_manually: false,
          is_fixable_snyk: Boolean(options.upgradeTo),
          is_fixable_upstream: false,
          is_patchable: false,
          is_pinnable: false,
          is_upgradeable: Boolean(options.upgradeTo),
          reachability: 'not-applicable',
          remedies: options.upgradeTo
            ? [
                {
                  type: 'indeterminate',
                  description: `Upgrade the package version to ${options.upgradeTo} to fix this vulnerability`,
                  details: { upgrade_package: options.upgradeTo },
                },
              ]
            : [],
          representations: [
            {
              dependency: {
                package_name: options.packageName,
                package_version: options.version,
              },
            },
          ],
        },
      ],
      risk: { factors: [], score: { model: 'v5', value: 512 } },
    },
    relationships: {
      organization: { data: { id: options.orgId, type: 'organization' } },
      scan_item: { data: { id: options.projectId, type: 'project' } },
    },
  };
}
