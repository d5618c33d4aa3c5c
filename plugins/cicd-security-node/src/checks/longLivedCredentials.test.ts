import { longLivedCredentials } from './longLivedCredentials';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('long-lived-credentials', () => {
  describeCheckFixtures(longLivedCredentials);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(longLivedCredentials, 'fail');
    expect(summarise(outcome, longLivedCredentials)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/deploy.yml:10:30 low aws-actions/configure-aws-credentials is fed an AWS access key (job deploy); use OIDC instead",
          ".github/workflows/deploy.yml:15:29 low google-github-actions/auth is fed a Google service account key (job deploy); use OIDC instead",
          ".github/workflows/deploy.yml:26:21 low pypa/gh-action-pypi-publish is fed a PyPI API token (trusted publishing needs none) (job publish); use OIDC instead",
          ".github/workflows/deploy.yml:27:14 low \`npm publish\` authenticates with the long-lived NODE_AUTH_TOKEN (job publish); the registry supports trusted publishing via OIDC",
          ".gitlab-ci.yml:3:47 low job deploy uses the static cloud key AWS_SECRET_ACCESS_KEY and requests no id_tokens: for OIDC federation",
        ],
        "score": 2.9,
        "status": "fail",
      }
    `);
  });

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(longLivedCredentials, 'fail');
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
