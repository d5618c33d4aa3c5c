import { secretScanningEnabled } from './secretScanningEnabled';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('secret-scanning-enabled', () => {
  describeCheckFixtures(secretScanningEnabled);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(secretScanningEnabled, 'fail');
    expect(summarise(outcome, secretScanningEnabled)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".gitlab-ci.yml:3:5 high GitLab Secret Detection is not enabled: include the Secret-Detection.gitlab-ci.yml template in .gitlab-ci.yml",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('passes when GitLab Secret Detection is included', async () => {
    const { outcome } = await runOnFixture(secretScanningEnabled, 'pass');
    expect(outcome).toMatchObject({
      status: 'pass',
      score: 10,
      reason: 'Jobs/Secret-Detection.gitlab-ci.yml included (.gitlab-ci.yml:3)',
    });
  });

  it('fails on GitLab without the template, at the include block', async () => {
    const { outcome } = await runOnFixture(secretScanningEnabled, 'fail');
    expect(outcome).toMatchObject({
      status: 'fail',
      score: 0,
      findings: [{ file: '.gitlab-ci.yml', line: 3, column: 5 }],
    });
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings[0].suggestedFix?.replacement).toContain(
      'Jobs/Secret-Detection.gitlab-ci.yml',
    );
  });

  it('is inconclusive on GitHub without the API fact', async () => {
    const { outcome } = await runOnFixture(
      secretScanningEnabled,
      'inconclusive-github-without-api',
    );
    expect(outcome).toMatchObject({ status: 'inconclusive' });
    if (outcome.status !== 'inconclusive') throw new Error();
    expect(outcome.reason).toContain('github.securityAndAnalysis');
  });

  const withFact = (value: unknown) =>
    new InMemorySnapshot(
      { 'README.md': 'x' },
      { facts: { 'github.securityAndAnalysis': { available: true, value } } },
    );

  it.each([
    [
      {
        secret_scanning: { status: 'enabled' },
        secret_scanning_push_protection: { status: 'enabled' },
      },
      'pass',
      10,
    ],
    [
      {
        secret_scanning: { status: 'enabled' },
        secret_scanning_push_protection: { status: 'disabled' },
      },
      'fail',
      5,
    ],
    [{ secret_scanning: { status: 'disabled' } }, 'fail', 0],
    [{}, 'fail', 0],
  ])('scores the GitHub settings %j', async (value, status, score) => {
    expect(await secretScanningEnabled.run(withFact(value))).toMatchObject({
      status,
      score,
    });
  });

  it('recognises the component and Auto DevOps', async () => {
    for (const inc of [
      '  - component: $CI_SERVER_FQDN/components/secret-detection/secret-detection@1.1',
      '  - template: Auto-DevOps.gitlab-ci.yml',
      '  - template: Security/Secret-Detection.gitlab-ci.yml',
    ]) {
      const s = new InMemorySnapshot({
        '.gitlab-ci.yml': `include:\n${inc}\n`,
      });
      expect(await secretScanningEnabled.run(s)).toMatchObject({
        status: 'pass',
      });
    }
  });
});
