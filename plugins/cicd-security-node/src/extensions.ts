import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { ScorecardCheck } from './checks/types';

/**
 * Lets backend modules add their own checks to cicd-security.
 *
 * @example
 * ```ts
 * env.registerInit({
 *   deps: { checks: cicdSecurityChecksExtensionPoint },
 *   async init({ checks }) { checks.addChecks(myCheck); },
 * });
 * ```
 */
export interface CicdSecurityChecksExtensionPoint {
  addChecks(...checks: Array<ScorecardCheck | ScorecardCheck[]>): void;
}

export const cicdSecurityChecksExtensionPoint =
  createExtensionPoint<CicdSecurityChecksExtensionPoint>({
    id: 'cicd-security.checks',
  });
