import { sastConfigured, findSast } from './sastConfigured';
import { runOnFixture } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('sast-configured', () => {
  it.each([
    ['pass', 'pass', 'CodeQL (.github/workflows/codeql.yml:12)'],
    ['gitlab', 'pass', 'GitLab SAST (.gitlab-ci.yml:2)'],
    ['jenkins', 'pass', 'Bandit (Jenkinsfile:6)'],
    [
      'azure',
      'pass',
      'CodeQL (Azure DevOps Advanced Security) (azure-pipelines.yml:2)',
    ],
    [
      'sonar-properties',
      'pass',
      'SonarQube/SonarCloud (sonar-project.properties:1)',
    ],
  ])('finds SAST in the %s fixture', async (name, status, reason) => {
    const { missing, unexpected, outcome } = await runOnFixture(
      sastConfigured,
      name,
    );
    expect(missing).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(outcome).toMatchObject({ status, score: 10, reason });
  });

  it('fails with one finding on the main CI file', async () => {
    const { missing, unexpected, outcome } = await runOnFixture(
      sastConfigured,
      'fail',
    );
    expect(missing).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(outcome).toMatchObject({
      status: 'fail',
      score: 0,
      findings: [
        {
          file: '.github/workflows/ci.yml',
          line: 1,
          column: 1,
          fingerprintKey: 'no-sast',
        },
      ],
    });
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings[0].suggestedFix?.replacement).toContain(
      'github/codeql-action/analyze',
    );
  });

  it('fails at repository level without CI', async () => {
    const { outcome } = await runOnFixture(sastConfigured, 'no-ci');
    expect(outcome).toMatchObject({
      status: 'fail',
      findings: [{ file: undefined }],
    });
  });

  it.each([
    [
      '.github/workflows/s.yml',
      '      - uses: returntocorp/semgrep-action@v1',
      'Semgrep',
    ],
    ['.github/workflows/s.yml', '      - run: semgrep ci', 'Semgrep'],
    [
      '.github/workflows/s.yml',
      '      - uses: SonarSource/sonarqube-scan-action@v5',
      'SonarQube/SonarCloud',
    ],
    [
      '.github/workflows/s.yml',
      '      - run: mvn -B verify sonar:sonar',
      'SonarQube/SonarCloud',
    ],
    [
      '.github/workflows/s.yml',
      '      - run: ./gradlew build sonar',
      'SonarQube/SonarCloud',
    ],
    ['.github/workflows/s.yml', '      - run: snyk code test', 'Snyk Code'],
    [
      '.github/workflows/s.yml',
      '      - uses: JetBrains/qodana-action@v2024.3',
      'Qodana',
    ],
    ['.circleci/config.yml', '      - run: gosec ./...', 'gosec'],
    ['.gitlab-ci.yml', '  script: bundle exec brakeman -q', 'Brakeman'],
    [
      'Jenkinsfile',
      "    withSonarQubeEnv('sonar') { sh 'mvn sonar:sonar' }",
      'SonarQube/SonarCloud',
    ],
  ])('recognises %s: %s', (file, line, tool) => {
    expect(
      findSast(new InMemorySnapshot({ [file]: `${line}\n` })).map(e => e.tool),
    ).toContain(tool);
  });

  it.each([
    ['.github/workflows/s.yml', '      - run: npx eslint .'],
    [
      '.github/workflows/s.yml',
      '      # - uses: github/codeql-action/analyze@v3',
    ],
    ['.github/workflows/s.yml', '      - run: pip install flake8 && flake8'],
    ['Jenkinsfile', "    // sh 'semgrep ci'"],
  ])('does not count %s: %s', (file, line) => {
    expect(findSast(new InMemorySnapshot({ [file]: `${line}\n` }))).toEqual([]);
  });
});
