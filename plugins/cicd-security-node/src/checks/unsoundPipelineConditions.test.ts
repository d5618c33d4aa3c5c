import { unsoundPipelineConditions } from './unsoundPipelineConditions';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('unsound-pipeline-conditions', () => {
  describeCheckFixtures(unsoundPipelineConditions);

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
