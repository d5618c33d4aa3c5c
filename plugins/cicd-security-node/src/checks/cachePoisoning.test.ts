import { cachePoisoning } from './cachePoisoning';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('cache-poisoning', () => {
  describeCheckFixtures(cachePoisoning);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(cachePoisoning, 'fail');
    expect(summarise(outcome, cachePoisoning)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/docker.yml:6:15 medium swatinem/rust-cache restores the Cargo cache in job "image", which publishes (it runs \`docker push\`); a cache written by another workflow can poison the release",
          ".github/workflows/release.yml:9:15 medium actions/setup-node with cache: npm restores the package manager cache in job "release", which publishes (workflow runs on pushed tags); a cache written by another workflow can poison the release",
          ".github/workflows/release.yml:12:15 medium actions/setup-go restores the Go module and build cache by default in job "release", which publishes (workflow runs on pushed tags); a cache written by another workflow can poison the release",
          ".github/workflows/release.yml:13:15 medium actions/cache restores a cache in job "release", which publishes (workflow runs on pushed tags); a cache written by another workflow can poison the release",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(cachePoisoning, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(
      outcome.findings.find(f => f.file?.endsWith('release.yml')),
    ).toMatchObject({ line: 9, column: 15 });
  });
});
