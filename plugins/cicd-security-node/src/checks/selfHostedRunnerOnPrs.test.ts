import { selfHostedRunnerOnPrs } from './selfHostedRunnerOnPrs';
import { runOnFixture } from '../testing';

describe('self-hosted-runner-on-prs', () => {
  it.each(['pass', 'fail'])(
    'matches the markers of the %s fixture',
    async name => {
      const { missing, unexpected, outcome } = await runOnFixture(
        selfHostedRunnerOnPrs,
        name,
      );
      expect(missing).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(outcome.status).toBe(name);
    },
  );

  it('is not applicable when there is nothing to check', async () => {
    const { outcome } = await runOnFixture(
      selfHostedRunnerOnPrs,
      'not-applicable',
    );
    expect(outcome.status).toBe('not-applicable');
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(selfHostedRunnerOnPrs, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings[0]).toMatchObject({ line: 6, column: 14 });
    expect(outcome.findings[2].message).toContain('gpu-box');
  });
});
