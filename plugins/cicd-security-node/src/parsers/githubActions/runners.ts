/**
 * What kind of machine a `runs-on:` label names. GitHub-hosted runners and
 * managed runner services start a fresh machine for every job and throw it
 * away afterwards; a self-hosted runner may keep state between jobs and sit
 * on an internal network. The table of services is data: add a service by
 * adding its label pattern.
 */
export type RunnerKind = 'github-hosted' | 'managed-ephemeral' | 'self-hosted';

export interface RunnerClass {
  kind: RunnerKind;
  /** The service, for managed runners (`Depot`, `Blacksmith`…), or `GitHub`. */
  provider?: string;
}

/** GitHub-hosted standard and larger runners (`ubuntu-24.04-arm`, `macos-14-xlarge`, `ubuntu-slim`). */
const GITHUB_HOSTED =
  /^(ubuntu|windows|macos)-(latest|slim|\d+(\.\d+)?)(-(arm|arm64|large|xlarge|intel|vs\d+|\d+-?cores?))*$/i;

/** Managed ephemeral runner services, by the labels their documentation gives. */
export const MANAGED_RUNNER_SERVICES: ReadonlyArray<{
  provider: string;
  pattern: RegExp;
}> = [
  {
    provider: 'Depot',
    pattern: /^depot-(ubuntu|windows|macos)(-[a-z0-9.]+)*$/i,
  },
  {
    provider: 'Blacksmith',
    pattern: /^blacksmith(-\d+vcpu)?(-(ubuntu|windows)-\d{4})?(-arm)?$/i,
  },
  {
    provider: 'Namespace',
    pattern: /^(namespace-profile-[a-z0-9-]+|nscloud(-[a-z0-9.]+)*)$/i,
  },
  {
    provider: 'BuildJet',
    pattern: /^buildjet-\d+vcpu-(ubuntu|windows)-\d{4}(-arm)?$/i,
  },
  {
    provider: 'Ubicloud',
    pattern:
      /^ubicloud(-(standard|premium|gpu)(-\d+)?(-arm)?(-ubuntu-\d{4})?)?$/i,
  },
  {
    provider: 'WarpBuild',
    pattern: /^warp-(ubuntu|macos|windows)-[a-z0-9]+(-[a-z0-9]+)*$/i,
  },
  { provider: 'RunsOn', pattern: /^runs-on([=/].*)?$/i },
  {
    provider: 'Cirrus Runners',
    pattern: /^ghcr\.io\/cirruslabs\/[a-z0-9./:-]+$/i,
  },
];

/**
 * Classify one label. `self-hosted`, and any label neither GitHub nor a
 * known service uses, is self-hosted: GitHub routes an unknown label to the
 * organisation's own runners. `ephemeralLabels` are labels the organisation
 * declares ephemeral (its own autoscaled fleet).
 */
export function classifyRunnerLabel(
  label: string,
  ephemeralLabels: ReadonlySet<string> = new Set(),
): RunnerClass {
  const l = label.trim();
  if (GITHUB_HOSTED.test(l))
    return { kind: 'github-hosted', provider: 'GitHub' };
  if (ephemeralLabels.has(l.toLowerCase())) {
    return { kind: 'managed-ephemeral', provider: 'organisation' };
  }
  for (const { provider, pattern } of MANAGED_RUNNER_SERVICES) {
    if (pattern.test(l)) return { kind: 'managed-ephemeral', provider };
  }
  return { kind: 'self-hosted' };
}

/**
 * Classify a job's labels together: GitHub picks a runner that has every
 * label, so one self-hosted-only label (`self-hosted`, `linux`, a custom
 * name) beside a hosted one still means a self-hosted runner, unless all
 * labels belong to one hosted or managed service.
 */
export function classifyRunner(
  labels: readonly string[],
  ephemeralLabels: ReadonlySet<string> = new Set(),
): RunnerClass {
  if (labels.length === 0) return { kind: 'self-hosted' };
  const classes = labels.map(l => classifyRunnerLabel(l, ephemeralLabels));
  const selfHosted = classes.find(c => c.kind === 'self-hosted');
  if (selfHosted) return selfHosted;
  return classes.find(c => c.kind === 'managed-ephemeral') ?? classes[0];
}
