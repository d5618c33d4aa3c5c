import { dockerAddWithoutChecksum } from './dockerAddWithoutChecksum';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('docker-add-without-checksum', () => {
  describeCheckFixtures(dockerAddWithoutChecksum);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(dockerAddWithoutChecksum, 'fail');
    expect(summarise(outcome, dockerAddWithoutChecksum)).toMatchInlineSnapshot(`
      {
        "findings": [
          "Dockerfile:3:5 medium ADD https://github.com/example/tool/releases/download/v1.2.3/tool.tar.gz downloads a file at build time without --checksum: whatever the server (or anyone in between) returns goes into the image",
          "Dockerfile:9:23 medium ADD http://example.com/config.json downloads a file at build time without --checksum: whatever the server (or anyone in between) returns goes into the image",
          "docker/Dockerfile.tools:3:25 medium ADD https://example.com/a.sh has --checksum=md5:0123, which is not a sha256/sha384/sha512 digest; the download is not verified",
        ],
        "score": 2.5,
        "status": "fail",
      }
    `);
  });

  it('points at the URL and suggests a --checksum', async () => {
    const { outcome } = await runOnFixture(dockerAddWithoutChecksum, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.score).toBe(2.5);
    const f = outcome.findings.find(x => x.file === 'Dockerfile')!;
    expect(f).toMatchObject({ line: 3, column: 5 });
    expect(f.suggestedFix?.replacement).toBe(
      'ADD --checksum=sha256:<digest> https://github.com/example/tool/releases/download/v1.2.3/tool.tar.gz /tmp/',
    );
    const weak = outcome.findings.find(
      x => x.file === 'docker/Dockerfile.tools',
    )!;
    expect(weak.message).toContain('not a sha256');
  });
});
