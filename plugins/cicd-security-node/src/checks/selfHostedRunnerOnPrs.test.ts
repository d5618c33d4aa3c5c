import { selfHostedRunnerOnPrs } from './selfHostedRunnerOnPrs';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('self-hosted-runner-on-prs', () => {
  describeCheckFixtures(selfHostedRunnerOnPrs);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(selfHostedRunnerOnPrs, 'fail');
    expect(summarise(outcome, selfHostedRunnerOnPrs)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:6:14 high job "build" of a workflow triggered by pull_request runs on a self-hosted runner ("self-hosted", "linux"), where pull request code reaches the host and its network",
          ".github/workflows/ci.yml:11:7 high job "group" of a workflow triggered by pull_request runs on a runner that is not GitHub-hosted ("group:ci-runners"), where pull request code reaches the host and its network",
          ".github/workflows/ci.yml:18:14 high job "matrix" of a workflow triggered by pull_request runs on a runner that is not GitHub-hosted ("gpu-box"), where pull request code reaches the host and its network",
        ],
        "score": 2.5,
        "status": "fail",
      }
    `);
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(selfHostedRunnerOnPrs, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings[0]).toMatchObject({ line: 6, column: 14 });
    expect(outcome.findings[2].message).toContain('gpu-box');
  });
});
