import { unsoundPipelineConditions } from './unsoundPipelineConditions';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('unsound-pipeline-conditions', () => {
  describeCheckFixtures(unsoundPipelineConditions);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(unsoundPipelineConditions, 'fail');
    expect(summarise(outcome, unsoundPipelineConditions))
      .toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/bad.yml:6:14 high invalid workflow file: YAML BLOCK_AS_IMPLICIT_KEY: Nested mappings are not allowed in compact mappings",
          ".github/workflows/ci.yml:5:9 high this if: condition mixes \${{ }} with other text, so it is a non-empty string and always true",
          ".github/workflows/ci.yml:8:13 high \`contains('refs/heads/main refs/heads/develop', github.ref)\` tests whether github.ref is a substring of 'refs/heads/main refs/heads/develop', not whether it is one of its words: values such as a prefix of any word pass",
          ".github/workflows/ci.yml:9:52 high \`&& '' ||\` in \`github.event_name == 'push' && '' || 'pr'\`: the middle value is falsy, so this "ternary" always yields its last operand",
          ".github/workflows/ci.yml:11:13 high this if: condition mixes \${{ }} with other text (a block scalar keeps its newline), so it is a non-empty string and always true",
          ".github/workflows/ci.yml:13:3 high job "broken" has neither runs-on nor uses, so GitHub rejects the workflow",
          "composite/action.yml:7:11 high this if: condition mixes \${{ }} with other text, so it is a non-empty string and always true",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(unsoundPipelineConditions, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const always = outcome.findings.find(
      f => f.line === 5 && f.file?.endsWith('ci.yml'),
    );
    expect(always?.suggestedFix?.replacement).toBe(
      "${{ (github.ref == 'refs/heads/main') && github.event_name == 'push' }}",
    );
    const contains = outcome.findings.find(f => /contains/.test(f.message));
    expect(contains).toMatchObject({ line: 8, column: 13, severity: 'high' });
    expect(contains?.suggestedFix?.replacement).toBe(
      'contains(fromJSON(\'["refs/heads/main", "refs/heads/develop"]\'), github.ref)',
    );
  });
});
