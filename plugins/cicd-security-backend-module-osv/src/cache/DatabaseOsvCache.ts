import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { CachedOsvRecord, OsvCache, OsvQueryKey, OsvVulnRef } from './OsvCache';

/** Where the module's knex migrations live (shipped in the package). */
export const MIGRATIONS_DIR = resolvePackagePath(
  '@cicd-security/plugin-cicd-security-backend-module-osv',
  'migrations',
);

/**
 * The module's own migrations table: the module shares the cicd-security
 * plugin's database, whose migrations are recorded in `knex_migrations`; a
 * shared table would make each side see the other's files as missing.
 */
export const MIGRATIONS_TABLE = 'cicd_security_osv_knex_migrations';

const QUERIES = 'cicd_security_osv_queries';
const VULNS = 'cicd_security_osv_vulns';

/** Keys per `where in` and rows per insert, below every database's bind limit. */
const CHUNK = 300;

export interface RawDbOsvQueryRow {
  package_key: string;
  ecosystem: string;
  name: string;
  version: string;
  vulns: string;
  queried_at: Date | string | number;
}

export interface RawDbOsvVulnRow {
  vuln_id: string;
  modified: string;
  record: string;
  fetched_at: Date | string | number;
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** Reads a stored vulnerability list; a damaged one counts as not cached. */
function readVulns(text: string): OsvVulnRef[] | undefined {
  try {
    const value = JSON.parse(text);
    if (
      Array.isArray(value) &&
      value.every(
        v => v && typeof v.id === 'string' && typeof v.modified === 'string',
      )
    ) {
      return value.map(v => ({ id: v.id, modified: v.modified }));
    }
  } catch {
    // not cached
  }
  return undefined;
}

/** The OSV cache in the cicd-security plugin's database (SQLite or PostgreSQL). */
export class DatabaseOsvCache implements OsvCache {
  /** Migrates (unless the database's migrations are skipped) and opens the cache. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseOsvCache> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await migrateOsvCache(client);
    }
    return new DatabaseOsvCache(client);
  }

  /** A cache on a migrated database; {@link DatabaseOsvCache.create} migrates. */
  constructor(private readonly db: Knex) {}

  async getQueries(
    keys: readonly string[],
    since: Date,
  ): Promise<Map<string, OsvVulnRef[]>> {
    const found = new Map<string, OsvVulnRef[]>();
    for (const part of chunks([...new Set(keys)])) {
      const rows: Pick<RawDbOsvQueryRow, 'package_key' | 'vulns'>[] =
        await this.db(QUERIES)
          .select('package_key', 'vulns')
          .whereIn('package_key', part)
          .where('queried_at', '>=', since);
      for (const row of rows) {
        const vulns = readVulns(row.vulns);
        if (vulns) found.set(row.package_key, vulns);
      }
    }
    return found;
  }

  async putQueries(
    entries: ReadonlyArray<OsvQueryKey & { vulns: OsvVulnRef[] }>,
    at: Date,
  ): Promise<void> {
    const rows: RawDbOsvQueryRow[] = [
      ...new Map(entries.map(e => [e.key, e])).values(),
    ].map(e => ({
      package_key: e.key,
      ecosystem: e.ecosystem,
      name: e.name,
      version: e.version,
      vulns: JSON.stringify(
        e.vulns.map(v => ({ id: v.id, modified: v.modified })),
      ),
      queried_at: at,
    }));
    for (const part of chunks(rows, 100)) {
      await this.db(QUERIES)
        .insert(part)
        .onConflict('package_key')
        .merge(['vulns', 'queried_at']);
    }
  }

  async getRecords(
    ids: readonly string[],
  ): Promise<Map<string, CachedOsvRecord>> {
    const found = new Map<string, CachedOsvRecord>();
    for (const part of chunks([...new Set(ids)])) {
      const rows: Pick<RawDbOsvVulnRow, 'vuln_id' | 'modified' | 'record'>[] =
        await this.db(VULNS)
          .select('vuln_id', 'modified', 'record')
          .whereIn('vuln_id', part);
      for (const row of rows) {
        found.set(row.vuln_id, {
          id: row.vuln_id,
          modified: row.modified,
          json: row.record,
        });
      }
    }
    return found;
  }

  async putRecords(
    records: readonly CachedOsvRecord[],
    at: Date,
  ): Promise<void> {
    const rows: RawDbOsvVulnRow[] = [
      ...new Map(records.map(r => [r.id, r])).values(),
    ].map(r => ({
      vuln_id: r.id,
      modified: r.modified,
      record: r.json,
      fetched_at: at,
    }));
    // Records can be large: a few per statement.
    for (const part of chunks(rows, 20)) {
      await this.db(VULNS)
        .insert(part)
        .onConflict('vuln_id')
        .merge(['modified', 'record', 'fetched_at']);
    }
  }

  async deleteQueriesBefore(before: Date): Promise<number> {
    return this.db(QUERIES).where('queried_at', '<', before).delete();
  }
}

/** Runs the module's migrations, recorded in their own table. */
export async function migrateOsvCache(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: MIGRATIONS_DIR,
    tableName: MIGRATIONS_TABLE,
  });
}
