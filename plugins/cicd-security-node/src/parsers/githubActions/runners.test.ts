import { classifyRunner, classifyRunnerLabel } from './runners';

describe('runner classification', () => {
  it.each([
    ['ubuntu-latest', 'github-hosted', 'GitHub'],
    ['ubuntu-24.04-arm', 'github-hosted', 'GitHub'],
    ['macos-14-xlarge', 'github-hosted', 'GitHub'],
    ['windows-2022', 'github-hosted', 'GitHub'],
    ['ubuntu-22.04-16-cores', 'github-hosted', 'GitHub'],
    ['depot-ubuntu-24.04-4', 'managed-ephemeral', 'Depot'],
    ['blacksmith-4vcpu-ubuntu-2204', 'managed-ephemeral', 'Blacksmith'],
    ['blacksmith-2vcpu-ubuntu-2404-arm', 'managed-ephemeral', 'Blacksmith'],
    ['namespace-profile-default', 'managed-ephemeral', 'Namespace'],
    ['nscloud-ubuntu-22.04-amd64-4x16', 'managed-ephemeral', 'Namespace'],
    ['buildjet-8vcpu-ubuntu-2204', 'managed-ephemeral', 'BuildJet'],
    ['ubicloud-standard-4-arm', 'managed-ephemeral', 'Ubicloud'],
    ['warp-ubuntu-latest-x64-4x', 'managed-ephemeral', 'WarpBuild'],
    ['runs-on=123/runner=2cpu-linux-x64', 'managed-ephemeral', 'RunsOn'],
    [
      'ghcr.io/cirruslabs/macos-runner:sonoma',
      'managed-ephemeral',
      'Cirrus Runners',
    ],
    ['self-hosted', 'self-hosted', undefined],
    ['gpu-box', 'self-hosted', undefined],
    ['ubuntu-latest-but-ours', 'self-hosted', undefined],
    ['depotx', 'self-hosted', undefined],
  ])('%s is %s', (label, kind, provider) => {
    expect(classifyRunnerLabel(label)).toEqual(
      provider ? { kind, provider } : { kind },
    );
  });

  it('takes the labels an organisation declares ephemeral', () => {
    expect(
      classifyRunnerLabel('arc-ephemeral', new Set(['arc-ephemeral'])),
    ).toEqual({
      kind: 'managed-ephemeral',
      provider: 'organisation',
    });
  });

  it('is self-hosted when any label of the job is', () => {
    expect(classifyRunner(['self-hosted', 'ubuntu-latest']).kind).toBe(
      'self-hosted',
    );
    expect(classifyRunner(['ubuntu-latest']).kind).toBe('github-hosted');
    expect(classifyRunner(['depot-ubuntu-22.04']).kind).toBe(
      'managed-ephemeral',
    );
    expect(classifyRunner([]).kind).toBe('self-hosted');
  });
});
