import { createHash } from 'crypto';
import http from 'http';
import { AddressInfo } from 'net';

/** One answer of the fake GitLab. */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
  /** A body sent as it is (not JSON), e.g. Rack::Attack's "Retry later". */
  text?: string;
  headers?: Record<string, string>;
  /**
   * A 200 without an ETag (GitLab sends one on every 200 of these
   * endpoints; a proxy in between may drop it).
   */
  noEtag?: boolean;
}

export interface SeenRequest {
  /** The path under the API base URL, with its query. */
  path: string;
  status: number;
  authorization?: string;
  ifNoneMatch?: string;
}

/**
 * A GitLab REST API (`/api/v4`, under `prefix` for a GitLab on a relative
 * URL) on 127.0.0.1: answers the paths it was given (path and query,
 * exactly), with a weak ETag on every 200 and 304 when the client sends it
 * back, and GitLab's RateLimit headers, like GitLab.com.
 */
export class FakeGitlab {
  readonly routes = new Map<string, FakeAnswer | (() => FakeAnswer)>();
  readonly requests: SeenRequest[] = [];
  #server?: http.Server;
  port = 0;

  constructor(readonly prefix = '') {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get baseUrl(): string {
    return `http://${this.host}${this.prefix}`;
  }

  get apiBaseUrl(): string {
    return `${this.baseUrl}/api/v4`;
  }

  async start(): Promise<void> {
    this.#server = http.createServer((req, res) => this.#answer(req, res));
    await new Promise<void>(resolve =>
      this.#server!.listen(0, '127.0.0.1', resolve),
    );
    this.port = (this.#server!.address() as AddressInfo).port;
  }

  /** Serve a project's routes (from `readableProject` or others). */
  serve(routes: Map<string, FakeAnswer>): void {
    for (const [path, answer] of routes) this.routes.set(path, answer);
  }

  #answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const api = `${this.prefix}/api/v4`;
    const url = req.url ?? '';
    const path = url.startsWith(api) ? url.slice(api.length) : url;
    const route = this.routes.get(path);
    const answer = (typeof route === 'function' ? route() : route) ?? {
      status: 404,
      body: { message: '404 Not found' },
    };
    let status = answer.status ?? 200;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'ratelimit-limit': '2000',
      'ratelimit-observed': '3',
      'ratelimit-remaining': '1997',
      'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
      ...answer.headers,
    };
    const text =
      answer.text ??
      (answer.body === undefined ? '' : JSON.stringify(answer.body));
    if (status === 200 && !answer.noEtag) {
      const etag = `W/"${createHash('md5').update(text).digest('hex')}"`;
      headers.etag = etag;
      if (req.headers['if-none-match'] === etag) status = 304;
    }
    this.requests.push({
      path,
      status,
      authorization: req.headers.authorization,
      ifNoneMatch: req.headers['if-none-match'] as string | undefined,
    });
    res.writeHead(status, headers);
    res.end(status === 304 || status === 204 ? undefined : text);
  }

  async stop(): Promise<void> {
    await new Promise(resolve => this.#server?.close(resolve));
  }

  /** Requests since `from`, as `status path`. */
  seen(from = 0): string[] {
    return this.requests.slice(from).map(r => `${r.status} ${r.path}`);
  }
}

/** GitLab's answers to a token without the needed scope, role or tier. */
export const refusals = {
  unauthorized: { status: 401, body: { message: '401 Unauthorized' } },
  insufficientScope: {
    status: 403,
    body: {
      error: 'insufficient_scope',
      error_description:
        'The request requires higher privileges than provided by the access token.',
      scope: 'api read_api',
    },
  },
  forbidden: { status: 403, body: { message: '403 Forbidden' } },
  notFound: { status: 404, body: { message: '404 Not found' } },
} satisfies Record<string, FakeAnswer>;

/** `GET /projects/:id` (GitLab's documented example, trimmed of URLs and links). */
export function projectBody(path: string, over: Record<string, unknown> = {}) {
  const name = path.split('/').pop()!;
  return {
    id: 3,
    description: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.',
    description_html:
      '<p data-sourcepos="1:1-1:56" dir="auto">Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>',
    default_branch: 'main',
    visibility: 'private',
    ssh_url_to_repo: `git@example.com:${path}.git`,
    http_url_to_repo: `http://example.com/${path}.git`,
    web_url: `http://example.com/${path}`,
    tag_list: ['example', 'disapora project'],
    topics: ['example', 'disapora project'],
    name,
    name_with_namespace: path.split('/').join(' / '),
    path: name,
    path_with_namespace: path,
    issues_enabled: true,
    open_issues_count: 1,
    merge_requests_enabled: true,
    jobs_enabled: true,
    wiki_enabled: true,
    snippets_enabled: false,
    can_create_merge_request_in: true,
    resolve_outdated_diff_discussions: false,
    container_registry_access_level: 'disabled',
    security_and_compliance_access_level: 'disabled',
    created_at: '2013-09-30T13:46:02Z',
    updated_at: '2013-09-30T13:46:02Z',
    last_activity_at: '2013-09-30T13:46:02Z',
    creator_id: 3,
    namespace: {
      id: 3,
      name: 'Diaspora',
      path: 'diaspora',
      kind: 'group',
      full_path: path.split('/').slice(0, -1).join('/'),
    },
    import_status: 'none',
    archived: false,
    shared_runners_enabled: true,
    group_runners_enabled: true,
    forks_count: 0,
    star_count: 0,
    // cicd-security: ignore[hardcoded-secrets] GitLab's documented example value; the provider must drop it
    runners_token: 'b8bc4a7a29eb76ea83cf79e4908c2b',
    ci_default_git_depth: 50,
    ci_forward_deployment_enabled: true,
    ci_job_token_scope_enabled: false,
    ci_separated_caches: true,
    ci_allow_fork_pipelines_to_run_in_parent_project: true,
    public_jobs: true,
    shared_with_groups: [],
    only_allow_merge_if_pipeline_succeeds: true,
    allow_merge_on_skipped_pipeline: false,
    restrict_user_defined_variables: false,
    only_allow_merge_if_all_discussions_are_resolved: false,
    remove_source_branch_after_merge: false,
    request_access_enabled: false,
    merge_method: 'ff',
    squash_option: 'default_on',
    autoclose_referenced_issues: true,
    enforce_auth_checks_on_uploads: true,
    suggestion_commit_message: null,
    merge_commit_template: null,
    container_registry_image_prefix: `registry.example.com/${path}`,
    ...over,
  };
}

const maintainers = (id: number) => ({
  id,
  access_level: 40,
  access_level_description: 'Maintainers',
  user_id: null,
  group_id: null,
});

const member = (
  id: number,
  username: string,
  access_level: number,
  over: Record<string, unknown> = {},
) => ({
  id,
  username,
  name: username,
  state: 'active',
  avatar_url:
    'https://www.gravatar.com/avatar/c2525a7f58ae3776070e44c106c48e15?s=80&d=identicon',
  web_url: `http://192.168.1.8:3000/${username}`,
  expires_at: null,
  access_level,
  group_saml_identity: null,
  created_at: '2012-09-22T14:13:35Z',
  created_by: { id: 1, username: 'root', name: 'Administrator' },
  ...over,
});

const vulnerability = (id: number, state: string, severity: string) => ({
  id,
  title: 'Predictable pseudorandom number generator',
  description: null,
  state,
  severity,
  confidence: 'medium',
  report_type: 'sast',
  project: {
    id: 32,
    name: 'security-reports',
    full_path: '/gitlab-examples/security/security-reports',
    full_name: 'gitlab-examples / security / security-reports',
  },
  author_id: 1,
  created_at: '2019-10-13T15:08:40.219Z',
  updated_at: '2019-10-13T15:09:40.382Z',
});

/**
 * Every endpoint of a GitLab Ultimate project whose settings a Maintainer's
 * token with `read_api` can read, with GitLab's documented example
 * payloads. Members and vulnerabilities come in two pages each (one with
 * `Link`, one with `x-next-page` only).
 */
export function readableProject(
  path: string,
  apiBaseUrl: string,
): Map<string, FakeAnswer> {
  const p = `/projects/${encodeURIComponent(path)}`;
  return new Map<string, FakeAnswer>([
    [p, { body: projectBody(path) }],
    [
      `${p}/protected_branches?per_page=100`,
      {
        body: [
          {
            id: 100,
            name: 'main',
            push_access_levels: [
              {
                id: 1001,
                access_level: 0,
                access_level_description: 'No one',
                user_id: null,
                group_id: null,
              },
              {
                id: 1002,
                access_level: 40,
                access_level_description: 'Deploy key',
                deploy_key_id: 1,
                user_id: null,
                group_id: null,
              },
            ],
            merge_access_levels: [maintainers(2001)],
            allow_force_push: false,
            code_owner_approval_required: true,
          },
          {
            id: 101,
            name: 'release/*',
            push_access_levels: [maintainers(1003)],
            merge_access_levels: [maintainers(2002)],
            allow_force_push: true,
            code_owner_approval_required: false,
          },
          {
            id: 102,
            name: 'ma*',
            push_access_levels: [
              {
                id: 1004,
                access_level: null,
                access_level_description: 'Example Push Group',
                user_id: null,
                group_id: 1234,
              },
            ],
            merge_access_levels: [maintainers(2003)],
            allow_force_push: false,
            code_owner_approval_required: false,
            inherited: true,
          },
        ],
      },
    ],
    [
      `${p}/approvals`,
      {
        body: {
          approvers: [],
          approver_groups: [],
          approvals_before_merge: 2,
          reset_approvals_on_push: true,
          selective_code_owner_removals: false,
          disable_overriding_approvers_per_merge_request: false,
          merge_requests_author_approval: true,
          merge_requests_disable_committers_approval: false,
          require_password_to_approve: true,
          require_reauthentication_to_approve: true,
        },
      },
    ],
    [
      `${p}/approval_rules?per_page=100`,
      {
        body: [
          approvalRule(1, 'security', 'regular', 2, ['main']),
          approvalRule(2, 'Coverage-Check', 'report_approver', 3, ['main']),
          approvalRule(3, 'release managers', 'regular', 4, ['release/*']),
          approvalRule(4, 'All Members', 'any_approver', 1, []),
        ],
      },
    ],
    [
      `${p}/push_rule`,
      {
        body: {
          id: 1,
          project_id: 3,
          commit_message_regex: 'Fixes \\d+\\..*',
          commit_message_negative_regex: 'ssh\\:\\/\\/',
          branch_name_regex: '',
          deny_delete_tag: false,
          created_at: '2012-10-12T17:04:47Z',
          member_check: false,
          prevent_secrets: false,
          author_email_regex: '',
          file_name_regex: '',
          max_file_size: 5,
          commit_committer_check: false,
          commit_committer_name_check: false,
          reject_unsigned_commits: true,
          reject_non_dco_commits: false,
        },
      },
    ],
    [
      `${p}/hooks?per_page=100`,
      {
        body: [
          hook(1, 'http://example.com/hook', true, 'executable'),
          hook(
            2,
            'https://deploy:hunter2@ci.example.com/hook?token=s3cr3t#x',
            false,
            'disabled',
          ),
        ],
      },
    ],
    [
      `${p}/protected_environments?per_page=100`,
      {
        body: [
          {
            name: 'production',
            deploy_access_levels: [
              {
                id: 12,
                access_level: 40,
                access_level_description: 'Maintainers',
                user_id: null,
                group_id: null,
                group_inheritance_type: 0,
              },
              {
                id: 13,
                access_level: null,
                access_level_description: 'qa-group',
                user_id: null,
                group_id: 9,
                group_inheritance_type: 0,
              },
            ],
            required_approval_count: 0,
            approval_rules: [
              {
                id: 38,
                user_id: 42,
                group_id: null,
                access_level: null,
                access_level_description: 'qa-group',
                required_approvals: 1,
                group_inheritance_type: 0,
              },
              {
                id: 39,
                user_id: null,
                group_id: 135,
                access_level: 30,
                access_level_description: 'security-group',
                required_approvals: 2,
                group_inheritance_type: 1,
              },
            ],
          },
        ],
      },
    ],
    [
      `${p}/variables?per_page=100`,
      {
        body: [
          {
            variable_type: 'env_var',
            key: 'TEST_VARIABLE_1',
            value: 'TEST_1',
            protected: false,
            masked: true,
            hidden: false,
            raw: false,
            environment_scope: '*',
            description: null,
          },
          {
            variable_type: 'file',
            key: 'DEPLOY_KEY',
            value: '-----BEGIN OPENSSH PRIVATE KEY-----never-kept',
            protected: true,
            masked: false,
            hidden: true,
            raw: true,
            environment_scope: 'production',
            description: 'ssh key',
          },
        ],
      },
    ],
    [
      `${p}/job_token_scope`,
      { body: { inbound_enabled: true, outbound_enabled: false } },
    ],
    [
      `${p}/members/all?per_page=100`,
      {
        body: [
          member(1, 'raymond_smith', 50),
          member(2, 'john_doe', 40),
          member(3, 'project_3_bot_4a8b9c', 40, { bot: true }),
          member(4, 'group_7_bot_1f2e3d', 50),
          member(5, 'dev_dana', 30),
        ],
        headers: {
          link: `<${apiBaseUrl}${p}/members/all?id=${encodeURIComponent(
            path,
          )}&page=2&per_page=100>; rel="next", <${apiBaseUrl}${p}/members/all?id=${encodeURIComponent(
            path,
          )}&page=1&per_page=100>; rel="first"`,
          'x-next-page': '2',
          'x-page': '1',
          'x-per-page': '100',
          'x-total': '7',
          'x-total-pages': '2',
        },
      },
    ],
    [
      `${p}/members/all?id=${encodeURIComponent(path)}&page=2&per_page=100`,
      {
        body: [
          // Also a member through the group, with a lower role.
          member(2, 'john_doe', 30),
          member(6, 'blocked_bo', 50, { state: 'blocked' }),
        ],
        headers: { 'x-next-page': '', 'x-page': '2', 'x-total-pages': '2' },
      },
    ],
    [
      `${p}/vulnerabilities?per_page=100`,
      {
        body: [
          vulnerability(1, 'detected', 'high'),
          vulnerability(2, 'confirmed', 'critical'),
          vulnerability(3, 'resolved', 'high'),
        ],
        // No Link header: the next page from x-next-page alone.
        headers: { 'x-next-page': '2', 'x-page': '1', 'x-per-page': '100' },
      },
    ],
    [
      `${p}/vulnerabilities?per_page=100&page=2`,
      {
        body: [
          vulnerability(4, 'dismissed', 'low'),
          vulnerability(5, 'detected', 'high'),
        ],
        headers: { 'x-next-page': '', 'x-page': '2' },
      },
    ],
  ]);
}

function approvalRule(
  id: number,
  name: string,
  rule_type: string,
  approvals_required: number,
  branches: string[],
) {
  return {
    id,
    name,
    rule_type,
    report_type: rule_type === 'report_approver' ? 'code_coverage' : null,
    eligible_approvers: [
      {
        id: 5,
        name: 'John Doe',
        username: 'jdoe',
        state: 'active',
        avatar_url: 'https://www.gravatar.com/avatar/0?s=80&d=identicon',
        web_url: 'http://localhost/jdoe',
      },
    ],
    approvals_required,
    users: [],
    groups: [],
    applies_to_all_protected_branches: false,
    protected_branches: branches.map((branch, i) => ({
      id: i + 1,
      name: branch,
      push_access_levels: [
        {
          access_level: 30,
          access_level_description: 'Developers + Maintainers',
        },
      ],
      merge_access_levels: [
        {
          access_level: 30,
          access_level_description: 'Developers + Maintainers',
        },
      ],
      unprotect_access_levels: [
        { access_level: 40, access_level_description: 'Maintainers' },
      ],
      code_owner_approval_required: 'false',
    })),
    contains_hidden_groups: false,
  };
}

function hook(
  id: number,
  url: string,
  enable_ssl_verification: boolean,
  alert_status: string,
) {
  return {
    id,
    url,
    name: 'Hook name',
    description: 'Hook description',
    project_id: 3,
    push_events: true,
    push_events_branch_filter: '',
    issues_events: true,
    confidential_issues_events: true,
    merge_requests_events: true,
    tag_push_events: true,
    note_events: true,
    confidential_note_events: true,
    job_events: true,
    pipeline_events: true,
    wiki_page_events: true,
    deployment_events: true,
    releases_events: true,
    feature_flag_events: true,
    enable_ssl_verification,
    repository_update_events: false,
    alert_status,
    disabled_until: null,
    url_variables: [],
    created_at: '2012-10-12T17:04:47Z',
    resource_access_token_events: true,
    custom_webhook_template: '{"event":"{{object_kind}}"}',
    custom_headers: [{ key: 'Authorization' }],
  };
}
