import {
  AnswerCache,
  answerFromMemory,
  CachedAnswer,
  oldestConfirmation,
  RateLimitGate,
} from '@cicd-security/plugin-cicd-security-node';

/** Requests made for one subject: all of them, and those answered 304. */
export interface RequestCounter {
  requests: number;
  notModified: number;
  /**
   * Answers without an ETag (a 204, a 404 for a feature that is off) given
   * again from memory within their time to live: no request at all.
   */
  remembered?: number;
  /** Of the requests, GraphQL queries (never conditional). */
  graphql?: number;
}

/** One entry of a GraphQL answer's `errors`, as GitHub sends it. */
export interface GraphqlError {
  type?: string;
  path?: Array<string | number>;
  message?: string;
}

/** GitHub's GraphQL answer: `data`, and `errors` for what it refused. */
export interface GraphqlEnvelope {
  data?: Record<string, any> | null;
  errors?: GraphqlError[];
}

/**
 * The GraphQL endpoint of a REST API base URL, as `@octokit/graphql`
 * derives it: `https://api.github.com/graphql`, and `https://host/api/graphql`
 * for GitHub Enterprise Server's `https://host/api/v3`.
 */
export function graphqlUrl(apiBaseUrl: string): string {
  const base = apiBaseUrl.replace(/\/+$/, '');
  return /\/api\/v3$/.test(base)
    ? base.replace(/\/api\/v3$/, '/api/graphql')
    : `${base}/graphql`;
}

/** What GitHub answered, the body already reduced to what is kept. */
export interface GithubAnswer<T> {
  status: number;
  /** The projected body of a 200 (or of the cached 200 behind a 304). */
  value?: T;
  /** GitHub's `message` on an error answer. */
  message?: string;
  /** The `Link` header's `rel="next"` URL, for pagination. */
  next?: string;
  headers: Headers;
}

/**
 * GitHub stops answering until `until` (primary or secondary rate limit):
 * the facts still to read are delayed, not failed.
 */
export class RateLimitedError extends Error {
  constructor(readonly until: number) {
    super(`facts delayed: GitHub rate limit until ${iso(until)}`);
    this.name = 'RateLimitedError';
  }
}

type CacheEntry = CachedAnswer;

/** Statuses remembered without ETag: they say what is off, not what failed. */
const REMEMBERED_STATUSES = new Set([204, 404]);

/** Headers of a remembered answer that the facts read (the permission GitHub names). */
const REMEMBERED_HEADERS = [
  'x-accepted-github-permissions',
  'x-accepted-oauth-scopes',
  'x-oauth-scopes',
];

/**
 * The ETags and projected bodies of earlier answers, per URL and
 * credential identity, least recently used first out. A request that sends
 * the ETag back and gets 304 costs no rate limit.
 */
export class EtagCache extends AnswerCache<CacheEntry> {}

export { RateLimitGate };

export interface GithubClientOptions {
  /** The integration's `apiBaseUrl`, e.g. `https://api.github.com`. */
  apiBaseUrl: string;
  /** `Authorization` and other headers of the credentials. */
  headers: Record<string, string>;
  /** Who asks: answers are cached per URL and identity. */
  identity: string;
  cache: EtagCache;
  gate: RateLimitGate;
  counter: RequestCounter;
  signal: AbortSignal;
  /** Longest pause worth waiting for within one fetch of facts. */
  maxWaitMs: number;
  /**
   * How long an answer without ETag (204, 404) is given again from memory
   * instead of asked again. 0: always asked. Default 0.
   */
  rememberMs?: number;
  /**
   * Answers with an ETag confirmed less than this long ago are given from
   * memory without a request (settings that change rarely). 0: always
   * asked again (conditionally). Default 0.
   */
  maxAgeMs?: number;
  /** Told the time an answer given from memory was last confirmed. */
  onFromMemory?: (confirmedAt: number) => void;
}

/**
 * GET requests to one GitHub API for one subject: conditional with the
 * cached ETag, counted, paused while a rate limit is on, and retried at most
 * once after a pause that fits the time budget.
 */
export class GithubClient {
  constructor(private readonly options: GithubClientOptions) {}

  /**
   * The same client (cache, counter, rate limits), giving answers confirmed
   * within `maxAgeMs` from memory; `oldest()` is the confirmation time of
   * the oldest answer it gave from memory, if any.
   */
  withMaxAge(maxAgeMs: number): {
    client: GithubClient;
    oldest(): number | undefined;
  } {
    const tracker = oldestConfirmation();
    const client = new GithubClient({
      ...this.options,
      maxAgeMs,
      onFromMemory: tracker.note,
    });
    return { client, oldest: tracker.oldest };
  }

  /**
   * GET `pathOrUrl` (a path under the API base URL, or a `next` URL GitHub
   * gave); `project` reduces a 200's body to what is kept and cached, so
   * nothing else (a secret, a key) stays in memory.
   */
  async get<T>(
    pathOrUrl: string,
    project: (body: unknown) => T,
  ): Promise<GithubAnswer<T>> {
    const o = this.options;
    const url = pathOrUrl.startsWith('/')
      ? `${o.apiBaseUrl.replace(/\/+$/, '')}${pathOrUrl}`
      : pathOrUrl;
    const key = `${o.identity} ${url}`;
    const memory = answerFromMemory(o.cache.get(key), o.maxAgeMs ?? 0);
    if (memory) {
      o.counter.remembered = (o.counter.remembered ?? 0) + 1;
      if (memory.confirmedAt !== undefined)
        o.onFromMemory?.(memory.confirmedAt);
      return memory as GithubAnswer<T>;
    }
    const { res, text, cached } = await this.#exchange(url, 'rest', () => {
      const entry = o.cache.get(key);
      const headers: Record<string, string> = entry?.etag
        ? { 'if-none-match': entry.etag }
        : {};
      return { entry: entry?.etag ? entry : undefined, headers };
    });
    if (res.status === 304 && cached) {
      cached.confirmedAt = Date.now();
      return {
        status: 200,
        value: cached.value as T,
        next: cached.next,
        headers: res.headers,
      };
    }
    const etag = res.headers.get('etag');
    if (res.status >= 200 && res.status < 300) {
      const value = project(text ? JSON.parse(text) : undefined);
      const next = nextLink(res.headers.get('link'));
      if (etag)
        o.cache.set(key, { etag, value, next, confirmedAt: Date.now() });
      else this.#remember(key, res, undefined);
      return { status: res.status, value, next, headers: res.headers };
    }
    const message = messageOf(text);
    if (!etag) this.#remember(key, res, message);
    return { status: res.status, message, headers: res.headers };
  }

  /**
   * Keep an answer that has no ETag (so no conditional request can confirm
   * it) for `rememberMs`: a 204 or a 404 that says a feature is off. Other
   * answers (403, 5xx, a 200 with a body) are always asked again.
   */
  #remember(key: string, res: Response, message: string | undefined): void {
    const ttl = this.options.rememberMs ?? 0;
    if (ttl <= 0 || !REMEMBERED_STATUSES.has(res.status)) return;
    const headers: Array<[string, string]> = [];
    for (const name of REMEMBERED_HEADERS) {
      const v = res.headers.get(name);
      if (v !== null) headers.push([name, v]);
    }
    this.options.cache.set(key, {
      value: undefined,
      status: res.status,
      message,
      headers,
      confirmedAt: Date.now(),
      expiresAt: Date.now() + ttl,
    });
  }

  /**
   * POST one GraphQL query to the integration's GraphQL endpoint (GraphQL
   * has no conditional requests: every query counts). A 200 gives GitHub's
   * `{ data, errors }` envelope as it is; the rate limits are handled as
   * for REST requests.
   */
  async graphql(
    query: string,
    variables: Record<string, unknown>,
  ): Promise<GithubAnswer<GraphqlEnvelope>> {
    const url = graphqlUrl(this.options.apiBaseUrl);
    const body = JSON.stringify({ query, variables });
    const { res, text } = await this.#exchange(url, 'graphql', () => ({
      headers: { 'content-type': 'application/json' },
      method: 'POST',
      body,
    }));
    if (res.status === 200) {
      const value = (text ? JSON.parse(text) : {}) as GraphqlEnvelope;
      return { status: 200, value, headers: res.headers };
    }
    return {
      status: res.status,
      message: messageOf(text),
      headers: res.headers,
    };
  }

  /**
   * One request, after any rate-limit pause; a rate-limited answer pauses
   * the API and is retried at most once, after a pause that fits the
   * budget. `prepare` is called per attempt (the cache may have changed).
   */
  async #exchange(
    url: string,
    kind: 'rest' | 'graphql',
    prepare: () => {
      entry?: CacheEntry;
      headers: Record<string, string>;
      method?: string;
      body?: string;
    },
  ): Promise<{ res: Response; text: string; cached?: CacheEntry }> {
    const o = this.options;
    for (let attempt = 0; ; attempt++) {
      await this.#waitForGate(kind);
      const request = prepare();
      o.counter.requests++;
      if (kind === 'graphql') o.counter.graphql = (o.counter.graphql ?? 0) + 1;
      const res = await fetch(url, {
        method: request.method ?? 'GET',
        headers: {
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'cicd-security',
          ...o.headers,
          ...request.headers,
        },
        body: request.body,
        signal: o.signal,
      });
      if (res.status === 304 && request.entry) {
        o.counter.notModified++;
        await res.body?.cancel();
        return { res, text: '', cached: request.entry };
      }
      const text = await res.text();
      const message = messageOf(text);
      const limited = rateLimitedUntil(
        res,
        message,
        kind === 'graphql' ? text : undefined,
      );
      if (limited === undefined) {
        this.#notePrimaryLimit(res, kind);
        return { res, text };
      }
      const primary = limitKind(res, message, limited.graphqlLimit);
      o.gate.pause(
        this.#gateKey(kind, primary),
        limited.until,
        primary ? 'primary rate limit reached' : 'secondary rate limit',
      );
      // One retry after a pause that fits the budget; never a loop.
      if (attempt === 0 && limited.until - Date.now() <= o.maxWaitMs) continue;
      throw new RateLimitedError(limited.until);
    }
  }

  /**
   * REST and GraphQL have separate primary rate limits (GitHub says which
   * in `x-ratelimit-resource`), and one secondary rate limit.
   */
  #gateKey(kind: 'rest' | 'graphql', primary: boolean): string {
    const api = this.options.apiBaseUrl;
    return primary && kind === 'graphql' ? `${api} (GraphQL)` : api;
  }

  /** Every page, following `Link: rel="next"`, at most `maxPages`. */
  async getPages<T>(
    path: string,
    project: (body: unknown) => T[],
    maxPages: number,
  ): Promise<
    | { ok: true; items: T[]; truncated: boolean }
    | { ok: false; answer: GithubAnswer<T[]> }
  > {
    const items: T[] = [];
    let next: string | undefined = path;
    for (let page = 0; next; page++) {
      if (page >= maxPages) return { ok: true, items, truncated: true };
      const answer: GithubAnswer<T[]> = await this.get(next, project);
      if (answer.status !== 200) return { ok: false, answer };
      items.push(...(answer.value ?? []));
      next = answer.next;
    }
    return { ok: true, items, truncated: false };
  }

  async #waitForGate(kind: 'rest' | 'graphql'): Promise<void> {
    const o = this.options;
    const pauses = [
      o.gate.pausedUntil(this.#gateKey(kind, false)),
      o.gate.pausedUntil(this.#gateKey(kind, true)),
    ].filter((x): x is number => x !== undefined);
    if (pauses.length === 0) return;
    const until = Math.max(...pauses);
    if (until - Date.now() > o.maxWaitMs || o.signal.aborted) {
      throw new RateLimitedError(until);
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new RateLimitedError(until));
      };
      const timer = setTimeout(() => {
        o.signal.removeEventListener('abort', onAbort);
        resolve();
      }, until - Date.now());
      o.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A 2xx that spent the last request of the window pauses the next ones. */
  #notePrimaryLimit(res: Response, kind: 'rest' | 'graphql'): void {
    if (res.status >= 300) return;
    const reset = resetOf(res);
    if (res.headers.get('x-ratelimit-remaining') === '0' && reset) {
      this.options.gate.pause(
        this.#gateKey(kind, true),
        reset,
        'primary rate limit reached',
      );
    }
  }
}

function resetOf(res: Response): number | undefined {
  const reset = Number(res.headers.get('x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
}

/**
 * When an answer is a rate limit, the time GitHub says to wait until: a
 * 403 or 429, or a GraphQL 200 whose errors say `RATE_LIMITED`.
 */
function rateLimitedUntil(
  res: Response,
  message: string | undefined,
  graphqlText?: string,
): { until: number; graphqlLimit?: boolean } | undefined {
  if (res.status === 200 && graphqlText !== undefined) {
    let errors: unknown;
    try {
      errors = (JSON.parse(graphqlText) as GraphqlEnvelope)?.errors;
    } catch {
      return undefined;
    }
    const limited =
      Array.isArray(errors) &&
      errors.some(e => (e as GraphqlError)?.type === 'RATE_LIMITED');
    if (!limited) return undefined;
    return { until: resetOf(res) ?? Date.now() + 60_000, graphqlLimit: true };
  }
  if (res.status !== 403 && res.status !== 429) return undefined;
  const retryAfter = Number(res.headers.get('retry-after'));
  if (res.headers.get('retry-after') !== null && Number.isFinite(retryAfter)) {
    return { until: Date.now() + Math.max(retryAfter, 1) * 1000 };
  }
  if (res.headers.get('x-ratelimit-remaining') === '0') {
    return { until: resetOf(res) ?? Date.now() + 60_000 };
  }
  if (res.status === 429 || /secondary rate limit/i.test(message ?? '')) {
    // GitHub: without retry-after, wait at least one minute.
    return { until: Date.now() + 60_000 };
  }
  return undefined;
}

/** True for the primary rate limit, false for the secondary one. */
function limitKind(
  res: Response,
  message: string | undefined,
  graphqlLimit?: boolean,
): boolean {
  if (graphqlLimit) return true;
  return (
    res.headers.get('x-ratelimit-remaining') === '0' &&
    !/secondary/i.test(message ?? '')
  );
}

function messageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text);
    return typeof body?.message === 'string' ? body.message : undefined;
  } catch {
    return text ? text.slice(0, 200) : undefined;
  }
}

function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
