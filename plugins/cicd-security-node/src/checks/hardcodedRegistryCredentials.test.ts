import { hardcodedRegistryCredentials } from './hardcodedRegistryCredentials';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('hardcoded-registry-credentials', () => {
  describeCheckFixtures(hardcodedRegistryCredentials);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(
      hardcodedRegistryCredentials,
      'fail',
    );
    expect(summarise(outcome, hardcodedRegistryCredentials))
      .toMatchInlineSnapshot(`
      {
        "findings": [
          ".circleci/config.yml:8:21 high the registry password of example/builder:1.0 (jobs.build) is a literal value in the pipeline file",
          ".github/workflows/ci.yml:9:19 high the registry password of job test container is a literal value in the pipeline file",
          ".gitlab-ci.yml:3:23 high DOCKER_AUTH_CONFIG (global variables) is a literal value in the pipeline file",
        ],
        "score": 4,
        "status": "fail",
      }
    `);
  });

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(
      hardcodedRegistryCredentials,
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
});
