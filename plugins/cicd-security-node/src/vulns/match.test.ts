import {
  affectedBy,
  cvss3BaseScore,
  cvss4Severity,
  normalisePackageName,
  severityOf,
} from './match';
import { OsvRecord, parseOsvRecord } from './osvSchema';

type Event = Record<string, string>;

/** A valid OSV record about one package, with the given ranges. */
function record(
  ecosystem: string,
  name: string,
  ranges: Array<{ type: string; events: Event[] }>,
  extra: Record<string, unknown> = {},
  entry: Record<string, unknown> = {},
): OsvRecord {
  const parsed = parseOsvRecord({
    id: 'TEST-0001',
    modified: '2024-01-01T00:00:00Z',
    affected: [{ package: { ecosystem, name }, ranges, ...entry }],
    ...extra,
  });
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.record;
}

const semver = (...events: Event[]) => [{ type: 'SEMVER', events }];
const eco = (...events: Event[]) => [{ type: 'ECOSYSTEM', events }];

const isAffected = (r: OsvRecord, eco_: string, name: string, v: string) =>
  affectedBy(r, eco_, name, v).affected;

describe('affectedBy: OSV range semantics', () => {
  const r = record(
    'npm',
    'pkg',
    semver(
      { introduced: '1.0.0' },
      { fixed: '1.0.2' },
      { introduced: '3.0.0' },
      { fixed: '3.2.5' },
    ),
  );

  it.each([
    ['0.9.0', false],
    ['1.0.0', true],
    ['1.0.1', true],
    ['1.0.2-rc.1', true],
    ['1.0.2', false],
    ['2.9.9', false],
    ['3.0.0-alpha', false],
    ['3.0.0', true],
    ['3.2.4', true],
    ['3.2.5', false],
    ['4.0.0', false],
  ])(
    'introduced inclusive, fixed exclusive, two intervals: %s → %s',
    (v, want) => {
      expect(isAffected(r, 'npm', 'pkg', v)).toBe(want);
    },
  );

  it('treats introduced "0" as before every version', () => {
    const all = record('npm', 'pkg', semver({ introduced: '0' }));
    expect(isAffected(all, 'npm', 'pkg', '0.0.0-0')).toBe(true);
    expect(isAffected(all, 'npm', 'pkg', '99.0.0')).toBe(true);
    expect(affectedBy(all, 'npm', 'pkg', '99.0.0')).toEqual({
      affected: true,
      match: { affected: 0, range: 0, type: 'SEMVER', introduced: '0' },
    });
  });

  it('holds last_affected inclusive, with no fix to upgrade to', () => {
    const la = record(
      'PyPI',
      'pkg',
      eco({ introduced: '0' }, { last_affected: '2.1.214' }),
    );
    expect(isAffected(la, 'PyPI', 'pkg', '2.1.214')).toBe(true);
    expect(isAffected(la, 'PyPI', 'pkg', '2.1.214.post1')).toBe(false);
    expect(isAffected(la, 'PyPI', 'pkg', '2.1.215')).toBe(false);
    expect(affectedBy(la, 'PyPI', 'pkg', '1.0')).toEqual({
      affected: true,
      match: {
        affected: 0,
        range: 0,
        type: 'ECOSYSTEM',
        introduced: '0',
        lastAffected: '2.1.214',
      },
    });
  });

  it('sorts unsorted events in the ecosystem order before evaluating', () => {
    const unsorted = record(
      'PyPI',
      'pkg',
      eco(
        { fixed: '1.10' },
        { introduced: '1.9' },
        { fixed: '1.2' },
        { introduced: '0' },
      ),
    );
    expect(isAffected(unsorted, 'PyPI', 'pkg', '1.1')).toBe(true);
    expect(isAffected(unsorted, 'PyPI', 'pkg', '1.2')).toBe(false);
    expect(isAffected(unsorted, 'PyPI', 'pkg', '1.9rc1')).toBe(false);
    expect(isAffected(unsorted, 'PyPI', 'pkg', '1.9')).toBe(true);
    expect(isAffected(unsorted, 'PyPI', 'pkg', '1.10')).toBe(false);
    expect(affectedBy(unsorted, 'PyPI', 'pkg', '1.9.5')).toMatchObject({
      fixed: '1.10',
      match: { introduced: '1.9', fixed: '1.10' },
    });
  });

  it('leaves versions at or above every limit unaffected', () => {
    const limited = record(
      'npm',
      'pkg',
      semver({ introduced: '1.0.0' }, { limit: '2.0.0' }, { limit: '1.5.0' }),
    );
    expect(isAffected(limited, 'npm', 'pkg', '1.4.0')).toBe(true);
    expect(isAffected(limited, 'npm', 'pkg', '1.9.0')).toBe(true);
    expect(isAffected(limited, 'npm', 'pkg', '2.0.0')).toBe(false);
    const star = record(
      'npm',
      'pkg',
      semver({ introduced: '1.0.0' }, { limit: '*' }),
    );
    expect(isAffected(star, 'npm', 'pkg', '99.0.0')).toBe(true);
  });

  it('matches any of several ranges and affected entries', () => {
    const two = record('npm', 'pkg', [
      { type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.1.0' }] },
      {
        type: 'ECOSYSTEM',
        events: [{ introduced: '5.0.0' }, { fixed: '5.0.3' }],
      },
    ]);
    expect(affectedBy(two, 'npm', 'pkg', '5.0.1')).toMatchObject({
      affected: true,
      match: { range: 1, type: 'ECOSYSTEM' },
      fixed: '5.0.3',
    });
    expect(isAffected(two, 'npm', 'pkg', '1.1.0')).toBe(false);
  });

  it('matches the explicit versions list, by string or by equal version', () => {
    const listed = record(
      'PyPI',
      'pkg',
      [],
      {},
      { versions: ['1.0', '1.1rc1', 'weird-build'] },
    );
    expect(affectedBy(listed, 'PyPI', 'pkg', '1.0.0')).toEqual({
      affected: true,
      match: { affected: 0, type: 'versions' },
    });
    expect(isAffected(listed, 'PyPI', 'pkg', '1.1-RC1')).toBe(true);
    expect(isAffected(listed, 'PyPI', 'pkg', 'weird-build')).toBe(true);
    expect(isAffected(listed, 'PyPI', 'pkg', '1.1')).toBe(false);
  });

  it('never matches a withdrawn record', () => {
    const w = record('npm', 'pkg', semver({ introduced: '0' }), {
      withdrawn: '2024-02-01T00:00:00Z',
    });
    expect(affectedBy(w, 'npm', 'pkg', '1.0.0')).toEqual({
      affected: false,
      reason: 'withdrawn',
      detail: '2024-02-01T00:00:00Z',
    });
  });

  it('ignores GIT ranges: they need the commit graph', () => {
    const git = record('npm', 'pkg', [
      { type: 'GIT', events: [{ introduced: '0' }] },
    ]);
    expect(affectedBy(git, 'npm', 'pkg', '1.0.0')).toEqual({
      affected: false,
      reason: 'not-in-range',
    });
  });

  it('keeps the record order for events at equal versions', () => {
    const tie = record(
      'npm',
      'pkg',
      semver({ introduced: '1.0.0' }, { fixed: '1.0.0' }),
    );
    expect(isAffected(tie, 'npm', 'pkg', '1.0.0')).toBe(false);
  });

  it('names the version to upgrade to: the lowest fix above it that clears every range', () => {
    const r2 = record('npm', 'pkg', [
      { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.4.2' }] },
      {
        type: 'SEMVER',
        events: [{ introduced: '1.4.2' }, { fixed: '1.4.5' }],
      },
    ]);
    expect(affectedBy(r2, 'npm', 'pkg', '1.0.0')).toMatchObject({
      affected: true,
      match: { range: 0, fixed: '1.4.2' },
      fixed: '1.4.5',
    });
    const none = record(
      'npm',
      'pkg',
      semver({ introduced: '0' }, { fixed: '1.0.0' }, { introduced: '1.0.0' }),
    );
    expect(affectedBy(none, 'npm', 'pkg', '0.5.0')).toEqual({
      affected: true,
      match: {
        affected: 0,
        range: 0,
        type: 'SEMVER',
        introduced: '0',
        fixed: '1.0.0',
      },
    });
  });

  it('reports an unreadable installed version as unparseable, not as a match', () => {
    const r3 = record(
      'PyPI',
      'pkg',
      eco({ introduced: '0' }, { fixed: '2.0' }),
    );
    expect(affectedBy(r3, 'PyPI', 'pkg', 'not a version')).toEqual({
      affected: false,
      reason: 'unparseable',
      detail: '"not a version" is not a PyPI version',
    });
  });

  it('skips a range with an unreadable bound and says so', () => {
    const r4 = record('npm', 'pkg', [
      { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: 'soon' }] },
      { type: 'SEMVER', events: [{ introduced: '3.0.0' }] },
    ]);
    expect(affectedBy(r4, 'npm', 'pkg', '1.0.0')).toEqual({
      affected: false,
      reason: 'unparseable',
      detail: 'affected[0].ranges[0]: "soon" is not a SEMVER version',
    });
    expect(isAffected(r4, 'npm', 'pkg', '3.1.0')).toBe(true);
  });

  it('answers other-package and unsupported-ecosystem', () => {
    const r5 = record('npm', 'pkg', semver({ introduced: '0' }));
    expect(affectedBy(r5, 'npm', 'other', '1.0.0')).toEqual({
      affected: false,
      reason: 'other-package',
    });
    expect(affectedBy(r5, 'PyPI', 'pkg', '1.0.0')).toMatchObject({
      reason: 'other-package',
    });
    expect(affectedBy(r5, 'Debian', 'pkg', '1.0.0')).toMatchObject({
      reason: 'unsupported-ecosystem',
    });
  });
});

describe('affectedBy: ecosystems', () => {
  it('reads Go versions with a v against SEMVER bounds without one', () => {
    const go = record(
      'Go',
      'example.com/Mod',
      semver({ introduced: '0' }, { fixed: '1.2.3' }),
    );
    expect(isAffected(go, 'Go', 'example.com/Mod', 'v1.2.2')).toBe(true);
    expect(
      isAffected(
        go,
        'Go',
        'example.com/Mod',
        'v0.0.0-20210101000000-abcdef123456',
      ),
    ).toBe(true);
    expect(isAffected(go, 'Go', 'example.com/Mod', 'v1.2.3')).toBe(false);
    expect(isAffected(go, 'Go', 'example.com/Mod', 'v2.0.0+incompatible')).toBe(
      false,
    );
    // Go module paths are case-sensitive
    expect(affectedBy(go, 'Go', 'example.com/mod', 'v1.0.0')).toMatchObject({
      reason: 'other-package',
    });
  });

  it('normalises PyPI names (PEP 503) and versions (PEP 440)', () => {
    const py = record(
      'PyPI',
      'Zope.Interface',
      eco({ introduced: '1.0' }, { fixed: '2.0.0rc2' }),
    );
    expect(isAffected(py, 'PyPI', 'zope-interface', '2.0.0-RC1')).toBe(true);
    expect(isAffected(py, 'PyPI', 'ZOPE__interface', '2.0rc2')).toBe(false);
    expect(isAffected(py, 'PyPI', 'zope_interface', '1!0.5')).toBe(false);
  });

  it('compares NuGet and Packagist names case-insensitively, npm names exactly', () => {
    const nuget = record(
      'NuGet',
      'Newtonsoft.Json',
      eco({ introduced: '0' }, { fixed: '13.0.1' }),
    );
    expect(isAffected(nuget, 'NuGet', 'newtonsoft.json', '12.0.3.0')).toBe(
      true,
    );
    const composer = record(
      'Packagist',
      'Vendor/Lib',
      eco({ introduced: '0' }, { fixed: '2.0.0' }),
    );
    expect(isAffected(composer, 'Packagist', 'vendor/lib', 'v1.9.9')).toBe(
      true,
    );
    const npm = record('npm', 'JSONStream', semver({ introduced: '0' }));
    expect(isAffected(npm, 'npm', 'jsonstream', '1.0.0')).toBe(false);
    expect(normalisePackageName('crates.io', 'Foo_Bar')).toBe('foo-bar');
  });

  it('orders Maven, RubyGems and crates.io bounds in their own order', () => {
    const maven = record(
      'Maven',
      'org.example:lib',
      eco({ introduced: '2.0-alpha1' }, { fixed: '2.0.1' }),
    );
    expect(isAffected(maven, 'Maven', 'org.example:lib', '2.0-SNAPSHOT')).toBe(
      true,
    );
    expect(isAffected(maven, 'Maven', 'org.example:lib', '2.0.0.Final')).toBe(
      true,
    );
    expect(isAffected(maven, 'Maven', 'org.example:lib', '2.0-sp1')).toBe(true);
    expect(isAffected(maven, 'Maven', 'org.example:lib', '2.0.1')).toBe(false);
    expect(isAffected(maven, 'Maven', 'org.example:lib', '1.9')).toBe(false);
    const mavenRepo = record(
      'Maven:https://maven.google.com',
      'org.example:lib',
      eco({ introduced: '0' }),
    );
    expect(isAffected(mavenRepo, 'Maven', 'org.example:lib', '1.0')).toBe(true);

    const gem = record(
      'RubyGems',
      'rack',
      eco({ introduced: '0' }, { fixed: '2.2.0' }),
    );
    expect(isAffected(gem, 'RubyGems', 'rack', '2.2.0.beta1')).toBe(true);
    expect(isAffected(gem, 'RubyGems', 'rack', '2.2')).toBe(false);

    const crate = record(
      'crates.io',
      'serde_json',
      semver({ introduced: '0' }, { fixed: '1.0.100' }),
    );
    expect(isAffected(crate, 'crates.io', 'serde-json', '1.0.99')).toBe(true);
  });

  it('reads a partial GitHub Actions tag as x.0.0 and says the answer is approximate', () => {
    const action = record(
      'GitHub Actions',
      'Owner/Action',
      eco({ introduced: '0' }, { fixed: '4.1.0' }),
    );
    expect(affectedBy(action, 'GitHub Actions', 'owner/action', 'v4')).toEqual({
      affected: true,
      match: {
        affected: 0,
        range: 0,
        type: 'ECOSYSTEM',
        introduced: '0',
        fixed: '4.1.0',
      },
      fixed: '4.1.0',
      approximate: 'v4 names a moving tag; it was compared as 4.0.0',
    });
    expect(
      affectedBy(action, 'GitHub Actions', 'owner/action', 'v4.0.2'),
    ).not.toHaveProperty('approximate');
    const semverAction = record(
      'GitHub Actions',
      'owner/action',
      semver({ introduced: '0' }, { fixed: '4.1.0' }),
    );
    expect(
      isAffected(semverAction, 'GitHub Actions', 'owner/action', 'v4'),
    ).toBe(true);
    expect(
      isAffected(semverAction, 'GitHub Actions', 'owner/action', 'v5'),
    ).toBe(false);
  });
});

describe('hostile records', () => {
  it('evaluates a range of 10,000 events in bounded time', () => {
    const events: Event[] = [];
    for (let i = 0; i < 5000; i++) {
      events.push({ fixed: `${i}.0.1` }, { introduced: `${i}.0.0` });
    }
    events.reverse();
    const big = record('npm', 'pkg', semver(...events));
    const start = Date.now();
    expect(affectedBy(big, 'npm', 'pkg', '4321.0.0')).toMatchObject({
      affected: true,
      fixed: '4321.0.1',
    });
    expect(isAffected(big, 'npm', 'pkg', '4321.0.1')).toBe(false);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it('finds the upgrade among thousands of re-introduced ranges in bounded time', () => {
    const events: Event[] = [{ introduced: '0' }];
    for (let i = 1; i <= 5000; i++) {
      events.push({ fixed: `${i}.0.0` }, { introduced: `${i}.0.0` });
    }
    const big = record('npm', 'pkg', semver(...events));
    const start = Date.now();
    const result = affectedBy(big, 'npm', 'pkg', '1.5.0');
    // every fix is re-introduced at once: no version to upgrade to
    expect(result).toMatchObject({ affected: true, match: { fixed: '2.0.0' } });
    expect(result).not.toHaveProperty('fixed');
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it('survives 10 kB version strings in records and inventories', () => {
    const long = '1.'.repeat(5000);
    const r = record(
      'npm',
      'pkg',
      semver({ introduced: '0' }, { fixed: long }),
      {},
      {
        versions: [long],
      },
    );
    expect(affectedBy(r, 'npm', 'pkg', long)).toMatchObject({ affected: true });
    expect(affectedBy(r, 'npm', 'pkg', '1.0.0')).toMatchObject({
      affected: false,
      reason: 'unparseable',
    });
    expect(affectedBy(r, 'npm', 'pkg', `x${long}`)).toMatchObject({
      affected: false,
      reason: 'unparseable',
    });
  });

  it('rejects records whose events are malformed instead of guessing', () => {
    expect(
      parseOsvRecord({
        id: 'X',
        modified: '2024-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'npm', name: 'a' },
            ranges: [
              { type: 'SEMVER', events: [{ introduced: '1', fixed: '2' }] },
            ],
          },
        ],
      }),
    ).toEqual({
      error:
        'affected.0.ranges.0.events.0: an event must have exactly one of introduced, fixed, last_affected, limit (has introduced, fixed)',
    });
    expect(
      parseOsvRecord({
        id: 'X',
        modified: '2024-01-01T00:00:00Z',
        affected: [{ package: { ecosystem: 'npm', name: 7 } }],
      }),
    ).toMatchObject({
      error: expect.stringMatching(/^affected\.0\.package\.name/),
    });
    expect(parseOsvRecord(null)).toHaveProperty('error');
    expect(parseOsvRecord([])).toHaveProperty('error');
  });

  it('accepts nulls and unknown fields where the format is open', () => {
    const parsed = parseOsvRecord({
      id: 'X',
      modified: '2024-01-01T00:00:00Z',
      aliases: null,
      withdrawn: null,
      future_field: { anything: [1, 2] },
      affected: [
        {
          package: { ecosystem: 'npm', name: 'a' },
          ranges: [{ type: 'FUTURE', events: [{ introduced: '0' }] }],
          versions: null,
        },
      ],
    });
    expect(parsed).toHaveProperty('record.future_field');
    const r = (parsed as { record: OsvRecord }).record;
    expect(affectedBy(r, 'npm', 'a', '1.0.0')).toMatchObject({
      reason: 'not-in-range',
    });
  });
});

describe('CVSS and severity', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 5.9],
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N', 4.3],
    ['CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', 1.8],
    ['CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H/E:P/RL:O', 9.9],
  ])('%s scores %s', (vector, score) => {
    expect(cvss3BaseScore(vector)).toBe(score);
  });

  it.each([
    'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H',
    'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'CVSS:3.1/__proto__:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    `CVSS:3.1/${'AV:N/'.repeat(1000)}`,
  ])('rejects %s', vector => {
    expect(cvss3BaseScore(vector)).toBeUndefined();
  });

  it.each([
    [
      'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
      'critical',
    ],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N', 'high'],
    [
      'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:L/VA:N/SC:L/SI:L/SA:N',
      'medium',
    ],
    ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N', 'low'],
  ])('rates %s coarsely as %s', (vector, severity) => {
    expect(cvss4Severity(vector)).toBe(severity);
  });

  const base = { id: 'X', modified: '2024-01-01T00:00:00Z' };
  const sev = (value: Record<string, unknown>) => {
    const parsed = parseOsvRecord({ ...base, ...value });
    if ('error' in parsed) throw new Error(parsed.error);
    return severityOf(parsed.record);
  };

  it('prefers the database rating, reading MODERATE as medium', () => {
    expect(
      sev({
        database_specific: { severity: 'MODERATE' },
        severity: [
          {
            type: 'CVSS_V3',
            score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
          },
        ],
      }),
    ).toBe('medium');
    expect(sev({ database_specific: { severity: 'CRITICAL' } })).toBe(
      'critical',
    );
    expect(sev({ database_specific: { severity: 'constructor' } })).toBe(
      'medium',
    );
  });

  it('falls back to CVSS v3, then v4, then Ubuntu, then entry severities, then medium', () => {
    expect(
      sev({
        severity: [
          {
            type: 'CVSS_V4',
            score:
              'CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N',
          },
          {
            type: 'CVSS_V3',
            score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
          },
        ],
      }),
    ).toBe('medium');
    expect(
      sev({
        severity: [
          {
            type: 'CVSS_V4',
            score:
              'CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N',
          },
        ],
      }),
    ).toBe('low');
    expect(sev({ severity: [{ type: 'Ubuntu', score: 'high' }] })).toBe('high');
    expect(
      sev({
        affected: [
          {
            package: { ecosystem: 'npm', name: 'a' },
            severity: [
              {
                type: 'CVSS_V3',
                score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
              },
            ],
          },
        ],
      }),
    ).toBe('critical');
    expect(
      sev({
        severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' }],
      }),
    ).toBe('medium');
    expect(sev({})).toBe('medium');
  });
});
