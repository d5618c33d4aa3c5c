import { overexposedSecrets } from './overexposedSecrets';
import { runOnFixture } from '../testing';

describe('overexposed-secrets', () => {
  it.each(['pass', 'fail'])(
    'matches the markers of the %s fixture',
    async name => {
      const { missing, unexpected, outcome } = await runOnFixture(
        overexposedSecrets,
        name,
      );
      expect(missing).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(outcome.status).toBe(name);
    },
  );

  it('is not applicable when there is nothing to check', async () => {
    const { outcome } = await runOnFixture(
      overexposedSecrets,
      'not-applicable',
    );
    expect(outcome.status).toBe('not-applicable');
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(overexposedSecrets, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings[0]).toMatchObject({
      file: '.github/workflows/ci.yml',
      line: 11,
      column: 22,
    });
    expect(outcome.findings.find(f => /inherit/.test(f.message))?.line).toBe(
      22,
    );
  });
});
