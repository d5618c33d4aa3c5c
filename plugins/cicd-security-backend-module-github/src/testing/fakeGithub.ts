import { createHash } from 'crypto';
import http from 'http';
import { AddressInfo } from 'net';

/** One answer of the fake GitHub. */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SeenRequest {
  /** The path and query; `POST /api/graphql` for GraphQL queries. */
  path: string;
  /** The GraphQL query and variables, for GraphQL requests. */
  graphql?: { query: string; variables: Record<string, string> };
  status: number;
  authorization?: string;
  ifNoneMatch?: string;
}

/**
 * A GitHub Enterprise Server API on 127.0.0.1 (`/api/v3`): answers the
 * paths it was given (path and query, exactly), with an ETag on every 200
 * and 304 when the client sends it back, like GitHub. Its GraphQL API
 * (`POST /api/graphql`) answers the route `GRAPHQL owner/name` of the
 * query's variables, with only the repository fields the query names, and
 * never an ETag (GraphQL has no conditional requests).
 */
export class FakeGithub {
  readonly routes = new Map<string, FakeAnswer | (() => FakeAnswer)>();
  readonly requests: SeenRequest[] = [];
  #server?: http.Server;
  port = 0;

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get apiBaseUrl(): string {
    return `http://${this.host}/api/v3`;
  }

  async start(): Promise<void> {
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () =>
        this.#answer(req, res, Buffer.concat(chunks).toString('utf8')),
      );
    });
    await new Promise<void>(resolve =>
      this.#server!.listen(0, '127.0.0.1', resolve),
    );
    this.port = (this.#server!.address() as AddressInfo).port;
  }

  #answer(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    requestBody: string,
  ): void {
    const isGraphql = req.method === 'POST' && req.url === '/api/graphql';
    const path = isGraphql
      ? 'POST /api/graphql'
      : (req.url ?? '').replace(/^\/api\/v3/, '');
    let graphql: SeenRequest['graphql'];
    let answer: FakeAnswer;
    if (isGraphql) {
      graphql = JSON.parse(requestBody);
      const { owner, name } = graphql!.variables;
      answer = graphqlAnswer(
        this.#route(`GRAPHQL ${owner}/${name}`) ?? {
          body: {
            data: { repository: null },
            errors: [
              {
                type: 'NOT_FOUND',
                path: ['repository'],
                locations: [{ line: 2, column: 3 }],
                message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
              },
            ],
          },
        },
        graphql!.query,
      );
    } else {
      answer = this.#route(path) ?? { status: 404, body: notFound };
    }
    let status = answer.status ?? 200;
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4990',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...answer.headers,
    };
    const text =
      answer.body === undefined ? '' : JSON.stringify(answer.body, null, 2);
    if (status === 200 && !isGraphql) {
      const etag = `"${createHash('sha1').update(text).digest('hex')}"`;
      headers.etag = etag;
      if (req.headers['if-none-match'] === etag) status = 304;
    }
    this.requests.push({
      path,
      status,
      authorization: req.headers.authorization,
      ifNoneMatch: req.headers['if-none-match'] as string | undefined,
      ...(graphql ? { graphql } : {}),
    });
    res.writeHead(status, headers);
    res.end(status === 304 || status === 204 ? undefined : text);
  }

  #route(key: string): FakeAnswer | undefined {
    const route = this.routes.get(key);
    return typeof route === 'function' ? route() : route;
  }

  async stop(): Promise<void> {
    await new Promise(resolve => this.#server?.close(resolve));
  }

  /** Requests since `from`, as `status path`. */
  seen(from = 0): string[] {
    return this.requests.slice(from).map(r => `${r.status} ${r.path}`);
  }
}

/**
 * A GraphQL answer as GitHub gives it: only the fields the query names
 * (by their alias) under `data.repository`, and `errors` as they are.
 */
function graphqlAnswer(answer: FakeAnswer, query: string): FakeAnswer {
  const body = answer.body as
    | { data?: { repository?: Record<string, unknown> | null } }
    | undefined;
  const repository = body?.data?.repository;
  if (!repository) return answer;
  const asked = Object.fromEntries(
    Object.entries(repository).filter(([key]) =>
      new RegExp(`\\b${key}\\b`).test(query),
    ),
  );
  return {
    ...answer,
    body: { ...body, data: { ...body.data, repository: asked } },
  };
}

/**
 * `repository(owner, name)` of GitHub's GraphQL API for the repository of
 * `readableRepository`: the same settings, in GraphQL's words.
 */
export function graphqlRepository(): Record<string, unknown> {
  const page = <T>(items: T[], key: 'nodes' | 'edges') => ({
    totalCount: items.length,
    pageInfo: {
      hasNextPage: false,
      endCursor: items.length ? 'Y3Vyc29y' : null,
    },
    [key]: items,
  });
  // The alerts of `dependabotAlert` below, in GraphQL's words.
  const alert = (number: number, severity: string) => ({
    number,
    vulnerableManifestPath: 'path/to/requirements.txt',
    securityAdvisory: {
      ghsaId: 'GHSA-rf4j-j272-fj86',
      identifiers: [
        { type: 'GHSA', value: 'GHSA-rf4j-j272-fj86' },
        { type: 'CVE', value: 'CVE-2018-6188' },
      ],
      severity,
    },
    securityVulnerability: {
      package: { ecosystem: 'PIP', name: 'django' },
      vulnerableVersionRange: '>= 2.0.0, < 2.0.2',
      firstPatchedVersion: { identifier: '2.0.2' },
      severity,
    },
  });
  const collaborator = (login: string, permission: string) => ({
    permission,
    node: { login },
  });
  return {
    isArchived: false,
    visibility: 'PUBLIC',
    isPrivate: false,
    pushedAt: '2011-01-26T19:06:43Z',
    viewerPermission: 'ADMIN',
    defaultBranchRef: { name: 'main' },
    hasVulnerabilityAlertsEnabled: true,
    url: 'https://github.com/octo-org/hello-world',
    vulnerabilityAlerts: page(
      [alert(2, 'HIGH'), alert(1, 'MODERATE'), alert(3, 'HIGH')],
      'nodes',
    ),
    allCollaborators: page(
      [
        collaborator('octocat', 'ADMIN'),
        collaborator('monalisa', 'MAINTAIN'),
        collaborator('hubot', 'WRITE'),
      ],
      'edges',
    ),
    outsideCollaborators: page([collaborator('hubot', 'WRITE')], 'edges'),
  };
}

export const notFound = {
  message: 'Not Found',
  documentation_url: 'https://docs.github.com/rest',
  status: '404',
};

/** 403 for a missing GitHub App permission, as GitHub sends it. */
export function forbidden(permission: string): FakeAnswer {
  return {
    status: 403,
    headers: { 'x-accepted-github-permissions': permission },
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest',
      status: '403',
    },
  };
}

const owner = {
  login: 'octo-org',
  id: 6811672,
  node_id: 'MDEyOk9yZ2FuaXphdGlvbjY4MTE2NzI=',
  avatar_url: 'https://github.com/images/error/octocat_happy.gif',
  url: 'https://api.github.com/users/octo-org',
  html_url: 'https://github.com/octo-org',
  type: 'Organization',
  site_admin: false,
};

const user = (login: string, id: number, admin: boolean) => ({
  login,
  id,
  node_id: 'MDQ6VXNlcjE=',
  avatar_url: 'https://github.com/images/error/octocat_happy.gif',
  gravatar_id: '',
  url: `https://api.github.com/users/${login}`,
  html_url: `https://github.com/${login}`,
  type: 'User',
  site_admin: false,
  permissions: {
    pull: true,
    triage: true,
    push: true,
    maintain: admin,
    admin,
  },
  role_name: admin ? 'admin' : 'write',
});

/** `GET /repos/{owner}/{repo}` (GitHub's example, trimmed of URLs). */
export function repositoryBody(name: string, admin = true) {
  return {
    id: 1296269,
    node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
    name,
    full_name: `octo-org/${name}`,
    owner,
    private: false,
    html_url: `https://github.com/octo-org/${name}`,
    description: 'This your first repo!',
    fork: false,
    url: `https://api.github.com/repos/octo-org/${name}`,
    homepage: 'https://github.com',
    language: null,
    forks_count: 9,
    stargazers_count: 80,
    watchers_count: 80,
    size: 108,
    default_branch: 'main',
    open_issues_count: 0,
    is_template: false,
    topics: ['octocat', 'atom', 'electron', 'api'],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'public',
    pushed_at: '2011-01-26T19:06:43Z',
    created_at: '2011-01-26T19:01:12Z',
    updated_at: '2011-01-26T19:14:43Z',
    permissions: { admin, push: admin, pull: true },
    allow_rebase_merge: true,
    allow_squash_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: true,
    allow_merge_commit: true,
    subscribers_count: 42,
    network_count: 0,
    license: {
      key: 'mit',
      name: 'MIT License',
      spdx_id: 'MIT',
      url: 'https://api.github.com/licenses/mit',
      node_id: 'MDc6TGljZW5zZW1pdA==',
    },
    forks: 1,
    open_issues: 1,
    watchers: 1,
    ...(admin
      ? {
          security_and_analysis: {
            advanced_security: { status: 'enabled' },
            secret_scanning: { status: 'enabled' },
            secret_scanning_push_protection: { status: 'disabled' },
            secret_scanning_non_provider_patterns: { status: 'disabled' },
          },
        }
      : {}),
  };
}

/** Every endpoint of a repository whose settings the credentials can read. */
export function readableRepository(
  name: string,
  apiBaseUrl: string,
): Map<string, FakeAnswer> {
  const r = `/repos/octo-org/${name}`;
  return new Map<string, FakeAnswer>([
    [
      `GRAPHQL octo-org/${name}`,
      { body: { data: { repository: graphqlRepository() } } },
    ],
    [r, { body: repositoryBody(name) }],
    [`${r}/vulnerability-alerts`, { status: 204 }],
    [
      `${r}/automated-security-fixes`,
      { body: { enabled: true, paused: false } },
    ],
    [
      `${r}/rules/branches/main?per_page=100`,
      {
        body: [
          {
            type: 'pull_request',
            ruleset_source_type: 'Repository',
            ruleset_source: `octo-org/${name}`,
            ruleset_id: 42,
            parameters: {
              dismiss_stale_reviews_on_push: true,
              require_code_owner_review: false,
              require_last_push_approval: false,
              required_approving_review_count: 1,
              required_review_thread_resolution: false,
            },
          },
          {
            type: 'non_fast_forward',
            ruleset_source_type: 'Repository',
            ruleset_source: `octo-org/${name}`,
            ruleset_id: 42,
          },
          {
            type: 'required_status_checks',
            ruleset_source_type: 'Organization',
            ruleset_source: 'octo-org',
            ruleset_id: 7,
            parameters: {
              strict_required_status_checks_policy: false,
              required_status_checks: [
                { context: 'build', integration_id: 15368 },
              ],
            },
          },
        ],
      },
    ],
    [
      `${r}/rulesets/42`,
      {
        body: {
          id: 42,
          name: 'super cool ruleset',
          target: 'branch',
          source_type: 'Repository',
          source: `octo-org/${name}`,
          enforcement: 'active',
          bypass_actors: [
            { actor_id: 234, actor_type: 'Team', bypass_mode: 'always' },
          ],
          conditions: {
            ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] },
          },
          rules: [{ type: 'non_fast_forward' }],
          node_id: 'RRS_lACkVXNlcgQB',
          created_at: '2023-07-15T08:43:03Z',
          updated_at: '2023-08-23T16:29:47Z',
        },
      },
    ],
    // An organisation ruleset the repository's credentials may not read.
    [`${r}/rulesets/7`, { status: 404, body: notFound }],
    [
      `${r}/branches/main/protection`,
      {
        body: {
          url: `https://api.github.com/repos/octo-org/${name}/branches/main/protection`,
          required_status_checks: {
            url: `https://api.github.com/repos/octo-org/${name}/branches/main/protection/required_status_checks`,
            contexts: ['continuous-integration/travis-ci'],
            contexts_url: `https://api.github.com/repos/octo-org/${name}/branches/main/protection/required_status_checks/contexts`,
            enforcement_level: 'non_admins',
            strict: true,
          },
          enforce_admins: {
            url: `https://api.github.com/repos/octo-org/${name}/branches/main/protection/enforce_admins`,
            enabled: true,
          },
          required_pull_request_reviews: {
            url: `https://api.github.com/repos/octo-org/${name}/branches/main/protection/required_pull_request_reviews`,
            dismiss_stale_reviews: false,
            require_code_owner_reviews: true,
            required_approving_review_count: 2,
            require_last_push_approval: true,
          },
          required_linear_history: { enabled: true },
          allow_force_pushes: { enabled: true },
          allow_deletions: { enabled: false },
          required_conversation_resolution: { enabled: true },
          required_signatures: {
            url: `https://api.github.com/repos/octo-org/${name}/branches/main/protection/required_signatures`,
            enabled: false,
          },
        },
      },
    ],
    [
      `${r}/actions/permissions`,
      {
        body: {
          enabled: true,
          allowed_actions: 'selected',
          selected_actions_url: `https://api.github.com/repositories/42/actions/permissions/selected-actions`,
          sha_pinning_required: true,
        },
      },
    ],
    [
      `${r}/actions/permissions/workflow`,
      {
        body: {
          default_workflow_permissions: 'read',
          can_approve_pull_request_reviews: true,
        },
      },
    ],
    [
      `${r}/hooks?per_page=100`,
      {
        body: [
          {
            type: 'Repository',
            id: 12345678,
            name: 'web',
            active: true,
            events: ['push', 'pull_request'],
            config: {
              content_type: 'json',
              insecure_ssl: '0',
              url: 'https://example.com/webhook',
            },
            updated_at: '2019-06-03T00:57:16Z',
            created_at: '2019-06-03T00:57:16Z',
            url: `https://api.github.com/repos/octo-org/${name}/hooks/12345678`,
            test_url: `https://api.github.com/repos/octo-org/${name}/hooks/12345678/test`,
            ping_url: `https://api.github.com/repos/octo-org/${name}/hooks/12345678/pings`,
            deliveries_url: `https://api.github.com/repos/octo-org/${name}/hooks/12345678/deliveries`,
            last_response: { code: null, status: 'unused', message: null },
          },
          {
            type: 'Repository',
            id: 12345679,
            name: 'web',
            active: false,
            events: ['push'],
            config: {
              content_type: 'form',
              insecure_ssl: '1',
              secret: '********',
              url: 'https://deploy:hunter2@ci.example.com/hook?token=s3cr3t#x',
            },
            updated_at: '2019-06-03T00:57:16Z',
            created_at: '2019-06-03T00:57:16Z',
            url: `https://api.github.com/repos/octo-org/${name}/hooks/12345679`,
            last_response: { code: 200, status: 'active', message: 'OK' },
          },
        ],
      },
    ],
    [
      `${r}/keys?per_page=100`,
      {
        body: [
          {
            id: 1,
            key: 'ssh-rsa AAAB3NzaC1yc2EAAA',
            url: `https://api.github.com/repos/octo-org/${name}/keys/1`,
            title: 'octocat@octomac',
            verified: true,
            created_at: '2014-12-10T15:53:42Z',
            read_only: true,
            added_by: 'octocat',
            last_used: '2022-01-10T15:53:42Z',
            enabled: true,
          },
        ],
      },
    ],
    [`${r}/private-vulnerability-reporting`, { body: { enabled: true } }],
    [
      `${r}/collaborators?permission=admin&per_page=100`,
      { body: [user('octocat', 1, true)] },
    ],
    [
      `${r}/collaborators?affiliation=outside&per_page=100`,
      { body: [user('hubot', 2, false)] },
    ],
    [
      `${r}/environments?per_page=100`,
      {
        body: {
          total_count: 1,
          environments: [
            {
              id: 161088068,
              node_id: 'MDExOkVudmlyb25tZW50MTYxMDg4MDY4',
              name: 'staging',
              url: `https://api.github.com/repos/octo-org/${name}/environments/staging`,
              html_url: `https://github.com/octo-org/${name}/deployments/activity_log?environments_filter=staging`,
              created_at: '2020-11-23T22:00:40Z',
              updated_at: '2020-11-23T22:00:40Z',
              protection_rules: [
                {
                  id: 3736,
                  node_id: 'MDQ6R2F0ZTM3MzY=',
                  type: 'wait_timer',
                  wait_timer: 30,
                },
                {
                  id: 3755,
                  node_id: 'MDQ6R2F0ZTM3NTU=',
                  prevent_self_review: false,
                  type: 'required_reviewers',
                  reviewers: [
                    { type: 'User', reviewer: user('octocat', 1, true) },
                  ],
                },
                {
                  id: 3756,
                  node_id: 'MDQ6R2F0ZTM3NTY=',
                  type: 'branch_policy',
                },
              ],
              deployment_branch_policy: {
                protected_branches: false,
                custom_branch_policies: true,
              },
            },
          ],
        },
      },
    ],
    [
      `${r}/dependabot/alerts?state=open&per_page=100`,
      {
        body: [dependabotAlert(2, 'high'), dependabotAlert(1, 'medium')],
        headers: {
          link: `<${apiBaseUrl}${r}/dependabot/alerts?state=open&per_page=100&after=Y3Vyc29yOnYyOpK>; rel="next"`,
        },
      },
    ],
    [
      `${r}/dependabot/alerts?state=open&per_page=100&after=Y3Vyc29yOnYyOpK`,
      { body: [dependabotAlert(3, 'high')] },
    ],
    [
      `${r}/code-scanning/alerts?state=open&per_page=100`,
      {
        body: [
          {
            number: 4,
            created_at: '2020-02-13T12:29:18Z',
            url: `https://api.github.com/repos/octo-org/${name}/code-scanning/alerts/4`,
            html_url: `https://github.com/octo-org/${name}/code-scanning/4`,
            state: 'open',
            dismissed_by: null,
            dismissed_at: null,
            dismissed_reason: null,
            rule: {
              id: 'js/zipslip',
              severity: 'error',
              tags: ['security', 'external/cwe/cwe-022'],
              description: 'Arbitrary file write during zip extraction',
              name: 'js/zipslip',
              security_severity_level: 'high',
            },
            tool: { name: 'CodeQL', guid: null, version: '2.4.0' },
            most_recent_instance: {
              ref: 'refs/heads/main',
              state: 'open',
              location: {
                path: 'spec-main/api-session-spec.ts',
                start_line: 917,
              },
            },
          },
        ],
      },
    ],
    [
      `${r}/secret-scanning/alerts?state=open&per_page=100`,
      {
        body: [
          {
            number: 2,
            created_at: '2020-11-06T18:48:51Z',
            url: `https://api.github.com/repos/octo-org/${name}/secret-scanning/alerts/2`,
            html_url: `https://github.com/octo-org/${name}/security/secret-scanning/2`,
            state: 'open',
            resolution: null,
            secret_type: 'adafruit_io_key',
            secret_type_display_name: 'Adafruit IO Key',
            secret: 'aio_XXXXXXXXXXXXXXXXXXXXXXXXXXXX',
            push_protection_bypassed: false,
            validity: 'active',
          },
        ],
      },
    ],
    [
      `${r}/actions/secrets?per_page=100`,
      {
        body: {
          total_count: 2,
          secrets: [
            {
              name: 'GH_TOKEN',
              created_at: '2019-08-10T14:59:22Z',
              updated_at: '2020-01-10T14:59:22Z',
            },
            {
              name: 'GIST_ID',
              created_at: '2020-01-10T10:59:22Z',
              updated_at: '2020-01-11T11:59:22Z',
            },
          ],
        },
      },
    ],
  ]);
}

/** An open alert of `GET /repos/{o}/{r}/dependabot/alerts`, in GitHub's documented shape. */
export function dependabotAlert(number: number, severity: string) {
  return {
    number,
    state: 'open',
    dependency: {
      package: { ecosystem: 'pip', name: 'django' },
      manifest_path: 'path/to/requirements.txt',
      scope: 'runtime',
    },
    security_advisory: {
      ghsa_id: 'GHSA-rf4j-j272-fj86',
      cve_id: 'CVE-2018-6188',
      summary:
        'Django allows remote attackers to obtain potentially sensitive information',
      severity,
      identifiers: [
        { value: 'GHSA-rf4j-j272-fj86', type: 'GHSA' },
        { value: 'CVE-2018-6188', type: 'CVE' },
      ],
    },
    security_vulnerability: {
      package: { ecosystem: 'pip', name: 'django' },
      severity,
      vulnerable_version_range: '>= 2.0.0, < 2.0.2',
      first_patched_version: { identifier: '2.0.2' },
    },
    url: `https://api.github.com/repos/octo-org/hello-world/dependabot/alerts/${number}`,
    html_url: `https://github.com/octo-org/hello-world/security/dependabot/${number}`,
    created_at: '2022-06-15T07:43:03Z',
    updated_at: '2022-06-15T07:43:03Z',
    dismissed_at: null,
    dismissed_by: null,
    dismissed_reason: null,
    dismissed_comment: null,
    fixed_at: null,
  };
}
