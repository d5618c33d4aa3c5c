import { secretsOutsideEnvironment } from './secretsOutsideEnvironment';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('secrets-outside-environment', () => {
  describeCheckFixtures(secretsOutsideEnvironment);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(secretsOutsideEnvironment, 'fail');
    expect(summarise(outcome, secretsOutsideEnvironment))
      .toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/deploy.yml:8:22 low job "deploy" reads secrets.DEPLOY_TOKEN without a deployment environment; any workflow change on any branch can use it",
        ],
        "score": 5,
        "status": "fail",
      }
    `);
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(secretsOutsideEnvironment, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({ line: 8, column: 22 });
    expect(outcome.score).toBe(5);
  });
});
