import { unprotectedDeployments } from './unprotectedDeployments';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('unprotected-deployments', () => {
  describeCheckFixtures(unprotectedDeployments);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(unprotectedDeployments, 'fail');
    expect(summarise(outcome, unprotectedDeployments)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/cd.yml:9:3 medium job deploy deploys (by its name) without an environment, so no reviewer can be required",
          ".gitlab-ci.yml:6:1 medium job deploy_prod deploys (by its name or stage) without an environment, so it cannot be a protected environment with approvals",
          "Jenkinsfile:7:11 medium stage Deploy deploys without an input step approving it first",
          "azure-pipelines.yml:5:10 medium job DeployWeb deploys (by its steps) as a plain job: only deployment jobs get environment approvals",
        ],
        "score": 4.3,
        "status": "fail",
      }
    `);
  });

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(
      unprotectedDeployments,
      'fail',
    );
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(
      [...new Set(outcome.findings.map(f => `${f.file}:${f.line}`))].sort(),
    ).toEqual([...marks.notOk].sort());
    for (const f of outcome.findings) {
      expect(f.column).toBeGreaterThan(0);
      expect(f.suggestedFix?.description).toBeTruthy();
    }
  });

  it('is inconclusive when every deploy job has an environment and the API fact is missing', async () => {
    const { outcome } = await runOnFixture(
      unprotectedDeployments,
      'inconclusive',
    );
    expect(outcome.status).toBe('inconclusive');
    if (outcome.status !== 'inconclusive') throw new Error();
    expect(outcome.reason).toContain('github.environments');
  });
});
