import { persistedCheckoutCredentials } from './persistedCheckoutCredentials';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('persisted-checkout-credentials', () => {
  describeCheckFixtures(persistedCheckoutCredentials);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(
      persistedCheckoutCredentials,
      'fail',
    );
    expect(summarise(outcome, persistedCheckoutCredentials))
      .toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:9:15 high actions/checkout@v4 persists the job token in .git/config and this job uploads an artifact; set persist-credentials: false",
        ],
        "score": 5,
        "status": "fail",
      }
    `);
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
