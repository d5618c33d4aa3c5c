import { LoggerService } from '@backstage/backend-plugin-api';

/** Requests made for one subject: all of them, and those answered 304. */
export interface RequestCounter {
  requests: number;
  notModified: number;
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

interface CacheEntry {
  etag: string;
  value: unknown;
  next?: string;
}

/**
 * The ETags and projected bodies of earlier answers, per URL and
 * credential identity, least recently used first out. A request that sends
 * the ETag back and gets 304 costs no rate limit.
 */
export class EtagCache {
  readonly #entries = new Map<string, CacheEntry>();

  constructor(readonly maxEntries: number) {}

  get(key: string): CacheEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CacheEntry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * When GitHub's rate limits let the module ask again, per API base URL,
 * shared by the scans of every subject. Each pause is logged once.
 */
export class RateLimitGate {
  readonly #until = new Map<string, number>();

  constructor(private readonly logger: LoggerService) {}

  /** The end of the current pause for this API, if one is on. */
  pausedUntil(api: string, now = Date.now()): number | undefined {
    const until = this.#until.get(api);
    if (until === undefined) return undefined;
    if (until <= now) {
      this.#until.delete(api);
      return undefined;
    }
    return until;
  }

  pause(api: string, until: number, why: string): void {
    const current = this.pausedUntil(api);
    if (current !== undefined && current >= until) return;
    this.#until.set(api, until);
    if (current === undefined) {
      this.logger.info(
        `GitHub ${why} at ${api}: the cicd-security facts wait until ${iso(
          until,
        )}`,
      );
    }
  }
}

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
}

/**
 * GET requests to one GitHub API for one subject: conditional with the
 * cached ETag, counted, paused while a rate limit is on, and retried at most
 * once after a pause that fits the time budget.
 */
export class GithubClient {
  constructor(private readonly options: GithubClientOptions) {}

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
    for (let attempt = 0; ; attempt++) {
      await this.#waitForGate();
      const cached = o.cache.get(key);
      o.counter.requests++;
      const res = await fetch(url, {
        headers: {
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'cicd-security',
          ...o.headers,
          ...(cached ? { 'if-none-match': cached.etag } : {}),
        },
        signal: o.signal,
      });
      this.#notePrimaryLimit(res);
      if (res.status === 304 && cached) {
        o.counter.notModified++;
        await res.body?.cancel();
        return {
          status: 200,
          value: cached.value as T,
          next: cached.next,
          headers: res.headers,
        };
      }
      const text = await res.text();
      if (res.status >= 200 && res.status < 300) {
        const value = project(text ? JSON.parse(text) : undefined);
        const next = nextLink(res.headers.get('link'));
        const etag = res.headers.get('etag');
        if (etag) o.cache.set(key, { etag, value, next });
        return { status: res.status, value, next, headers: res.headers };
      }
      const message = messageOf(text);
      const until = rateLimitedUntil(res, message);
      if (until !== undefined) {
        o.gate.pause(o.apiBaseUrl, until, limitKind(res, message));
        // One retry after a pause that fits the budget; never a loop.
        if (attempt === 0 && until - Date.now() <= o.maxWaitMs) continue;
        throw new RateLimitedError(until);
      }
      return { status: res.status, message, headers: res.headers };
    }
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

  async #waitForGate(): Promise<void> {
    const o = this.options;
    const until = o.gate.pausedUntil(o.apiBaseUrl);
    if (until === undefined) return;
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
  #notePrimaryLimit(res: Response): void {
    if (res.status >= 300) return;
    const reset = resetOf(res);
    if (res.headers.get('x-ratelimit-remaining') === '0' && reset) {
      this.options.gate.pause(
        this.options.apiBaseUrl,
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

/** When a 403 or 429 is a rate limit, the time GitHub says to wait until. */
function rateLimitedUntil(
  res: Response,
  message: string | undefined,
): number | undefined {
  if (res.status !== 403 && res.status !== 429) return undefined;
  const retryAfter = Number(res.headers.get('retry-after'));
  if (res.headers.get('retry-after') !== null && Number.isFinite(retryAfter)) {
    return Date.now() + Math.max(retryAfter, 1) * 1000;
  }
  if (res.headers.get('x-ratelimit-remaining') === '0') {
    return resetOf(res) ?? Date.now() + 60_000;
  }
  if (res.status === 429 || /secondary rate limit/i.test(message ?? '')) {
    // GitHub: without retry-after, wait at least one minute.
    return Date.now() + 60_000;
  }
  return undefined;
}

function limitKind(res: Response, message: string | undefined): string {
  return res.headers.get('x-ratelimit-remaining') === '0' &&
    !/secondary/i.test(message ?? '')
    ? 'primary rate limit reached'
    : 'secondary rate limit';
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
