import { unprotectedDeployments } from './unprotectedDeployments';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('unprotected-deployments', () => {
  describeCheckFixtures(unprotectedDeployments);

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(
      unprotectedDeployments,
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

  it('is inconclusive when every deploy job has an environment and the API fact is missing', async () => {
    const { outcome } = await runOnFixture(
      unprotectedDeployments,
      'inconclusive',
    );
    expect(outcome.status).toBe('inconclusive');
    if (outcome.status !== 'inconclusive') throw new Error();
    expect(outcome.reason).toContain('github.environments');
  });
});
