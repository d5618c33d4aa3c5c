import { sastOnPullRequests } from './sastOnPullRequests';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('sast-on-pull-requests', () => {
  describeCheckFixtures(sastOnPullRequests);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(sastOnPullRequests, 'fail');
    expect(summarise(outcome, sastOnPullRequests)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/codeql.yml:15:7 low CodeQL runs in .github/workflows/codeql.yml, which is not triggered by pull requests; add a pull_request trigger so that findings block the change in review",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it.each([
    ['pass', 'CodeQL runs on pull requests (.github/workflows/codeql.yml:16)'],
    [
      'pass-reusable',
      'Semgrep runs on pull requests (.github/workflows/semgrep.yml:5)',
    ],
    ['pass-gitlab', 'GitLab SAST runs on pull requests (.gitlab-ci.yml:2)'],
  ])('passes on the %s fixture', async (name, reason) => {
    const { outcome } = await runOnFixture(sastOnPullRequests, name);
    expect(outcome).toMatchObject({ status: 'pass', score: 10, reason });
  });

  it('fails at the SAST step of a workflow not run on pull requests', async () => {
    const { outcome } = await runOnFixture(sastOnPullRequests, 'fail');
    expect(outcome).toMatchObject({
      status: 'fail',
      score: 0,
      findings: [{ file: '.github/workflows/codeql.yml', line: 15, column: 7 }],
    });
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings[0].suggestedFix?.replacement).toContain(
      'pull_request:',
    );
  });

  it('is inconclusive when SAST is configured outside the pipelines', async () => {
    const s = new InMemorySnapshot({
      'sonar-project.properties': 'sonar.projectKey=x\n',
    });
    expect(await sastOnPullRequests.run(s)).toMatchObject({
      status: 'inconclusive',
    });
  });

  it.each([
    ['on:\n  push:\n', 'pass'],
    ['on:\n  push:\n    branches: [main]\n', 'fail'],
    ['on:\n  push:\n    tags: ["v*"]\n', 'fail'],
    ['on: [merge_group]\n', 'pass'],
    ['on: workflow_dispatch\n', 'fail'],
  ])('reads the triggers %j', async (on, status) => {
    const wf = `${on}jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: semgrep ci\n`;
    expect(
      await sastOnPullRequests.run(
        new InMemorySnapshot({ '.github/workflows/s.yml': wf }),
      ),
    ).toMatchObject({ status });
  });

  it('treats Azure pipelines with pr: none as not run on pull requests', async () => {
    const yml = 'pr: none\nsteps:\n  - task: AdvancedSecurity-Codeql-Init@1\n';
    expect(
      await sastOnPullRequests.run(
        new InMemorySnapshot({ 'azure-pipelines.yml': yml }),
      ),
    ).toMatchObject({ status: 'fail' });
    const yml2 = 'steps:\n  - task: AdvancedSecurity-Codeql-Init@1\n';
    expect(
      await sastOnPullRequests.run(
        new InMemorySnapshot({ 'azure-pipelines.yml': yml2 }),
      ),
    ).toMatchObject({ status: 'pass' });
  });

  it('treats GitLab pipelines restricted to the default branch as not run on merge requests', async () => {
    const yml =
      'workflow:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\ninclude:\n  - template: Jobs/SAST.gitlab-ci.yml\n';
    expect(
      await sastOnPullRequests.run(
        new InMemorySnapshot({ '.gitlab-ci.yml': yml }),
      ),
    ).toMatchObject({ status: 'fail' });
  });
});
