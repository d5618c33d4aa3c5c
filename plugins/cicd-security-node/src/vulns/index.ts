export type { AdvisoryDatabase } from './advisoryDatabase';
export { openOsvDirectory, osvIndexDatabase } from './advisoryDatabase';
export type {
  AdvisoryMatch,
  OsvProblem,
  PackageLookup,
  ReadOsvOptions,
} from './osvDirectory';
export {
  DEFAULT_MAX_OSV_FILE_BYTES,
  OsvIndex,
  findAdvisories,
  indexOsvRecords,
  lookupPackage,
  readOsvDirectory,
} from './osvDirectory';
export type { OsvRecord } from './osvSchema';
export { parseOsvRecord, osvRecordSchema } from './osvSchema';
export {
  affectedBy,
  ecosystemOf,
  normalisePackageName,
  severityOf,
} from './match';
export { compareVersions, isVersionEcosystem } from './versions';
export type { VersionEcosystem } from './versions';
