import { persistedCheckoutCredentials } from './persistedCheckoutCredentials';
import { runOnFixture } from '../testing';

describe('persisted-checkout-credentials', () => {
  it.each(['pass', 'fail'])(
    'matches the markers of the %s fixture',
    async name => {
      const { missing, unexpected, outcome } = await runOnFixture(
        persistedCheckoutCredentials,
        name,
      );
      expect(missing).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(outcome.status).toBe(name);
    },
  );

  it('is not applicable without a checkout step', async () => {
    const { outcome } = await runOnFixture(
      persistedCheckoutCredentials,
      'not-applicable',
    );
    expect(outcome.status).toBe('not-applicable');
  });

  it('points at the uses: value and scores proportionally', async () => {
    const { outcome } = await runOnFixture(
      persistedCheckoutCredentials,
      'fail',
    );
    expect(outcome).toMatchObject({ status: 'fail', score: 5 });
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings[0]).toMatchObject({
      file: '.github/workflows/ci.yml',
      line: 9,
      column: 15,
      severity: 'high',
    });
  });
});
