import { unlockedDependencies } from './unlockedDependencies';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('unlocked-dependencies', () => {
  describeCheckFixtures(unlockedDependencies);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(unlockedDependencies, 'fail');
    expect(summarise(outcome, unlockedDependencies)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:6:14 medium \`npm install\` may update package-lock.json instead of installing exactly what it pins",
          ".github/workflows/ci.yml:8:14 medium \`yarn\` may rewrite yarn.lock instead of failing when it is out of date",
          ".github/workflows/ci.yml:9:14 medium \`pip install -r requirements.txt\` does not check hashes, so any matching version from the index is installed",
          ".gitlab-ci.yml:4:7 medium \`bundle install\` may update Gemfile.lock; freeze it in CI",
          ".gitlab-ci.yml:5:7 medium \`pnpm install\` without --frozen-lockfile may update pnpm-lock.yaml",
          "Dockerfile:4:5 medium \`yarn install\` may rewrite yarn.lock instead of failing when it is out of date",
          "Jenkinsfile:2:7 medium \`npm i\` may update package-lock.json instead of installing exactly what it pins",
          "go.mod:6:1 medium go.mod has requirements but go.sum is not committed",
          "package.json:4:3 medium package.json declares dependencies but no lockfile (package-lock.json, yarn.lock, pnpm-lock.yaml…) is committed",
          "requirements.txt:2:1 medium requests in requirements.txt is not pinned to an exact version (==) or a hash",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

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
