import { testsOnPullRequests, TEST_RULES } from './testsOnPullRequests';
import { findLineEvidence } from '../analysis/ciEvidence';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('tests-on-pull-requests', () => {
  describeCheckFixtures(testsOnPullRequests);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(testsOnPullRequests, 'fail');
    expect(summarise(outcome, testsOnPullRequests)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/release.yml:13:14 low Tests run in .github/workflows/release.yml (go test), which is not triggered by pull requests; run them on pull requests too",
        ],
        "score": 3,
        "status": "fail",
      }
    `);
  });

  it.each([
    [
      'pass',
      'npm/yarn/pnpm test on pull requests (.github/workflows/ci.yml:15)',
    ],
    ['pass-gitlab', 'pytest on pull requests (.gitlab-ci.yml:5)'],
  ])('passes on the %s fixture', async (name, reason) => {
    const { outcome } = await runOnFixture(testsOnPullRequests, name);
    expect(outcome).toMatchObject({ status: 'pass', score: 10, reason });
  });

  it('fails at the first test step of a pipeline not run on pull requests', async () => {
    const { outcome } = await runOnFixture(testsOnPullRequests, 'fail');
    expect(outcome).toMatchObject({
      status: 'fail',
      score: 3,
      findings: [
        { file: '.github/workflows/release.yml', line: 13, column: 14 },
      ],
    });
  });

  it('fails on a PR pipeline without tests', async () => {
    const { outcome } = await runOnFixture(
      testsOnPullRequests,
      'fail-no-tests',
    );
    expect(outcome).toMatchObject({ status: 'fail', score: 0 });
  });

  it('fails at repository level without CI', async () => {
    const { outcome } = await runOnFixture(testsOnPullRequests, 'fail-no-ci');
    expect(outcome).toMatchObject({
      status: 'fail',
      score: 0,
      findings: [{ file: undefined }],
    });
  });

  it.each([
    'npm test',
    'yarn test:unit',
    'pnpm run test',
    'npx vitest run',
    'python -m pytest -q',
    'tox -e py312',
    'go test ./...',
    'cargo nextest run',
    './mvnw -B verify',
    './gradlew check',
    'dotnet test',
    'bundle exec rspec',
    'make test',
    'yarn backstage-cli repo test',
    'swift test',
  ])('recognises %s', cmd => {
    expect(
      findLineEvidence(
        new InMemorySnapshot({ Jenkinsfile: `sh '${cmd}'\n` }),
        TEST_RULES,
        ['Jenkinsfile'],
      ),
    ).not.toEqual([]);
  });

  it.each([
    'npm ci',
    'mvn -B package -DskipTests',
    'npx eslint .',
    'echo latest',
    'setup java',
  ])('does not count %s', cmd => {
    expect(
      findLineEvidence(
        new InMemorySnapshot({ Jenkinsfile: `sh '${cmd}'\n` }),
        TEST_RULES,
        ['Jenkinsfile'],
      ),
    ).toEqual([]);
  });
});
