export type { AdvisoryDatabase } from './advisoryDatabase';
export { openOsvDirectory, osvIndexDatabase } from './advisoryDatabase';
export type {
  AdvisoryMatch,
  OsvProblem,
  PackageLookup,
  ReadOsvOptions,
} from './osvDirectory';
export {
  OsvIndex,
  findAdvisories,
  indexOsvRecords,
  lookupPackage,
  readOsvDirectory,
} from './osvDirectory';
export type { OsvRecord } from './osvSchema';
export { parseOsvRecord, osvRecordSchema } from './osvSchema';
export { affectedBy, severityOf } from './match';
export { compareVersions, isVersionEcosystem } from './versions';
export type { VersionEcosystem } from './versions';
