import {
  botComparisons,
  spoofableBotConditions,
} from './spoofableBotConditions';
import { parseExpression } from '../parsers/githubActions';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('spoofable-bot-conditions', () => {
  describeCheckFixtures(spoofableBotConditions);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(spoofableBotConditions, 'fail');
    expect(summarise(outcome, spoofableBotConditions)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/automerge.yml:5:9 high This if: condition trusts github.actor being dependabot[bot], but github.actor names whoever caused the latest event (a bot that rebases or re-runs someone else's pull request, or a re-run), not the author of the code; on pull_request_target the run has a write token and secrets while an outsider can cause the event",
          ".github/workflows/automerge.yml:8:36 high This if: condition trusts github.triggering_actor being renovate[bot], but github.triggering_actor names whoever caused the latest event (a bot that rebases or re-runs someone else's pull request, or a re-run), not the author of the code; on pull_request_target the run has a write token and secrets while an outsider can cause the event",
          ".github/workflows/automerge.yml:12:22 high This if: condition trusts github.actor containing '[bot]', but github.actor names whoever caused the latest event (a bot that rebases or re-runs someone else's pull request, or a re-run), not the author of the code; on pull_request_target the run has a write token and secrets while an outsider can cause the event",
          ".github/workflows/automerge.yml:17:13 high This if: condition trusts github.actor being dependabot[bot], but github.actor names whoever caused the latest event (a bot that rebases or re-runs someone else's pull request, or a re-run), not the author of the code; on pull_request_target the run has a write token and secrets while an outsider can cause the event",
          ".github/workflows/automerge.yml:19:72 high This if: condition trusts github.actor being dependabot[bot], but github.actor names whoever caused the latest event (a bot that rebases or re-runs someone else's pull request, or a re-run), not the author of the code; on pull_request_target the run has a write token and secrets while an outsider can cause the event",
          ".github/workflows/automerge.yml:21:13 high This if: condition trusts github.actor_id being dependabot[bot], but github.actor_id names whoever caused the latest event (a bot that rebases or re-runs someone else's pull request, or a re-run), not the author of the code; on pull_request_target the run has a write token and secrets while an outsider can cause the event",
          ".github/workflows/automerge.yml:23:13 high This if: condition trusts github.event.sender.login being renovate[bot], but github.event.sender.login names whoever caused the latest event (a bot that rebases or re-runs someone else's pull request, or a re-run), not the author of the code; on pull_request_target the run has a write token and secrets while an outsider can cause the event",
          ".github/workflows/automerge.yml:26:16 medium This if: condition skips a step or job when github.actor is dependabot[bot] (a spoofed actor skips it), but github.actor names whoever caused the latest event (a bot that rebases or re-runs someone else's pull request, or a re-run), not the author of the code; on pull_request_target the run has a write token and secrets while an outsider can cause the event",
          ".github/workflows/automerge.yml:28:13 medium This if: condition skips a step or job when github.actor is renovate[bot] (a spoofed actor skips it), but github.actor names whoever caused the latest event (a bot that rebases or re-runs someone else's pull request, or a re-run), not the author of the code; on pull_request_target the run has a write token and secrets while an outsider can cause the event",
        ],
        "score": 1,
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

  it('judges each condition against the triggers that make it exploitable', async () => {
    const pr = await runOnFixture(spoofableBotConditions, 'fail-pull-request');
    if (pr.outcome.status !== 'fail') throw new Error(pr.outcome.status);
    expect(pr.outcome.findings.map(f => [f.line, f.severity])).toEqual([
      [8, 'medium'],
    ]);
    const push = await runOnFixture(spoofableBotConditions, 'warn-push-only');
    if (push.outcome.status !== 'warn') throw new Error(push.outcome.status);
    expect(push.outcome.findings.map(f => [f.line, f.severity])).toEqual([
      [9, 'low'],
    ]);
    expect(push.outcome.findings[0].message).toContain(
      'only people with write access cause these events',
    );
  });

  it.each([
    ["github.actor == 'dependabot[bot]'", 'github.actor being dependabot[bot]'],
    [
      "'dependabot[bot]' != github.actor",
      'not github.actor being dependabot[bot]',
    ],
    [
      "!(github.actor == 'dependabot[bot]')",
      'not github.actor being dependabot[bot]',
    ],
    [
      "!(github.actor != 'dependabot[bot]')",
      'github.actor being dependabot[bot]',
    ],
    [
      "github['TRIGGERING_ACTOR'] == 'Renovate[bot]'",
      'github.triggering_actor being renovate[bot]',
    ],
    ["github.actor == 'dependabot'", 'github.actor being dependabot'],
    ['github.actor_id == 49699333', 'github.actor_id being dependabot[bot]'],
    [
      "github.actor_id == '41898282'",
      'github.actor_id being github-actions[bot]',
    ],
    [
      "github.event.sender.login == 'renovate[bot]'",
      'github.event.sender.login being renovate[bot]',
    ],
    ["endsWith(github.actor, '[bot]')", "github.actor ending with '[bot]'"],
    [
      'contains(fromJSON(\'["a", "renovate[bot]"]\'), github.triggering_actor)',
      'github.triggering_actor being renovate[bot]',
    ],
    [
      "contains('dependabot[bot] renovate[bot]', github.actor)",
      'github.actor being dependabot[bot]',
    ],
  ])('reads %s as a bot condition', (condition, expected) => {
    expect(
      botComparisons(parseExpression(condition)).map(
        c =>
          `${c.negated ? 'not ' : ''}${c.context.join('.')} ${c.how} ${c.bot}`,
      ),
    ).toEqual([expected]);
  });

  it.each([
    "github.event.pull_request.user.login == 'dependabot[bot]'",
    "github.actor == 'octocat'",
    "contains(github.actor, 'notabot-team')",
    'github.actor_id == 12345',
    "github.repository == 'dependabot[bot]'",
    "'github.actor' == 'dependabot[bot]'",
  ])('does not read %s as a bot condition', condition => {
    expect(botComparisons(parseExpression(condition))).toEqual([]);
  });
});
