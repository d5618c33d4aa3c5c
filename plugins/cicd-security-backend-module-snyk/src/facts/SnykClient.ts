/** Why a Snyk list could not be read; `delayed` when the next scan may read it. */
export class SnykUnavailable extends Error {
  constructor(
    message: string,
    readonly options: { permission?: string; delayed?: boolean } = {},
  ) {
    super(message);
    this.name = 'SnykUnavailable';
  }
}

/** What a refused token lacks, as the unavailable fact names it. */
export const SNYK_PERMISSION =
  'a Snyk token with the View Organization and View Project permissions on the organization';

/** One JSON:API resource of the Snyk REST API. */
export interface SnykResource<A> {
  id: string;
  type: string;
  attributes?: A;
}

export interface SnykClientOptions {
  token: string;
  /** e.g. `https://api.snyk.io`; requests go to `{apiBaseUrl}/rest/…`. */
  apiBaseUrl: string;
  /** REST API version date, e.g. `2024-10-15`. */
  version: string;
  requestTimeoutMs: number;
  /** Pages read per list. */
  maxPages: number;
}

/**
 * GETs of Snyk's REST API (JSON:API): `Authorization: token …`, the
 * `version` parameter, pages of 100 followed through `links.next` on the
 * same origin only (the token never leaves it), each request within the
 * time limit.
 */
export class SnykClient {
  readonly #options: SnykClientOptions;
  readonly #origin: string;
  /** Requests made, for logs and tests. */
  requests = 0;

  constructor(options: SnykClientOptions) {
    this.#options = {
      ...options,
      apiBaseUrl: options.apiBaseUrl.replace(/\/+$/, ''),
    };
    this.#origin = new URL(this.#options.apiBaseUrl).origin;
  }

  /**
   * Every item of a list, up to `maxPages` pages. `truncated` when Snyk
   * had more.
   */
  async list<A>(
    path: string,
    query: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ items: SnykResource<A>[]; truncated: boolean }> {
    const params = new URLSearchParams({
      ...query,
      version: this.#options.version,
      limit: '100',
    });
    let url: string | undefined = `${
      this.#options.apiBaseUrl
    }/rest${path}?${params}`;
    const items: SnykResource<A>[] = [];
    for (let page = 0; url; page++) {
      if (page === this.#options.maxPages) return { items, truncated: true };
      const body = (await this.#get(url, path, signal)) as {
        data?: SnykResource<A>[];
        links?: { next?: string | { href?: string } };
      };
      items.push(...(Array.isArray(body?.data) ? body.data : []));
      url = this.#next(body?.links?.next);
    }
    return { items, truncated: false };
  }

  /** `links.next` as a URL on the API's origin; relative links are under `/rest`. */
  #next(next: string | { href?: string } | undefined): string | undefined {
    const href = typeof next === 'string' ? next : next?.href;
    if (!href) return undefined;
    if (/^https?:\/\//i.test(href)) {
      if (new URL(href).origin !== this.#origin) {
        throw new SnykUnavailable(
          `Snyk gave a next page on another host (${
            new URL(href).origin
          }): not followed, so that the token stays with ${this.#origin}`,
        );
      }
      return href;
    }
    const pathname = href.startsWith('/rest/') ? href : `/rest${href}`;
    return `${this.#origin}${pathname}`;
  }

  async #get(url: string, path: string, signal: AbortSignal): Promise<unknown> {
    const timeoutMs = this.#options.requestTimeoutMs;
    const both = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    let res: Response;
    this.requests++;
    try {
      res = await fetch(url, {
        headers: {
          accept: 'application/vnd.api+json',
          authorization: `token ${this.#options.token}`,
        },
        redirect: 'error',
        signal: both,
      });
    } catch (e) {
      if (!signal.aborted && both.aborted) {
        throw new SnykUnavailable(
          `Snyk gave no answer to GET /rest${path} within ${timeoutMs} ms`,
          { delayed: true },
        );
      }
      throw e;
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.ok) return body;
    const detail = snykDetail(body);
    const what = `Snyk answered ${res.status} to GET /rest${path}${
      detail ? `: ${detail}` : ''
    }`;
    if (res.status === 401 || res.status === 403) {
      throw new SnykUnavailable(what, { permission: SNYK_PERMISSION });
    }
    if (res.status === 429) {
      const after = res.headers.get('retry-after');
      throw new SnykUnavailable(
        `${what} (rate limit${after ? `; retry after ${after} s` : ''})`,
        { delayed: true },
      );
    }
    throw new SnykUnavailable(what, { delayed: res.status >= 500 });
  }
}

/** The first error of a JSON:API error answer: its `detail`, else `title`. */
function snykDetail(body: unknown): string | undefined {
  const errors = (body as { errors?: Array<Record<string, unknown>> })?.errors;
  const first = Array.isArray(errors) ? errors[0] : undefined;
  const text = first?.detail ?? first?.title;
  return typeof text === 'string' ? text.slice(0, 300) : undefined;
}
