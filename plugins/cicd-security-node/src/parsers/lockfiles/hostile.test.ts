import { InMemorySnapshot } from '../../snapshot';
import { readPackageInventory } from './inventory';
import { describeInventory } from './describeInventory';
import { MAX_PACKAGES_PER_FILE } from './model';

const inventoryOf = (files: Record<string, string>) =>
  readPackageInventory(new InMemorySnapshot(files));

/** CPU milliseconds spent by `run`. */
function cpu(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const MIB = 1024 * 1024;

describe('hostile lockfiles', () => {
  it('builds the inventory once per snapshot', () => {
    const snapshot = new InMemorySnapshot({
      'go.mod': 'require a.b/c v1.0.0\n',
    });
    expect(readPackageInventory(snapshot)).toBe(readPackageInventory(snapshot));
  });

  it('stops listing a file at the package cap, with a problem', () => {
    const lines: string[] = [];
    for (let i = 0; i <= MAX_PACKAGES_PER_FILE; i++) {
      lines.push(`example.com/m${i} v1.0.0 h1:x=`);
    }
    const inventory = inventoryOf({ 'go.sum': lines.join('\n') });
    expect(inventory.packages.length).toBe(MAX_PACKAGES_PER_FILE);
    expect(inventory.problems).toEqual([
      expect.objectContaining({
        file: 'go.sum',
        line: MAX_PACKAGES_PER_FILE + 1,
        message: `more than ${MAX_PACKAGES_PER_FILE} packages: the rest of the file is not listed`,
      }),
    ]);
  });

  // Lines of 1 MiB built to make backtracking expressions take quadratic
  // time: runs of blanks, of name characters, of separators.
  const blanks = ' '.repeat(MIB);
  const cases: Array<[string, Record<string, string>, string[]]> = [
    [
      'requirements.txt',
      {
        'requirements.txt': `a${blanks}#\nb${'='.repeat(MIB)}x\nc${'-'.repeat(
          MIB,
        )}\nd==1.0${blanks};${blanks}x\nok==1\n`,
      },
      [
        'PyPI a@~ direct requirements.txt:1',
        `PyPI b@~${'='.repeat(MIB)}x direct requirements.txt:2`,
        `PyPI c${'-'.repeat(MIB)}@~ direct requirements.txt:3`,
        'PyPI d@1.0 direct requirements.txt:4',
        'PyPI ok@1 direct requirements.txt:5',
      ],
    ],
    [
      'yarn.lock',
      {
        'yarn.lock': `a@^1:\n  version${blanks}x\n"b@^1${blanks}":\n  version "1.0.0"\n`,
      },
      ['npm a@~x unknown yarn.lock:1', 'npm b@1.0.0 unknown yarn.lock:3'],
    ],
    [
      'go.mod',
      {
        'go.mod': `require${blanks}a.b/c${blanks}v1.0.0${blanks}//${blanks}indirect\n`,
      },
      ['Go a.b/c@v1.0.0 transitive go.mod:1'],
    ],
    [
      'Gemfile.lock',
      {
        'Gemfile.lock': `GEM\n  specs:\n    a (${blanks}\n    b (1.0)\n`,
      },
      ['RubyGems b@1.0 transitive Gemfile.lock:4'],
    ],
    [
      'poetry.lock',
      {
        'poetry.lock': `${'[[package]]'.repeat(
          1000,
        )}\n[[package]]\nname = "a"\nversion = "1.0"\n`,
      },
      [],
    ],
  ];

  it.each(cases)(
    'reads adversarial lines of %s in linear time',
    (_name, files, expected) => {
      let lines: string[] = [];
      const hostile = cpu(() => {
        lines = describeInventory(inventoryOf(files));
      });
      expect(lines).toEqual(expected);
      // The same amount of ordinary text, for scale.
      const plain = Object.fromEntries(
        Object.entries(files).map(([k, v]) => [
          k,
          `# ${'x'.repeat(v.length)}\n`,
        ]),
      );
      const baseline = cpu(() => inventoryOf(plain)) + 20;
      expect(hostile).toBeLessThan(baseline * 50);
    },
  );

  it('bounds Maven property substitution', () => {
    const refs = '${a}'.repeat(60);
    const pom = `<project><properties><a>${refs}</a></properties><dependencies><dependency><groupId>g</groupId><artifactId>x</artifactId><version>${refs}</version></dependency></dependencies></project>`;
    const [pkg] = inventoryOf({ 'pom.xml': pom }).packages;
    expect(pkg.exact).toBe(false);
    expect(pkg.version.length).toBeLessThan(300);
  });
});

describe('line endings', () => {
  it('reads files with Windows line endings', () => {
    const files = {
      'requirements.txt': 'a==1.0\r\nb>=2 \\\r\n  ; python_version > "3"\r\n',
      'go.mod':
        'module m\r\n\r\nrequire (\r\n\tx.y/z v1.0.0 // indirect\r\n)\r\n',
      'Gemfile.lock':
        'GEM\r\n  specs:\r\n    rack (3.0.9)\r\n\r\nDEPENDENCIES\r\n  rack\r\n',
      'web/yarn.lock': 'a@^1:\r\n  version "1.2.3"\r\n',
    };
    expect(describeInventory(inventoryOf(files))).toEqual([
      'RubyGems rack@3.0.9 direct Gemfile.lock:3',
      'Go x.y/z@v1.0.0 transitive go.mod:4',
      'PyPI a@1.0 direct requirements.txt:1',
      'PyPI b@~>=2 direct requirements.txt:2',
      'npm a@1.2.3 unknown web/yarn.lock:1',
    ]);
  });
});

describe('large lockfiles', () => {
  it('reads lockfiles past the snapshot read cap without a skipped-file note', () => {
    const padding = `example.com/p v0.0.1 h1:${'x'.repeat(2000)}=\n`.repeat(10);
    const snapshot = new InMemorySnapshot(
      { 'go.sum': `${padding}example.com/a v1.0.0 h1:x=\n` },
      { maxFileBytes: 1000 },
    );
    const inventory = readPackageInventory(snapshot);
    expect(describeInventory(inventory)).toEqual([
      'Go example.com/p@v0.0.1 unknown go.sum:1',
      'Go example.com/a@v1.0.0 unknown go.sum:11',
    ]);
    expect(inventory.problems).toEqual([]);
    expect(snapshot.problems).toEqual([]);
  });
});
