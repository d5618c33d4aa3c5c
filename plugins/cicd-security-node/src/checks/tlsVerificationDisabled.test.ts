import { tlsVerificationDisabled } from './tlsVerificationDisabled';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('tls-verification-disabled', () => {
  describeCheckFixtures(tlsVerificationDisabled);

  it('points at the offending flag or setting', async () => {
    const { outcome } = await runOnFixture(tlsVerificationDisabled, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const at = (file: string) =>
      outcome.findings
        .filter(f => f.file === file)
        .map(f => [f.line, f.column, f.endColumn]);
    expect(at('.github/workflows/ci.yml')).toEqual([
      [8, 19, 24],
      [11, 18, 38],
      [13, 18, 42],
      [3, 33, 34],
    ]);
    expect(at('.npmrc')).toEqual([[3, 1, 17]]);
    expect(at('.condarc')).toEqual([[3, 1, 18]]);
    expect(at('Jenkinsfile').map(([l]) => l)).toEqual([9, 4]);
    expect(at('Dockerfile').map(([l]) => l)).toEqual([5, 3]);
    expect(
      at('.gitlab-ci.yml')
        .map(([l]) => l)
        .sort(),
    ).toEqual([2, 6, 7]);
  });
});
