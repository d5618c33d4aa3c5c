/*
 * Compliance frameworks as data, the checks' mappings to their controls, and
 * the pure functions that evaluate a component (or many) against them.
 */
export * from './types';
export { complianceFrameworks } from './frameworks';
export { CHECK_CONTROLS } from './mappings';
export * from './catalog';
export {
  evaluateCompliance,
  aggregateCompliance,
  openFindings,
} from './evaluate';
export { estimateSlsaBuildLevel, SLSA_ISOLATION_CHECKS } from './slsa';
