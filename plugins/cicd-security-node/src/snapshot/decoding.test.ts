import { builtinChecks } from '../checks';
import { CheckRegistry, runScan } from '../engine';
import { InMemorySnapshot } from './InMemorySnapshot';

describe('text decoding', () => {
  // A fake token, built at run time.
  const TOKEN = `ghp_${'EXAMPLE'.repeat(6).slice(0, 36)}`;

  it('reads a Latin-1 Jenkinsfile as Windows-1252, with a note, so its secrets are found', async () => {
    const jenkinsfile = Buffer.from(
      `// D\xe9ploiement \xa9 2024\npipeline {\n  agent any\n  environment { GH_TOKEN = '${TOKEN}' }\n  stages { stage('b') { steps { sh 'make' } } }\n}\n`,
      'latin1',
    );
    const snapshot = new InMemorySnapshot({ Jenkinsfile: jenkinsfile });
    expect(snapshot.read('Jenkinsfile')).toContain('// Déploiement © 2024');
    const result = await runScan(snapshot, new CheckRegistry(builtinChecks));
    const secrets = result.checks.find(c => c.checkId === 'hardcoded-secrets')!;
    expect(secrets.findings).toContainEqual(
      expect.objectContaining({ file: 'Jenkinsfile', line: 4 }),
    );
    expect(result.problems).toContainEqual(
      expect.objectContaining({
        file: 'Jenkinsfile',
        message: expect.stringMatching(/decoded as Windows-1252/),
      }),
    );
  });

  it('maps the Windows-1252 punctuation range (0x80-0x9f)', () => {
    const snapshot = new InMemorySnapshot({
      'a.sh': Buffer.from([0x93, 0x68, 0x69, 0x94, 0x20, 0x80, 0x0a]),
    });
    expect(snapshot.read('a.sh')).toBe('\u201chi\u201d \u20ac\n');
  });

  it('still skips binary files (NUL bytes) and reads UTF-8 without a note', () => {
    const snapshot = new InMemorySnapshot({
      bin: Buffer.from([0x41, 0x00, 0xe9]),
      'ok.txt': 'Déploiement\n',
    });
    expect(snapshot.read('bin')).toBeUndefined();
    expect(snapshot.read('ok.txt')).toBe('Déploiement\n');
    expect(snapshot.problems).toEqual([
      { file: 'bin', kind: 'skipped-file', message: 'binary file' },
    ]);
  });
});
