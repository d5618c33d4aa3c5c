import { unsafeDependabotConfig } from './unsafeDependabotConfig';
import { describeCheckFixtures, runOnFixture } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('unsafe-dependabot-config', () => {
  describeCheckFixtures(unsafeDependabotConfig);

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
