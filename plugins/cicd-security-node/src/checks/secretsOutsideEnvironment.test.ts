import { secretsOutsideEnvironment } from './secretsOutsideEnvironment';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('secrets-outside-environment', () => {
  describeCheckFixtures(secretsOutsideEnvironment);

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(secretsOutsideEnvironment, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({ line: 8, column: 22 });
    expect(outcome.score).toBe(5);
  });
});
