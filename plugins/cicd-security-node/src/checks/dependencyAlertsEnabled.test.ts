import { dependencyAlertsEnabled } from './dependencyAlertsEnabled';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('dependency-alerts-enabled', () => {
  describeCheckFixtures(dependencyAlertsEnabled);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(dependencyAlertsEnabled, 'fail');
    expect(summarise(outcome, dependencyAlertsEnabled)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".gitlab-ci.yml:1:1 high GitLab Dependency Scanning is not enabled: include the Dependency-Scanning.gitlab-ci.yml template in .gitlab-ci.yml",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it.each([
    ['pass', 'pass', 10],
    ['pass-auto-devops', 'pass', 10],
    ['fail', 'fail', 0],
  ])('scores the GitLab %s fixture', async (name, status, score) => {
    const { outcome } = await runOnFixture(dependencyAlertsEnabled, name);
    expect(outcome).toMatchObject({ status, score });
  });

  it('is inconclusive on GitHub without the API fact', async () => {
    const { outcome } = await runOnFixture(
      dependencyAlertsEnabled,
      'inconclusive-github-without-api',
    );
    expect(outcome).toMatchObject({ status: 'inconclusive' });
    if (outcome.status !== 'inconclusive') throw new Error();
    expect(outcome.reason).toContain('github.vulnerabilityAlerts');
  });

  const facts = (alerts: boolean, fixes?: unknown) =>
    new InMemorySnapshot(
      { 'README.md': 'x' },
      {
        facts: {
          'github.vulnerabilityAlerts': { available: true, value: alerts },
          ...(fixes === undefined
            ? {}
            : {
                'github.automatedSecurityFixes': {
                  available: true,
                  value: fixes,
                },
              }),
        },
      },
    );

  it.each([
    [false, undefined, 'fail', 0],
    [true, { enabled: true, paused: false }, 'pass', 10],
    [true, { enabled: false, paused: false }, 'fail', 7],
    [true, { enabled: true, paused: true }, 'fail', 7],
    [true, true, 'pass', 10],
  ])('alerts %s, fixes %j → %s %d', async (alerts, fixes, status, score) => {
    expect(
      await dependencyAlertsEnabled.run(facts(alerts, fixes)),
    ).toMatchObject({ status, score });
  });

  it('is inconclusive when only the alerts fact is known', async () => {
    expect(await dependencyAlertsEnabled.run(facts(true))).toMatchObject({
      status: 'inconclusive',
    });
  });
});
