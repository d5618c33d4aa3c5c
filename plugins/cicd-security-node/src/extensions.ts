/**
 * Extension points of the cicd-security backend plugin, in their own entry
 * point (`@cicd-security/plugin-cicd-security-node/extensions`) so that the
 * engine itself, which the CLI runs, loads no Backstage backend package.
 *
 * @packageDocumentation
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ScorecardCheck } from './checks/types';
import type { FactProvider } from './facts';
import type { AdvisoryDatabase } from './vulns/advisoryDatabase';

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

/**
 * Lets backend modules supply facts from outside the repository's files
 * (SCM settings, alerts) to the checks that read them. The scanner asks
 * every provider that applies to an entity before its checks run; what a
 * provider cannot read becomes an `inconclusive` reason naming the
 * permission that would fix it.
 *
 * @example
 * ```ts
 * env.registerInit({
 *   deps: { facts: cicdSecurityFactsExtensionPoint },
 *   async init({ facts }) {
 *     facts.addFactProvider({
 *       id: 'github',
 *       facts: ['github.vulnerabilityAlerts'],
 *       appliesTo: s => s.source.target.startsWith('https://github.com/'),
 *       async fetch(subject, { signal }) {
 *         return { 'github.vulnerabilityAlerts': factValue(await read(subject, signal)) };
 *       },
 *     });
 *   },
 * });
 * ```
 */
export interface CicdSecurityFactsExtensionPoint {
  addFactProvider(...providers: FactProvider[]): void;
}

export const cicdSecurityFactsExtensionPoint =
  createExtensionPoint<CicdSecurityFactsExtensionPoint>({
    id: 'cicd-security.facts',
  });

/**
 * Lets one backend module give the open-vulnerable-dependencies check its
 * advisory data (an OSV API client with a shared cache, for example). A
 * database set here is used instead of `cicdSecurity.osv.directory`. At
 * most one module may set it: a second call throws at startup.
 *
 * @example
 * ```ts
 * env.registerInit({
 *   deps: { advisories: cicdSecurityAdvisoriesExtensionPoint },
 *   async init({ advisories }) {
 *     advisories.setAdvisoryDatabase(myDatabase);
 *   },
 * });
 * ```
 */
export interface CicdSecurityAdvisoriesExtensionPoint {
  setAdvisoryDatabase(database: AdvisoryDatabase): void;
}

export const cicdSecurityAdvisoriesExtensionPoint =
  createExtensionPoint<CicdSecurityAdvisoriesExtensionPoint>({
    id: 'cicd-security.advisories',
  });
