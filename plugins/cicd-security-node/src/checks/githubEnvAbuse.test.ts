import { githubEnvAbuse } from './githubEnvAbuse';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('github-env-abuse', () => {
  describeCheckFixtures(githubEnvAbuse);

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(githubEnvAbuse, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const envWrite = outcome.findings.find(
      f => f.file === '.github/workflows/report.yml',
    );
    expect(envWrite).toMatchObject({ line: 11, column: 45 });
  });
});
