import { isError } from '@backstage/errors';

/** How reads that fail with a 5xx status or a rate limit are retried. */
export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Delay before the first retry, doubled for each further one (ms). */
  initialDelayMs: number;
  /** Longest wait before a retry (ms); a longer one gives up at once. */
  maxDelayMs: number;
}

/** Whether a failed read is worth another attempt, and when. */
export type ReadFailure =
  | { retryable: false; reason: string }
  | {
      retryable: true;
      reason: string;
      /** Wait the server asked for (Retry-After, rate-limit reset), in ms. */
      waitMs?: number;
    };

type HeaderGetter = { get(name: string): string | null };

/**
 * Classify an error of `UrlReaderService.readTree`. Two shapes occur: a
 * `ResponseError` (or any error carrying a `response` with `status` and
 * `headers`), and the plain errors of Backstage's SCM readers, whose message
 * ends in `, <status> <statusText>` and mentions `rate limit exceeded`.
 */
export function classifyReadError(
  error: unknown,
  now = Date.now(),
): ReadFailure {
  const message = isError(error) ? error.message : String(error);
  const response = (
    error as { response?: { status?: unknown; headers?: unknown } }
  )?.response;
  const status =
    typeof response?.status === 'number'
      ? response.status
      : typeof (error as { statusCode?: unknown })?.statusCode === 'number'
      ? (error as { statusCode: number }).statusCode
      : statusFromMessage(message);
  const headers =
    response?.headers &&
    typeof (response.headers as HeaderGetter).get === 'function'
      ? (response.headers as HeaderGetter)
      : undefined;

  const waitMs = headers ? serverWaitMs(headers, now) : undefined;
  const rateLimited =
    status === 429 ||
    /rate limit/i.test(message) ||
    headers?.get('x-ratelimit-remaining') === '0';
  if (rateLimited) {
    return {
      retryable: true,
      reason: `rate limited by the SCM: ${message}`,
      ...(waitMs !== undefined ? { waitMs } : {}),
    };
  }
  if (status !== undefined && status >= 500 && status <= 599) {
    return {
      retryable: true,
      reason: `the SCM failed with ${status}: ${message}`,
      ...(waitMs !== undefined ? { waitMs } : {}),
    };
  }
  if (status === undefined && isBrokenTransfer(error)) {
    return {
      retryable: true,
      reason: `the download from the SCM broke off: ${message}`,
    };
  }
  return { retryable: false, reason: message };
}

/** Codes of a connection or a download that broke off (Node, undici, zlib, tar). */
const BROKEN_TRANSFER_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'Z_BUF_ERROR',
  'Z_DATA_ERROR',
]);

/**
 * Whether the error is a transfer that broke off rather than an answer of
 * the SCM: a reset or refused connection, or an archive cut short (fetch's
 * `terminated`, zlib's `unexpected end of file`). Worth another attempt,
 * then the entity is stale; never scanned from half an archive.
 */
function isBrokenTransfer(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && BROKEN_TRANSFER_CODES.has(code)) {
      return true;
    }
    if (
      typeof message === 'string' &&
      /^terminated$|premature close|unexpected end of file|socket hang up|other side closed/i.test(
        message,
      )
    ) {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** `, 503 Service Unavailable` / `, 429 Too Many Requests` at the end of a reader message. */
function statusFromMessage(message: string): number | undefined {
  const match = message.match(
    /,\s(\d{3})\s[A-Za-z][^,]*(?:\s\(rate limit exceeded\))?$/,
  );
  return match ? Number(match[1]) : undefined;
}

/** The wait requested by `Retry-After` or by an exhausted rate limit's reset time. */
function serverWaitMs(headers: HeaderGetter, now: number): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) {
      return Math.max(0, reset * 1000 - now);
    }
  }
  return undefined;
}

/** Thrown when retries ran out on a retryable failure: the entity becomes stale. */
export class RetriesExhaustedError extends Error {
  readonly attempts: number;
  constructor(reason: string, attempts: number) {
    super(reason);
    this.name = 'RetriesExhaustedError';
    this.attempts = attempts;
  }
}

export interface RetryOptions {
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onRetry?: (attempt: number, delayMs: number, reason: string) => void;
}

/**
 * Run `fn`, retrying 5xx and rate-limit failures with exponential backoff (or
 * the wait the server asked for) up to `policy.maxAttempts` attempts. Other
 * errors are rethrown as they are; exhausted retries, and waits longer than
 * `policy.maxDelayMs`, throw {@link RetriesExhaustedError}.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  options: RetryOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? (ms => new Promise(r => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const failure = classifyReadError(e, now());
      if (!failure.retryable) throw e;
      if (attempt >= policy.maxAttempts) {
        throw new RetriesExhaustedError(
          `${failure.reason} (gave up after ${attempt} attempt${
            attempt === 1 ? '' : 's'
          })`,
          attempt,
        );
      }
      const backoff = policy.initialDelayMs * 2 ** (attempt - 1);
      const delay = failure.waitMs ?? backoff;
      if (delay > policy.maxDelayMs) {
        throw new RetriesExhaustedError(
          `${failure.reason} (retry possible in ${Math.ceil(
            delay / 1000,
          )} s, longer than the ${Math.ceil(
            policy.maxDelayMs / 1000,
          )} s limit)`,
          attempt,
        );
      }
      options.onRetry?.(attempt, delay, failure.reason);
      await sleep(delay);
    }
  }
}
