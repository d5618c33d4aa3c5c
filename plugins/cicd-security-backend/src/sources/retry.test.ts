import { ResponseError } from '@backstage/errors';
import { classifyReadError, RetriesExhaustedError, withRetries } from './retry';

async function responseError(
  status: number,
  headers: Record<string, string> = {},
) {
  return ResponseError.fromResponse(
    new Response('{}', { status, statusText: 'x', headers }) as never,
  );
}

describe('classifyReadError', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it.each([
    [
      'Request failed for https://api.github.com/x, 503 Service Unavailable',
      true,
    ],
    [
      'Failed to read tree from https://gitlab.example.com/x, 502 Bad Gateway',
      true,
    ],
    [
      'Request failed for https://api.github.com/x, 403 Forbidden (rate limit exceeded)',
      true,
    ],
    [
      'Request failed for https://api.github.com/x, 429 Too Many Requests',
      true,
    ],
    ['Request failed for https://api.github.com/x, 401 Unauthorized', false],
    ['ENOTFOUND api.github.com', false],
  ])('%s → retryable %p', (message, retryable) => {
    expect(classifyReadError(new Error(message), now).retryable).toBe(
      retryable,
    );
  });

  it('reads Retry-After in seconds and as a date, and rate-limit resets', async () => {
    expect(
      classifyReadError(await responseError(429, { 'retry-after': '7' }), now),
    ).toMatchObject({
      retryable: true,
      waitMs: 7000,
    });
    expect(
      classifyReadError(
        await responseError(503, {
          'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT',
        }),
        now,
      ),
    ).toMatchObject({ retryable: true, waitMs: 10000 });
    expect(
      classifyReadError(
        await responseError(403, {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(now / 1000 + 60),
        }),
        now,
      ),
    ).toMatchObject({ retryable: true, waitMs: 60000 });
    expect(classifyReadError(await responseError(404), now).retryable).toBe(
      false,
    );
  });
});

describe('withRetries', () => {
  const policy = { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 1000 };

  it('returns the first success, backing off exponentially', async () => {
    const sleep = jest.fn().mockResolvedValue(undefined);
    const fn = jest
      .fn()
      .mockRejectedValueOnce(new Error('x, 500 Internal Server Error'))
      .mockRejectedValueOnce(new Error('x, 502 Bad Gateway'))
      .mockRejectedValueOnce(new Error('x, 504 Gateway Timeout'))
      .mockResolvedValue('ok');
    await expect(withRetries(fn, policy, { sleep })).resolves.toBe('ok');
    expect(sleep.mock.calls).toEqual([[10], [20], [40]]);
  });

  it('rethrows other errors at once', async () => {
    const error = new Error('x, 400 Bad Request');
    const fn = jest.fn().mockRejectedValue(error);
    await expect(withRetries(fn, policy, { sleep: jest.fn() })).rejects.toBe(
      error,
    );
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('stops after maxAttempts with the reason', async () => {
    const fn = jest
      .fn()
      .mockRejectedValue(new Error('x, 503 Service Unavailable'));
    const promise = withRetries(fn, policy, {
      sleep: jest.fn().mockResolvedValue(undefined),
    });
    await expect(promise).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(promise).rejects.toThrow(/503 .*gave up after 4 attempts/);
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it('waits for real with the default sleep', async () => {
    const fn = jest
      .fn()
      .mockRejectedValueOnce(new Error('x, 503 Service Unavailable'))
      .mockResolvedValue(1);
    const started = Date.now();
    await withRetries(fn, {
      maxAttempts: 2,
      initialDelayMs: 20,
      maxDelayMs: 100,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });
});
