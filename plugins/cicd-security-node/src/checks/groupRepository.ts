import { ScorecardCheck } from './types';

/** Scanning presence, compliance and repository checks. */
export const groupRepositoryChecks: ScorecardCheck[] = [];
