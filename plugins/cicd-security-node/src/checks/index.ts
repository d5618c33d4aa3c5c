import { ScorecardCheck } from './types';
import { unpinnedActions } from './unpinnedActions';
import { excessiveTokenPermissions } from './excessiveTokenPermissions';
import { scriptInjection } from './scriptInjection';
import { untrustedCheckout } from './untrustedCheckout';
import { persistedCheckoutCredentials } from './persistedCheckoutCredentials';
import { hardcodedSecrets } from './hardcodedSecrets';
import { downloadAndExecute } from './downloadAndExecute';
import { tlsVerificationDisabled } from './tlsVerificationDisabled';
import { insecureTransport } from './insecureTransport';
import { unpinnedImages } from './unpinnedImages';
import { dependencyUpdateTool } from './dependencyUpdateTool';
import { securityPolicy } from './securityPolicy';
import { pipelineCodeowners } from './pipelineCodeowners';
import { sastConfigured } from './sastConfigured';
import { unlockedDependencies } from './unlockedDependencies';
import { groupGithubActionsChecks } from './groupGithubActions';
import { groupPipelinesChecks } from './groupPipelines';
import { groupRepositoryChecks } from './groupRepository';
import { groupContainersChecks } from './groupContainers';

export * from './types';

/** Every built-in check, in catalogue order within each category. */
export const builtinChecks: ScorecardCheck[] = [
  hardcodedSecrets,
  persistedCheckoutCredentials,
  sastConfigured,
  pipelineCodeowners,
  excessiveTokenPermissions,
  untrustedCheckout,
  scriptInjection,
  securityPolicy,
  downloadAndExecute,
  insecureTransport,
  tlsVerificationDisabled,
  unpinnedActions,
  unpinnedImages,
  dependencyUpdateTool,
  unlockedDependencies,
  ...groupGithubActionsChecks,
  ...groupPipelinesChecks,
  ...groupRepositoryChecks,
  ...groupContainersChecks,
];
