import {
  containerScanningInCi,
  findContainerScanning,
} from './containerScanningInCi';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('container-scanning-in-ci', () => {
  describeCheckFixtures(containerScanningInCi);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(containerScanningInCi, 'fail');
    expect(summarise(outcome, containerScanningInCi)).toMatchInlineSnapshot(`
      {
        "findings": [
          "Dockerfile:2:1 medium Dockerfile builds an image that no pipeline scans for vulnerabilities; add Trivy, Grype, Snyk Container or Docker Scout after the build",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it.each([
    ['pass', 'Trivy (image) (.github/workflows/image.yml:11)'],
    ['pass-gitlab', 'GitLab Container Scanning (.gitlab-ci.yml:2)'],
    ['pass-jenkins', 'Grype (Jenkinsfile:6)'],
  ])('passes on the %s fixture', async (name, reason) => {
    const { outcome } = await runOnFixture(containerScanningInCi, name);
    expect(outcome).toMatchObject({ status: 'pass', score: 10, reason });
  });

  it('fails at the first FROM of each unscanned Dockerfile', async () => {
    const { outcome } = await runOnFixture(containerScanningInCi, 'fail');
    expect(outcome).toMatchObject({
      status: 'fail',
      score: 0,
      findings: [{ file: 'Dockerfile', line: 2, column: 1 }],
    });
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings[0].suggestedFix?.replacement).toContain(
      'aquasecurity/trivy-action',
    );
  });

  it.each([
    [
      '.github/workflows/a.yml',
      '      - run: trivy image --exit-code 1 app:1',
      'Trivy (image)',
    ],
    [
      '.github/workflows/a.yml',
      '      - run: docker scout cves app:1',
      'Docker Scout',
    ],
    [
      '.github/workflows/a.yml',
      '      - uses: docker/scout-action@v1',
      'Docker Scout',
    ],
    [
      '.gitlab-ci.yml',
      '  script: snyk container test $IMAGE',
      'Snyk Container',
    ],
    ['.circleci/config.yml', '      - run: grype docker:app:1', 'Grype'],
    ['Jenkinsfile', "    sh 'twistcli images scan app:1'", 'Prisma Cloud'],
  ])('recognises %s: %s', (file, line, tool) => {
    expect(
      findContainerScanning(new InMemorySnapshot({ [file]: `${line}\n` })).map(
        e => e.tool,
      ),
    ).toContain(tool);
  });

  it.each([
    ['.github/workflows/a.yml', '      - run: grype dir:.'],
    ['.github/workflows/a.yml', '      - run: trivy fs .'],
    ['.github/workflows/a.yml', '      - run: docker build -t app .'],
  ])('does not count %s: %s', (file, line) => {
    expect(
      findContainerScanning(new InMemorySnapshot({ [file]: `${line}\n` })),
    ).toEqual([]);
  });
});
