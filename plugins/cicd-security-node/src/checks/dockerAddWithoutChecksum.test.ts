import { dockerAddWithoutChecksum } from './dockerAddWithoutChecksum';
import { runOnFixture } from '../testing';

describe('docker-add-without-checksum', () => {
  it.each(['pass', 'fail', 'not-applicable'])(
    'matches the markers of the %s fixture',
    async name => {
      const { missing, unexpected, outcome } = await runOnFixture(
        dockerAddWithoutChecksum,
        name,
      );
      expect(missing).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(outcome.status).toBe(name);
    },
  );

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
