import { invalidSourcePath, redactSourceText } from './sourceFile';

// Fake values, built so that no file holds them whole.
const TOKEN = `ghp_${'a1B2c3D4e5F6g7H8i9J0'}${'k1L2m3N4o5P6q7R8'}`;
const KEY_BODY = [
  `MIIEowIBAAKCAQEA${'x7Qm9Zr2Kd4Tn8Vb1Lp6Wc3Hs5Fj0Gy'}`,
  `Bq2Nw8Er5Ty1Ui4Op7As0Df3Gh6Jk9Lz${'Xc2Vb5Nm8Qw1Er4Ty7'}`,
  `Ui0Op3As6Df9Gh2Jk5Lz8Xc1Vb4Nm7Qw${'0Er3Ty6Ui9Op2As5Df'}`,
];

describe('redactSourceText', () => {
  it('redacts every secret the detector finds, and other occurrences of it', () => {
    const text = `a: 1\ntoken: ${TOKEN}\n# again ${TOKEN}\nb: 2\n`;
    const out = redactSourceText(text);
    expect(out.text).not.toContain(TOKEN.slice(4));
    expect(out.text.split('\n')).toEqual([
      'a: 1',
      'token: ghp_…[REDACTED 36 chars]',
      '# again ghp_…[REDACTED 36 chars]',
      'b: 2',
      '',
    ]);
    expect(out.redactions).toBeGreaterThanOrEqual(2);
  });

  it('redacts a private key on each of its lines and keeps the line count', () => {
    const key = [
      `-----BEGIN RSA ${'PRIVATE KEY'}-----`,
      ...KEY_BODY,
      `-----END RSA ${'PRIVATE KEY'}-----`,
    ].join('\n');
    const text = `before\n${key}\nafter\n`;
    const out = redactSourceText(text);
    const lines = out.text.split('\n');
    expect(lines).toHaveLength(text.split('\n').length);
    expect(lines[0]).toBe('before');
    expect(lines[lines.length - 2]).toBe('after');
    for (const part of KEY_BODY) {
      expect(out.text).not.toContain(part.slice(4, 24));
    }
    expect(out.redactions).toBeGreaterThanOrEqual(1);
  });

  it('redacts credentials of command lines and URLs (the generic redaction)', () => {
    const text =
      'run: curl -u deploy:Sup3rS3cretPassw0rd https://example.com\n' +
      'url: https://bot:Zq8xK2mP9vL4nR7t@git.example.com/repo.git\n';
    const out = redactSourceText(text);
    expect(out.text).not.toContain('Sup3rS3cretPassw0rd');
    expect(out.text).not.toContain('Zq8xK2mP9vL4nR7t');
    expect(out.text.split('\n')).toHaveLength(3);
    expect(out.text).toContain('https://example.com');
  });

  it('leaves a text without secrets as it is', () => {
    const text = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n';
    expect(redactSourceText(text)).toEqual({ text, redactions: 0 });
  });
});

describe('invalidSourcePath', () => {
  it.each([
    ['.github/workflows/ci.yml', undefined],
    ['README.md', undefined],
    ['a b/c%20d.txt', undefined],
    ['', 'the path is empty'],
    ['../x', 'the path must not contain ..'],
    ['a/../../x', 'the path must not contain ..'],
    ['/etc/passwd', 'the path must be relative to the repository root'],
    ['C:/x', 'the path must be relative to the repository root'],
    ['a\\b', 'the path must use / as separator, not \\'],
    ['a//b', 'the path must not contain empty or . segments'],
    ['./a', 'the path must not contain empty or . segments'],
    ['a/', 'the path names a directory, not a file'],
    ['a\u0000b', 'the path contains control characters'],
    ['x'.repeat(1025), 'the path is longer than 1024 characters'],
  ])('%j: %s', (p, reason) => {
    expect(invalidSourcePath(p)).toBe(reason);
  });
});
