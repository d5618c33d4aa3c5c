import {
  dependencyScanningInCi,
  findDependencyScanning,
} from './dependencyScanningInCi';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('dependency-scanning-in-ci', () => {
  describeCheckFixtures(dependencyScanningInCi);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(dependencyScanningInCi, 'fail');
    expect(summarise(outcome, dependencyScanningInCi)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:1:1 medium No dependency vulnerability scanner runs in CI (npm dependencies, 1 CI file(s) looked at); add OSV-Scanner, the dependency review action or your ecosystem's audit command",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it.each([
    ['pass', 'pass', 'Dependency Review (.github/workflows/deps.yml:12)'],
    ['pass-gitlab', 'pass', 'GitLab Dependency Scanning (.gitlab-ci.yml:2)'],
    ['pass-jenkins', 'pass', 'OWASP Dependency-Check (Jenkinsfile:6)'],
  ])('passes on the %s fixture', async (name, status, reason) => {
    const { outcome } = await runOnFixture(dependencyScanningInCi, name);
    expect(outcome).toMatchObject({ status, score: 10, reason });
  });

  it('fails with one finding on the main CI file', async () => {
    const { outcome } = await runOnFixture(dependencyScanningInCi, 'fail');
    expect(outcome).toMatchObject({
      status: 'fail',
      score: 0,
      findings: [{ file: '.github/workflows/ci.yml', line: 1, column: 1 }],
    });
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings[0].suggestedFix?.replacement).toContain(
      'actions/dependency-review-action',
    );
  });

  it.each([
    [
      '.github/workflows/a.yml',
      '      - run: npm audit --audit-level=high',
      'npm audit',
    ],
    [
      '.github/workflows/a.yml',
      '      - uses: google/osv-scanner-action/osv-scanner-action@v2',
      'OSV-Scanner',
    ],
    [
      '.github/workflows/a.yml',
      '      - run: trivy fs --scanners vuln .',
      'Trivy (filesystem)',
    ],
    [
      '.github/workflows/a.yml',
      '      - run: grype dir:. --fail-on high',
      'Grype (directory)',
    ],
    [
      '.github/workflows/a.yml',
      '      - uses: snyk/actions/node@master',
      'Snyk Open Source',
    ],
    ['.gitlab-ci.yml', '  script: pip-audit -r requirements.txt', 'pip-audit'],
    [
      '.circleci/config.yml',
      '      - run: cargo audit',
      'cargo audit / cargo deny',
    ],
    [
      'azure-pipelines.yml',
      '  - task: AdvancedSecurity-Dependency-Scanning@1',
      'Azure DevOps Advanced Security',
    ],
    ['Jenkinsfile', "    sh 'govulncheck ./...'", 'govulncheck'],
  ])('recognises %s: %s', (file, line, tool) => {
    expect(
      findDependencyScanning(new InMemorySnapshot({ [file]: `${line}\n` })).map(
        e => e.tool,
      ),
    ).toContain(tool);
  });

  it('reads the scan type of the Trivy action', () => {
    const wf = (type: string) =>
      `on: push\njobs:\n  s:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aquasecurity/trivy-action@0.28.0\n        with:\n          scan-type: ${type}\n`;
    expect(
      findDependencyScanning(
        new InMemorySnapshot({ '.github/workflows/t.yml': wf('fs') }),
      ),
    ).toHaveLength(1);
    expect(
      findDependencyScanning(
        new InMemorySnapshot({ '.github/workflows/t.yml': wf('image') }),
      ),
    ).toHaveLength(0);
  });

  it.each([
    ['.github/workflows/a.yml', '      - run: npm audit fix'],
    ['.github/workflows/a.yml', '      # - run: npm audit'],
    ['.github/workflows/a.yml', '      - run: snyk container test app:1'],
    ['.github/workflows/a.yml', '      - run: trivy image app:1'],
  ])('does not count %s: %s', (file, line) => {
    expect(
      findDependencyScanning(new InMemorySnapshot({ [file]: `${line}\n` })),
    ).toEqual([]);
  });
});
