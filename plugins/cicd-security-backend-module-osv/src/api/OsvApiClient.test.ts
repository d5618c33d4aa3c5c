import { FakeOsv, TEST_RECORDS } from '../testing/fakeOsv';
import {
  MAX_RECORD_RESPONSE_BYTES,
  OsvApiClient,
  OsvApiClientOptions,
  retryAfterMs,
} from './OsvApiClient';

describe('OsvApiClient', () => {
  const osv = new FakeOsv().add(...TEST_RECORDS);
  let waits: number[];

  beforeAll(() => osv.start());
  afterAll(() => osv.stop());
  beforeEach(async () => {
    await osv.idle();
    osv.reset();
    waits = [];
  });

  const client = (options: Partial<OsvApiClientOptions> = {}) =>
    new OsvApiClient({
      baseUrl: osv.baseUrl,
      timeoutMs: 2000,
      retries: 3,
      concurrency: 4,
      maxRetryWaitMs: 60_000,
      sleep: async ms => {
        waits.push(ms);
      },
      ...options,
    });

  const leftPad = { ecosystem: 'npm', name: 'left-pad', version: '1.3.0' };
  const flask = { ecosystem: 'PyPI', name: 'flask', version: '3.0.0' };

  it('lists the vulnerabilities of each query, in order, {} as none', async () => {
    const c = client();
    expect(await c.queryBatch([leftPad, flask])).toEqual([
      [{ id: 'GHSA-t3st-lp01-0001', modified: '2026-01-10T08:14:22.431Z' }],
      [],
    ]);
    expect(osv.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/querybatch',
        status: 200,
        queries: [
          { package: { ecosystem: 'npm', name: 'left-pad' }, version: '1.3.0' },
          { package: { ecosystem: 'PyPI', name: 'flask' }, version: '3.0.0' },
        ],
      }),
    ]);
  });

  it('follows next_page_token for the results that have one', async () => {
    osv.add({
      id: 'GHSA-t3st-lp01-0009',
      modified: '2026-03-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'left-pad' } }],
    });
    osv.pageSize = 1;
    try {
      const [vulns] = await client().queryBatch([leftPad, flask]);
      expect(vulns.map(v => v.id)).toEqual([
        'GHSA-t3st-lp01-0001',
        'GHSA-t3st-lp01-0009',
      ]);
      expect(osv.requests.map(r => r.queries)).toEqual([
        [expect.anything(), expect.anything()],
        [
          {
            package: { ecosystem: 'npm', name: 'left-pad' },
            version: '1.3.0',
            page_token: expect.any(String),
          },
        ],
      ]);
    } finally {
      osv.records.delete('GHSA-t3st-lp01-0009');
    }
  });

  it('sends at most 1,000 queries per querybatch request', async () => {
    const queries = Array.from({ length: 2500 }, (_, i) => ({
      ecosystem: 'npm',
      name: `pkg-${i}`,
      version: '1.0.0',
    }));
    const c = client();
    const results = await c.queryBatch(queries);
    expect(results).toHaveLength(2500);
    expect(osv.requests.map(r => r.queries!.length)).toEqual([1000, 1000, 500]);
    expect(c.stats).toMatchObject({
      querybatchRequests: 3,
      queriedPackages: 2500,
    });
  });

  it('waits as Retry-After says after a 429, then asks again', async () => {
    osv.faults.push({
      match: 'querybatch',
      status: 429,
      headers: { 'retry-after': '2' },
      body: '{"code":8,"message":"Too many requests"}',
    });
    const c = client();
    expect(await c.queryBatch([leftPad])).toHaveLength(1);
    expect(waits).toEqual([2000]);
    expect(osv.requests.map(r => r.status)).toEqual([429, 200]);
    expect(c.stats.retries).toBe(1);
  });

  it('backs off exponentially on 5xx and gives up naming the request after the retries', async () => {
    for (let i = 0; i < 4; i++) {
      osv.faults.push({ match: 'querybatch', status: 503 });
    }
    await expect(client().queryBatch([leftPad])).rejects.toThrow(
      `POST ${osv.baseUrl}/v1/querybatch answered 503 Service Unavailable (4 attempts)`,
    );
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(375);
    expect(waits[0]).toBeLessThanOrEqual(625);
    expect(waits[2]).toBeGreaterThanOrEqual(1500);
    expect(waits[2]).toBeLessThanOrEqual(2500);
  });

  it('recovers from one 500', async () => {
    osv.faults.push({ match: 'vulns', status: 500 });
    const json = await client().getVuln('GHSA-t3st-lp01-0001');
    expect(JSON.parse(json!).id).toBe('GHSA-t3st-lp01-0001');
    expect(osv.requests.map(r => r.status)).toEqual([500, 200]);
  });

  it('fails at once when Retry-After asks for longer than maxRetryWaitSeconds', async () => {
    osv.faults.push({
      match: 'querybatch',
      status: 429,
      headers: { 'retry-after': '3600' },
    });
    await expect(
      client({ maxRetryWaitMs: 30_000 }).queryBatch([leftPad]),
    ).rejects.toThrow(
      'answered 429 Too Many Requests, and asks to retry after 3600 s, more than maxRetryWaitSeconds (30 s)',
    );
    expect(waits).toEqual([]);
  });

  it('times slow answers out, retries them, and names the timeout when all are slow', async () => {
    osv.faults.push({ match: 'querybatch', delayMs: 500 });
    expect(await client({ timeoutMs: 150 }).queryBatch([leftPad])).toHaveLength(
      1,
    );
    expect(waits).toHaveLength(1);

    osv.delayMs = 500;
    await expect(
      client({ timeoutMs: 150, retries: 1 }).queryBatch([leftPad]),
    ).rejects.toThrow(
      `POST ${osv.baseUrl}/v1/querybatch timed out after 150 ms (2 attempts)`,
    );
  });

  it('retries a connection closed without an answer', async () => {
    osv.faults.push({ match: 'querybatch', hangUp: true });
    expect(await client().queryBatch([leftPad])).toHaveLength(1);
    expect(waits).toHaveLength(1);
  });

  it('does not retry other 4xx answers, and names them', async () => {
    osv.faults.push({
      match: 'querybatch',
      status: 400,
      body: '{"code":3,"message":"Invalid query"}',
    });
    await expect(client().queryBatch([leftPad])).rejects.toThrow(
      `POST ${osv.baseUrl}/v1/querybatch answered 400: {"code":3,"message":"Invalid query"}`,
    );
    expect(osv.requests).toHaveLength(1);
  });

  it('refuses answers larger than the bound', async () => {
    osv.faults.push({
      match: 'vulns',
      status: 200,
      body: `{"id":"GHSA-t3st-lp01-0001","details":"${'x'.repeat(
        MAX_RECORD_RESPONSE_BYTES,
      )}"}`,
    });
    await expect(client().getVuln('GHSA-t3st-lp01-0001')).rejects.toThrow(
      'the answer is larger than 2097152 bytes',
    );
  });

  it('refuses answers that are not shaped like OSV', async () => {
    osv.faults.push({
      match: 'querybatch',
      status: 200,
      body: '{"results":[]}',
    });
    await expect(client().queryBatch([leftPad])).rejects.toThrow(
      'the answer has 0 results for 1 queries',
    );
    osv.faults.push({
      match: 'querybatch',
      status: 200,
      body: '{"results":[{"vulns":[{"id":"../../etc","modified":"x"}]}]}',
    });
    await expect(client().queryBatch([leftPad])).rejects.toThrow(
      'results[0].vulns[0] is not an { id, modified } of OSV',
    );
  });

  it('answers undefined for a record the API does not have', async () => {
    expect(await client().getVuln('GHSA-none-none-none')).toBeUndefined();
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    osv.delayMs = 30;
    const c = client({ concurrency: 2 });
    await Promise.all(TEST_RECORDS.map(r => c.getVuln(r.id)));
    await Promise.all(TEST_RECORDS.map(r => c.getVuln(r.id)));
    expect(osv.maxInFlight).toBe(2);
  });

  it.each([
    ['120', 120_000],
    ['Wed, 21 Oct 2026 07:28:10 GMT', 10_000],
    ['soon', undefined],
    [null, undefined],
  ])('reads Retry-After %p', (header, ms) => {
    expect(
      retryAfterMs(header, Date.parse('Wed, 21 Oct 2026 07:28:00 GMT')),
    ).toBe(ms);
  });
});
