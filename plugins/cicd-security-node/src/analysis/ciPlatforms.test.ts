import { InMemorySnapshot } from '../snapshot';
import { ciPlatforms, fixForPlatform } from './ciPlatforms';
import { sastConfigured } from '../checks/sastConfigured';

const fixes = {
  'github-actions': { description: 'github' },
  'gitlab-ci': { description: 'gitlab' },
  jenkins: { description: 'jenkins' },
  neutral: { description: 'neutral' },
};

describe('fixes that fit the platform', () => {
  it.each([
    [{ '.github/workflows/ci.yml': 'on: push' }, 'github'],
    [{ '.github/workflows/ci.yml': 'on: push', Jenkinsfile: '' }, 'github'],
    [{ '.gitlab-ci.yml': 'test: {script: [make]}' }, 'gitlab'],
    [{ Jenkinsfile: 'pipeline {}' }, 'jenkins'],
    [{ 'azure-pipelines.yml': 'steps: []' }, 'neutral'],
    [{ 'README.md': '# no CI' }, 'github'],
  ])('%j gets the %s fix', (files, expected) => {
    expect(fixForPlatform(new InMemorySnapshot(files), fixes).description).toBe(
      expected,
    );
  });

  it('lists the platforms in order of prominence', () => {
    expect(
      ciPlatforms(
        new InMemorySnapshot({
          Jenkinsfile: '',
          '.gitlab-ci.yml': '',
          '.circleci/config.yml': '',
        }),
      ),
    ).toEqual(['gitlab-ci', 'jenkins', 'circleci']);
  });

  it('a Jenkins-only repository is not told to add a GitHub workflow', async () => {
    const out = await sastConfigured.run(
      new InMemorySnapshot({
        Jenkinsfile:
          "pipeline { stages { stage('b') { steps { sh 'make' } } } }",
      }),
    );
    if (out.status !== 'fail') throw new Error(out.status);
    expect(out.findings[0].suggestedFix?.description).toBe(
      'Add a Semgrep stage to the Jenkinsfile',
    );
  });
});
