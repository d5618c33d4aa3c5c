import { unpinnedSharedPipelineCode } from './unpinnedSharedPipelineCode';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('unpinned-shared-pipeline-code', () => {
  describeCheckFixtures(unpinnedSharedPipelineCode);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(unpinnedSharedPipelineCode, 'fail');
    expect(summarise(outcome, unpinnedSharedPipelineCode))
      .toMatchInlineSnapshot(`
      {
        "findings": [
          ".circleci/config.yml:3:9 high orb node (circleci/node@volatile) uses the floating version volatile: its code can change between runs",
          ".circleci/config.yml:4:12 high orb aws-cli (circleci/aws-cli@4) uses the floating version 4: its code can change between runs",
          ".github/workflows/ci.yml:4:11 high reusable workflow example/workflows/.github/workflows/build.yml@main follows the branch main",
          ".gitlab-ci.yml:2:14 high include from project example/ci-templates has no ref: it follows the project's default branch",
          ".gitlab-ci.yml:5:10 high include from project example/ci-templates follows main, which looks like a branch",
          ".gitlab-ci.yml:10:13 high remote include https://example.com/ci/scan.yml is fetched at every run without an integrity hash",
          ".gitlab-ci.yml:11:16 high component gitlab.com/example/components/sast@~latest follows ~latest",
          "Jenkinsfile:1:10 high shared library pipeline-lib has no version: it loads the library's default version, usually a branch",
          "Jenkinsfile:2:10 high shared library deploy-lib follows main, which looks like a branch",
          "azure-pipelines.yml:3:19 high template repository templates has no ref: templates come from its default branch",
          "azure-pipelines.yml:10:12 high template repository shared follows refs/heads/main",
        ],
        "score": 3.1,
        "status": "fail",
      }
    `);
  });

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(
      unpinnedSharedPipelineCode,
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
