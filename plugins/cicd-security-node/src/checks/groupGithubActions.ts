import { ScorecardCheck } from './types';
import { overexposedSecrets } from './overexposedSecrets';
import { secretsOutsideEnvironment } from './secretsOutsideEnvironment';
import { githubEnvAbuse } from './githubEnvAbuse';
import { spoofableBotConditions } from './spoofableBotConditions';
import { selfHostedRunnerOnPrs } from './selfHostedRunnerOnPrs';
import { cachePoisoning } from './cachePoisoning';
import { unsoundPipelineConditions } from './unsoundPipelineConditions';
import { untrustedActions } from './untrustedActions';
import { knownVulnerableActions } from './knownVulnerableActions';

/** GitHub Actions-specific checks. */
export const groupGithubActionsChecks: ScorecardCheck[] = [
  overexposedSecrets,
  secretsOutsideEnvironment,
  knownVulnerableActions,
  unsoundPipelineConditions,
  githubEnvAbuse,
  spoofableBotConditions,
  selfHostedRunnerOnPrs,
  cachePoisoning,
  untrustedActions,
];
