import { findSast } from './sast';
import { InMemorySnapshot } from '../snapshot';

describe('findSast', () => {
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
