import { Config } from '@backstage/config';
import {
  resolveScoringConfig,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';

/** Default number of components scanned at the same time. */
export const DEFAULT_CONCURRENCY = 4;

/** The settings of `cicdSecurity.*` other than the schedule. */
export interface CicdSecuritySettings {
  localRoots: string[];
  concurrency: number;
  scoring: ScoringConfig;
  /** Ids of checks turned off with `cicdSecurity.checks.<id>.enabled: false`. */
  disabledChecks: string[];
  guidesDir?: string;
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
  const scoring = root?.getOptionalConfig('scoring');
  const numbers = (key: string) => {
    const c = scoring?.getOptionalConfig(key);
    return c
      ? Object.fromEntries(c.keys().map(k => [k, c.getNumber(k)]))
      : undefined;
  };
  const checks = root?.getOptionalConfig('checks');
  return {
    localRoots: root?.getOptionalStringArray('sources.localRoots') ?? [],
    concurrency,
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
  };
}
