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
