import { ConfigReader, JsonObject } from '@backstage/config';
import { readOsvApiSettings } from './config';

const read = (api: JsonObject) =>
  readOsvApiSettings(new ConfigReader({ cicdSecurity: { osv: { api } } }));

describe('readOsvApiSettings', () => {
  it('is off without cicdSecurity.osv.api, or with enabled: false', () => {
    expect(readOsvApiSettings(new ConfigReader({}))).toBeUndefined();
    expect(
      readOsvApiSettings(
        new ConfigReader({ cicdSecurity: { osv: { directory: '/srv/osv' } } }),
      ),
    ).toBeUndefined();
    expect(read({ enabled: false, baseUrl: 'https://osv.internal' })).toBe(
      undefined,
    );
  });

  it('uses the defaults for an empty block', () => {
    expect(read({})).toEqual({
      baseUrl: 'https://api.osv.dev',
      ttlMs: 24 * 3_600_000,
      timeoutMs: 15_000,
      retries: 3,
      concurrency: 4,
      maxRetryWaitMs: 60_000,
    });
  });

  it('reads every key', () => {
    expect(
      read({
        enabled: true,
        baseUrl: 'https://osv.internal/',
        ttlHours: 0.5,
        timeoutMs: 5000,
        retries: 0,
        concurrency: 8,
        maxRetryWaitSeconds: 10,
      }),
    ).toEqual({
      baseUrl: 'https://osv.internal',
      ttlMs: 1_800_000,
      timeoutMs: 5000,
      retries: 0,
      concurrency: 8,
      maxRetryWaitMs: 10_000,
    });
  });

  it.each([
    [{ baseUrl: 'file:///etc' }, 'baseUrl must be an http(s) address'],
    [{ ttlHours: 0 }, 'ttlHours must be a number greater than 0'],
    [{ retries: -1 }, 'retries must be an integer of at least 0'],
    [{ concurrency: 1.5 }, 'concurrency must be an integer of at least 1'],
  ])('refuses %j', (api, message) => {
    expect(() => read(api)).toThrow(message);
  });
});
