import { unpinnedImages } from './unpinnedImages';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('unpinned-images', () => {
  describeCheckFixtures(unpinnedImages);

  it('locates every reference and weighs untagged or latest images double', async () => {
    const { outcome } = await runOnFixture(unpinnedImages, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const at = (file: string) =>
      outcome.findings
        .filter(f => f.file === file)
        .map(f => [f.line, f.column]);
    expect(at('Dockerfile')).toEqual([
      [3, 6],
      [6, 6],
    ]);
    expect(at('.github/workflows/ci.yml')).toEqual([
      [5, 16],
      [8, 16],
      [12, 15],
    ]);
    expect(at('.gitlab-ci.yml')).toEqual([
      [1, 8],
      [5, 13],
    ]);
    expect(at('Jenkinsfile')).toEqual([[4, 13]]);
    // 11 references weigh 13 (unpinned postgres and alpine:latest count double); 8 are unpinned and weigh 10.
    expect(outcome.score).toBe(2.3);
    const latest = outcome.findings.find(f => f.line === 12);
    expect(latest?.message).toMatch(/tagged latest/);
    expect(latest?.suggestedFix?.replacement).toBe(
      'docker://alpine:latest@sha256:<digest>',
    );
    const untagged = outcome.findings.find(f => f.line === 8);
    expect(untagged?.message).toMatch(/untagged/);
  });
});
