import { DEFAULT_QUERY_CACHE_TTL_MS } from './database/ScorecardQueries';
import { Config } from '@backstage/config';
import { SourceAllowEntry } from './sources/resolveSource';
import { DEFAULT_READ_TIMEOUT_MS } from './sources/readTimeout';
import {
  resolveScoringConfig,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';

/** Default number of components scanned at the same time. */
export const DEFAULT_CONCURRENCY = 4;
/** Default number of shard tasks of the scheduled scan. */
export const DEFAULT_SHARDS = 4;

/** How SCM reads that fail with 5xx or a rate limit are retried. */
export interface RetrySettings {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Delay before the first retry, doubled for each further one. */
  initialDelayMs: number;
  /** Longest wait before a retry; a longer one gives up at once. */
  maxDelayMs: number;
}

export const DEFAULT_RETRIES: RetrySettings = {
  maxAttempts: 3,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
};

/** How long scan history is kept. */
export interface RetentionSettings {
  /** History older than this is deleted. */
  days: number;
  /** History older than this is kept as one point per entity per day. */
  fullResolutionDays: number;
}

export const DEFAULT_RETENTION: RetentionSettings = {
  days: 180,
  fullResolutionDays: 14,
};

/** Largest file read from a repository, by default (1 MiB). */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/** Largest total of file bytes read from one repository, by default (64 MiB). */
export const DEFAULT_MAX_TOTAL_BYTES = 64 * 1024 * 1024;
/** Refreshes one caller may ask for per minute, by default. */
export const DEFAULT_REFRESH_RATE_LIMIT = 30;
/** Longest portal waiver, in days, by default. */
export const DEFAULT_WAIVER_MAX_DAYS = 365;

/** The settings of `cicdSecurity.*` other than the schedule. */
export interface CicdSecuritySettings {
  localRoots: string[];
  /** Files larger than this are not read (only listed). */
  maxFileBytes: number;
  /** A repository whose files add up to more is not scanned. */
  maxTotalBytes: number;
  /** Longest wait for one read of a `url:` source, archive included (ms). */
  readTimeoutMs: number;
  /** Where `url:` sources may point; undefined: the registering organisation. */
  allow?: SourceAllowEntry[];
  /** Refreshes one caller (user or service) may ask for per minute. */
  refreshRateLimit: number;
  /** Longest portal waiver, in days. */
  waiverMaxDays: number;
  concurrency: number;
  shards: number;
  /** Shard tasks one replica runs at the same time before handing more to other replicas. */
  maxConcurrentShards: number;
  retries: RetrySettings;
  retention: RetentionSettings;
  scoring: ScoringConfig;
  /** Ids of checks turned off with `cicdSecurity.checks.<id>.enabled: false`. */
  disabledChecks: string[];
  guidesDir?: string;
  /** Organisation declarations given to every scan as facts (`cicdSecurity.facts`). */
  facts: OrganisationFacts;
  /** Longest wait for one fact provider (ms). */
  factTimeoutMs: number;
  /**
   * How long the org views' aggregates are reused after a write (ms); 0
   * computes them on every request.
   */
  aggregatesCacheTtlMs: number;
}

/** The facts an organisation declares in configuration. */
export interface OrganisationFacts {
  allowedActionOwners?: string[];
  allowedRunnerLabels?: string[];
  runnersBehindEgressFirewall?: boolean;
}

export function readCicdSecuritySettings(config: Config): CicdSecuritySettings {
  const root = config.getOptionalConfig('cicdSecurity');
  const concurrency =
    root?.getOptionalNumber('concurrency') ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(
      `cicdSecurity.concurrency must be a positive integer, got ${concurrency}`,
    );
  }
  const maxConcurrentShards =
    root?.getOptionalNumber('maxConcurrentShards') ?? 1;
  if (!Number.isInteger(maxConcurrentShards) || maxConcurrentShards < 1) {
    throw new Error(
      `cicdSecurity.maxConcurrentShards must be a positive integer, got ${maxConcurrentShards}`,
    );
  }
  const shards = root?.getOptionalNumber('shards') ?? DEFAULT_SHARDS;
  if (!Number.isInteger(shards) || shards < 1 || shards > 256) {
    throw new Error(
      `cicdSecurity.shards must be an integer from 1 to 256, got ${shards}`,
    );
  }
  const retries: RetrySettings = {
    maxAttempts: positiveInteger(
      root,
      'retries.maxAttempts',
      DEFAULT_RETRIES.maxAttempts,
      1,
    ),
    initialDelayMs: positiveInteger(
      root,
      'retries.initialDelayMs',
      DEFAULT_RETRIES.initialDelayMs,
      0,
    ),
    maxDelayMs: positiveInteger(
      root,
      'retries.maxDelayMs',
      DEFAULT_RETRIES.maxDelayMs,
      0,
    ),
  };
  const retention: RetentionSettings = {
    days: positiveInteger(root, 'retention.days', DEFAULT_RETENTION.days, 1),
    fullResolutionDays: positiveInteger(
      root,
      'retention.fullResolutionDays',
      DEFAULT_RETENTION.fullResolutionDays,
      0,
    ),
  };
  if (retention.fullResolutionDays > retention.days) {
    throw new Error(
      `cicdSecurity.retention.fullResolutionDays (${retention.fullResolutionDays}) must not exceed cicdSecurity.retention.days (${retention.days})`,
    );
  }
  const scoring = root?.getOptionalConfig('scoring');
  const numbers = (key: string) => {
    const c = scoring?.getOptionalConfig(key);
    return c
      ? Object.fromEntries(c.keys().map(k => [k, c.getNumber(k)]))
      : undefined;
  };
  const checks = root?.getOptionalConfig('checks');
  const maxFileBytes = positiveInteger(
    root,
    'sources.maxFileBytes',
    DEFAULT_MAX_FILE_BYTES,
    1,
  );
  const maxTotalBytes = positiveInteger(
    root,
    'sources.maxTotalBytes',
    DEFAULT_MAX_TOTAL_BYTES,
    1,
  );
  const allowConfigs = root?.getOptionalConfigArray('sources.allow');
  const allow = allowConfigs?.map(entry => {
    const host = entry.getString('host').trim();
    if (!host || /[/\s]/.test(host)) {
      throw new Error(
        `cicdSecurity.sources.allow[].host must be a host name, got '${host}'`,
      );
    }
    const paths = entry.getOptionalStringArray('paths');
    return { host, ...(paths ? { paths } : {}) };
  });
  return {
    localRoots: root?.getOptionalStringArray('sources.localRoots') ?? [],
    maxFileBytes,
    maxTotalBytes,
    readTimeoutMs: positiveInteger(
      root,
      'sources.readTimeoutMs',
      DEFAULT_READ_TIMEOUT_MS,
      1,
    ),
    ...(allow ? { allow } : {}),
    refreshRateLimit: positiveInteger(
      root,
      'refresh.rateLimit',
      DEFAULT_REFRESH_RATE_LIMIT,
      1,
    ),
    waiverMaxDays: positiveInteger(
      root,
      'waivers.maxDays',
      DEFAULT_WAIVER_MAX_DAYS,
      1,
    ),
    concurrency,
    shards,
    maxConcurrentShards,
    retries,
    retention,
    scoring: resolveScoringConfig({
      severityWeights: numbers('severityWeights'),
      categoryWeights: numbers('categoryWeights'),
      checkWeights: numbers('checkWeights'),
      gradeBands: numbers('gradeBands'),
    } as Parameters<typeof resolveScoringConfig>[0]),
    disabledChecks: (checks?.keys() ?? []).filter(
      id => checks?.getOptionalBoolean(`${id}.enabled`) === false,
    ),
    guidesDir: root?.getOptionalString('guidesDir'),
    facts: {
      ...optionalEntry(
        'allowedActionOwners',
        root?.getOptionalStringArray('facts.allowedActionOwners'),
      ),
      ...optionalEntry(
        'allowedRunnerLabels',
        root?.getOptionalStringArray('facts.allowedRunnerLabels'),
      ),
      ...optionalEntry(
        'runnersBehindEgressFirewall',
        root?.getOptionalBoolean('facts.runnersBehindEgressFirewall'),
      ),
    },
    factTimeoutMs: positiveInteger(root, 'facts.timeoutMs', 30_000, 1),
    aggregatesCacheTtlMs: positiveInteger(
      root,
      'aggregates.cacheTtlMs',
      DEFAULT_QUERY_CACHE_TTL_MS,
      0,
    ),
  };
}

function optionalEntry<K extends string, V>(
  key: K,
  value: V | undefined,
): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** An optional integer setting of at least `min`, else its default. */
function positiveInteger(
  root: Config | undefined,
  key: string,
  fallback: number,
  min: number,
): number {
  const value = root?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new Error(
      `cicdSecurity.${key} must be an integer >= ${min}, got ${value}`,
    );
  }
  return value;
}
