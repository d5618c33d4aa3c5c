import { unsafeDependabotConfig } from './unsafeDependabotConfig';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('unsafe-dependabot-config', () => {
  describeCheckFixtures(unsafeDependabotConfig);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(unsafeDependabotConfig, 'fail');
    expect(summarise(outcome, unsafeDependabotConfig)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/dependabot.yml:8:24 medium The npm (/) update has no cooldown: a release published minutes ago (possibly by an attacker) is proposed at once",
          ".github/dependabot.yml:12:39 high The npm (/) update allows insecure-external-code-execution: the package manager may run code from the updated dependencies with Dependabot's registry credentials",
          ".github/dependabot.yml:25:21 medium The docker (/) update's cooldown of 2 day(s) is shorter than 7",
          ".github/dependabot.yml:30:5 medium The pip (/) update's cooldown sets no default-days, so most releases are proposed at once",
        ],
        "score": 2.5,
        "status": "fail",
      }
    `);
  });

  it('rates code execution high and scores per update entry', async () => {
    const { outcome } = await runOnFixture(unsafeDependabotConfig, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.score).toBe(2.5);
    const exec = outcome.findings.find(f => f.line === 12)!;
    expect(exec).toMatchObject({ column: 39, severity: 'high' });
    const none = outcome.findings.find(f => f.line === 8)!;
    expect(none.message).toContain('has no cooldown');
    expect(none.suggestedFix?.replacement).toBe('cooldown:\n  default-days: 7');
    expect(outcome.findings.find(f => f.line === 25)!.message).toContain(
      'cooldown of 2 day(s)',
    );
  });

  it('is inconclusive on invalid YAML', async () => {
    const out = await unsafeDependabotConfig.run(
      new InMemorySnapshot({ '.github/dependabot.yaml': 'updates: [' }),
    );
    expect(out.status).toBe('inconclusive');
  });
});
