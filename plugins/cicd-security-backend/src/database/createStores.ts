import { DataVersion } from './dataVersion';
import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  DEFAULT_SCORING,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import { DatabaseGroupHierarchyStore } from './DatabaseGroupHierarchyStore';
import {
  DatabaseScorecardStore,
  MIGRATIONS_DIR,
} from './DatabaseScorecardStore';
import { DatabaseWaiverStore } from './DatabaseWaiverStore';

/** The plugin's stores, sharing one database. */
export interface DatabaseStores {
  scorecards: DatabaseScorecardStore;
  waivers: DatabaseWaiverStore;
  groups: DatabaseGroupHierarchyStore;
}

/**
 * Migrates the plugin's database (unless migrations are skipped) and creates
 * its stores: scorecards, portal waivers and the group hierarchy.
 */
export async function createDatabaseStores(options: {
  database: DatabaseService;
  skipMigrations?: boolean;
  /** Scoring used when waivers change a score; the engine's default otherwise. */
  scoring?: ScoringConfig;
  /** How long slowly changing org figures are reused (0: no caching). */
  cacheTtlMs?: number;
  /** The clock of the waiver store (tests replace it). */
  clock?: () => Date;
}): Promise<DatabaseStores> {
  const { database, skipMigrations } = options;
  const db = await database.getClient();
  if (!database.migrations?.skip && !skipMigrations) {
    await db.migrate.latest({ directory: MIGRATIONS_DIR });
  }
  const scoring = options.scoring ?? DEFAULT_SCORING;
  const groups = new DatabaseGroupHierarchyStore(db);
  // Waivers change the org figures too.
  const version = new DataVersion();
  return {
    scorecards: new DatabaseScorecardStore(db, {
      scoring,
      cacheTtlMs: options.cacheTtlMs,
      groups,
      version,
    }),
    waivers: new DatabaseWaiverStore(db, scoring, options.clock, version),
    groups,
  };
}
