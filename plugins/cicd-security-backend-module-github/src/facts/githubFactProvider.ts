import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  GithubCredentialType,
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
  BranchRule,
  ClassicProtection,
  mergeBranchRules,
  RulesetInfo,
} from './branchRules';
import {
  EtagCache,
  GithubAnswer,
  GithubClient,
  RateLimitedError,
  RateLimitGate,
  RequestCounter,
} from './GithubClient';
import {
  GRAPHQL_FACTS,
  GraphqlFact,
  graphqlFacts,
  GraphqlFactName,
  GraphqlFacts,
  graphqlQuery,
} from './graphqlFacts';
import { dependabotAlertsFact, restDependabotAlert } from './dependabotAlerts';
import { EndpointNeed, neededPermission } from './permissions';
import { githubRepositoryOf } from './repository';

/** The facts this provider supplies. */
export const GITHUB_FACTS = [
  'github.repository',
  'github.securityAndAnalysis',
  'github.vulnerabilityAlerts',
  'github.automatedSecurityFixes',
  'github.defaultBranchRules',
  'github.actionsPermissions',
  'github.workflowTokenDefaults',
  'github.webhooks',
  'github.deployKeys',
  'github.privateVulnerabilityReporting',
  'github.collaborators',
  'github.environments',
  'github.dependabotAlerts',
  'github.codeScanningAlerts',
  'github.secretScanningAlerts',
  'github.actionsSecrets',
] as const satisfies readonly FactName[];

type GithubFactName = (typeof GITHUB_FACTS)[number];

export interface GithubFactProviderOptions {
  integrations: ScmIntegrationRegistry;
  logger: LoggerService;
  /** Default: `DefaultGithubCredentialsProvider.fromIntegrations(integrations)`. */
  credentialsProvider?: GithubCredentialsProvider;
  /** Pages of 100 alerts read per alert kind. Default 10. */
  maxAlertPages?: number;
  /** Answers kept for conditional requests. Default 5000. */
  cacheEntries?: number;
  /** Longest rate-limit pause a fetch waits for before giving up. Default 10 s. */
  maxRateLimitWaitMs?: number;
  /**
   * How long answers without ETag (the 204 of enabled Dependabot alerts,
   * the 404s of features that are off) are given again from memory, since
   * no conditional request can confirm them. Default 6 hours; 0 asks again
   * at every scan.
   */
  rememberWithoutEtagMs?: number;
  /**
   * How long answers about settings that change rarely (Actions settings,
   * webhooks, deploy keys, environments, collaborators, repository secrets,
   * Dependabot and private vulnerability reporting switches) are given
   * from memory before they are asked again (conditionally). Alerts, the
   * repository and the default branch's rules are asked at every scan.
   * Default 6 hours; 0 asks everything at every scan.
   */
  settingsMaxAgeMs?: number;
  /** Requests at a time for one repository. Default 4. */
  concurrency?: number;
  /**
   * Read the facts GitHub's GraphQL API gives as REST does (repository
   * metadata, whether Dependabot alerts are on, open Dependabot alerts,
   * collaborators) with one GraphQL query instead of four REST requests
   * or more. GraphQL has no conditional requests: the query counts
   * against the GraphQL rate limit at every scan, changed or not.
   * Default false.
   */
  graphql?: boolean;
  /** The time facts are read at (`asOf` of `github.repository` and `github.actionsSecrets`). Default: the system clock. */
  now?: () => Date;
}

/** Pages read for lists other than alerts (collaborators, hooks, keys). */
const MAX_LIST_PAGES = 10;

const NEEDS = {
  metadata: { app: 'metadata=read', scope: 'repo' },
  administration: { app: 'administration=read', scope: 'repo', admin: true },
  actions: { app: 'actions=read', scope: 'repo' },
  hooks: { app: 'repository_hooks=read', scope: 'read:repo_hook' },
  dependabot: { app: 'vulnerability_alerts=read', scope: 'security_events' },
  codeScanning: { app: 'security_events=read', scope: 'security_events' },
  secretScanning: {
    app: 'secret_scanning_alerts=read',
    scope: 'security_events',
  },
  secrets: { app: 'secrets=read', scope: 'repo' },
} satisfies Record<string, EndpointNeed>;

/** Why a fact could not be read. */
class Unavailable extends Error {
  constructor(message: string, readonly permission?: string) {
    super(message);
  }
}

interface RepoInfo {
  archived: boolean;
  default_branch: string;
  visibility?: string;
  private?: boolean;
  pushed_at?: string | null;
  /** Absent when GitHub did not include it in the answer. */
  security_and_analysis?: CicdSecurityFacts['github.securityAndAnalysis'];
  hasSecurityAndAnalysis: boolean;
  /** The caller's admin right, when GitHub says (user tokens). */
  admin?: boolean;
}

interface Context {
  client: GithubClient;
  /** For settings facts: answers confirmed within this long come from memory. */
  settingsMaxAgeMs: number;
  base: string;
  slug: string;
  type: GithubCredentialType;
  maxAlertPages: number;
  logger: LoggerService;
  now(): Date;
  repo(): Promise<RepoInfo>;
  /** The default branch and admin right: from the GraphQL answer, else REST. */
  basics(): Promise<Pick<RepoInfo, 'default_branch' | 'admin'>>;
  /** The GraphQL answer, when GraphQL reads some of the facts asked. */
  graphql(): Promise<GraphqlFacts | undefined>;
}

/**
 * Reads the GitHub settings and security alerts of a repository as facts:
 * only the facts asked for, with conditional requests against an ETag cache
 * shared by every scan, within GitHub's rate limits, and naming the
 * permission that is missing when GitHub refuses.
 */
export function createGithubFactProvider(
  options: GithubFactProviderOptions,
): FactProvider {
  const { integrations, logger } = options;
  const credentials =
    options.credentialsProvider ??
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  const cache = new EtagCache(options.cacheEntries ?? 5000);
  const gate = new RateLimitGate(logger, 'GitHub');
  const maxAlertPages = options.maxAlertPages ?? 10;
  const maxWaitMs = options.maxRateLimitWaitMs ?? 10_000;
  const rememberMs = options.rememberWithoutEtagMs ?? 6 * 60 * 60 * 1000;
  const settingsMaxAgeMs = options.settingsMaxAgeMs ?? 6 * 60 * 60 * 1000;
  const concurrency = options.concurrency ?? 4;
  const useGraphql = options.graphql ?? false;
  const now = options.now ?? (() => new Date());

  return {
    id: 'github',
    facts: GITHUB_FACTS,
    appliesTo: subject =>
      githubRepositoryOf(subject, integrations) !== undefined,
    async fetch(subject, { facts, signal }) {
      const asked = GITHUB_FACTS.filter(f => facts.includes(f));
      const target = githubRepositoryOf(subject, integrations);
      if (!target || asked.length === 0) return {};
      const { host, owner, repo, integration } = target;
      const all = (fact: Fact) =>
        Object.fromEntries(asked.map(name => [name, fact]));
      const noCredentials = factUnavailable(
        `no GitHub credentials are configured for ${host}`,
        {
          permission: `a GitHub App installation or token for ${host} (integrations.github)`,
        },
      );
      // No network call at all without credentials.
      if (!integration.config.token && !integration.config.apps?.length) {
        return all(noCredentials);
      }
      let creds;
      try {
        creds = await credentials.getCredentials({
          url: `https://${host}/${owner}/${repo}`,
        });
      } catch (e) {
        return all(
          factUnavailable(
            `no GitHub credentials for ${owner}/${repo} on ${host}: ${errorText(
              e,
            )}`,
            {
              permission: `a GitHub App installation or token for ${host} (integrations.github)`,
            },
          ),
        );
      }
      if (!creds.token) return all(noCredentials);

      const counter: RequestCounter = {
        requests: 0,
        notModified: 0,
        graphql: 0,
        remembered: 0,
      };
      const client = new GithubClient({
        apiBaseUrl: integration.config.apiBaseUrl ?? 'https://api.github.com',
        headers: creds.headers ?? { authorization: `Bearer ${creds.token}` },
        identity:
          creds.type === 'app'
            ? `app:${host}/${owner}`
            : `token:${createHash('sha256')
                .update(creds.token)
                .digest('hex')
                .slice(0, 16)}`,
        cache,
        gate,
        counter,
        signal,
        maxWaitMs,
        rememberMs,
      });
      const slug = `${owner}/${repo}`;
      const base = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(
        repo,
      )}`;
      let repoInfo: Promise<RepoInfo> | undefined;
      const repoOf = () =>
        (repoInfo ??= readRepo(client, base, slug, creds.type));
      const inGraphql = useGraphql
        ? GRAPHQL_FACTS.filter(f => asked.includes(f))
        : [];
      let graphqlAnswer: Promise<GraphqlFacts | undefined> | undefined;
      const ctx: Context = {
        client,
        settingsMaxAgeMs,
        base,
        slug,
        type: creds.type,
        maxAlertPages,
        logger,
        now,
        repo: repoOf,
        graphql: () =>
          (graphqlAnswer ??=
            inGraphql.length === 0
              ? Promise.resolve(undefined)
              : readGraphql(client, owner, repo, inGraphql, {
                  slug,
                  type: creds.type,
                  logger,
                })),
        basics: async () => {
          // A delayed or failed query leaves the REST facts to REST.
          const g = await ctx.graphql().catch(() => undefined);
          return g?.repo ?? repoOf();
        },
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
        `GitHub facts of ${host}/${slug}: ${counter.requests} requests, ${
          counter.notModified
        } answered 304 Not Modified${
          counter.graphql ? `, ${counter.graphql} GraphQL` : ''
        }${
          counter.remembered
            ? `; ${counter.remembered} answers without ETag given from memory`
            : ''
        }`,
        {
          repository: `${host}/${slug}`,
          requests: counter.requests,
          notModified: counter.notModified,
          graphql: counter.graphql,
          remembered: counter.remembered,
        },
      );
      return result;
    },
  };
}

/**
 * The GraphQL query for the facts it reads. A refused or failed query is
 * no fact's answer: its facts are read through REST instead.
 */
async function readGraphql(
  client: GithubClient,
  owner: string,
  name: string,
  asked: GraphqlFactName[],
  ctx: { slug: string; type: GithubCredentialType; logger: LoggerService },
): Promise<GraphqlFacts> {
  const answer = await client.graphql(graphqlQuery(asked), { owner, name });
  const got = graphqlFacts(answer, asked, ctx);
  for (const [fact, g] of Object.entries(got.facts)) {
    if (g && 'rest' in g) {
      ctx.logger.debug(
        `GitHub ${fact} of ${ctx.slug} read through REST: ${g.rest}`,
      );
    }
  }
  return got;
}

/**
 * The fact from the GraphQL answer: its value, an `Unavailable` thrown,
 * or undefined when REST is to read it.
 */
async function fromGraphql(
  name: GraphqlFactName,
  ctx: Context,
): Promise<{ value: unknown } | undefined> {
  const g: GraphqlFact | undefined = (await ctx.graphql())?.facts[name];
  if (!g || 'rest' in g) return undefined;
  if ('unavailable' in g) throw new Unavailable(g.unavailable, g.permission);
  return g;
}

/**
 * Settings that change rarely: read at most every `settingsMaxAgeMs`. The
 * repository, its default branch's rules and the alerts are read at every
 * scan.
 */
const SETTINGS_FACTS: ReadonlySet<GithubFactName> = new Set<GithubFactName>([
  'github.vulnerabilityAlerts',
  'github.automatedSecurityFixes',
  'github.actionsPermissions',
  'github.workflowTokenDefaults',
  'github.webhooks',
  'github.deployKeys',
  'github.privateVulnerabilityReporting',
  'github.collaborators',
  'github.environments',
  'github.actionsSecrets',
]);

async function readFact(name: GithubFactName, ctx: Context): Promise<Fact> {
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
    return factUnavailable(
      `could not read ${name} of ${ctx.slug} from GitHub: ${errorText(e)}`,
    );
  }
}

/** The value of a 200, else why it could not be read. */
function ok<T>(
  answer: GithubAnswer<T>,
  what: string,
  need: EndpointNeed,
  ctx: Pick<Context, 'type'>,
): T {
  if (answer.status >= 200 && answer.status < 300) return answer.value as T;
  throw refusal(answer, what, need, ctx);
}

/** Why GitHub did not answer: a permission, a plan, a disabled feature. */
function refusal(
  answer: GithubAnswer<unknown>,
  what: string,
  need: EndpointNeed,
  ctx: Pick<Context, 'type'>,
): Unavailable {
  const m = answer.message ?? '';
  const said = m ? ` ("${m}")` : '';
  const permission = () => neededPermission(answer.headers, need, ctx.type);
  if (answer.status === 401) {
    return new Unavailable(
      `GitHub rejected the credentials when reading ${what} (401${said})`,
    );
  }
  if (answer.status === 403) {
    if (/advanced security|code security|secret protection/i.test(m)) {
      return new Unavailable(
        `${what} needs a feature of a higher GitHub plan${said}`,
        'GitHub Advanced Security (Code Security / Secret Protection) on the repository',
      );
    }
    if (/\b(disabled|not enabled)\b/i.test(m)) {
      return new Unavailable(`${what} cannot be read: GitHub says${said}`);
    }
    return new Unavailable(
      `GitHub refused to show ${what} (403${said})`,
      permission(),
    );
  }
  if (answer.status === 404) {
    if (/\b(disabled|not enabled)\b/i.test(m)) {
      return new Unavailable(`${what} cannot be read: GitHub says${said}`);
    }
    return new Unavailable(
      `GitHub answered 404 for ${what}: the credentials cannot see it${said}`,
      permission(),
    );
  }
  return new Unavailable(`GitHub answered ${answer.status} for ${what}${said}`);
}

async function readRepo(
  client: GithubClient,
  base: string,
  slug: string,
  type: GithubCredentialType,
): Promise<RepoInfo> {
  const answer = await client.get(base, body => {
    const b = body as Record<string, any>;
    return {
      archived: Boolean(b.archived),
      default_branch: String(b.default_branch),
      visibility: b.visibility,
      private: b.private,
      pushed_at: b.pushed_at ?? null,
      security_and_analysis: b.security_and_analysis ?? null,
      hasSecurityAndAnalysis: 'security_and_analysis' in b,
      admin:
        typeof b.permissions?.admin === 'boolean'
          ? b.permissions.admin
          : undefined,
    } satisfies RepoInfo;
  });
  if (answer.status === 404) {
    throw new Unavailable(
      `the repository ${slug} is not visible with the configured GitHub credentials (404)`,
      type === 'app'
        ? `a GitHub App installation with access to ${slug} (Metadata: read)`
        : 'the token scope repo',
    );
  }
  return ok(answer, `the repository ${slug}`, NEEDS.metadata, { type });
}

/**
 * A 404 that GitHub documents as "disabled" is believed only when the
 * caller is not known to lack admin rights (then it means "cannot see").
 */
function disabledOr404(
  info: Pick<RepoInfo, 'admin'>,
  ctx: Context,
  what: string,
): void {
  if (info.admin === false) {
    throw new Unavailable(
      `GitHub answered 404 for ${what} of ${ctx.slug}, which it shows only to administrators`,
      neededPermission(undefined, NEEDS.administration, ctx.type),
    );
  }
}

const list = (body: unknown): Record<string, any>[] =>
  Array.isArray(body) ? body : [];

async function pages<T>(
  ctx: Context,
  path: string,
  project: (item: Record<string, any>) => T,
  what: string,
  need: EndpointNeed,
  maxPages = MAX_LIST_PAGES,
  items: (body: unknown) => Record<string, any>[] = list,
): Promise<T[]> {
  const sep = path.includes('?') ? '&' : '?';
  const got = await ctx.client.getPages(
    `${ctx.base}${path}${sep}per_page=100`,
    body => items(body).map(project),
    maxPages,
  );
  if (!got.ok) throw refusal(got.answer, what, need, ctx);
  if (got.truncated) {
    ctx.logger.debug(
      `GitHub ${what} of ${ctx.slug}: read the first ${maxPages} pages only`,
    );
  }
  return got.items;
}

async function countAlerts(
  ctx: Context,
  path: string,
  key: (alert: Record<string, any>) => unknown,
  what: string,
  need: EndpointNeed,
): Promise<{ open: number; by: Record<string, number> }> {
  // Only the key is kept (never the secret or the code of an alert).
  const keys = await pages(
    ctx,
    path,
    a => String(key(a) ?? 'unknown'),
    what,
    need,
    ctx.maxAlertPages,
  );
  const by: Record<string, number> = {};
  for (const k of keys) by[k] = (by[k] ?? 0) + 1;
  return { open: keys.length, by };
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

const READERS: Record<GithubFactName, (ctx: Context) => Promise<unknown>> = {
  async 'github.repository'(ctx) {
    // asOf: the time pushed_at is measured against (repository-maintained).
    const asOf = ctx.now().toISOString();
    const g = await fromGraphql('github.repository', ctx);
    if (g) return { ...(g.value as object), asOf };
    const r = await ctx.repo();
    return {
      archived: r.archived,
      default_branch: r.default_branch,
      visibility: r.visibility,
      private: r.private,
      pushed_at: r.pushed_at,
      asOf,
    };
  },

  async 'github.securityAndAnalysis'(ctx) {
    const r = await ctx.repo();
    if (!r.hasSecurityAndAnalysis) {
      throw new Unavailable(
        `GitHub did not include security_and_analysis for ${ctx.slug}: it shows it only to administrators and security managers`,
        neededPermission(undefined, NEEDS.administration, ctx.type),
      );
    }
    return r.security_and_analysis ?? null;
  },

  async 'github.vulnerabilityAlerts'(ctx) {
    const g = await fromGraphql('github.vulnerabilityAlerts', ctx);
    if (g) return g.value;
    const r = await ctx.basics();
    const what = 'whether Dependabot alerts are enabled';
    const a = await ctx.client.get(
      `${ctx.base}/vulnerability-alerts`,
      () => null,
    );
    if (a.status === 204 || a.status === 200) return true;
    if (a.status === 404) {
      disabledOr404(r, ctx, what);
      return false; // documented: 404 when the alerts are disabled
    }
    throw refusal(a, what, NEEDS.administration, ctx);
  },

  async 'github.automatedSecurityFixes'(ctx) {
    const r = await ctx.basics();
    const what = 'Dependabot security updates';
    const a = await ctx.client.get(
      `${ctx.base}/automated-security-fixes`,
      body => {
        const b = (body ?? {}) as Record<string, unknown>;
        return { enabled: b.enabled === true, paused: b.paused === true };
      },
    );
    if (a.status === 200) return a.value;
    if (a.status === 404) {
      disabledOr404(r, ctx, what);
      // documented: 404 when Dependabot is not enabled for the repository
      return { enabled: false, paused: false };
    }
    throw refusal(a, what, NEEDS.administration, ctx);
  },

  async 'github.defaultBranchRules'(ctx) {
    const r = await ctx.basics();
    const branch = r.default_branch;
    const b = encodeURIComponent(branch);
    const rules = await pages<BranchRule>(
      ctx,
      `/rules/branches/${b}`,
      rule => ({
        type: String(rule.type),
        ruleset_id:
          typeof rule.ruleset_id === 'number' ? rule.ruleset_id : undefined,
        parameters: rule.parameters ?? undefined,
      }),
      `the rules of ${branch}`,
      NEEDS.metadata,
    );
    const rulesets = new Map<number, RulesetInfo>();
    const ids = [
      ...new Set(rules.map(x => x.ruleset_id).filter(x => x !== undefined)),
    ] as number[];
    for (const id of ids) {
      // The name and bypass actors, when the credentials may read them.
      const a = await ctx.client.get(`${ctx.base}/rulesets/${id}`, body => {
        const s = body as Record<string, any>;
        return {
          id,
          name: String(s.name ?? `#${id}`),
          bypassActors: Array.isArray(s.bypass_actors)
            ? s.bypass_actors.map((x: Record<string, any>) => ({
                actorType: String(x.actor_type),
                actorId: typeof x.actor_id === 'number' ? x.actor_id : null,
                ...(x.bypass_mode ? { bypassMode: String(x.bypass_mode) } : {}),
              }))
            : null,
        } satisfies RulesetInfo;
      });
      if (a.status === 200 && a.value) rulesets.set(id, a.value);
      else {
        ctx.logger.debug(
          `GitHub ruleset ${id} of ${ctx.slug}: answered ${a.status}, its bypass actors are not known`,
        );
      }
    }
    const p = await ctx.client.get<ClassicProtection>(
      `${ctx.base}/branches/${b}/protection`,
      body => {
        const c = (body ?? {}) as Record<string, any>;
        const {
          required_pull_request_reviews,
          required_status_checks,
          required_signatures,
          required_linear_history,
          allow_force_pushes,
          allow_deletions,
          enforce_admins,
        } = c;
        return {
          required_pull_request_reviews,
          required_status_checks,
          required_signatures,
          required_linear_history,
          allow_force_pushes,
          allow_deletions,
          enforce_admins,
        };
      },
    );
    let classic: ClassicProtection | undefined;
    if (p.status === 200) classic = p.value;
    else if (p.status === 404 && /branch not protected/i.test(p.message ?? ''))
      classic = undefined;
    else {
      throw refusal(
        p,
        `the classic branch protection of ${branch}`,
        NEEDS.administration,
        ctx,
      );
    }
    return mergeBranchRules(branch, rules, rulesets, classic);
  },

  async 'github.actionsPermissions'(ctx) {
    const a = await ctx.client.get(`${ctx.base}/actions/permissions`, body => {
      const { selected_actions_url: _url, ...rest } = (body ?? {}) as Record<
        string,
        unknown
      >;
      return rest;
    });
    return ok(a, 'the GitHub Actions permissions', NEEDS.administration, ctx);
  },

  async 'github.workflowTokenDefaults'(ctx) {
    const a = await ctx.client.get(
      `${ctx.base}/actions/permissions/workflow`,
      body => body,
    );
    return ok(
      a,
      'the default workflow token permissions',
      NEEDS.administration,
      ctx,
    );
  },

  async 'github.webhooks'(ctx) {
    return pages(
      ctx,
      '/hooks',
      h => {
        const config = (h.config ?? {}) as Record<string, unknown>;
        return {
          id: Number(h.id),
          active: h.active === true,
          url: safeUrl(config.url),
          insecureSsl: String(config.insecure_ssl) === '1',
          hasSecret:
            typeof config.secret === 'string' && config.secret.length > 0,
        };
      },
      'the webhooks',
      NEEDS.hooks,
    );
  },

  async 'github.deployKeys'(ctx) {
    return pages(
      ctx,
      '/keys',
      k => ({
        id: Number(k.id),
        title: String(k.title ?? ''),
        readOnly: k.read_only === true,
        ...(typeof k.created_at === 'string'
          ? { createdAt: k.created_at }
          : {}),
        lastUsed: typeof k.last_used === 'string' ? k.last_used : null,
      }),
      'the deploy keys',
      NEEDS.administration,
    );
  },

  async 'github.privateVulnerabilityReporting'(ctx) {
    const a = await ctx.client.get(
      `${ctx.base}/private-vulnerability-reporting`,
      body => (body as { enabled?: unknown })?.enabled === true,
    );
    return ok(
      a,
      'whether private vulnerability reporting is enabled',
      NEEDS.administration,
      ctx,
    );
  },

  async 'github.collaborators'(ctx) {
    const g = await fromGraphql('github.collaborators', ctx);
    if (g) return g.value;
    const login = (c: Record<string, any>) => String(c.login);
    const admins = await pages(
      ctx,
      '/collaborators?permission=admin',
      login,
      'the administrators',
      NEEDS.metadata,
    );
    const outside = await pages(
      ctx,
      '/collaborators?affiliation=outside',
      login,
      'the outside collaborators',
      NEEDS.metadata,
    );
    return { admins, outside };
  },

  async 'github.environments'(ctx) {
    return pages(
      ctx,
      '/environments',
      e => ({
        name: String(e.name),
        protection_rules: (Array.isArray(e.protection_rules)
          ? e.protection_rules
          : []
        ).map((r: Record<string, any>) => ({
          type: String(r.type),
          ...(r.wait_timer !== undefined ? { wait_timer: r.wait_timer } : {}),
          ...(r.prevent_self_review !== undefined
            ? { prevent_self_review: r.prevent_self_review }
            : {}),
          ...(Array.isArray(r.reviewers)
            ? { reviewers: r.reviewers.length }
            : {}),
        })),
        deployment_branch_policy: e.deployment_branch_policy ?? null,
      }),
      'the environments',
      NEEDS.actions,
      MAX_LIST_PAGES,
      body =>
        Array.isArray((body as { environments?: unknown })?.environments)
          ? (body as { environments: Record<string, any>[] }).environments
          : [],
    );
  },

  async 'github.dependabotAlerts'(ctx) {
    const g = await fromGraphql('github.dependabotAlerts', ctx);
    if (g) return g.value;
    return dependabotAlertsFact(
      await pages(
        ctx,
        '/dependabot/alerts?state=open',
        restDependabotAlert,
        'the Dependabot alerts',
        NEEDS.dependabot,
        ctx.maxAlertPages,
      ),
    );
  },

  async 'github.codeScanningAlerts'(ctx) {
    try {
      return await countAlerts(
        ctx,
        '/code-scanning/alerts?state=open',
        a => a.rule?.security_severity_level ?? a.rule?.severity,
        'the code scanning alerts',
        NEEDS.codeScanning,
      );
    } catch (e) {
      // 404 "no analysis found": code scanning is not set up; no count.
      if (e instanceof Unavailable && /no analysis found/i.test(e.message)) {
        throw new Unavailable(
          `code scanning is not set up for ${ctx.slug} (no analysis found)`,
        );
      }
      throw e;
    }
  },

  async 'github.secretScanningAlerts'(ctx) {
    return countAlerts(
      ctx,
      '/secret-scanning/alerts?state=open',
      a => a.secret_type,
      'the secret scanning alerts',
      NEEDS.secretScanning,
    );
  },

  async 'github.actionsSecrets'(ctx) {
    const asOf = ctx.now().toISOString();
    const what = 'the repository secrets';
    // One item per page, so the count GitHub gives is cached with the page.
    const got = await ctx.client.getPages<SecretsPage>(
      `${ctx.base}/actions/secrets?per_page=100`,
      body => {
        const b = (body ?? {}) as Record<string, any>;
        const items: Record<string, any>[] = Array.isArray(b.secrets)
          ? b.secrets
          : [];
        return [
          {
            total: typeof b.total_count === 'number' ? b.total_count : 0,
            secrets: items.map(x => ({
              name: String(x.name),
              updatedAt: String(x.updated_at ?? x.created_at),
            })),
          },
        ];
      },
      MAX_LIST_PAGES,
    );
    if (!got.ok) throw refusal(got.answer, what, NEEDS.secrets, ctx);
    const secrets = got.items.flatMap(p => p.secrets);
    if (got.truncated) {
      ctx.logger.debug(
        `GitHub ${what} of ${ctx.slug}: read the first ${MAX_LIST_PAGES} pages only`,
      );
    }
    const total = Math.max(secrets.length, ...got.items.map(p => p.total));
    return { asOf, total, secrets };
  },
};

/** One page of `GET …/actions/secrets`: the count and names and dates, never a value. */
interface SecretsPage {
  total: number;
  secrets: Array<{ name: string; updatedAt: string }>;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
