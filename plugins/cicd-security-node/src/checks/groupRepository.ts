import { ScorecardCheck } from './types';
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

/** Scanning presence, compliance and repository checks. */
export const groupRepositoryChecks: ScorecardCheck[] = [
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
];
