import {
  AnswerCache,
  answerFromMemory,
  CachedAnswer,
  oldestConfirmation,
  RateLimitGate,
} from '@cicd-security/plugin-cicd-security-node';

/** Requests made for one project: all of them, and those answered 304. */
export interface RequestCounter {
  requests: number;
  notModified: number;
  /**
   * Answers given from memory without any request: answers without an
   * ETag that say a feature is off or a resource is absent, within their
   * time to live, and settings confirmed within their maximum age.
   */
  remembered?: number;
}

/** What GitLab answered, the body already reduced to what is kept. */
export interface GitlabAnswer<T> {
  status: number;
  /** The projected body of a 2xx (or of the cached 2xx behind a 304). */
  value?: T;
  /** GitLab's `message` (or `error`) on an error answer. */
  message?: string;
  /** The next page's URL (`Link: rel="next"` or `x-next-page`). */
  next?: string;
  headers: Headers;
}

/**
 * GitLab stops answering until `until` (a 429, or the last request of the
 * window spent): the facts still to read are delayed, not failed.
 */
export class RateLimitedError extends Error {
  constructor(readonly until: number) {
    super(`facts delayed: GitLab rate limit until ${iso(until)}`);
    this.name = 'RateLimitedError';
  }
}

/** An answer too large to be GitLab's, or a page URL that leaves the API. */
export class UnsafeAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeAnswerError';
  }
}

type CacheEntry = CachedAnswer;

/** Options of one request. */
export interface GetOptions {
  /**
   * A 404 of this endpoint, or an empty 2xx (`null`, no body), says a
   * feature is off (a higher tier) or a resource is absent (no push rule):
   * without an ETag it is remembered for `rememberMs`. Other answers
   * without ETag (401, 403, 5xx, 429, a 2xx with content) never are.
   */
  rememberAbsent?: boolean;
}

/**
 * The ETags and projected bodies of earlier answers, per URL and
 * credential identity, least recently used first out. A request that sends
 * the ETag back and gets 304 costs no rate limit.
 */
export class EtagCache extends AnswerCache<CacheEntry> {}

export { RateLimitGate };

export interface GitlabClientOptions {
  /** The integration's `apiBaseUrl`, e.g. `https://gitlab.com/api/v4`. */
  apiBaseUrl: string;
  /** `Authorization` header of the credentials. */
  headers: Record<string, string>;
  /** Who asks: answers are cached per URL and identity. */
  identity: string;
  cache: EtagCache;
  gate: RateLimitGate;
  counter: RequestCounter;
  signal: AbortSignal;
  /** Longest pause worth waiting for within one fetch of facts. */
  maxWaitMs: number;
  /** Largest body read from one answer; a larger one is an error. */
  maxResponseBytes: number;
  /**
   * How long an answer without ETag that says a feature is off or a
   * resource is absent (see `GetOptions.rememberAbsent`) is given again
   * from memory instead of asked again. 0: always asked. Default 0.
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
 * GET requests to one GitLab API for one project: conditional with the
 * cached ETag, counted, paused while a rate limit is on, retried at most
 * once after a pause that fits the time budget, with bounded bodies and
 * never following a URL off the API (the token goes with every request).
 */
export class GitlabClient {
  /** The API base URL without a trailing slash, and its origin and path. */
  readonly #base: string;
  readonly #origin: string;
  readonly #path: string;

  constructor(private readonly options: GitlabClientOptions) {
    this.#base = options.apiBaseUrl.replace(/\/+$/, '');
    const url = new URL(this.#base);
    this.#origin = url.origin;
    this.#path = url.pathname.replace(/\/+$/, '');
  }

  /**
   * The same client (cache, counter, rate limits), giving answers confirmed
   * within `maxAgeMs` from memory; `oldest()` is the confirmation time of
   * the oldest answer it gave from memory, if any.
   */
  withMaxAge(maxAgeMs: number): {
    client: GitlabClient;
    oldest(): number | undefined;
  } {
    const tracker = oldestConfirmation();
    const client = new GitlabClient({
      ...this.options,
      maxAgeMs,
      onFromMemory: tracker.note,
    });
    return { client, oldest: tracker.oldest };
  }

  /**
   * GET `pathOrUrl` (a path under the API base URL, or a `next` URL GitLab
   * gave); `project` reduces a 2xx's body to what is kept and cached, so
   * nothing else (a variable's value) stays in memory.
   */
  async get<T>(
    pathOrUrl: string,
    project: (body: unknown) => T,
    options: GetOptions = {},
  ): Promise<GitlabAnswer<T>> {
    const o = this.options;
    const url = pathOrUrl.startsWith('/')
      ? `${this.#base}${pathOrUrl}`
      : this.#onApi(pathOrUrl);
    const key = `${o.identity} ${url}`;
    const memory = this.#fromMemory<T>(key);
    if (memory) return memory;
    for (let attempt = 0; ; attempt++) {
      await this.#waitForGate();
      const found = o.cache.get(key);
      // Only an answer with an ETag can be confirmed by a 304.
      const entry = found?.etag ? found : undefined;
      o.counter.requests++;
      const res = await fetch(url, {
        headers: {
          accept: 'application/json',
          'user-agent': 'cicd-security',
          ...o.headers,
          ...(entry?.etag ? { 'if-none-match': entry.etag } : {}),
        },
        // A redirect would carry the token elsewhere: never followed.
        redirect: 'manual',
        signal: o.signal,
      });
      if (res.status === 304 && entry) {
        o.counter.notModified++;
        entry.confirmedAt = Date.now();
        await res.body?.cancel();
        return {
          status: 200,
          value: entry.value as T,
          next: entry.next,
          headers: res.headers,
        };
      }
      const text = await readBounded(res, o.maxResponseBytes, url);
      if (res.status === 429) {
        const until = limitedUntil(res);
        o.gate.pause(o.apiBaseUrl, until, 'rate limit reached');
        // One retry after a pause that fits the budget; never a loop.
        if (attempt === 0 && until - Date.now() <= o.maxWaitMs) continue;
        throw new RateLimitedError(until);
      }
      this.#notePrimaryLimit(res);
      const etag = res.headers.get('etag');
      if (res.status >= 200 && res.status < 300) {
        const body = text ? JSON.parse(text) : null;
        const value = project(body);
        const next = this.#nextPage(res.headers, url);
        if (etag) {
          o.cache.set(key, { etag, value, next, confirmedAt: Date.now() });
        } else if (options.rememberAbsent && body === null) {
          this.#remember(key, res.status, value, undefined);
        }
        return { status: res.status, value, next, headers: res.headers };
      }
      const message =
        res.status >= 300 && res.status < 400
          ? `redirected to ${res.headers.get('location') ?? 'elsewhere'}`
          : messageOf(text);
      if (!etag && options.rememberAbsent && res.status === 404) {
        this.#remember(key, res.status, undefined, message);
      }
      return { status: res.status, message, headers: res.headers };
    }
  }

  /**
   * An answer given without a request: a remembered answer without ETag
   * within its time to live, or (with `maxAgeMs`) an answer with an ETag
   * confirmed within that age.
   */
  #fromMemory<T>(key: string): GitlabAnswer<T> | undefined {
    const o = this.options;
    const memory = answerFromMemory(o.cache.get(key), o.maxAgeMs ?? 0);
    if (!memory) return undefined;
    o.counter.remembered = (o.counter.remembered ?? 0) + 1;
    if (memory.confirmedAt !== undefined) o.onFromMemory?.(memory.confirmedAt);
    return memory as GitlabAnswer<T>;
  }

  /**
   * Keep an answer that has no ETag (so no conditional request can confirm
   * it) for `rememberMs`: a 404 or an empty 2xx that says a feature is off
   * or a resource is absent.
   */
  #remember(
    key: string,
    status: number,
    value: unknown,
    message: string | undefined,
  ): void {
    const ttl = this.options.rememberMs ?? 0;
    if (ttl <= 0) return;
    const now = Date.now();
    this.options.cache.set(key, {
      value,
      status,
      message,
      confirmedAt: now,
      expiresAt: now + ttl,
    });
  }

  /** Every page, following the next page GitLab names, at most `maxPages`. */
  async getPages<T>(
    path: string,
    project: (body: unknown) => T[],
    maxPages: number,
    options: GetOptions = {},
  ): Promise<
    | { ok: true; items: T[]; truncated: boolean }
    | { ok: false; answer: GitlabAnswer<T[]> }
  > {
    const items: T[] = [];
    let next: string | undefined = path;
    for (let page = 0; next; page++) {
      if (page >= maxPages) return { ok: true, items, truncated: true };
      const answer: GitlabAnswer<T[]> = await this.get(next, project, options);
      if (answer.status !== 200) return { ok: false, answer };
      items.push(...(answer.value ?? []));
      next = answer.next;
    }
    return { ok: true, items, truncated: false };
  }

  /** A URL GitLab gave, if it is under the API base URL; else an error. */
  #onApi(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new UnsafeAnswerError(`GitLab gave an invalid page URL`);
    }
    if (
      url.origin !== this.#origin ||
      !url.pathname.startsWith(`${this.#path}/`)
    ) {
      throw new UnsafeAnswerError(
        `GitLab gave a page URL outside ${this.#base} (${url.origin}${
          url.pathname
        }); not followed`,
      );
    }
    return url.href;
  }

  /**
   * The next page: `Link: rel="next"` (offset and keyset pagination),
   * else `x-next-page` on the URL just read (empty on the last page).
   */
  #nextPage(headers: Headers, current: string): string | undefined {
    const link = nextLink(headers.get('link'));
    if (link) return this.#onApi(link);
    const page = headers.get('x-next-page')?.trim();
    if (!page || !/^\d+$/.test(page)) return undefined;
    const url = new URL(current);
    url.searchParams.set('page', page);
    return url.href;
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

  /** An answer that spent the last request of the window pauses the next ones. */
  #notePrimaryLimit(res: Response): void {
    const reset = resetOf(res);
    if (res.headers.get('ratelimit-remaining') === '0' && reset) {
      this.options.gate.pause(
        this.options.apiBaseUrl,
        reset,
        'rate limit reached',
      );
    }
  }
}

/**
 * The body as text, at most `max` bytes: a larger answer is not GitLab's
 * settings of one project, and reading it would only fill memory.
 */
async function readBounded(
  res: Response,
  max: number,
  url: string,
): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw new UnsafeAnswerError(
      `GitLab's answer to ${new URL(url).pathname} is larger than ${max} bytes`,
    );
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new UnsafeAnswerError(
        `GitLab's answer to ${
          new URL(url).pathname
        } is larger than ${max} bytes`,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `RateLimit-Reset`: Unix seconds. */
function resetOf(res: Response): number | undefined {
  const reset = Number(res.headers.get('ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
}

/** When a 429 lets the client ask again: `Retry-After`, `RateLimit-Reset`, else a minute. */
function limitedUntil(res: Response): number {
  const header = res.headers.get('retry-after');
  const seconds = Number(header);
  if (header !== null && header.trim() !== '' && Number.isFinite(seconds)) {
    return Date.now() + Math.max(seconds, 1) * 1000;
  }
  if (header) {
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(date, Date.now() + 1000);
  }
  return resetOf(res) ?? Date.now() + 60_000;
}

/** GitLab's error bodies: `{"message": "403 Forbidden"}`, `{"error": "insufficient_scope", ...}`. */
function messageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text);
    if (typeof body?.message === 'string') return body.message;
    if (body?.message && typeof body.message === 'object') {
      return JSON.stringify(body.message).slice(0, 200);
    }
    if (typeof body?.error === 'string') {
      return typeof body.error_description === 'string'
        ? `${body.error}: ${body.error_description}`
        : body.error;
    }
    return undefined;
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
