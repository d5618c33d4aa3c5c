import { ScorecardCheck } from './types';
import { dockerAddWithoutChecksum } from './dockerAddWithoutChecksum';
import { runnerEgressPolicy } from './runnerEgressPolicy';
import { unsafeDependabotConfig } from './unsafeDependabotConfig';
import { containerBuildHygiene } from './containerBuildHygiene';

/** Container, dependabot and network checks. */
export const groupContainersChecks: ScorecardCheck[] = [
  dockerAddWithoutChecksum,
  runnerEgressPolicy,
  unsafeDependabotConfig,
  containerBuildHygiene,
];
