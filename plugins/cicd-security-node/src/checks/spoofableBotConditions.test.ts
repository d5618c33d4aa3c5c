import { spoofableBotConditions } from './spoofableBotConditions';
import { runOnFixture } from '../testing';

describe('spoofable-bot-conditions', () => {
  it.each(['pass', 'fail'])(
    'matches the markers of the %s fixture',
    async name => {
      const { missing, unexpected, outcome } = await runOnFixture(
        spoofableBotConditions,
        name,
      );
      expect(missing).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(outcome.status).toBe(name);
    },
  );

  it('is not applicable when there is nothing to check', async () => {
    const { outcome } = await runOnFixture(
      spoofableBotConditions,
      'not-applicable',
    );
    expect(outcome.status).toBe('not-applicable');
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(spoofableBotConditions, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings[0]).toMatchObject({ line: 5, column: 9 });
    expect(outcome.findings[0].suggestedFix?.replacement).toBe(
      "github.event.pull_request.user.login == 'dependabot[bot]'",
    );
  });
});
