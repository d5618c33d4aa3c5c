import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CustomErrorBase } from '@backstage/errors';

const MAX_TRACKED_CALLERS = 10_000;

/** 429: the caller asked too often; retry after `retryAfterSeconds`. */
export class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;
  readonly #retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.#retryAfterSeconds = retryAfterSeconds;
  }

  /** The HTTP status Backstage's error handler answers with. */
  get statusCode(): number {
    return 429;
  }

  get retryAfterSeconds(): number {
    return this.#retryAfterSeconds;
  }
}

/**
 * At most `limit` requests per caller in any sliding window of `windowMs`,
 * kept in memory per replica. The memory is bounded: callers without a
 * request in the window are forgotten, and at most 10,000 are tracked.
 */
export class CallerRateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #clock: () => number;
  readonly #calls = new Map<string, number[]>();

  constructor(options: {
    limit: number;
    windowMs?: number;
    clock?: () => number;
  }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#clock = options.clock ?? Date.now;
  }

  /**
   * Count one request of the caller; throws {@link TooManyRequestsError}
   * (not counted) when the caller is over the limit.
   */
  take(credentials: BackstageCredentials, what: string): void {
    const caller = callerKey(credentials);
    const now = this.#clock();
    const since = now - this.#windowMs;
    const calls = (this.#calls.get(caller) ?? []).filter(t => t > since);
    if (calls.length >= this.#limit) {
      this.#calls.set(caller, calls);
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil((calls[0] + this.#windowMs - now) / 1000),
      );
      throw new TooManyRequestsError(
        `Too many ${what} requests: at most ${this.#limit} per ${Math.round(
          this.#windowMs / 1000,
        )} s per caller; retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
    }
    calls.push(now);
    this.#calls.delete(caller);
    this.#calls.set(caller, calls);
    if (this.#calls.size > MAX_TRACKED_CALLERS) this.#prune(since);
  }

  #prune(since: number) {
    for (const [caller, calls] of this.#calls) {
      if (calls[calls.length - 1] <= since) this.#calls.delete(caller);
    }
    // Still too many active callers: forget the least recent ones.
    for (const caller of this.#calls.keys()) {
      if (this.#calls.size <= MAX_TRACKED_CALLERS) break;
      this.#calls.delete(caller);
    }
  }
}

/** The caller a limit applies to: the user, or the calling service. */
export function callerKey(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (p.type === 'user' && p.userEntityRef) return `user:${p.userEntityRef}`;
  if (p.type === 'service' && p.subject) return `service:${p.subject}`;
  return `other:${p.type ?? 'unknown'}`;
}
