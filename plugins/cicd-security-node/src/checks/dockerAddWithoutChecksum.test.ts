import { dockerAddWithoutChecksum } from './dockerAddWithoutChecksum';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('docker-add-without-checksum', () => {
  describeCheckFixtures(dockerAddWithoutChecksum);

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
