import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  DatabaseOsvCache,
  MIGRATIONS_DIR,
  MIGRATIONS_TABLE,
  migrateOsvCache,
} from './DatabaseOsvCache';

jest.setTimeout(60_000);

const PLUGIN_MIGRATIONS = resolvePackagePath(
  '@cicd-security/plugin-cicd-security-backend',
  'migrations',
);
const TABLES = ['cicd_security_osv_queries', 'cicd_security_osv_vulns'];

describe('DatabaseOsvCache', () => {
  // PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is
  // set (scripts/pg-start.sh), as the plugin's store tests.
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    '%p: migrates beside the plugin in its own migrations table, up and down',
    async id => {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: PLUGIN_MIGRATIONS });
      await migrateOsvCache(knex);
      // Each side still finds every migration it recorded.
      await knex.migrate.latest({ directory: PLUGIN_MIGRATIONS });
      await migrateOsvCache(knex);
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      const names = (rows: Array<{ name: string }>) =>
        rows.map(r => r.name).sort();
      expect(names(await knex(MIGRATIONS_TABLE).select('name'))).toEqual([
        '20261129100000_osv_queries.js',
        '20261129100100_osv_vulns.js',
      ]);
      expect(
        names(await knex('knex_migrations').select('name')).filter(n =>
          n.includes('osv'),
        ),
      ).toEqual([]);

      await knex.migrate.rollback(
        { directory: MIGRATIONS_DIR, tableName: MIGRATIONS_TABLE },
        true,
      );
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasTable('cicd_security_scorecards')).toBe(true);
      await migrateOsvCache(knex);
      expect(await knex('cicd_security_osv_queries')).toEqual([]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    '%p: keeps the answers of package versions, fresh ones only, replaced when asked again',
    async id => {
      const knex = await databases.init(id);
      const cache = await DatabaseOsvCache.create({
        database: { getClient: async () => knex },
      });
      const t0 = new Date('2026-03-01T00:00:00Z');
      const t1 = new Date('2026-03-02T00:00:00Z');
      const vuln = {
        id: 'GHSA-t3st-lp01-0001',
        modified: '2026-01-10T08:14:22Z',
      };
      await cache.putQueries(
        [
          {
            key: 'a'.repeat(64),
            ecosystem: 'npm',
            name: 'left-pad',
            version: '1.3.0',
            vulns: [vuln],
          },
          {
            key: 'b'.repeat(64),
            ecosystem: 'npm',
            name: 'is-odd',
            version: '3.0.1',
            vulns: [],
          },
        ],
        t0,
      );
      expect(
        await cache.getQueries(
          ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)],
          t0,
        ),
      ).toEqual(
        new Map([
          ['a'.repeat(64), [vuln]],
          ['b'.repeat(64), []],
        ]),
      );
      // Older than the TTL's start: not fresh.
      expect((await cache.getQueries(['a'.repeat(64)], t1)).size).toBe(0);
      await cache.putQueries(
        [
          {
            key: 'a'.repeat(64),
            ecosystem: 'npm',
            name: 'left-pad',
            version: '1.3.0',
            vulns: [],
          },
        ],
        t1,
      );
      expect(await cache.getQueries(['a'.repeat(64)], t1)).toEqual(
        new Map([['a'.repeat(64), []]]),
      );
      expect(await cache.deleteQueriesBefore(t1)).toBe(1);

      // More keys than one statement binds.
      const many = Array.from({ length: 700 }, (_, i) => ({
        key: i.toString(16).padStart(64, '0'),
        ecosystem: 'npm',
        name: `p${i}`,
        version: '1.0.0',
        vulns: [],
      }));
      await cache.putQueries(many, t1);
      expect(
        (
          await cache.getQueries(
            many.map(m => m.key),
            t1,
          )
        ).size,
      ).toBe(700);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    '%p: keeps records by id, the last one written wins',
    async id => {
      const knex = await databases.init(id);
      await migrateOsvCache(knex);
      const cache = new DatabaseOsvCache(knex);
      const at = new Date('2026-03-01T00:00:00Z');
      await cache.putRecords(
        [
          {
            id: 'GHSA-x',
            modified: '2026-01-01T00:00:00Z',
            json: '{"id":"GHSA-x"}',
          },
        ],
        at,
      );
      await cache.putRecords(
        [
          {
            id: 'GHSA-x',
            modified: '2026-02-01T00:00:00Z',
            json: '{"id":"GHSA-x","v":2}',
          },
        ],
        at,
      );
      expect(await cache.getRecords(['GHSA-x', 'GHSA-y'])).toEqual(
        new Map([
          [
            'GHSA-x',
            {
              id: 'GHSA-x',
              modified: '2026-02-01T00:00:00Z',
              json: '{"id":"GHSA-x","v":2}',
            },
          ],
        ]),
      );
      await knex.destroy();
    },
  );
});
