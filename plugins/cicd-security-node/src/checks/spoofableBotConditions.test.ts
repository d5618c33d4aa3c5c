import { spoofableBotConditions } from './spoofableBotConditions';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('spoofable-bot-conditions', () => {
  describeCheckFixtures(spoofableBotConditions);

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(spoofableBotConditions, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings[0]).toMatchObject({ line: 5, column: 9 });
    expect(outcome.findings[0].suggestedFix?.replacement).toBe(
      "github.event.pull_request.user.login == 'dependabot[bot]'",
    );
  });
});
