import { Config } from '@backstage/config';

/** The module's settings, from `cicdSecurity.osv.api`. */
export interface OsvApiSettings {
  baseUrl: string;
  ttlMs: number;
  timeoutMs: number;
  retries: number;
  concurrency: number;
  maxRetryWaitMs: number;
}

export const DEFAULT_OSV_API_BASE_URL = 'https://api.osv.dev';
export const DEFAULT_TTL_HOURS = 24;
export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_MAX_RETRY_WAIT_SECONDS = 60;

function positive(
  config: Config,
  key: string,
  def: number,
  options: { integer?: boolean; min?: number } = {},
): number {
  const integer = options.integer ?? false;
  const min = options.min ?? (integer ? 1 : Number.MIN_VALUE);
  const value = config.getOptionalNumber(key);
  if (value === undefined) return def;
  if (!(value >= min) || (integer && !Number.isInteger(value))) {
    throw new Error(
      `cicdSecurity.osv.api.${key} must be ${
        integer ? 'an integer' : 'a number'
      } ${min === Number.MIN_VALUE ? 'greater than 0' : `of at least ${min}`}`,
    );
  }
  return value;
}

/**
 * The settings of `cicdSecurity.osv.api`, or undefined when the block is
 * absent or `enabled: false`: the module then makes no request at all.
 * Invalid values throw at startup, naming the key.
 */
export function readOsvApiSettings(root: Config): OsvApiSettings | undefined {
  const c = root.getOptionalConfig('cicdSecurity.osv.api');
  // `api: {}` turns the module on with the defaults.
  if (!c || c.getOptionalBoolean('enabled') === false) return undefined;
  const baseUrl = (
    c.getOptionalString('baseUrl') ?? DEFAULT_OSV_API_BASE_URL
  ).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/i.test(baseUrl)) {
    throw new Error(
      `cicdSecurity.osv.api.baseUrl must be an http(s) address, not ${baseUrl}`,
    );
  }
  return {
    baseUrl,
    ttlMs: positive(c, 'ttlHours', DEFAULT_TTL_HOURS) * 3_600_000,
    timeoutMs: positive(c, 'timeoutMs', DEFAULT_TIMEOUT_MS, { integer: true }),
    retries: positive(c, 'retries', DEFAULT_RETRIES, { integer: true, min: 0 }),
    concurrency: positive(c, 'concurrency', DEFAULT_CONCURRENCY, {
      integer: true,
    }),
    maxRetryWaitMs:
      positive(c, 'maxRetryWaitSeconds', DEFAULT_MAX_RETRY_WAIT_SECONDS, {
        min: 0,
      }) * 1000,
  };
}
