import { TreeSnapshot } from './TreeSnapshot';

function tree(files: Record<string, string | Buffer>, etag = 'abc') {
  return {
    etag,
    files: async () =>
      Object.entries(files).map(([path, c]) => ({
        path,
        content: async () => (typeof c === 'string' ? Buffer.from(c) : c),
      })),
  };
}

describe('TreeSnapshot', () => {
  it('serves the files of a tree with the etag as revision', async () => {
    const snapshot = await TreeSnapshot.fromTree(
      tree({
        '.github/workflows/ci.yml': 'on: push\n',
        'README.md': '# hi',
        'node_modules/x/index.js': 'x',
        '.git/HEAD': 'ref',
      }),
      { label: 'https://github.com/acme/svc' },
    );
    expect(snapshot.revision).toBe('abc');
    expect(snapshot.label).toBe('https://github.com/acme/svc');
    expect(snapshot.files()).toEqual(['.github/workflows/ci.yml', 'README.md']);
    expect(snapshot.read('README.md')).toBe('# hi');
    expect(snapshot.read('missing')).toBeUndefined();
  });

  it('keeps the size caps: large and binary files are listed but skipped', async () => {
    const snapshot = await TreeSnapshot.fromTree(
      tree({
        'big.txt': 'x'.repeat(200),
        'bin.dat': Buffer.from([0, 1, 2]),
        'ok.txt': 'ok',
      }),
      { maxFileBytes: 100 },
    );
    expect(snapshot.exists('big.txt')).toBe(true);
    expect(snapshot.read('big.txt')).toBeUndefined();
    expect(snapshot.read('bin.dat')).toBeUndefined();
    expect(snapshot.read('ok.txt')).toBe('ok');
    expect(snapshot.problems.map(p => [p.file, p.message])).toEqual([
      ['big.txt', 'larger than 100 bytes (200)'],
      ['bin.dat', 'binary file'],
    ]);
  });

  it('stops at maxFiles with a note', async () => {
    const snapshot = await TreeSnapshot.fromTree(
      tree({ a: '1', b: '2', c: '3' }),
      { maxFiles: 2 },
    );
    expect(snapshot.files()).toHaveLength(2);
    expect(snapshot.problems[0].message).toContain('more than 2 files');
  });
});
