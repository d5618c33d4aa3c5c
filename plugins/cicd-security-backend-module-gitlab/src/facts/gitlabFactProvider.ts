import { LoggerService } from '@backstage/backend-plugin-api';
import {
  getGitLabRequestOptions,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import {
  CicdSecurityFacts,
  Fact,
  FactName,
  FactProvider,
  factUnavailable,
  factValue,
  readWithinMaxAge,
} from '@cicd-security/plugin-cicd-security-node';
import { createHash } from 'crypto';
import {
  AccessLevel,
  ApprovalRule,
  ApprovalSettings,
  mapBranchRules,
  ProtectedBranch,
} from './branchRules';
import {
  EtagCache,
  GitlabAnswer,
  GitlabClient,
  RateLimitedError,
  RateLimitGate,
  RequestCounter,
  UnsafeAnswerError,
} from './GitlabClient';
import { gitlabProjectOf } from './project';

/** The facts this provider supplies. */
export const GITLAB_FACTS = [
  'gitlab.project',
  'gitlab.defaultBranchRules',
  'gitlab.webhooks',
  'gitlab.protectedEnvironments',
  'gitlab.variables',
  'gitlab.jobTokenScope',
  'gitlab.members',
  'gitlab.vulnerabilities',
] as const satisfies readonly FactName[];

type GitlabFactName = (typeof GITLAB_FACTS)[number];

export interface GitlabFactProviderOptions {
  integrations: ScmIntegrationRegistry;
  logger: LoggerService;
  /** Pages of 100 read per list (members, vulnerabilities, variables…). Default 10. */
  maxPages?: number;
  /** Answers kept for conditional requests. Default 5000. */
  cacheEntries?: number;
  /** Longest rate-limit pause a fetch waits for before giving up. Default 10 s. */
  maxRateLimitWaitMs?: number;
  /** Largest answer read, in bytes. Default 5 MiB. */
  maxResponseBytes?: number;
  /**
   * How long answers without ETag that say a feature is off or a resource
   * is absent (the 404s of Premium and Ultimate endpoints on a lower tier,
   * an empty push rule) are given again from memory, since no conditional
   * request can confirm them. Default 6 hours; 0 asks again at every scan.
   */
  rememberWithoutEtagMs?: number;
  /**
   * How long answers about settings that change rarely (webhooks,
   * protected environments, CI/CD variables, the job token scope, members)
   * are given from memory before they are asked again (conditionally). The
   * project, the default branch's rules and the vulnerabilities are asked
   * at every scan. Default 6 hours; 0 asks everything at every scan.
   */
  settingsMaxAgeMs?: number;
  /** Requests at a time for one project. Default 4. */
  concurrency?: number;
  /** The time facts are read at (`gitlab.project.asOf`). Default: the system clock. */
  now?: () => Date;
}

/** What the credentials need, in the words unavailable facts use. */
export const PERMISSIONS = {
  read: 'a token with the read_api scope',
  maintainer: 'the Maintainer role and a token with the read_api scope',
  developer: 'the Developer role and a token with the read_api scope',
  premium: 'GitLab Premium',
  ultimate: 'GitLab Ultimate',
} as const;

/** Why a fact could not be read. */
class Unavailable extends Error {
  constructor(message: string, readonly permission?: string) {
    super(message);
  }
}

interface ProjectInfo {
  archived: boolean;
  visibility: string;
  last_activity_at: string | null;
  default_branch: string | null;
  only_allow_merge_if_pipeline_succeeds?: boolean;
  only_allow_merge_if_all_discussions_are_resolved?: boolean;
  merge_method?: string;
}

interface Context {
  client: GitlabClient;
  /** For settings facts: answers confirmed within this long come from memory. */
  settingsMaxAgeMs: number;
  /** `/projects/<URL-encoded full path>`. */
  base: string;
  path: string;
  maxPages: number;
  logger: LoggerService;
  now(): Date;
  project(): Promise<ProjectInfo>;
}

/**
 * Reads a GitLab project's settings as facts: only the facts asked for,
 * with conditional requests against an ETag cache shared by every scan,
 * within GitLab's rate limits, and naming the role, scope or tier that is
 * missing when GitLab refuses.
 */
export function createGitlabFactProvider(
  options: GitlabFactProviderOptions,
): FactProvider {
  const { integrations, logger } = options;
  const cache = new EtagCache(options.cacheEntries ?? 5000);
  const gate = new RateLimitGate(logger, 'GitLab');
  const maxPages = options.maxPages ?? 10;
  const maxWaitMs = options.maxRateLimitWaitMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? 5 * 1024 * 1024;
  const rememberMs = options.rememberWithoutEtagMs ?? 6 * 60 * 60 * 1000;
  const settingsMaxAgeMs = options.settingsMaxAgeMs ?? 6 * 60 * 60 * 1000;
  const concurrency = options.concurrency ?? 4;
  const now = options.now ?? (() => new Date());

  return {
    id: 'gitlab',
    facts: GITLAB_FACTS,
    appliesTo: subject => gitlabProjectOf(subject, integrations) !== undefined,
    async fetch(subject, { facts, signal }) {
      const asked = GITLAB_FACTS.filter(f => facts.includes(f));
      const target = gitlabProjectOf(subject, integrations);
      if (!target || asked.length === 0) return {};
      const { host, path, integration } = target;
      const token = integration.config.token;
      // No network call at all without credentials.
      if (!token) {
        const none = factUnavailable(
          `no GitLab credentials are configured for ${host}`,
          {
            permission: `a token with the read_api scope for ${host} (integrations.gitlab)`,
          },
        );
        return Object.fromEntries(asked.map(name => [name, none]));
      }

      const counter: RequestCounter = {
        requests: 0,
        notModified: 0,
        remembered: 0,
      };
      const client = new GitlabClient({
        apiBaseUrl: integration.config.apiBaseUrl,
        headers: getGitLabRequestOptions(integration.config).headers,
        identity: `${host} token:${createHash('sha256')
          .update(token)
          .digest('hex')
          .slice(0, 16)}`,
        cache,
        gate,
        counter,
        signal,
        maxWaitMs,
        maxResponseBytes,
        rememberMs,
      });
      let projectInfo: Promise<ProjectInfo> | undefined;
      const base = `/projects/${encodeURIComponent(path)}`;
      const ctx: Context = {
        client,
        settingsMaxAgeMs,
        base,
        path,
        maxPages,
        logger,
        now,
        project: () => (projectInfo ??= readProject(client, base, path)),
      };

      const result: Partial<Record<FactName, Fact>> = {};
      const queue = [...asked];
      const worker = async () => {
        for (let name = queue.shift(); name; name = queue.shift()) {
          result[name] = await readFact(name, ctx);
        }
      };
      await Promise.all(
        Array.from({ length: Math.min(concurrency, queue.length) }, worker),
      );
      logger.debug(
        `GitLab facts of ${host}/${path}: ${counter.requests} requests, ${
          counter.notModified
        } answered 304 Not Modified${
          counter.remembered
            ? `; ${counter.remembered} answers given from memory`
            : ''
        }`,
        {
          project: `${host}/${path}`,
          requests: counter.requests,
          notModified: counter.notModified,
          remembered: counter.remembered,
        },
      );
      return result;
    },
  };
}

/**
 * Settings that change rarely: read at most every `settingsMaxAgeMs`. The
 * project, its default branch's rules and the vulnerabilities are read at
 * every scan.
 */
const SETTINGS_FACTS: ReadonlySet<GitlabFactName> = new Set<GitlabFactName>([
  'gitlab.webhooks',
  'gitlab.protectedEnvironments',
  'gitlab.variables',
  'gitlab.jobTokenScope',
  'gitlab.members',
]);

async function readFact(name: GitlabFactName, ctx: Context): Promise<Fact> {
  try {
    if (SETTINGS_FACTS.has(name)) {
      return await readWithinMaxAge(ctx.client, ctx.settingsMaxAgeMs, client =>
        READERS[name]({ ...ctx, client }),
      );
    }
    return factValue(await READERS[name](ctx));
  } catch (e) {
    if (e instanceof RateLimitedError) {
      return factUnavailable(e.message, { delayed: true });
    }
    if (e instanceof Unavailable) {
      return factUnavailable(e.message, { permission: e.permission });
    }
    if (e instanceof UnsafeAnswerError) {
      return factUnavailable(`${name} of ${ctx.path}: ${e.message}`);
    }
    return factUnavailable(
      `could not read ${name} of ${ctx.path} from GitLab: ${errorText(e)}`,
    );
  }
}

/**
 * Why GitLab did not answer. 401: the token is refused or lacks a scope.
 * 403: a role (or, for some endpoints, the tier). 404 on an endpoint of
 * a higher tier: the tier or the role; GitLab does not say which.
 */
function refusal(
  answer: GitlabAnswer<unknown>,
  what: string,
  need: { permission: string; tier?: string },
): Unavailable {
  const m = answer.message ?? '';
  const said = m ? ` ("${m}")` : '';
  if (answer.status === 401) {
    return new Unavailable(
      `GitLab rejected the token when reading ${what} (401${said})`,
      PERMISSIONS.read,
    );
  }
  if (answer.status === 403) {
    if (/insufficient_scope/i.test(m)) {
      return new Unavailable(
        `the token may not read ${what} (403${said})`,
        PERMISSIONS.read,
      );
    }
    return new Unavailable(
      `GitLab refused to show ${what} (403${said})`,
      need.tier ? `${need.tier}, and ${need.permission}` : need.permission,
    );
  }
  if (answer.status === 404 && need.tier) {
    return new Unavailable(
      `GitLab answered 404 for ${what}: a feature of ${need.tier}, or the credentials cannot see it${said}`,
      `${need.tier}, and ${need.permission}`,
    );
  }
  if (answer.status === 404) {
    return new Unavailable(
      `GitLab answered 404 for ${what}: the credentials cannot see it${said}`,
      need.permission,
    );
  }
  return new Unavailable(`GitLab answered ${answer.status} for ${what}${said}`);
}

function ok<T>(
  answer: GitlabAnswer<T>,
  what: string,
  need: { permission: string; tier?: string },
): T {
  if (answer.status >= 200 && answer.status < 300) return answer.value as T;
  throw refusal(answer, what, need);
}

const bool = (v: unknown): boolean | undefined =>
  typeof v === 'boolean' ? v : undefined;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;
const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
const list = (body: unknown): Record<string, unknown>[] =>
  Array.isArray(body) ? body.map(record) : [];

async function readProject(
  client: GitlabClient,
  base: string,
  path: string,
): Promise<ProjectInfo> {
  const answer = await client.get(base, body => {
    const b = record(body);
    return {
      archived: b.archived === true,
      visibility: str(b.visibility) ?? 'unknown',
      last_activity_at: str(b.last_activity_at),
      default_branch: str(b.default_branch),
      only_allow_merge_if_pipeline_succeeds: bool(
        b.only_allow_merge_if_pipeline_succeeds,
      ),
      only_allow_merge_if_all_discussions_are_resolved: bool(
        b.only_allow_merge_if_all_discussions_are_resolved,
      ),
      merge_method: str(b.merge_method) ?? undefined,
    } satisfies ProjectInfo;
  });
  if (answer.status === 404) {
    throw new Unavailable(
      `the project ${path} is not visible with the configured GitLab token (404)`,
      `membership of ${path} and a token with the read_api scope`,
    );
  }
  return ok(answer, `the project ${path}`, { permission: PERMISSIONS.read });
}

/**
 * Every page of a list (100 a page, at most `maxPages`). The 404 of a list
 * of a higher tier (the feature is off) is remembered.
 */
async function pages<T>(
  ctx: Context,
  path: string,
  project: (item: Record<string, unknown>) => T | undefined,
  what: string,
  need: { permission: string; tier?: string },
): Promise<T[]> {
  const sep = path.includes('?') ? '&' : '?';
  const got = await ctx.client.getPages(
    `${ctx.base}${path}${sep}per_page=100`,
    body =>
      list(body)
        .map(project)
        .filter((x): x is T => x !== undefined),
    ctx.maxPages,
    { rememberAbsent: need.tier !== undefined },
  );
  if (!got.ok) throw refusal(got.answer, what, need);
  if (got.truncated) {
    ctx.logger.debug(
      `GitLab ${what} of ${ctx.path}: read the first ${ctx.maxPages} pages only`,
    );
  }
  return got.items;
}

/** A webhook URL without userinfo, query or fragment: they can hold secrets. */
export function safeUrl(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString();
  } catch {
    return raw.replace(/[?#].*$/, '').replace(/\/\/[^/@]*@/, '//');
  }
}

function accessLevels(v: unknown): AccessLevel[] {
  return list(v).map(a => ({
    access_level: num(a.access_level),
    description: str(a.access_level_description) ?? '',
    user_id: num(a.user_id),
    group_id: num(a.group_id),
    deploy_key_id: num(a.deploy_key_id),
  }));
}

/** GitLab's project bots: `project_<id>_bot_<hash>`, `group_<id>_bot_<hash>`. */
const BOT_USERNAME = /^(project|group)_\d+_bot(_|\d|$)/;

const ROLES: Array<[number, string]> = [
  [60, 'admin'],
  [50, 'owner'],
  [40, 'maintainer'],
  [30, 'developer'],
  [20, 'reporter'],
  [15, 'planner'],
  [10, 'guest'],
];

function roleName(level: number | null): string {
  if (level === null) return 'unknown';
  return ROLES.find(([l]) => level >= l)?.[1] ?? `level ${level}`;
}

const READERS: Record<GitlabFactName, (ctx: Context) => Promise<unknown>> = {
  async 'gitlab.project'(ctx) {
    const asOf = ctx.now().toISOString();
    const p = await ctx.project();
    if (
      p.only_allow_merge_if_pipeline_succeeds === undefined ||
      p.only_allow_merge_if_all_discussions_are_resolved === undefined
    ) {
      // GitLab leaves the merge settings out for a caller who is not a member.
      throw new Unavailable(
        `GitLab did not include the merge settings of ${ctx.path}: it shows them to project members`,
        `membership of ${ctx.path} and a token with the read_api scope`,
      );
    }
    return {
      archived: p.archived,
      visibility: p.visibility,
      lastActivityAt: p.last_activity_at,
      defaultBranch: p.default_branch,
      onlyAllowMergeIfPipelineSucceeds: p.only_allow_merge_if_pipeline_succeeds,
      onlyAllowMergeIfAllDiscussionsAreResolved:
        p.only_allow_merge_if_all_discussions_are_resolved,
      ...(p.merge_method ? { mergeMethod: p.merge_method } : {}),
      asOf,
    } satisfies CicdSecurityFacts['gitlab.project'];
  },

  async 'gitlab.defaultBranchRules'(ctx) {
    const p = await ctx.project();
    const branch = p.default_branch;
    if (!branch) {
      throw new Unavailable(
        `the project ${ctx.path} has no default branch (an empty repository)`,
      );
    }
    if (p.only_allow_merge_if_pipeline_succeeds === undefined) {
      throw new Unavailable(
        `GitLab did not include the merge settings of ${ctx.path}: it shows them to project members`,
        `membership of ${ctx.path} and a token with the read_api scope`,
      );
    }
    const protectedBranches = await pages<ProtectedBranch>(
      ctx,
      '/protected_branches',
      b => ({
        name: String(b.name ?? ''),
        push_access_levels: accessLevels(b.push_access_levels),
        allow_force_push: b.allow_force_push === true,
        code_owner_approval_required: b.code_owner_approval_required === true,
      }),
      'the protected branches',
      { permission: PERMISSIONS.maintainer },
    );
    const unread: NonNullable<
      CicdSecurityFacts['gitlab.defaultBranchRules']['unread']
    > = [];
    // Approval settings and rules, and push rules: GitLab Premium. A
    // refusal leaves that part unread; the rest still counts.
    let approvalSettings: ApprovalSettings | undefined;
    let approvalRules: ApprovalRule[] | undefined;
    try {
      const a = await ctx.client.get(
        `${ctx.base}/approvals`,
        body => {
          const b = record(body);
          return {
            reset_approvals_on_push: b.reset_approvals_on_push === true,
            merge_requests_author_approval:
              b.merge_requests_author_approval === true,
            merge_requests_disable_committers_approval:
              b.merge_requests_disable_committers_approval === true,
            disable_overriding_approvers_per_merge_request:
              b.disable_overriding_approvers_per_merge_request === true,
          } satisfies ApprovalSettings;
        },
        // A 404: GitLab Free, approvals are a Premium feature.
        { rememberAbsent: true },
      );
      approvalSettings = ok(a, 'the approval settings', {
        permission: PERMISSIONS.developer,
        tier: PERMISSIONS.premium,
      });
      approvalRules = await pages<ApprovalRule>(
        ctx,
        '/approval_rules',
        r => ({
          name: String(r.name ?? ''),
          rule_type: String(r.rule_type ?? 'regular'),
          approvals_required: num(r.approvals_required) ?? 0,
          applies_to_all_protected_branches:
            r.applies_to_all_protected_branches === true,
          protected_branches: list(r.protected_branches).map(b =>
            String(b.name ?? ''),
          ),
        }),
        'the approval rules',
        { permission: PERMISSIONS.developer, tier: PERMISSIONS.premium },
      );
    } catch (e) {
      if (!(e instanceof Unavailable)) throw e;
      approvalSettings = undefined;
      approvalRules = undefined;
      unread.push({
        part: 'approvals',
        reason: e.message,
        ...(e.permission ? { permission: e.permission } : {}),
      });
    }
    let rejectUnsignedCommits: boolean | null | undefined;
    // A 404 (GitLab Free) or a `null` answer (no push rule) says what is
    // off: remembered when it comes without an ETag.
    const push = await ctx.client.get(
      `${ctx.base}/push_rule`,
      body =>
        body === null || body === undefined
          ? null
          : record(body).reject_unsigned_commits === true,
      { rememberAbsent: true },
    );
    if (push.status === 200) rejectUnsignedCommits = push.value ?? null;
    else {
      const e = refusal(push, 'the push rule', {
        permission: PERMISSIONS.maintainer,
        tier: PERMISSIONS.premium,
      });
      unread.push({
        part: 'pushRule',
        reason: e.message,
        ...(e.permission ? { permission: e.permission } : {}),
      });
    }
    return mapBranchRules({
      branch,
      project: {
        only_allow_merge_if_pipeline_succeeds:
          p.only_allow_merge_if_pipeline_succeeds,
        merge_method: p.merge_method,
      },
      protectedBranches,
      approvalRules,
      approvalSettings,
      rejectUnsignedCommits,
      unread,
    });
  },

  async 'gitlab.webhooks'(ctx) {
    return pages(
      ctx,
      '/hooks',
      h => ({
        id: num(h.id) ?? 0,
        // GitLab has no "active" flag: a hook disabled after failures has
        // alert_status "disabled" (or "temporarily_disabled").
        active: !/disabled/.test(String(h.alert_status ?? 'executable')),
        url: safeUrl(h.url),
        insecureSsl: h.enable_ssl_verification === false,
        // The API never returns the secret token, nor whether one is set.
        hasSecret: null,
      }),
      'the webhooks',
      { permission: PERMISSIONS.maintainer },
    );
  },

  async 'gitlab.protectedEnvironments'(ctx) {
    return pages(
      ctx,
      '/protected_environments',
      e => {
        const deploy = accessLevels(e.deploy_access_levels).map(a =>
          typeof a.user_id === 'number'
            ? `user:${a.user_id}`
            : typeof a.group_id === 'number'
            ? `group:${a.group_id}`
            : `role:${roleName(a.access_level)}`,
        );
        const ruleApprovals = list(e.approval_rules).reduce(
          (sum, r) => sum + (num(r.required_approvals) ?? 0),
          0,
        );
        return {
          name: String(e.name ?? ''),
          deployAccess: [...new Set(deploy)],
          requiredApprovals: Math.max(
            num(e.required_approval_count) ?? 0,
            ruleApprovals,
          ),
        };
      },
      'the protected environments',
      { permission: PERMISSIONS.maintainer },
    );
  },

  async 'gitlab.variables'(ctx) {
    // Only names and flags are kept: the value is dropped before anything
    // is cached or returned.
    return pages(
      ctx,
      '/variables',
      v => ({
        key: String(v.key ?? ''),
        protected: v.protected === true,
        masked: v.masked === true,
        ...(typeof v.hidden === 'boolean' ? { hidden: v.hidden } : {}),
        environmentScope: str(v.environment_scope) ?? '*',
        ...(typeof v.variable_type === 'string'
          ? { variableType: v.variable_type }
          : {}),
      }),
      'the CI/CD variables',
      { permission: PERMISSIONS.maintainer },
    );
  },

  async 'gitlab.jobTokenScope'(ctx) {
    const a = await ctx.client.get(`${ctx.base}/job_token_scope`, body => {
      const b = record(body);
      return {
        inbound: bool(b.inbound_enabled),
        outbound: bool(b.outbound_enabled),
      };
    });
    const v = ok(a, 'the CI/CD job token scope', {
      permission: PERMISSIONS.maintainer,
    });
    if (v.inbound === undefined) {
      throw new Unavailable(
        `GitLab's answer about the job token scope of ${ctx.path} has no inbound_enabled`,
      );
    }
    return {
      inboundEnabled: v.inbound,
      ...(v.outbound !== undefined ? { outboundEnabled: v.outbound } : {}),
    };
  },

  async 'gitlab.members'(ctx) {
    const members = await pages(
      ctx,
      '/members/all',
      m => {
        const username = str(m.username);
        if (!username) return undefined;
        // Project and group access tokens act as bot users.
        if (m.bot === true || BOT_USERNAME.test(username)) return undefined;
        // Blocked or banned users cannot act.
        if (typeof m.state === 'string' && m.state !== 'active') {
          return undefined;
        }
        return { username, level: num(m.access_level) ?? 0 };
      },
      'the members',
      { permission: PERMISSIONS.read },
    );
    // A member of the project and of its group is listed once per
    // membership: the highest role counts.
    const best = new Map<string, number>();
    for (const m of members) {
      best.set(m.username, Math.max(best.get(m.username) ?? 0, m.level));
    }
    const owners: string[] = [];
    const maintainers: string[] = [];
    for (const [username, level] of [...best].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      if (level >= 50) owners.push(username);
      else if (level >= 40) maintainers.push(username);
    }
    return { owners, maintainers };
  },

  async 'gitlab.vulnerabilities'(ctx) {
    // Only the state and severity are kept.
    const found = await pages(
      ctx,
      '/vulnerabilities',
      v => ({
        state: String(v.state ?? ''),
        severity: String(v.severity ?? 'unknown'),
      }),
      'the vulnerabilities',
      { permission: PERMISSIONS.developer, tier: PERMISSIONS.ultimate },
    );
    const by: Record<string, number> = {};
    let open = 0;
    for (const v of found) {
      if (v.state !== 'detected' && v.state !== 'confirmed') continue;
      open++;
      by[v.severity] = (by[v.severity] ?? 0) + 1;
    }
    return { open, by };
  },
};

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
