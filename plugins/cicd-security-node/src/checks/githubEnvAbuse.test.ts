import { githubEnvAbuse } from './githubEnvAbuse';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('github-env-abuse', () => {
  describeCheckFixtures(githubEnvAbuse);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(githubEnvAbuse, 'fail');
    expect(summarise(outcome, githubEnvAbuse)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/legacy.yml:3:36 high ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables the \`::set-env\` and \`::add-path\` workflow commands, so anything printed to the log can set environment variables or PATH for later steps",
          ".github/workflows/report.yml:11:45 high step writes to GITHUB_ENV in a workflow triggered by workflow_run; values derived from the triggering pull request or run can then set variables such as LD_PRELOAD or NODE_OPTIONS for every later step",
          ".github/workflows/report.yml:12:31 high step writes to GITHUB_PATH in a workflow triggered by workflow_run; values derived from the triggering pull request or run can then set PATH for every later step",
          ".github/workflows/report.yml:14:32 high step writes to GITHUB_ENV in a workflow triggered by workflow_run; values derived from the triggering pull request or run can then set variables such as LD_PRELOAD or NODE_OPTIONS for every later step",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(githubEnvAbuse, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const envWrite = outcome.findings.find(
      f => f.file === '.github/workflows/report.yml',
    );
    expect(envWrite).toMatchObject({ line: 11, column: 45 });
  });
});
