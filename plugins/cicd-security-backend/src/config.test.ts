import { ConfigReader } from '@backstage/config';
import { DEFAULT_SCORING } from '@cicd-security/plugin-cicd-security-node';
import { readCicdSecuritySettings } from './config';

describe('readCicdSecuritySettings', () => {
  it('has documented defaults', () => {
    expect(readCicdSecuritySettings(new ConfigReader({}))).toEqual({
      localRoots: [],
      maxFileBytes: 1024 * 1024,
      maxTotalBytes: 64 * 1024 * 1024,
      readTimeoutMs: 120_000,
      refreshRateLimit: 30,
      waiverMaxDays: 365,
      concurrency: 4,
      shards: 4,
      maxConcurrentShards: 1,
      retries: { maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 30000 },
      retention: { days: 180, fullResolutionDays: 14 },
      scoring: DEFAULT_SCORING,
      disabledChecks: [],
      guidesDir: undefined,
      facts: {},
      factTimeoutMs: 30_000,
      aggregatesCacheTtlMs: 15_000,
    });
  });

  it('reads how long org figures are cached, 0 for never, and refuses a negative time', () => {
    const ttl = (cacheTtlMs: number) =>
      readCicdSecuritySettings(
        new ConfigReader({ cicdSecurity: { aggregates: { cacheTtlMs } } }),
      ).aggregatesCacheTtlMs;
    expect(ttl(60_000)).toBe(60_000);
    expect(ttl(0)).toBe(0);
    expect(() => ttl(-1)).toThrow(
      'cicdSecurity.aggregates.cacheTtlMs must be an integer >= 0, got -1',
    );
  });

  it('reads every setting', () => {
    const settings = readCicdSecuritySettings(
      new ConfigReader({
        cicdSecurity: {
          sources: {
            localRoots: ['../../examples/repos'],
            maxFileBytes: 16 * 1024 * 1024,
            maxTotalBytes: 100_000_000,
            readTimeoutMs: 30_000,
            allow: [
              { host: 'github.com', paths: ['my-org/'] },
              { host: 'gitlab.example.com' },
            ],
          },
          refresh: { rateLimit: 5 },
          waivers: { maxDays: 90 },
          concurrency: 2,
          shards: 8,
          retries: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 500 },
          retention: { days: 30, fullResolutionDays: 7 },
          scoring: {
            severityWeights: { critical: 20 },
            categoryWeights: { compliance: 0.5 },
            checkWeights: { 'unpinned-actions': 3 },
            gradeBands: { A: 9.5 },
          },
          checks: {
            'unpinned-actions': { enabled: false },
            'security-policy': { enabled: true },
          },
          guidesDir: 'docs/checks',
          facts: {
            allowedActionOwners: ['acme', 'actions'],
            allowedRunnerLabels: ['arc-ephemeral'],
            runnersBehindEgressFirewall: true,
            timeoutMs: 5000,
          },
        },
      }),
    );
    expect(settings).toMatchObject({
      localRoots: ['../../examples/repos'],
      maxFileBytes: 16 * 1024 * 1024,
      maxTotalBytes: 100_000_000,
      readTimeoutMs: 30_000,
      allow: [
        { host: 'github.com', paths: ['my-org/'] },
        { host: 'gitlab.example.com' },
      ],
      refreshRateLimit: 5,
      waiverMaxDays: 90,
      concurrency: 2,
      shards: 8,
      retries: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 500 },
      retention: { days: 30, fullResolutionDays: 7 },
      disabledChecks: ['unpinned-actions'],
      guidesDir: 'docs/checks',
      facts: {
        allowedActionOwners: ['acme', 'actions'],
        allowedRunnerLabels: ['arc-ephemeral'],
        runnersBehindEgressFirewall: true,
      },
      factTimeoutMs: 5000,
    });
    expect(settings.scoring.severityWeights).toEqual({
      critical: 20,
      high: 7.5,
      medium: 5,
      low: 2.5,
    });
    expect(settings.scoring.categoryWeights.compliance).toBe(0.5);
    expect(settings.scoring.categoryWeights['code-quality']).toBe(1);
    expect(settings.scoring.checkWeights).toEqual({ 'unpinned-actions': 3 });
    expect(settings.scoring.gradeBands).toEqual({ A: 9.5, B: 7.5, C: 6, D: 4 });
  });

  it.each([
    [{ concurrency: 0 }, /concurrency must be a positive integer/],
    [{ shards: 0 }, /shards must be an integer from 1 to 256/],
    [{ shards: 1.5 }, /shards must be an integer/],
    [
      { retries: { maxAttempts: 0 } },
      /retries.maxAttempts must be an integer >= 1/,
    ],
    [{ retention: { days: 0 } }, /retention.days must be an integer >= 1/],
    [
      { retention: { days: 10, fullResolutionDays: 20 } },
      /fullResolutionDays \(20\) must not exceed/,
    ],
    [{ scoring: { gradeBands: { A: 3, B: 5 } } }, /gradeBands/],
    [{ sources: { maxTotalBytes: 0 } }, /maxTotalBytes must be an integer/],
    [{ sources: { allow: [{ host: 'a/b' }] } }, /must be a host name/],
    [{ refresh: { rateLimit: 0 } }, /refresh.rateLimit must be an integer/],
    [{ waivers: { maxDays: -1 } }, /waivers.maxDays must be an integer/],
    [{ facts: { timeoutMs: 0 } }, /facts.timeoutMs must be an integer/],
    [{ scoring: { severityWeights: { high: -1 } } }, /must be a number >= 0/],
  ])('rejects bad values %j', (cicdSecurity, error) => {
    expect(() =>
      readCicdSecuritySettings(new ConfigReader({ cicdSecurity })),
    ).toThrow(error);
  });
});
