/** A vulnerability as the OSV API's querybatch lists it. */
export interface OsvVulnRef {
  id: string;
  /** The record's modification time (RFC 3339). */
  modified: string;
}

/** One exact package version asked of the OSV API. */
export interface OsvQueryKey {
  /** See `packageKey`: the same for names the ecosystem treats as one. */
  key: string;
  ecosystem: string;
  name: string;
  version: string;
}

/** A cached OSV record: its JSON text and modification time. */
export interface CachedOsvRecord {
  id: string;
  modified: string;
  /** The record as the API gave it (JSON). */
  json: string;
}

/**
 * Where the OSV module keeps the API's answers between scans, shared by
 * every component (and, in the database, every replica): the vulnerability
 * ids listed for each package version with when they were asked, and the
 * records by id.
 */
export interface OsvCache {
  /** The vulnerability lists of the keys asked at or after `since`. */
  getQueries(
    keys: readonly string[],
    since: Date,
  ): Promise<Map<string, OsvVulnRef[]>>;
  /** Records the answers for package versions, asked at `at`. */
  putQueries(
    entries: ReadonlyArray<OsvQueryKey & { vulns: OsvVulnRef[] }>,
    at: Date,
  ): Promise<void>;
  /** The cached records of these ids (absent ones are not in the map). */
  getRecords(ids: readonly string[]): Promise<Map<string, CachedOsvRecord>>;
  /** Records fetched at `at`; replaces older copies. */
  putRecords(records: readonly CachedOsvRecord[], at: Date): Promise<void>;
  /** Deletes package answers asked before `before`; returns how many. */
  deleteQueriesBefore(before: Date): Promise<number>;
}
