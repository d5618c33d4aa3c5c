import { cachePoisoning } from './cachePoisoning';
import { runOnFixture } from '../testing';

describe('cache-poisoning', () => {
  it.each(['pass', 'fail'])(
    'matches the markers of the %s fixture',
    async name => {
      const { missing, unexpected, outcome } = await runOnFixture(
        cachePoisoning,
        name,
      );
      expect(missing).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(outcome.status).toBe(name);
    },
  );

  it('is not applicable when there is nothing to check', async () => {
    const { outcome } = await runOnFixture(cachePoisoning, 'not-applicable');
    expect(outcome.status).toBe('not-applicable');
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(cachePoisoning, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(
      outcome.findings.find(f => f.file?.endsWith('release.yml')),
    ).toMatchObject({ line: 9, column: 15 });
  });
});
