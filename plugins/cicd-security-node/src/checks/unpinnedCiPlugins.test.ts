import { unpinnedCiPlugins } from './unpinnedCiPlugins';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('unpinned-ci-plugins', () => {
  describeCheckFixtures(unpinnedCiPlugins);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(unpinnedCiPlugins, 'fail');
    expect(summarise(outcome, unpinnedCiPlugins)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".circleci/config.yml:3:9 low orb circleci/node@5 uses 5, not an exact x.y.z release",
          "azure-pipelines.yml:2:11 low task NodeTool has no version: the agent picks one, which may change",
          "azure-pipelines.yml:5:11 low task CustomPreview@0 is version 0, a preview release",
          "jenkins/plugins.txt:4:1 low Jenkins plugin workflow-aggregator has no version",
          "jenkins/plugins.txt:6:1 low Jenkins plugin configuration-as-code is pinned to latest, which changes with every release",
        ],
        "score": 5,
        "status": "fail",
      }
    `);
  });

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(unpinnedCiPlugins, 'fail');
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
