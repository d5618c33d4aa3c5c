import { jenkinsCredentialInterpolation } from './jenkinsCredentialInterpolation';
import { runOnFixture } from '../testing';

describe('jenkins-credential-interpolation', () => {
  it.each(['pass', 'fail'])(
    'matches the markers of the %s fixture',
    async name => {
      const { missing, unexpected, outcome } = await runOnFixture(
        jenkinsCredentialInterpolation,
        name,
      );
      expect(missing).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(outcome.status).toBe(name);
    },
  );

  it('is not applicable when there is nothing to check', async () => {
    const { outcome } = await runOnFixture(
      jenkinsCredentialInterpolation,
      'not-applicable',
    );
    expect(outcome.status).toBe('not-applicable');
  });

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(
      jenkinsCredentialInterpolation,
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
