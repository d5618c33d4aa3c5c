import { downloadAndExecute } from './downloadAndExecute';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('download-and-execute', () => {
  describeCheckFixtures(downloadAndExecute);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(downloadAndExecute, 'fail');
    expect(summarise(outcome, downloadAndExecute)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:6:14 high \`curl … | bash\` runs a downloaded script without verifying it",
          ".github/workflows/ci.yml:9:11 high The script runs a script from process substitution \`<(curl …)\` without verifying it",
          ".github/workflows/ci.yml:11:11 high The script runs a downloaded script through \`$(curl …)\` without verifying it",
          ".github/workflows/ci.yml:14:14 high PowerShell runs a downloaded script with Invoke-Expression without verifying it",
          ".github/workflows/ci.yml:15:14 high \`deno run -A\` runs a remote module with every permission",
          ".gitlab-ci.yml:4:7 high \`tool\` is downloaded and run without checking its checksum or signature",
          "Dockerfile:4:8 high \`curl … | sh\` runs a downloaded script without verifying it",
          "Jenkinsfile:6:13 high \`curl … | sh\` runs a downloaded script without verifying it",
          "scripts/bootstrap.sh:4:1 high \`installer.sh\` is downloaded and run without checking its checksum or signature",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

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
