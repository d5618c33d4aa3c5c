import { overexposedSecrets } from './overexposedSecrets';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('overexposed-secrets', () => {
  describeCheckFixtures(overexposedSecrets);

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
