import { githubEnvAbuse } from './githubEnvAbuse';
import { runOnFixture } from '../testing';

describe('github-env-abuse', () => {
  it.each(['pass', 'fail'])(
    'matches the markers of the %s fixture',
    async name => {
      const { missing, unexpected, outcome } = await runOnFixture(
        githubEnvAbuse,
        name,
      );
      expect(missing).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(outcome.status).toBe(name);
    },
  );

  it('is not applicable when there is nothing to check', async () => {
    const { outcome } = await runOnFixture(githubEnvAbuse, 'not-applicable');
    expect(outcome.status).toBe('not-applicable');
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
