import { selfHostedRunnerOnPrs } from './selfHostedRunnerOnPrs';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('self-hosted-runner-on-prs', () => {
  describeCheckFixtures(selfHostedRunnerOnPrs);

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(selfHostedRunnerOnPrs, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings[0]).toMatchObject({ line: 6, column: 14 });
    expect(outcome.findings[2].message).toContain('gpu-box');
  });
});
