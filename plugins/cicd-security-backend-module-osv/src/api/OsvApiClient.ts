import { LoggerService } from '@backstage/backend-plugin-api';
import { OsvVulnRef } from '../cache/OsvCache';

/** Queries per querybatch request, as the OSV API allows at most. */
export const MAX_QUERIES_PER_BATCH = 1000;
/** Largest querybatch answer read (a page lists ids and times only). */
export const MAX_BATCH_RESPONSE_BYTES = 32 * 1024 * 1024;
/** Largest OSV record read (as for records read from a directory). */
export const MAX_RECORD_RESPONSE_BYTES = 2 * 1024 * 1024;
/** Pages followed for one package version before giving up. */
export const MAX_PAGES = 50;

/** OSV ids as the API spells them (GHSA-xxxx-xxxx-xxxx, PYSEC-2024-1, GO-2024-1234, …). */
const OSV_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

export interface OsvApiClientOptions {
  /** Without a trailing slash: `https://api.osv.dev`. */
  baseUrl: string;
  /** Per attempt, the answer's body included. */
  timeoutMs: number;
  /** Attempts after the first on timeouts, network errors, 429 and 5xx. */
  retries: number;
  /** Requests in flight at most. */
  concurrency: number;
  /** A longer `Retry-After` is not waited for: the request fails. */
  maxRetryWaitMs: number;
  /** First backoff; doubled at each retry (with jitter). */
  backoffMs?: number;
  logger?: Pick<LoggerService, 'warn'>;
  /** Tests replace the clock's sleep. */
  sleep?: (ms: number) => Promise<void>;
}

/** One exact package version to ask about (`''`: the package, any version). */
export interface OsvQuery {
  ecosystem: string;
  name: string;
  version: string;
}

/** The API could not answer: the message names the request and why. */
export class OsvApiError extends Error {
  name = 'OsvApiError';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/** Counts of the requests made, for logs, tests and the benchmark. */
export interface OsvApiStats {
  querybatchRequests: number;
  /** Package versions sent in querybatch requests (pages after the first counted again). */
  queriedPackages: number;
  vulnRequests: number;
  retries: number;
}

/** At most `max` tasks at once, the others wait in order. */
class Limiter {
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.max) {
      // The finishing task hands its slot over: #active stays counted.
      await new Promise<void>(resolve => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}

/** Milliseconds a `Retry-After` header asks to wait (seconds or an HTTP date). */
export function retryAfterMs(
  header: string | null,
  now = Date.now(),
): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

class RetryableError extends OsvApiError {
  constructor(message: string, status?: number, readonly waitMs?: number) {
    super(message, status);
  }
}

/** Reads at most `max` bytes of a body; a larger one fails. */
async function readBounded(
  res: Response,
  max: number,
  what: string,
): Promise<string> {
  const length = Number(res.headers.get('content-length') ?? NaN);
  if (length > max) {
    await res.body?.cancel();
    throw new OsvApiError(
      `${what}: the answer is larger than ${max} bytes (${length})`,
    );
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new OsvApiError(`${what}: the answer is larger than ${max} bytes`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * A client of the OSV API (https://google.github.io/osv.dev/api/): the
 * vulnerabilities listed for package versions (`POST /v1/querybatch`,
 * every page) and the records (`GET /v1/vulns/{id}`). Each attempt has a
 * timeout, timeouts, network errors, 429 and 5xx are retried with
 * exponential backoff (a `Retry-After` is respected), answers are read up
 * to a size, and at most `concurrency` requests are in flight. A request
 * that still fails throws an {@link OsvApiError} naming it and why.
 */
export class OsvApiClient {
  readonly #limiter: Limiter;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly stats: OsvApiStats = {
    querybatchRequests: 0,
    queriedPackages: 0,
    vulnRequests: 0,
    retries: 0,
  };

  constructor(private readonly options: OsvApiClientOptions) {
    this.#limiter = new Limiter(Math.max(1, options.concurrency));
    this.#sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /**
   * The vulnerabilities the API lists for each query, in order, with every
   * page followed. Queries go in batches of at most 1,000.
   */
  async queryBatch(queries: readonly OsvQuery[]): Promise<OsvVulnRef[][]> {
    const results: OsvVulnRef[][] = queries.map(() => []);
    const batches: number[][] = [];
    for (let i = 0; i < queries.length; i += MAX_QUERIES_PER_BATCH) {
      batches.push(
        queries.slice(i, i + MAX_QUERIES_PER_BATCH).map((_, j) => i + j),
      );
    }
    await Promise.all(
      batches.map(async indexes => {
        let pending = indexes.map(i => ({
          i,
          token: undefined as string | undefined,
        }));
        for (let page = 0; pending.length > 0; page++) {
          if (page >= MAX_PAGES) {
            const q = queries[pending[0].i];
            throw new OsvApiError(
              `POST /v1/querybatch: more than ${MAX_PAGES} pages of vulnerabilities for ${q.ecosystem} ${q.name} ${q.version}`,
            );
          }
          const answer = await this.#querybatch(
            pending.map(({ i, token }) => ({
              package: {
                ecosystem: queries[i].ecosystem,
                name: queries[i].name,
              },
              // No version: every vulnerability of the package.
              ...(queries[i].version !== '' && { version: queries[i].version }),
              ...(token !== undefined && { page_token: token }),
            })),
          );
          const asked = pending;
          pending = [];
          for (let j = 0; j < answer.length; j++) {
            const { i } = asked[j];
            results[i].push(...answer[j].vulns);
            const token = answer[j].nextPageToken;
            if (token) pending.push({ i, token });
          }
        }
      }),
    );
    // A vulnerability listed on two pages counts once.
    return results.map(list => [...new Map(list.map(v => [v.id, v])).values()]);
  }

  async #querybatch(
    queries: unknown[],
  ): Promise<Array<{ vulns: OsvVulnRef[]; nextPageToken?: string }>> {
    const what = `POST ${this.options.baseUrl}/v1/querybatch`;
    this.stats.querybatchRequests++;
    this.stats.queriedPackages += queries.length;
    const text = await this.#request(
      what,
      '/v1/querybatch',
      { method: 'POST', body: JSON.stringify({ queries }) },
      MAX_BATCH_RESPONSE_BYTES,
    );
    const body = parseJson(text, what) as { results?: unknown };
    if (
      !Array.isArray(body?.results) ||
      body.results.length !== queries.length
    ) {
      throw new OsvApiError(
        `${what}: the answer has ${
          Array.isArray(body?.results) ? body.results.length : 'no'
        } results for ${queries.length} queries`,
      );
    }
    return body.results.map((result: any, j: number) => {
      const vulns = result?.vulns ?? [];
      if (!Array.isArray(vulns)) {
        throw new OsvApiError(`${what}: results[${j}].vulns is not a list`);
      }
      const token = result?.next_page_token;
      return {
        vulns: vulns.map((v: any, k: number) => {
          if (
            typeof v?.id !== 'string' ||
            !OSV_ID.test(v.id) ||
            typeof v.modified !== 'string'
          ) {
            throw new OsvApiError(
              `${what}: results[${j}].vulns[${k}] is not an { id, modified } of OSV`,
            );
          }
          return { id: v.id, modified: v.modified };
        }),
        ...(typeof token === 'string' &&
          token !== '' && { nextPageToken: token }),
      };
    });
  }

  /** The record of a vulnerability as JSON text; undefined when the API has none (404). */
  async getVuln(id: string): Promise<string | undefined> {
    if (!OSV_ID.test(id)) throw new OsvApiError(`not an OSV id: ${id}`);
    const path = `/v1/vulns/${encodeURIComponent(id)}`;
    this.stats.vulnRequests++;
    return this.#request(
      `GET ${this.options.baseUrl}${path}`,
      path,
      { method: 'GET' },
      MAX_RECORD_RESPONSE_BYTES,
      true,
    );
  }

  async #request(
    what: string,
    path: string,
    init: { method: string; body?: string },
    maxBytes: number,
    notFoundIsUndefined: true,
  ): Promise<string | undefined>;
  async #request(
    what: string,
    path: string,
    init: { method: string; body?: string },
    maxBytes: number,
  ): Promise<string>;
  async #request(
    what: string,
    path: string,
    init: { method: string; body?: string },
    maxBytes: number,
    notFoundIsUndefined = false,
  ): Promise<string | undefined> {
    const { retries, backoffMs = 500, maxRetryWaitMs } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#limiter.run(() =>
          this.#attempt(what, path, init, maxBytes, notFoundIsUndefined),
        );
      } catch (e) {
        if (!(e instanceof RetryableError)) throw e;
        if (attempt >= retries) {
          throw new OsvApiError(
            `${e.message} (${attempt + 1} attempt${attempt === 0 ? '' : 's'})`,
            e.status,
          );
        }
        if (e.waitMs !== undefined && e.waitMs > maxRetryWaitMs) {
          throw new OsvApiError(
            `${e.message}, and asks to retry after ${Math.ceil(
              e.waitMs / 1000,
            )} s, more than maxRetryWaitSeconds (${Math.ceil(
              maxRetryWaitMs / 1000,
            )} s)`,
            e.status,
          );
        }
        const backoff = Math.min(
          maxRetryWaitMs,
          backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5),
        );
        const wait = e.waitMs ?? backoff;
        this.stats.retries++;
        this.options.logger?.warn(
          `${e.message}; retrying in ${Math.round(wait)} ms`,
        );
        await this.#sleep(wait);
      }
    }
  }

  async #attempt(
    what: string,
    path: string,
    init: { method: string; body?: string },
    maxBytes: number,
    notFoundIsUndefined: boolean,
  ): Promise<string | undefined> {
    const { timeoutMs } = this.options;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      let res: Response;
      try {
        res = await fetch(`${this.options.baseUrl}${path}`, {
          method: init.method,
          body: init.body,
          headers: {
            accept: 'application/json',
            ...(init.body !== undefined && {
              'content-type': 'application/json',
            }),
          },
          signal: controller.signal,
        });
      } catch (e) {
        throw new RetryableError(
          controller.signal.aborted
            ? `${what} timed out after ${timeoutMs} ms`
            : `${what} failed: ${causeOf(e)}`,
        );
      }
      if (res.status === 404 && notFoundIsUndefined) {
        await res.body?.cancel();
        return undefined;
      }
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel().catch(() => {});
        throw new RetryableError(
          `${what} answered ${res.status}${
            res.statusText ? ` ${res.statusText}` : ''
          }`,
          res.status,
          retryAfterMs(res.headers.get('retry-after')),
        );
      }
      if (!res.ok) {
        let detail = '';
        try {
          detail = (await readBounded(res, 4096, what)).slice(0, 300);
        } catch {
          // the status says enough
        }
        throw new OsvApiError(
          `${what} answered ${res.status}${detail ? `: ${detail}` : ''}`,
          res.status,
        );
      }
      try {
        return await readBounded(res, maxBytes, what);
      } catch (e) {
        if (controller.signal.aborted) {
          throw new RetryableError(`${what} timed out after ${timeoutMs} ms`);
        }
        if (e instanceof OsvApiError) throw e;
        throw new RetryableError(`${what} failed: ${causeOf(e)}`);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseJson(text: string, what: string): any {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OsvApiError(`${what}: the answer is not JSON (${causeOf(e)})`);
  }
}

/** The useful part of a fetch error (undici puts it in `cause`). */
function causeOf(e: unknown): string {
  const err = e as {
    message?: string;
    cause?: { message?: string; code?: string };
  };
  const cause = err?.cause?.code ?? err?.cause?.message;
  return [err?.message ?? String(e), cause]
    .filter(Boolean)
    .join(': ')
    .slice(0, 300);
}
