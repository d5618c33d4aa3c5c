import { ScorecardCheck } from './types';
import { ciDebugLogging } from './ciDebugLogging';
import { longLivedCredentials } from './longLivedCredentials';
import { jenkinsCredentialInterpolation } from './jenkinsCredentialInterpolation';
import { hardcodedRegistryCredentials } from './hardcodedRegistryCredentials';
import { unprotectedDeployments } from './unprotectedDeployments';
import { unpinnedSharedPipelineCode } from './unpinnedSharedPipelineCode';
import { unpinnedCiPlugins } from './unpinnedCiPlugins';
import { jenkinsControllerBuilds } from './jenkinsControllerBuilds';
import { adhocToolInstalls } from './adhocToolInstalls';

/** Multi-platform pipeline checks. */
export const groupPipelinesChecks: ScorecardCheck[] = [
  hardcodedRegistryCredentials,
  ciDebugLogging,
  longLivedCredentials,
  jenkinsCredentialInterpolation,
  unprotectedDeployments,
  unpinnedSharedPipelineCode,
  adhocToolInstalls,
  unpinnedCiPlugins,
  jenkinsControllerBuilds,
];
