import { ScorecardCheck } from './types';

/** Multi-platform pipeline checks. */
export const groupPipelinesChecks: ScorecardCheck[] = [];
