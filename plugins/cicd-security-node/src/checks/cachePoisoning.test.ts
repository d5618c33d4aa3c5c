import { cachePoisoning } from './cachePoisoning';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('cache-poisoning', () => {
  describeCheckFixtures(cachePoisoning);

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(cachePoisoning, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(
      outcome.findings.find(f => f.file?.endsWith('release.yml')),
    ).toMatchObject({ line: 9, column: 15 });
  });
});
