import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@cicd-security/plugin-cicd-security-backend',
  'migrations',
);

const TABLES = [
  'cicd_security_scorecards',
  'cicd_security_scans',
  'cicd_security_check_results',
  'cicd_security_findings',
  'cicd_security_problems',
  'cicd_security_waivers',
  'cicd_security_waiver_events',
  'cicd_security_groups',
  'cicd_security_group_closure',
];

describe('migrations', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())('%p: walks up and down', async id => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    await knex('cicd_security_findings').insert({
      entity_ref: 'component:default/a',
      check_id: 'x',
      severity: 'high',
      message: 'm',
      column: 3,
      fingerprint: 'f',
    });

    await knex.migrate.rollback({ directory: migrationsDir }, true);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }

    await knex.migrate.latest({ directory: migrationsDir });
    expect(await knex('cicd_security_findings')).toEqual([]);
    await knex.destroy();
  });
});
