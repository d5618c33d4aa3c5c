import { secretsOutsideEnvironment } from './secretsOutsideEnvironment';
import { runOnFixture } from '../testing';

describe('secrets-outside-environment', () => {
  it.each(['pass', 'fail'])(
    'matches the markers of the %s fixture',
    async name => {
      const { missing, unexpected, outcome } = await runOnFixture(
        secretsOutsideEnvironment,
        name,
      );
      expect(missing).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(outcome.status).toBe(name);
    },
  );

  it('is not applicable when there is nothing to check', async () => {
    const { outcome } = await runOnFixture(
      secretsOutsideEnvironment,
      'not-applicable',
    );
    expect(outcome.status).toBe('not-applicable');
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(secretsOutsideEnvironment, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({ line: 8, column: 22 });
    expect(outcome.score).toBe(5);
  });
});
