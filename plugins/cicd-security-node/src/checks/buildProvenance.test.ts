import { buildProvenance } from './buildProvenance';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

const wf = (steps: string) =>
  new InMemorySnapshot({
    '.github/workflows/r.yml': `on: release\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`,
  });

describe('build-provenance', () => {
  describeCheckFixtures(buildProvenance);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(buildProvenance, 'fail');
    expect(summarise(outcome, buildProvenance)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/release.yml:13:14 medium npm publish in .github/workflows/release.yml publishes without provenance or a signature; add --provenance (with id-token: write) or publishConfig.provenance",
          ".github/workflows/release.yml:14:14 medium image push in .github/workflows/release.yml publishes without provenance or a signature; sign the image with cosign or attest it with actions/attest-build-provenance",
        ],
        "score": 5,
        "status": "fail",
      }
    `);
  });

  it('fails at each unsigned publish step, scoring the share of publishing files', async () => {
    const { outcome } = await runOnFixture(buildProvenance, 'fail');
    expect(outcome).toMatchObject({ status: 'fail', score: 5 });
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings.map(f => [f.line, f.column])).toEqual([
      [13, 14],
      [14, 14],
    ]);
    expect(outcome.findings[0].suggestedFix?.replacement).toContain(
      'npm publish --provenance --access public',
    );
  });

  it('fails on GitLab publishing without provenance', async () => {
    const { outcome } = await runOnFixture(buildProvenance, 'fail-gitlab');
    expect(outcome).toMatchObject({ status: 'fail', score: 0 });
  });

  it.each([
    ['      - run: npm publish --provenance\n', 'pass'],
    [
      '      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n          password: ${{ secrets.PYPI }}\n',
      'fail',
    ],
    [
      '      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n          attestations: false\n',
      'fail',
    ],
    [
      '      - uses: docker/build-push-action@v6\n        with:\n          push: true\n',
      'fail',
    ],
    [
      '      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          provenance: mode=max\n',
      'pass',
    ],
    [
      '      - uses: docker/build-push-action@v6\n        with:\n          push: false\n',
      'not-applicable',
    ],
    ['      - run: npm publish --dry-run\n', 'not-applicable'],
    [
      '      - run: goreleaser release --clean\n      - uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.0.0\n',
      'pass',
    ],
  ])('judges %j', async (steps, status) => {
    expect((await buildProvenance.run(wf(steps))).status).toBe(status);
  });

  it('accepts publishConfig.provenance in package.json', async () => {
    const s = new InMemorySnapshot({
      '.github/workflows/r.yml':
        'on: release\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm publish\n',
      'package.json': '{"name":"x","publishConfig":{"provenance":true}}',
    });
    expect((await buildProvenance.run(s)).status).toBe('pass');
  });
});
