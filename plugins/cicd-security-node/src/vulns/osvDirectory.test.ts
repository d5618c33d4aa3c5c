import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { InventoryPackage } from '../parsers/lockfiles/model';
import {
  findAdvisories,
  indexOsvRecords,
  lookupPackage,
  OsvIndex,
  readOsvDirectory,
} from './osvDirectory';
import { OsvRecord } from './osvSchema';

const FIXTURES = resolve(__dirname, '__fixtures__/osv');

const pkg = (
  ecosystem: InventoryPackage['ecosystem'],
  name: string,
  version: string,
  exact = true,
): InventoryPackage => ({
  ecosystem,
  name,
  version,
  exact,
  direct: true,
  file: 'lockfile',
  line: 1,
});

describe('readOsvDirectory on the fixtures', () => {
  let index: OsvIndex;
  beforeAll(async () => {
    index = await readOsvDirectory(FIXTURES);
  });

  it('reads records from nested folders, skipping other ecosystems and non-JSON files', () => {
    expect(index.size).toBe(7);
    expect(index.skipped).toBe(1);
  });

  it('lists bad files as problems with their path, never throwing', () => {
    expect(index.problems).toEqual([
      {
        file: 'bad/no-id.json',
        message: 'not an OSV record: id: Required',
      },
      {
        file: 'bad/truncated.json',
        message: expect.stringMatching(/^not valid JSON: /),
      },
      {
        file: 'bad/two-kinds.json',
        message:
          'not an OSV record: affected.0.ranges.0.events.0: an event must have exactly one of introduced, fixed, last_affected, limit (has introduced, fixed)',
      },
    ]);
  });

  it('finds an npm advisory with its fix, severity and advisory page', () => {
    expect(findAdvisories(index, pkg('npm', 'tiny-template', '1.4.1'))).toEqual(
      [
        {
          id: 'GHSA-q2w3-e4r5-t6y7',
          aliases: ['CVE-2099-10001'],
          summary:
            'tiny-template evaluates expressions from untrusted templates',
          severity: 'high',
          fixed: '1.4.2',
          url: 'https://github.com/advisories/GHSA-q2w3-e4r5-t6y7',
          match: {
            affected: 0,
            range: 0,
            type: 'SEMVER',
            introduced: '0',
            fixed: '1.4.2',
          },
        },
      ],
    );
    expect(
      findAdvisories(index, pkg('npm', 'tiny-template', '2.0.0-rc.1')),
    ).toMatchObject([{ fixed: '2.1.0' }]);
    // the withdrawn record about every version matches none
    expect(findAdvisories(index, pkg('npm', 'tiny-template', '1.4.2'))).toEqual(
      [],
    );
    expect(findAdvisories(index, pkg('npm', 'tiny-template', '2.1.0'))).toEqual(
      [],
    );
  });

  it('reports a vulnerability found in two databases once, as the GHSA record, with all ids', () => {
    const found = findAdvisories(index, pkg('PyPI', 'Flask.Thing', '2.0.0rc1'));
    expect(found).toEqual([
      {
        id: 'GHSA-a1b2-c3d4-e5f6',
        aliases: ['CVE-2099-10002', 'PYSEC-2099-17'],
        summary: 'Session check bypass in Flask-Thing',
        severity: 'medium',
        fixed: '2.0.0rc2',
        url: 'https://osv.dev/vulnerability/GHSA-a1b2-c3d4-e5f6',
        match: expect.objectContaining({ type: 'ECOSYSTEM' }),
      },
    ]);
    expect(findAdvisories(index, pkg('PyPI', 'flask-thing', '2.0.0'))).toEqual(
      [],
    );
  });

  it('uses the first line of the details when there is no summary, and never a non-web link', () => {
    const idx = indexOsvRecords(
      [index.get('PYSEC-2099-17'), index.get('GO-2099-0001')].filter(
        (r): r is OsvRecord => r !== undefined,
      ),
    );
    expect(
      findAdvisories(idx, pkg('PyPI', 'flask_thing', '1.1')),
    ).toMatchObject([
      {
        id: 'PYSEC-2099-17',
        summary:
          'Flask-Thing before 2.0.0rc2 lets a crafted cookie bypass the session check.',
        match: { type: 'versions' },
      },
    ]);
    expect(
      findAdvisories(idx, pkg('Go', 'example.com/Widget', 'v1.3.4')),
    ).toMatchObject([
      {
        id: 'GO-2099-0001',
        severity: 'medium',
        fixed: '1.3.5',
        url: 'https://osv.dev/vulnerability/GO-2099-0001',
      },
    ]);
  });

  it('rates a CVSS v4 record and matches Maven qualifiers', () => {
    expect(
      findAdvisories(index, pkg('Maven', 'org.example:parser', '2.0-RC1')),
    ).toMatchObject([{ id: 'GHSA-m1n2-b3v4-c5x6', severity: 'critical' }]);
    expect(
      findAdvisories(index, pkg('Maven', 'org.example:parser', '2.0-alpha1')),
    ).toEqual([]);
  });

  it('gives no version to upgrade to when no release fixes it', () => {
    const [found] = findAdvisories(index, pkg('RubyGems', 'gemstone', '1.2.0'));
    expect(found).toMatchObject({
      severity: 'low',
      match: { lastAffected: '1.2.0' },
    });
    expect(found).not.toHaveProperty('fixed');
    expect(findAdvisories(index, pkg('RubyGems', 'gemstone', '1.2.1'))).toEqual(
      [],
    );
  });

  it('matches nothing for a version that is not exact', () => {
    expect(
      lookupPackage(index, pkg('npm', 'tiny-template', '^1.0.0', false)),
    ).toEqual({
      status: 'not-pinned',
      advisories: [],
    });
  });

  it('says which records could not be evaluated for an unreadable version', () => {
    expect(
      lookupPackage(index, pkg('npm', 'tiny-template', 'github:a/b')),
    ).toEqual({
      status: 'checked',
      advisories: [],
      unparseable: [
        {
          id: 'GHSA-q2w3-e4r5-t6y7',
          detail: '"github:a/b" is not a npm version',
        },
      ],
    });
  });
});

describe('OsvIndex', () => {
  const rec = (id: string, modified: string, name: string): OsvRecord => ({
    id,
    modified,
    affected: [
      {
        package: { ecosystem: 'npm', name },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
      },
    ],
  });

  it('keeps the record modified last when two files share an id', () => {
    const index = indexOsvRecords([
      rec('X-1', '2024-02-01T00:00:00Z', 'new-name'),
      rec('X-1', '2024-01-01T00:00:00Z', 'old-name'),
    ]);
    expect(index.size).toBe(1);
    expect(index.recordsFor('npm', 'old-name')).toEqual([]);
    expect(index.recordsFor('npm', 'new-name')).toHaveLength(1);
    index.add(rec('X-1', '2024-03-01T00:00:00Z', 'newest-name'));
    expect(index.recordsFor('npm', 'new-name')).toEqual([]);
    expect(index.recordsFor('npm', 'newest-name')).toHaveLength(1);
  });
});

describe('readOsvDirectory bounds', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'osv-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const record = (id: string) =>
    JSON.stringify({
      id,
      modified: '2024-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'p' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
        },
      ],
    });

  it('skips files over the size cap with a problem', async () => {
    await fs.writeFile(join(dir, 'big.json'), ' '.repeat(2048) + record('B'));
    await fs.writeFile(join(dir, 'ok.json'), `\uFEFF${record('A')}`);
    const index = await readOsvDirectory(dir, { maxFileBytes: 1024 });
    expect(index.size).toBe(1);
    expect(index.problems).toEqual([
      {
        file: 'big.json',
        message: expect.stringMatching(/^larger than 1024 bytes/),
      },
    ]);
  });

  it('stops at the file cap with one problem, in path order', async () => {
    for (let i = 0; i < 5; i++) {
      await fs.writeFile(join(dir, `R-${i}.json`), record(`R-${i}`));
    }
    const index = await readOsvDirectory(dir, { maxFiles: 3 });
    expect(index.size).toBe(3);
    expect(index.get('R-3')).toBeUndefined();
    expect(index.problems).toEqual([
      {
        file: 'R-3.json',
        message: 'more than 3 files: this one and the rest are not read',
      },
    ]);
  });

  it('stops at the nesting cap and does not follow symbolic links', async () => {
    await fs.mkdir(join(dir, 'a/b/c'), { recursive: true });
    await fs.writeFile(join(dir, 'a/b/c/deep.json'), record('DEEP'));
    await fs.writeFile(join(dir, 'a/shallow.json'), record('SHALLOW'));
    await fs.symlink(dir, join(dir, 'a/loop'));
    const index = await readOsvDirectory(dir, { maxDepth: 2 });
    expect(index.get('SHALLOW')).toBeDefined();
    expect(index.get('DEEP')).toBeUndefined();
    expect(index.problems).toEqual([
      {
        file: 'a/b/c',
        message: 'nested deeper than 2 folders: not read',
      },
    ]);
  });

  it('turns hostile files into problems: bad JSON, wrong shapes, deep nesting', async () => {
    const files: Record<string, string> = {
      'empty.json': '',
      'array.json': '[]',
      'null.json': 'null',
      'number.json': '42',
      'nested.json': `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      'proto.json':
        '{"__proto__": {"id": "P"}, "id": "PROTO", "modified": "2024-01-01T00:00:00Z"}',
      'events.json': JSON.stringify({
        id: 'E',
        modified: '2024-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'npm', name: 'p' },
            ranges: [{ type: 'SEMVER', events: 'all of them' }],
          },
        ],
      }),
    };
    for (const [name, text] of Object.entries(files)) {
      await fs.writeFile(join(dir, name), text);
    }
    const index = await readOsvDirectory(dir);
    expect(index.problems.map(p => p.file)).toEqual([
      'array.json',
      'empty.json',
      'events.json',
      'nested.json',
      'null.json',
      'number.json',
    ]);
    // a record about no package is read and kept out of the index
    expect(index.skipped).toBe(1);
    expect(({} as Record<string, unknown>).id).toBeUndefined();
  });

  it('reports a missing directory as a problem', async () => {
    const index = await readOsvDirectory(join(dir, 'missing'));
    expect(index.problems).toEqual([
      { file: '.', message: expect.stringMatching(/^folder not readable/) },
    ]);
  });
});
