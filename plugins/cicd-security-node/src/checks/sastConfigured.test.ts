import { sastConfigured } from './sastConfigured';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('sast-configured', () => {
  describeCheckFixtures(sastConfigured);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(sastConfigured, 'fail');
    expect(summarise(outcome, sastConfigured)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:1:1 medium No SAST tool runs in CI (looked at 1 CI file(s)); add CodeQL, Semgrep or another static security analyser",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it.each([
    ['pass', 'pass', 'CodeQL (.github/workflows/codeql.yml:12)'],
    ['pass-gitlab', 'pass', 'GitLab SAST (.gitlab-ci.yml:2)'],
    ['pass-jenkins', 'pass', 'Bandit (Jenkinsfile:6)'],
    [
      'pass-azure',
      'pass',
      'CodeQL (Azure DevOps Advanced Security) (azure-pipelines.yml:2)',
    ],
    [
      'pass-sonar-properties',
      'pass',
      'SonarQube/SonarCloud (sonar-project.properties:1)',
    ],
  ])('finds SAST in the %s fixture', async (name, status, reason) => {
    const { outcome } = await runOnFixture(sastConfigured, name);
    expect(outcome).toMatchObject({ status, score: 10, reason });
  });

  it('fails with one finding on the main CI file', async () => {
    const { outcome } = await runOnFixture(sastConfigured, 'fail');
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
    const { outcome } = await runOnFixture(sastConfigured, 'fail-no-ci');
    expect(outcome).toMatchObject({
      status: 'fail',
      findings: [{ file: undefined }],
    });
  });
});
