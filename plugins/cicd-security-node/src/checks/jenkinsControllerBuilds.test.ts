import { jenkinsControllerBuilds } from './jenkinsControllerBuilds';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('jenkins-controller-builds', () => {
  describeCheckFixtures(jenkinsControllerBuilds);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(jenkinsControllerBuilds, 'fail');
    expect(summarise(outcome, jenkinsControllerBuilds)).toMatchInlineSnapshot(`
      {
        "findings": [
          "Jenkinsfile:2:3 medium \`agent any\` lets the build run on any node, the controller included",
          "Jenkinsfile:9:7 medium label 'built-in' is the Jenkins controller's built-in node",
          "Jenkinsfile.scripted:1:1 medium \`node\` without a label lets the build run on any node, the controller included",
        ],
        "score": 4,
        "status": "fail",
      }
    `);
  });

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(
      jenkinsControllerBuilds,
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
