import type { AdvisoryDatabase } from '../vulns/advisoryDatabase';
import { ScorecardCheck } from './types';
import { hardcodedSecrets } from './hardcodedSecrets';
import { persistedCheckoutCredentials } from './persistedCheckoutCredentials';
import { sastConfigured } from './sastConfigured';
import { pipelineCodeowners } from './pipelineCodeowners';
import { excessiveTokenPermissions } from './excessiveTokenPermissions';
import { untrustedCheckout } from './untrustedCheckout';
import { scriptInjection } from './scriptInjection';
import { securityPolicy } from './securityPolicy';
import { downloadAndExecute } from './downloadAndExecute';
import { insecureTransport } from './insecureTransport';
import { tlsVerificationDisabled } from './tlsVerificationDisabled';
import { unpinnedActions } from './unpinnedActions';
import { unpinnedImages } from './unpinnedImages';
import { dependencyUpdateTool } from './dependencyUpdateTool';
import { unlockedDependencies } from './unlockedDependencies';
import { overexposedSecrets } from './overexposedSecrets';
import { secretsOutsideEnvironment } from './secretsOutsideEnvironment';
import {
  createKnownVulnerableActionsCheck,
  knownVulnerableActions,
} from './knownVulnerableActions';
import { unsoundPipelineConditions } from './unsoundPipelineConditions';
import { githubEnvAbuse } from './githubEnvAbuse';
import { spoofableBotConditions } from './spoofableBotConditions';
import { selfHostedRunnerOnPrs } from './selfHostedRunnerOnPrs';
import { cachePoisoning } from './cachePoisoning';
import { untrustedActions } from './untrustedActions';
import { hardcodedRegistryCredentials } from './hardcodedRegistryCredentials';
import { ciDebugLogging } from './ciDebugLogging';
import { longLivedCredentials } from './longLivedCredentials';
import { jenkinsCredentialInterpolation } from './jenkinsCredentialInterpolation';
import { unprotectedDeployments } from './unprotectedDeployments';
import { unpinnedSharedPipelineCode } from './unpinnedSharedPipelineCode';
import { adhocToolInstalls } from './adhocToolInstalls';
import { unpinnedCiPlugins } from './unpinnedCiPlugins';
import { jenkinsControllerBuilds } from './jenkinsControllerBuilds';
import { secretScanningEnabled } from './secretScanningEnabled';
import { dependencyAlertsEnabled } from './dependencyAlertsEnabled';
import { dependencyScanningInCi } from './dependencyScanningInCi';
import { containerScanningInCi } from './containerScanningInCi';
import { sastOnPullRequests } from './sastOnPullRequests';
import { testsOnPullRequests } from './testsOnPullRequests';
import { sbomGenerated } from './sbomGenerated';
import { buildProvenance } from './buildProvenance';
import { licensePresent } from './licensePresent';
import { committedBinaries } from './committedBinaries';
import { dockerAddWithoutChecksum } from './dockerAddWithoutChecksum';
import { runnerEgressPolicy } from './runnerEgressPolicy';
import { unsafeDependabotConfig } from './unsafeDependabotConfig';
import { containerBuildHygiene } from './containerBuildHygiene';
import { defaultBranchProtected } from './defaultBranchProtected';
import { forcePushBlocked } from './forcePushBlocked';
import { reviewRequired } from './reviewRequired';
import { reviewRigour } from './reviewRigour';
import { statusChecksRequired } from './statusChecksRequired';
import { protectionBypass } from './protectionBypass';
import { signedCommitsRequired } from './signedCommitsRequired';
import { actionsRepoSettings } from './actionsRepoSettings';
import { actionsAllowList } from './actionsAllowList';
import { webhookSecret } from './webhookSecret';
import { webhookTls } from './webhookTls';
import { openSecretAlerts } from './openSecretAlerts';
import { openCodeScanningAlerts } from './openCodeScanningAlerts';
import { staleCiSecrets } from './staleCiSecrets';
import { repositoryMaintained } from './repositoryMaintained';
import { sonarqubeQualityGate } from './sonarqubeQualityGate';
import {
  createOpenVulnerableDependenciesCheck,
  openVulnerableDependencies,
} from './openVulnerableDependencies';

export * from './types';

/**
 * Every built-in check. The CLI lists them and the engine runs them in this
 * order; a new check goes at the end. Adding a check takes one file in this
 * folder that exports it and one line here (see docs/CONTRIBUTING.md).
 */
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
  overexposedSecrets,
  secretsOutsideEnvironment,
  knownVulnerableActions,
  unsoundPipelineConditions,
  githubEnvAbuse,
  spoofableBotConditions,
  selfHostedRunnerOnPrs,
  cachePoisoning,
  untrustedActions,
  hardcodedRegistryCredentials,
  ciDebugLogging,
  longLivedCredentials,
  jenkinsCredentialInterpolation,
  unprotectedDeployments,
  unpinnedSharedPipelineCode,
  adhocToolInstalls,
  unpinnedCiPlugins,
  jenkinsControllerBuilds,
  secretScanningEnabled,
  dependencyAlertsEnabled,
  dependencyScanningInCi,
  containerScanningInCi,
  sastOnPullRequests,
  testsOnPullRequests,
  sbomGenerated,
  buildProvenance,
  licensePresent,
  committedBinaries,
  dockerAddWithoutChecksum,
  runnerEgressPolicy,
  unsafeDependabotConfig,
  containerBuildHygiene,
  defaultBranchProtected,
  forcePushBlocked,
  reviewRequired,
  reviewRigour,
  statusChecksRequired,
  protectionBypass,
  signedCommitsRequired,
  actionsRepoSettings,
  actionsAllowList,
  webhookSecret,
  webhookTls,
  openSecretAlerts,
  openCodeScanningAlerts,
  staleCiSecrets,
  repositoryMaintained,
  openVulnerableDependencies,
  sonarqubeQualityGate,
];
export {
  createOpenVulnerableDependenciesCheck,
  VULNERABILITY_WEIGHTS,
} from './openVulnerableDependencies';
export {
  actionAdvisoryOf,
  createKnownVulnerableActionsCheck,
} from './knownVulnerableActions';

/**
 * The checks with the two that read advisory data (open-vulnerable-dependencies,
 * known-vulnerable-actions) reading `database`.
 */
export function withAdvisoryData(
  checks: readonly ScorecardCheck[],
  database: AdvisoryDatabase,
): ScorecardCheck[] {
  const withData = new Map(
    [
      createOpenVulnerableDependenciesCheck({ database }),
      createKnownVulnerableActionsCheck({ database }),
    ].map(c => [c.id, c]),
  );
  return checks.map(c => withData.get(c.id) ?? c);
}
