import { insecureTransport, isPrivateHost } from './insecureTransport';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('insecure-transport', () => {
  describeCheckFixtures(insecureTransport);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(insecureTransport, 'fail');
    expect(summarise(outcome, insecureTransport)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:9:25 high curl fetches http://downloads.example.com/tool.tar.gz over an unencrypted connection",
          ".github/workflows/ci.yml:10:38 high pip fetches http://pypi.example.com/simple over an unencrypted connection",
          ".github/workflows/ci.yml:14:24 high git fetches git://git.example.com/project.git over an unencrypted connection",
          ".gitlab-ci.yml:2:13 high include: remote: fetches pipeline code from http://ci.example.com/templates/build.yml over an unencrypted connection",
          ".gitlab-ci.yml:4:17 high NPM_REGISTRY points at http://npm.example.com/ over an unencrypted connection",
          ".gitlab-ci.yml:8:25 high npm fetches http://registry.example.com/ over an unencrypted connection",
          ".npmrc:2:10 high The npm registry http://registry.example.com/ is reached over an unencrypted connection",
          "Dockerfile:3:5 high ADD downloads http://downloads.example.com/app.tar.gz over an unencrypted connection",
          "Dockerfile:5:23 high wget fetches http://config.example.com/app.conf over an unencrypted connection",
          "Jenkinsfile:6:21 high wget fetches http://mirror.example.com/jdk.tar.gz over an unencrypted connection",
          "build.gradle:3:18 high The Gradle repository http://repo.example.com/maven2 is reached over an unencrypted connection",
          "pom.xml:7:12 high The Maven repository http://repo.example.com/maven2 is reached over an unencrypted connection",
        ],
        "score": 2.5,
        "status": "fail",
      }
    `);
  });

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
