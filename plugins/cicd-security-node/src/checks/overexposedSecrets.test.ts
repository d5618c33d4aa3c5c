import { overexposedSecrets } from './overexposedSecrets';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('overexposed-secrets', () => {
  describeCheckFixtures(overexposedSecrets);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(overexposedSecrets, 'fail');
    expect(summarise(outcome, overexposedSecrets)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:11:22 medium \`secrets[format('TOKEN_%s', matrix.env)]\` indexes secrets with a computed name, so the job receives every secret of the repository",
          ".github/workflows/ci.yml:15:16 medium \`toJSON(secrets)\` serialises every secret of the repository into one value (and defeats log masking of multi-line values)",
          ".github/workflows/ci.yml:19:21 medium \`fromJSON(secrets.DEPLOY_CONFIG).user\` parses a secret as JSON; the fields extracted from it are not masked in logs",
          ".github/workflows/ci.yml:22:14 medium job "call" passes every secret of the repository to org/workflows/.github/workflows/release.yml@v1 with \`secrets: inherit\`",
        ],
        "score": 2.5,
        "status": "fail",
      }
    `);
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(overexposedSecrets, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings[0]).toMatchObject({
      file: '.github/workflows/ci.yml',
      line: 11,
      column: 22,
    });
    expect(outcome.findings.find(f => /inherit/.test(f.message))?.line).toBe(
      22,
    );
  });
});
