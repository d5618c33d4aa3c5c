import { answerFromMemory, readWithinMaxAge } from './scmClients';

describe('answerFromMemory', () => {
  const now = 1_000_000;

  it('gives a remembered answer without ETag until it expires', () => {
    const entry = {
      value: undefined,
      status: 404,
      message: 'Not Found',
      headers: [['x-accepted-github-permissions', 'administration=read']] as [
        string,
        string,
      ][],
      confirmedAt: now - 10,
      expiresAt: now + 10,
    };
    const memory = answerFromMemory(entry, 0, now);
    expect(memory).toMatchObject({
      status: 404,
      message: 'Not Found',
      confirmedAt: now - 10,
    });
    expect(memory?.headers.get('x-accepted-github-permissions')).toBe(
      'administration=read',
    );
    expect(answerFromMemory(entry, 0, now + 10)).toBeUndefined();
  });

  it('gives an answer with an ETag only within the maximum age', () => {
    const entry = { etag: '"a"', value: [1], next: 'n', confirmedAt: now - 50 };
    expect(answerFromMemory(entry, 0, now)).toBeUndefined();
    expect(answerFromMemory(entry, 50, now)).toBeUndefined();
    expect(answerFromMemory(entry, 51, now)).toMatchObject({
      status: 200,
      value: [1],
      next: 'n',
      confirmedAt: now - 50,
    });
  });
});

describe('readWithinMaxAge', () => {
  function client(answeredAt?: number) {
    const seen: number[] = [];
    const self = {
      seen,
      withMaxAge(maxAgeMs: number) {
        seen.push(maxAgeMs);
        return { client: self, oldest: () => answeredAt };
      },
    };
    return self;
  }

  it('dates a fact by its oldest answer given from memory', async () => {
    const c = client(Date.parse('2026-11-27T08:00:00Z'));
    expect(await readWithinMaxAge(c, 60_000, async () => 'v')).toEqual({
      available: true,
      value: 'v',
      readAt: '2026-11-27T08:00:00.000Z',
    });
    expect(c.seen).toEqual([60_000]);
  });

  it('reads without a view, undated, when every answer was asked', async () => {
    const asked = client(123);
    expect(await readWithinMaxAge(asked, 0, async () => 'v')).toEqual({
      available: true,
      value: 'v',
    });
    expect(asked.seen).toEqual([]);
    expect(
      await readWithinMaxAge(client(undefined), 5, async () => 'w'),
    ).toEqual({ available: true, value: 'w' });
  });
});
