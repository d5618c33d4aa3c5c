import { unlockedDependencies } from './unlockedDependencies';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('unlocked-dependencies', () => {
  describeCheckFixtures(unlockedDependencies);

  it('points at manifests without lockfiles and at unfrozen installs', async () => {
    const { outcome } = await runOnFixture(unlockedDependencies, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const at = (file: string) =>
      outcome.findings
        .filter(f => f.file === file)
        .map(f => [f.line, f.column]);
    expect(at('package.json')).toEqual([[4, 3]]);
    expect(at('requirements.txt')).toEqual([[2, 1]]);
    expect(at('go.mod')).toEqual([[6, 1]]);
    expect(at('.github/workflows/ci.yml')).toEqual([
      [6, 14],
      [8, 14],
      [9, 14],
    ]);
    expect(at('.gitlab-ci.yml')).toEqual([
      [4, 7],
      [5, 7],
    ]);
    expect(at('Jenkinsfile')).toEqual([[2, 7]]);
    expect(at('Dockerfile')).toEqual([[4, 5]]);
    const npm = outcome.findings.find(
      f => f.file === '.github/workflows/ci.yml',
    );
    expect(npm?.suggestedFix?.replacement).toBe('npm ci');
  });
});
