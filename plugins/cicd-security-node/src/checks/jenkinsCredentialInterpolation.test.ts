import { jenkinsCredentialInterpolation } from './jenkinsCredentialInterpolation';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('jenkins-credential-interpolation', () => {
  describeCheckFixtures(jenkinsCredentialInterpolation);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(
      jenkinsCredentialInterpolation,
      'fail',
    );
    expect(summarise(outcome, jenkinsCredentialInterpolation))
      .toMatchInlineSnapshot(`
      {
        "findings": [
          "Jenkinsfile:6:20 high environment variable API_PASSWORD holds a literal secret in the Jenkinsfile",
          "Jenkinsfile:13:31 high credential variable REG_USER is interpolated by Groovy into a double-quoted sh script; the secret lands on the command line",
          "Jenkinsfile:13:44 high credential variable REG_PASS is interpolated by Groovy into a double-quoted sh script; the secret lands on the command line",
          "Jenkinsfile:17:37 high credential variable DEPLOY_TOKEN is interpolated by Groovy into a double-quoted sh script; the secret lands on the command line",
        ],
        "score": 2,
        "status": "fail",
      }
    `);
  });

  it('reports documentation example values at low severity, with the reason, and only warns', async () => {
    const { outcome } = await runOnFixture(
      jenkinsCredentialInterpolation,
      'warn-documentation-example',
    );
    if (outcome.status !== 'warn') throw new Error(outcome.status);
    expect(outcome.findings.map(f => [f.line, f.severity])).toEqual([
      [6, 'low'],
    ]);
    expect(outcome.findings[0].message).toMatch(
      /looks like a documentation example value \(.+\); reported at low severity: confirm it is not real/,
    );
    expect(outcome.score).toBe(9.8);
  });

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(
      jenkinsCredentialInterpolation,
      'fail',
    );
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(
      [...new Set(outcome.findings.map(f => `${f.file}:${f.line}`))].sort(),
    ).toEqual([...marks.notOk].sort());
    for (const f of outcome.findings) {
      expect(f.column).toBeGreaterThan(0);
      expect(f.suggestedFix?.description).toBeTruthy();
    }
  });
});
