import { Config } from '@backstage/config';

/** Where the history of the directories under `directory` is kept instead. */
export interface HistoryRepositories {
  /** A folder of `dir:` sources (absolute, resolved from the working directory). */
  directory: string;
  /**
   * A folder of git repositories, one per source: the history of
   * `<directory>/<path>` is read from the repository `<repositories>/<path>`.
   */
  repositories: string;
}

/** `cicdSecurity.backfill`: scans of earlier git revisions, for a trend from day one. */
export interface BackfillSettings {
  enabled: boolean;
  /** How far back, in days. */
  maxAgeDays: number;
  /** Most revisions scanned per component (one per day at most). */
  maxRevisionsPerComponent: number;
  /** Components backfilled at the same time. */
  concurrency: number;
  /** Longest time for one revision: listing, reading and scanning (ms). */
  revisionTimeoutMs: number;
  /** Longest time for one backfill run over all components (ms). */
  runTimeoutMs: number;
  /** Histories kept outside the sources' own work trees. */
  historyRepositories: HistoryRepositories[];
}

export const DEFAULT_BACKFILL: BackfillSettings = {
  enabled: false,
  maxAgeDays: 90,
  maxRevisionsPerComponent: 30,
  concurrency: 2,
  revisionTimeoutMs: 60_000,
  runTimeoutMs: 30 * 60_000,
  historyRepositories: [],
};

/**
 * Reads `cicdSecurity.backfill`. Only `dir:` sources that are git work
 * trees can be backfilled: `url:` in `sources` is refused with the reason
 * (reading every earlier revision through an SCM API costs one archive
 * download per revision).
 */
export function readBackfillSettings(
  config: Config,
  options: {
    /** `cicdSecurity.retention.days`: backfilled points older would be deleted. */
    retentionDays: number;
    /** Resolves relative paths (the backend's working directory). */
    resolvePath: (p: string) => string;
  },
): BackfillSettings {
  const c = config.getOptionalConfig('cicdSecurity.backfill');
  if (!c) return DEFAULT_BACKFILL;
  const key = (k: string) => `cicdSecurity.backfill.${k}`;
  const integer = (k: string, fallback: number, min: number) => {
    const value = c.getOptionalNumber(k) ?? fallback;
    if (!Number.isInteger(value) || value < min) {
      throw new Error(
        `${key(k)} must be an integer of at least ${min}, got ${value}`,
      );
    }
    return value;
  };
  const maxAgeDays = integer('maxAgeDays', DEFAULT_BACKFILL.maxAgeDays, 1);
  if (maxAgeDays > options.retentionDays) {
    throw new Error(
      `${key(
        'maxAgeDays',
      )} (${maxAgeDays}) must not exceed cicdSecurity.retention.days (${
        options.retentionDays
      }): older points would be deleted by the history retention`,
    );
  }
  const sources = c.getOptionalStringArray('sources') ?? ['dir'];
  for (const source of sources) {
    if (source === 'url') {
      throw new Error(
        `${key(
          'sources',
        )}: 'url' is not supported; only dir: sources that are git work trees can be backfilled (reading earlier revisions of url: sources would download one archive per revision)`,
      );
    }
    if (source !== 'dir') {
      throw new Error(
        `${key('sources')}: unknown source type '${source}'; expected 'dir'`,
      );
    }
  }
  const historyRepositories = (
    c.getOptionalConfigArray('historyRepositories') ?? []
  ).map(entry => ({
    directory: options.resolvePath(entry.getString('directory')),
    repositories: options.resolvePath(entry.getString('repositories')),
  }));
  return {
    enabled: (c.getOptionalBoolean('enabled') ?? false) && sources.length > 0,
    maxAgeDays,
    maxRevisionsPerComponent: integer(
      'maxRevisionsPerComponent',
      DEFAULT_BACKFILL.maxRevisionsPerComponent,
      1,
    ),
    concurrency: integer('concurrency', DEFAULT_BACKFILL.concurrency, 1),
    revisionTimeoutMs:
      integer(
        'revisionTimeoutSeconds',
        DEFAULT_BACKFILL.revisionTimeoutMs / 1000,
        1,
      ) * 1000,
    runTimeoutMs:
      integer('runTimeoutMinutes', DEFAULT_BACKFILL.runTimeoutMs / 60_000, 1) *
      60_000,
    historyRepositories,
  };
}
