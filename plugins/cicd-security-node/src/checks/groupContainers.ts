import { ScorecardCheck } from './types';

/** Container, dependabot and network checks. */
export const groupContainersChecks: ScorecardCheck[] = [];
