import { TestDatabases } from '@backstage/backend-test-utils';
import {
  createOpenVulnerableDependenciesCheck,
  InMemorySnapshot,
  InventoryPackage,
} from '@cicd-security/plugin-cicd-security-node';
import { OsvApiClient } from './api/OsvApiClient';
import { DatabaseOsvCache } from './cache/DatabaseOsvCache';
import { OsvApiAdvisoryDatabase } from './OsvApiAdvisoryDatabase';
import { FakeOsv, TEST_RECORDS } from './testing/fakeOsv';

jest.setTimeout(60_000);

const HOUR = 3_600_000;

const pkg = (
  ecosystem: InventoryPackage['ecosystem'],
  name: string,
  version: string,
  exact = true,
): InventoryPackage => ({
  ecosystem,
  name,
  version,
  exact,
  direct: true,
  file: ecosystem === 'PyPI' ? 'requirements.txt' : 'package-lock.json',
  line: 1,
});

describe('OsvApiAdvisoryDatabase', () => {
  const osv = new FakeOsv().add(...TEST_RECORDS);
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let now: Date;

  beforeAll(() => osv.start());
  afterAll(() => osv.stop());
  beforeEach(async () => {
    await osv.idle();
    osv.reset();
    now = new Date('2026-03-01T00:00:00Z');
  });

  const open = async (
    id: Parameters<typeof databases.init>[0],
    knex?: Awaited<ReturnType<typeof databases.init>>,
  ) => {
    const db = knex ?? (await databases.init(id));
    const cache = await DatabaseOsvCache.create({
      database: { getClient: async () => db },
    });
    const client = new OsvApiClient({
      baseUrl: osv.baseUrl,
      timeoutMs: 2000,
      retries: 1,
      concurrency: 4,
      maxRetryWaitMs: 1000,
      sleep: async () => {},
    });
    return {
      knex: db,
      client,
      database: new OsvApiAdvisoryDatabase({
        client,
        cache,
        ttlMs: 24 * HOUR,
        now: () => now,
      }),
    };
  };

  it.each(databases.eachSupportedId())(
    '%p: evaluates the records the API lists with the engine matching: fixed version, severity, nothing for a fixed version',
    async id => {
      const { database, knex } = await open(id);
      expect(database.description).toBe(
        `the OSV API at ${osv.baseUrl} (answers kept 24 h)`,
      );
      const [vulnerable, fixed, requests, flask, range] = await database.lookup(
        [
          pkg('npm', 'left-pad', '1.3.0'),
          // The fake lists the record for every version: the matching drops it.
          pkg('npm', 'left-pad', '1.3.1'),
          pkg('PyPI', 'Requests', '2.31.0'),
          pkg('PyPI', 'flask', '3.0.0'),
          pkg('npm', 'minimist', '^1.2.0', false),
        ],
      );
      expect(vulnerable).toMatchObject({
        status: 'checked',
        advisories: [
          {
            id: 'GHSA-t3st-lp01-0001',
            aliases: ['CVE-2099-1001'],
            severity: 'high',
            fixed: '1.3.1',
            url: 'https://nvd.nist.gov/vuln/detail/CVE-2099-1001',
          },
        ],
      });
      expect(fixed).toEqual({
        status: 'checked',
        advisories: [],
        unparseable: [],
      });
      expect(requests).toMatchObject({
        advisories: [{ id: 'PYSEC-2099-7', severity: 'medium' }],
      });
      expect(requests.advisories[0].fixed).toBeUndefined();
      expect(flask).toEqual({
        status: 'checked',
        advisories: [],
        unparseable: [],
      });
      expect(range).toEqual({ status: 'not-pinned', advisories: [] });
      // Versions that are not exact are not asked.
      expect(osv.queried().sort()).toEqual([
        'PyPI Requests@2.31.0',
        'PyPI flask@3.0.0',
        'npm left-pad@1.3.0',
        'npm left-pad@1.3.1',
      ]);
      expect(osv.vulnFetches().sort()).toEqual([
        'GHSA-t3st-lp01-0001',
        'PYSEC-2099-7',
      ]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    '%p: asks each distinct package version once for 50 repositories sharing packages, and each record once',
    async id => {
      const { database, knex, client } = await open(id);
      // 50 repositories: 30 shared packages at one of two versions, 5 of their own.
      const repos = Array.from({ length: 50 }, (_, r) => [
        ...Array.from({ length: 30 }, (__, p) =>
          pkg('npm', `shared-${p}`, `1.0.${(r + p) % 2}`),
        ),
        pkg('npm', 'left-pad', r % 3 === 0 ? '1.3.1' : '1.3.0'),
        pkg('npm', 'minimist', '1.2.5'),
        ...Array.from({ length: 5 }, (__, p) =>
          pkg('npm', `own-${r}-${p}`, '2.0.0'),
        ),
        pkg('PyPI', r % 2 ? 'Requests' : 'requests', '2.31.0'),
      ]);
      const distinct = new Set(
        repos
          .flat()
          .map(p => `${p.ecosystem} ${p.name.toLowerCase()}@${p.version}`),
      );
      // As scans do: several components at once, then the rest.
      const results = await Promise.all(repos.map(r => database.lookup(r)));
      const queried = osv.queried().map(q => q.toLowerCase());
      expect(queried.length).toBe(distinct.size);
      expect(new Set(queried).size).toBe(distinct.size);
      expect(osv.vulnFetches().sort()).toEqual([
        'GHSA-t3st-lp01-0001',
        'GHSA-t3st-mm02-0002',
        'PYSEC-2099-7',
      ]);
      expect(
        results.every(r =>
          r.some(l => l.advisories.some(a => a.id === 'GHSA-t3st-mm02-0002')),
        ),
      ).toBe(true);
      expect(client.stats.querybatchRequests).toBeLessThanOrEqual(50);

      // Again within the TTL: no request at all.
      osv.reset();
      now = new Date(now.getTime() + 23 * HOUR);
      await Promise.all(repos.map(r => database.lookup(r)));
      expect(osv.requests).toEqual([]);

      // Another replica on the same database: no request either.
      const replica = await open(id, knex);
      await replica.database.lookup(repos[7]);
      expect(osv.requests).toEqual([]);

      // After the TTL: each package version once more; records unchanged are not fetched.
      now = new Date(now.getTime() + 2 * HOUR);
      await Promise.all(repos.map(r => database.lookup(r)));
      expect(osv.queried().length).toBe(distinct.size);
      expect(osv.vulnFetches()).toEqual([]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    '%p: fetches a record again when the API lists it as modified since',
    async id => {
      const { database, knex } = await open(id);
      await database.lookup([pkg('npm', 'left-pad', '1.3.0')]);
      const original = osv.records.get('GHSA-t3st-lp01-0001')!;
      osv.add({
        ...original,
        modified: '2026-02-20T00:00:00Z',
        database_specific: { severity: 'CRITICAL' },
      });
      try {
        osv.reset();
        now = new Date(now.getTime() + 25 * HOUR);
        const [lookup] = await database.lookup([
          pkg('npm', 'left-pad', '1.3.0'),
        ]);
        expect(osv.vulnFetches()).toEqual(['GHSA-t3st-lp01-0001']);
        expect(lookup.advisories[0].severity).toBe('critical');
      } finally {
        osv.add(original);
      }
      await knex.destroy();
    },
  );

  it('follows pagination tokens to every record', async () => {
    const { database, knex } = await open('SQLITE_3');
    osv.pageSize = 1;
    osv.add({
      id: 'GHSA-t3st-lp01-0003',
      modified: '2026-01-01T00:00:00Z',
      summary: 'ReDoS in left-pad',
      database_specific: { severity: 'LOW' },
      affected: [
        {
          package: { ecosystem: 'npm', name: 'left-pad' },
          versions: ['1.3.0'],
        },
      ],
    });
    try {
      const [lookup] = await database.lookup([pkg('npm', 'left-pad', '1.3.0')]);
      expect(lookup.advisories.map(a => a.id)).toEqual([
        'GHSA-t3st-lp01-0001',
        'GHSA-t3st-lp01-0003',
      ]);
      expect(
        osv.requests.filter(r => r.path === '/v1/querybatch'),
      ).toHaveLength(2);
    } finally {
      osv.records.delete('GHSA-t3st-lp01-0003');
    }
    await knex.destroy();
  });

  it('lists every record of a package, whatever its version, for known-vulnerable-actions, asking once', async () => {
    const { database, knex } = await open('SQLITE_3');
    osv.add({
      id: 'GHSA-t3st-act1-0005',
      modified: '2026-01-01T00:00:00Z',
      summary: 'deploy-action leaks its key',
      affected: [
        {
          package: { ecosystem: 'GitHub Actions', name: 'acme/deploy-action' },
          ranges: [
            {
              type: 'ECOSYSTEM',
              events: [{ introduced: '0' }, { fixed: '2.1.0' }],
            },
          ],
        },
      ],
    });
    try {
      const records = await database.recordsFor(
        'GitHub Actions',
        'acme/deploy-action',
      );
      expect(records.map(r => r.id)).toEqual(['GHSA-t3st-act1-0005']);
      const batches = osv.requests.filter(r => r.path === '/v1/querybatch');
      // OSV's query without a version: the package's every vulnerability.
      expect(batches[0].queries).toEqual([
        {
          package: { ecosystem: 'GitHub Actions', name: 'acme/deploy-action' },
        },
      ]);
      const before = osv.requests.length;
      await database.recordsFor('GitHub Actions', 'acme/deploy-action');
      expect(osv.requests.length).toBe(before);
    } finally {
      osv.records.delete('GHSA-t3st-act1-0005');
    }
    await knex.destroy();
  });

  it('says which listed records it could not read instead of dropping them', async () => {
    const { database, knex } = await open('SQLITE_3');
    osv.add({
      id: 'GHSA-t3st-gone-0004',
      modified: '2026-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'is-odd' } }],
    });
    osv.faults.push({ match: '/v1/vulns/GHSA-t3st-gone-0004', status: 404 });
    try {
      const [lookup] = await database.lookup([pkg('npm', 'is-odd', '3.0.1')]);
      expect(lookup).toEqual({
        status: 'checked',
        advisories: [],
        unparseable: [
          {
            id: 'GHSA-t3st-gone-0004',
            detail: 'the OSV API has no record of it (404)',
          },
        ],
      });
    } finally {
      osv.records.delete('GHSA-t3st-gone-0004');
    }
    await knex.destroy();
  });

  it('throws naming the failure when the API cannot answer, and the check is then inconclusive; nothing is cached', async () => {
    const { database, knex } = await open('SQLITE_3');
    osv.faults.push(
      { match: 'querybatch', status: 502 },
      { match: 'querybatch', status: 502 },
    );
    await expect(
      database.lookup([pkg('npm', 'left-pad', '1.3.0')]),
    ).rejects.toThrow(
      `POST ${osv.baseUrl}/v1/querybatch answered 502 Bad Gateway (2 attempts)`,
    );
    osv.faults.push(
      { match: 'querybatch', status: 500 },
      { match: 'querybatch', status: 500 },
    );
    const check = createOpenVulnerableDependenciesCheck({ database });
    const out = await check.run(
      new InMemorySnapshot({ 'requirements.txt': 'requests==2.31.0\n' }),
    );
    expect(out).toEqual({
      status: 'inconclusive',
      reason: `the advisory data could not be read (the OSV API at ${osv.baseUrl} (answers kept 24 h)): POST ${osv.baseUrl}/v1/querybatch answered 500 Internal Server Error (2 attempts)`,
    });
    expect(await knex('cicd_security_osv_queries')).toEqual([]);

    // The API back: the lookup works.
    const [lookup] = await database.lookup([pkg('npm', 'left-pad', '1.3.0')]);
    expect(lookup.advisories).toHaveLength(1);
    await knex.destroy();
  });
});
