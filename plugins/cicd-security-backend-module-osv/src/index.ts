/**
 * The OSV module of cicd-security: the known vulnerabilities of the package
 * versions lockfiles pin, asked of the OSV API with a cache shared by every
 * component and replica, for the open-vulnerable-dependencies check.
 *
 * @packageDocumentation
 */
export { cicdSecurityModuleOsv as default } from './module';
export {
  OsvApiAdvisoryDatabase,
  packageKey,
  type OsvApiAdvisoryDatabaseOptions,
} from './OsvApiAdvisoryDatabase';
export {
  OsvApiClient,
  OsvApiError,
  MAX_QUERIES_PER_BATCH,
  type OsvApiClientOptions,
  type OsvApiStats,
  type OsvQuery,
} from './api/OsvApiClient';
export type {
  CachedOsvRecord,
  OsvCache,
  OsvQueryKey,
  OsvVulnRef,
} from './cache/OsvCache';
export {
  DatabaseOsvCache,
  MIGRATIONS_TABLE,
  migrateOsvCache,
} from './cache/DatabaseOsvCache';
export { readOsvApiSettings, type OsvApiSettings } from './config';
