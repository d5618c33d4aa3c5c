/** Longest wait for one read of a repository from an SCM, by default (2 minutes). */
export const DEFAULT_READ_TIMEOUT_MS = 120_000;

/** Thrown when a read of a repository did not complete in time: the entity becomes stale. */
export class ReadTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadTimeoutError';
  }
}

/**
 * Run `fn` with an abort signal, and give up with {@link ReadTimeoutError}
 * when it has not settled after `timeoutMs`: the signal is aborted then, so
 * the requests that honour it are cancelled, and the caller goes on whether
 * or not the others ever answer.
 */
export async function withReadTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ReadTimeoutError(
        `the SCM did not answer within ${formatSeconds(
          timeoutMs,
        )} s (reading ${what})`,
      );
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([fn(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}
