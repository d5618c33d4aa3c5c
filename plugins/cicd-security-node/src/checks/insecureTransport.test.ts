import { insecureTransport, isPrivateHost } from './insecureTransport';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('insecure-transport', () => {
  describeCheckFixtures(insecureTransport);

  it('points at the URL and suggests https', async () => {
    const { outcome } = await runOnFixture(insecureTransport, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const at = (file: string) =>
      outcome.findings
        .filter(f => f.file === file)
        .map(f => [f.line, f.column, f.endColumn]);
    expect(at('.github/workflows/ci.yml')).toEqual([
      [9, 25, 65],
      [10, 38, 68],
      [14, 24, 57],
    ]);
    expect(at('pom.xml')).toEqual([[7, 12, 42]]);
    expect(at('build.gradle')).toEqual([[3, 18, 48]]);
    expect(at('Dockerfile')).toEqual([
      [5, 23, 57],
      [3, 5, 44],
    ]);
    const first = outcome.findings.find(
      f => f.file === '.github/workflows/ci.yml',
    );
    expect(first?.suggestedFix?.replacement).toBe(
      'https://downloads.example.com/tool.tar.gz',
    );
  });

  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['[::1]', true],
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.10', true],
    ['nexus', true],
    ['registry.svc.cluster.local', true],
    ['printer.local', true],
    ['downloads.example.com', false],
    ['8.8.8.8', false],
  ])('treats %s as private: %s', (host, expected) => {
    expect(isPrivateHost(host)).toBe(expected);
  });
});
