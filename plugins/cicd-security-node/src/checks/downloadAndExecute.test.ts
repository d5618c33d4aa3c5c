import { downloadAndExecute } from './downloadAndExecute';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('download-and-execute', () => {
  describeCheckFixtures(downloadAndExecute);

  it('points at the download command on every platform', async () => {
    const { outcome } = await runOnFixture(downloadAndExecute, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const at = (file: string) =>
      outcome.findings
        .filter(f => f.file === file)
        .map(f => [f.line, f.column]);
    expect(at('.github/workflows/ci.yml')).toEqual([
      [6, 14],
      [9, 11],
      [11, 11],
      [14, 14],
      [15, 14],
    ]);
    expect(at('.gitlab-ci.yml')).toEqual([[4, 7]]);
    expect(at('Jenkinsfile')).toEqual([[6, 13]]);
    expect(at('Dockerfile')).toEqual([[4, 8]]);
    expect(at('scripts/bootstrap.sh')).toEqual([[4, 1]]);
    expect(outcome.findings[0]).toMatchObject({
      endLine: 6,
      snippet: 'curl -fsSL https://get.example.com/install.sh | sudo bash',
    });
  });
});
