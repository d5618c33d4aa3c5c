import { ScorecardCheck } from './types';

/** GitHub Actions-specific checks. */
export const groupGithubActionsChecks: ScorecardCheck[] = [];
