import { adhocToolInstalls } from './adhocToolInstalls';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('adhoc-tool-installs', () => {
  describeCheckFixtures(adhocToolInstalls);

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(adhocToolInstalls, 'fail');
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
