import { persistedCheckoutCredentials } from './persistedCheckoutCredentials';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('persisted-checkout-credentials', () => {
  describeCheckFixtures(persistedCheckoutCredentials);

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
