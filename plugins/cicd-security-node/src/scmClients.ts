import { Fact, factValue } from './facts';

/**
 * Building blocks shared by the SCM fact providers (the GitHub and GitLab
 * modules): a bounded cache of earlier answers, and the pauses an API's
 * rate limits impose on every scan of a backend.
 */

/**
 * Earlier answers by key (URL and credential identity), least recently
 * used first out, at most `maxEntries`.
 */
export class AnswerCache<T> {
  readonly #entries = new Map<string, T>();

  constructor(readonly maxEntries: number) {}

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: T): void {
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
 * When an API's rate limits let a provider ask again, per API base URL,
 * shared by the scans of every repository. Each pause is logged once.
 */
export class RateLimitGate {
  readonly #until = new Map<string, number>();

  constructor(
    private readonly logger: { info(message: string): void },
    /** Who imposes the limits, for the log: `GitHub`, `GitLab`. */
    private readonly service: string,
  ) {}

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
        `${
          this.service
        } ${why} at ${api}: the cicd-security facts wait until ${new Date(
          until,
        ).toISOString()}`,
      );
    }
  }
}

/** An earlier answer an SCM client keeps (its value already reduced to what is kept). */
export interface CachedAnswer {
  /** Absent for a remembered answer without ETag. */
  etag?: string;
  value: unknown;
  /** The next page's URL. */
  next?: string;
  /** When the API last gave or confirmed (304) this answer (ms since epoch). */
  confirmedAt?: number;
  /** A remembered answer without ETag: its status, message, headers and expiry. */
  status?: number;
  message?: string;
  headers?: Array<[string, string]>;
  expiresAt?: number;
}

/** An answer given from memory, without a request. */
export interface AnswerFromMemory {
  status: number;
  value?: unknown;
  next?: string;
  message?: string;
  headers: Headers;
  /** When it was last confirmed by the API, when known. */
  confirmedAt?: number;
}

/**
 * The answer to give without a request, if any: a remembered answer without
 * ETag within its time to live, or (with `maxAgeMs` above 0) an answer with
 * an ETag confirmed less than `maxAgeMs` ago.
 */
export function answerFromMemory(
  entry: CachedAnswer | undefined,
  maxAgeMs: number,
  now = Date.now(),
): AnswerFromMemory | undefined {
  if (!entry) return undefined;
  if (
    entry.etag === undefined &&
    entry.expiresAt !== undefined &&
    entry.expiresAt > now
  ) {
    return {
      status: entry.status ?? 404,
      value: entry.value,
      message: entry.message,
      headers: new Headers(entry.headers ?? []),
      confirmedAt: entry.confirmedAt,
    };
  }
  if (
    entry.etag !== undefined &&
    entry.confirmedAt !== undefined &&
    maxAgeMs > 0 &&
    now - entry.confirmedAt < maxAgeMs
  ) {
    return {
      status: 200,
      value: entry.value,
      next: entry.next,
      headers: new Headers(),
      confirmedAt: entry.confirmedAt,
    };
  }
  return undefined;
}

/** A client that can give answers confirmed within an age from memory. */
export interface MaxAgeClient<C> {
  withMaxAge(maxAgeMs: number): { client: C; oldest(): number | undefined };
}

/** Notes the oldest confirmation time among answers given from memory. */
export function oldestConfirmation(): {
  note(confirmedAt: number): void;
  oldest(): number | undefined;
} {
  let oldest: number | undefined;
  return {
    note: t => {
      oldest = oldest === undefined ? t : Math.min(oldest, t);
    },
    oldest: () => oldest,
  };
}

/**
 * Read a fact with answers confirmed within `maxAgeMs` given from memory
 * (0: every answer asked again). A fact built from such answers is as old as
 * the oldest of them (`readAt`).
 */
export async function readWithinMaxAge<C extends MaxAgeClient<C>, T>(
  client: C,
  maxAgeMs: number,
  read: (client: C) => Promise<T>,
): Promise<Fact<T>> {
  if (maxAgeMs <= 0) return factValue(await read(client));
  const view = client.withMaxAge(maxAgeMs);
  const value = await read(view.client);
  const oldest = view.oldest();
  return factValue(
    value,
    oldest === undefined ? {} : { readAt: new Date(oldest).toISOString() },
  );
}
