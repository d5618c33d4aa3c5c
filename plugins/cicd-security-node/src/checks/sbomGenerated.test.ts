import { sbomGenerated, findSbomGeneration } from './sbomGenerated';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('sbom-generated', () => {
  describeCheckFixtures(sbomGenerated);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(sbomGenerated, 'fail');
    expect(summarise(outcome, sbomGenerated)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/release.yml:1:1 medium No pipeline generates an SBOM and the repository holds none; generate one with Syft, cdxgen or a CycloneDX plugin when building releases",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it.each([
    ['pass', 'Syft (.github/workflows/release.yml:13)'],
    ['pass-maven', 'CycloneDX (pom.xml:5)'],
  ])('passes on the %s fixture', async (name, reason) => {
    const { outcome } = await runOnFixture(sbomGenerated, name);
    expect(outcome).toMatchObject({ status: 'pass', score: 10, reason });
  });

  it('warns when an SBOM is committed but not generated', async () => {
    const { outcome } = await runOnFixture(sbomGenerated, 'warn-file-only');
    expect(outcome).toMatchObject({
      status: 'warn',
      score: 5,
      findings: [{ file: 'sbom.spdx.json' }],
    });
  });

  it('fails on the main CI file when nothing generates an SBOM', async () => {
    const { outcome } = await runOnFixture(sbomGenerated, 'fail');
    expect(outcome).toMatchObject({
      status: 'fail',
      score: 0,
      findings: [{ file: '.github/workflows/release.yml', line: 1 }],
    });
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings[0].suggestedFix?.replacement).toContain(
      'anchore/sbom-action',
    );
  });

  it('fails at repository level without CI or SBOM', async () => {
    const { outcome } = await runOnFixture(sbomGenerated, 'fail-no-ci');
    expect(outcome).toMatchObject({
      status: 'fail',
      findings: [{ file: undefined }],
    });
  });

  it.each([
    [
      '.github/workflows/a.yml',
      '      - run: syft scan dir:. -o spdx-json=sbom.json',
      'Syft',
    ],
    [
      '.github/workflows/a.yml',
      '      - run: npx @cyclonedx/cyclonedx-npm --output-file bom.json',
      'CycloneDX',
    ],
    [
      '.github/workflows/a.yml',
      '      - run: docker buildx build --sbom=true -t app .',
      'docker buildx --sbom',
    ],
    [
      '.github/workflows/a.yml',
      '          sbom: true',
      'docker/build-push-action sbom',
    ],
    ['.gitlab-ci.yml', '        cyclonedx: gl-sbom-*.cdx.json', 'CycloneDX'],
    ['Jenkinsfile', "    sh 'cdxgen -o bom.json'", 'cdxgen'],
    [
      '.github/workflows/a.yml',
      '      - run: trivy fs --format cyclonedx --output sbom.json .',
      'Trivy SBOM',
    ],
  ])('recognises %s: %s', (file, line, tool) => {
    expect(
      findSbomGeneration(new InMemorySnapshot({ [file]: `${line}\n` })).map(
        e => e.tool,
      ),
    ).toContain(tool);
  });

  it.each([
    ['.github/workflows/a.yml', '      - run: syft version'],
    ['.github/workflows/a.yml', '          sbom: false'],
    ['package.json', '{"name": "app", "scripts": {"build": "tsc"}}'],
  ])('does not count %s: %s', (file, line) => {
    expect(
      findSbomGeneration(new InMemorySnapshot({ [file]: `${line}\n` })),
    ).toEqual([]);
  });
});
