import { spoofableBotConditions } from './spoofableBotConditions';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('spoofable-bot-conditions', () => {
  describeCheckFixtures(spoofableBotConditions);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(spoofableBotConditions, 'fail');
    expect(summarise(outcome, spoofableBotConditions)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/automerge.yml:5:9 high \`github.actor == 'dependabot[bot]'\` trusts github.actor, which names whoever triggered the latest event (a bot updating someone else's pull request, or a re-run), not the author of the code",
          ".github/workflows/automerge.yml:8:36 high \`'renovate[bot]' == github.triggering_actor\` trusts github.triggering_actor, which names whoever triggered the latest event (a bot updating someone else's pull request, or a re-run), not the author of the code",
          ".github/workflows/automerge.yml:12:22 high \`contains(github['actor'], '[bot]')\` trusts github.actor, which names whoever triggered the latest event (a bot updating someone else's pull request, or a re-run), not the author of the code",
        ],
        "score": 2.5,
        "status": "fail",
      }
    `);
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
