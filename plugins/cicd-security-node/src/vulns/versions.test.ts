import fc from 'fast-check';
import {
  actionsOrder,
  compareVersions,
  isValidVersion,
  MAX_VERSION_LENGTH,
  VERSION_ECOSYSTEMS,
  VersionEcosystem,
  versionOrder,
} from './versions';

const cmp = (ecosystem: VersionEcosystem, a: string, b: string) =>
  compareVersions(ecosystem, a, b);

/** Each list is in strictly ascending order; `==` joins versions that are equal. */
const ascending: Array<[VersionEcosystem, string[]]> = [
  [
    'npm',
    [
      '0.0.1',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0 == 1.0.0+build.7 == v1.0.0',
      '1.0.1',
      '1.2.0',
      '1.10.0',
      '2.0.0',
    ],
  ],
  [
    'crates.io',
    ['0.1.0', '0.9.9', '1.0.0-alpha.1', '1.0.0', '1.0.1', '1.0.10'],
  ],
  [
    'PyPI',
    [
      '0.9',
      '1.0.dev456 == 1.0-dev456 == 1.0dev456',
      '1.0a1 == 1.0alpha1 == 1.0.a.1 == 1.0-A1',
      '1.0a2.dev456',
      '1.0a12.dev456',
      '1.0a12',
      '1.0b1.dev456',
      '1.0b2 == 1.0beta2',
      '1.0b2.post345.dev456',
      '1.0b2.post345',
      '1.0rc1.dev456',
      '1.0rc1 == 1.0-rc1 == 1.0c1 == 1.0.0RC1 == 1.0pre1 == 1.0preview1',
      '1.0 == 1.0.0 == v1.0 == 0!1.0 == 1',
      '1.0+abc.5',
      '1.0+abc.7',
      '1.0+5 == 1.0+05',
      '1.0.post456.dev34',
      '1.0.post456 == 1.0-456 == 1.0-r456 == 1.0rev456 == 1.0.POST456',
      '1.0.15',
      '1.1.dev1',
      '2.0',
      '2013.10',
      '1!0.1',
      '2!0.0.1',
    ],
  ],
  [
    'Go',
    [
      'v0.0.0-20200101000000-aaaaaaaaaaaa',
      'v0.0.0-20210101000000-abcdef123456',
      'v0.1.0',
      'v1.2.3-pre',
      'v1.2.3 == 1.2.3',
      'v1.2.4-0.20210101000000-abcdef123456',
      'v1.2.4',
      'v1.9.0',
      'v1.10.0',
      'v2.0.0 == v2.0.0+incompatible',
    ],
  ],
  [
    'Maven',
    [
      '1-alpha1 == 1-a1 == 1-alpha-1 == 1.0-ALPHA1',
      '1-beta1 == 1-b1',
      '1-milestone1 == 1-m1',
      '1-rc1 == 1-cr1 == 1.0-RC1 == 1.0.0.RC1',
      '1-rc2 == 1.0.0-RC2',
      '1-snapshot == 1.0-SNAPSHOT',
      '1 == 1.0 == 1.0.0 == 1-ga == 1.ga == 1-final == 1.0-0 == 1-0',
      '1-sp == 1.0-sp',
      '1-sp1',
      '1-foo == 1.foo',
      '1-foo2',
      '1-foo10',
      '1-1',
      '1.0.1 == 1.0.1.0',
      '1.1',
      '1.2-beta-2',
      '1.2',
      '1.10',
      '2.0.0-alpha',
      '2.0.0',
    ],
  ],
  [
    'RubyGems',
    [
      '0.9',
      '1.0.A',
      '1.0.a',
      '1.0.a.1',
      '1.0.b',
      '1.0.b1 == 1.0.b.1',
      '1.0.0-1 == 1.0.pre.1',
      '1.0.rc1',
      '1.0 == 1.0.0 == 1 == 1.0.0.0',
      '1.0.0.1',
      '1.1',
      '1.10',
      '2.0.0.pre',
      '2.0.0',
    ],
  ],
  [
    'Packagist',
    [
      '1.0.0-dev',
      '1.0.0-alpha1 == 1.0.0-a1 == v1.0.0-ALPHA1',
      '1.0.0-alpha2',
      '1.0.0-beta1 == 1.0.0-b1',
      '1.0.0-RC1 == 1.0.0rc1',
      '1.0.0 == v1.0.0 == 1.0 == 1.0.0.0 == 1.0.0-stable',
      '1.0.0-p1 == 1.0.0-patch1 == 1.0.0-pl1',
      '1.0.1',
      '1.2',
      '10.0.0',
    ],
  ],
  [
    'NuGet',
    [
      '1.0.0-alpha == 1.0.0-ALPHA',
      '1.0.0-alpha.2',
      '1.0.0-alpha.10',
      '1.0.0-beta',
      '1.0.0 == 1.0 == 1.0.0.0 == 1.00.0 == 1.0.0+abc',
      '1.0.0.1',
      '1.0.1',
      '4.7.2.1',
      '10.0.0',
    ],
  ],
  [
    'GitHub Actions',
    [
      'v1 == v1.0 == v1.0.0 == 1.0.0',
      'v1.0.1',
      'v2.0.0-beta',
      'v2 == v2.0.0',
      'v2.1',
      'v10',
    ],
  ],
];

describe.each(ascending)('%s version order', (ecosystem, steps) => {
  const groups = steps.map(s => s.split(' == '));

  it('holds equal spellings equal', () => {
    for (const group of groups) {
      for (const v of group) {
        expect([v, isValidVersion(ecosystem, v)]).toEqual([v, true]);
        expect([group[0], v, cmp(ecosystem, group[0], v)]).toEqual([
          group[0],
          v,
          0,
        ]);
      }
    }
  });

  it('orders every pair of steps', () => {
    for (let i = 0; i < groups.length; i++) {
      for (let j = 0; j < groups.length; j++) {
        for (const a of groups[i]) {
          for (const b of groups[j]) {
            expect([a, b, cmp(ecosystem, a, b)]).toEqual([
              a,
              b,
              Math.sign(i - j),
            ]);
          }
        }
      }
    }
  });
});

const invalid: Array<[VersionEcosystem, string[]]> = [
  ['npm', ['', ' ', '1.0', 'latest', '^1.2.3', '1.2.3.4', '01.2.3']],
  ['crates.io', ['1', '*', '1.0.0-']],
  ['PyPI', ['1.0-foo', 'abc', '1.0+', '1..0', '1.0_', 'dev']],
  ['Go', ['v1.2', 'master', 'v1.2.3.4', 'vv1.0.0']],
  ['Maven', ['', '   ']],
  ['RubyGems', ['1.0.', 'abc', '1..0', '-1', '1.0 beta']],
  ['Packagist', ['dev-master', 'abc', '^1.0', '1.0 || 2.0']],
  ['NuGet', ['v1.0.0', '1.0.0.0.0', 'abc', '1.0.0-']],
  ['GitHub Actions', ['main', 'v1.2.3.4', 'latest', 'releases/v1']],
];

describe.each(invalid)('%s non-versions', (ecosystem, values) => {
  it.each(values)('%j is not a version', value => {
    expect(isValidVersion(ecosystem, value)).toBe(false);
  });
});

describe('compareVersions fallback', () => {
  it('sorts non-versions before versions, and among themselves by code units', () => {
    expect(cmp('npm', 'latest', '0.0.0')).toBe(-1);
    expect(cmp('npm', '0.0.0', 'latest')).toBe(1);
    expect(cmp('npm', 'a', 'b')).toBe(-1);
    expect(cmp('npm', 'b', 'b')).toBe(0);
  });

  it('says when an Actions tag names fewer than three numbers', () => {
    expect(actionsOrder.parse('v4')?.partial).toBe(true);
    expect(actionsOrder.parse('v4.1')?.partial).toBe(true);
    expect(actionsOrder.parse('v4.1.2')?.partial).toBe(false);
  });
});

describe('hostile version strings', () => {
  const long = `1.${'0.'.repeat(5000)}1`;
  const letters = 'a1-'.repeat(4000);

  it.each(VERSION_ECOSYSTEMS)(
    '%s rejects 10 kB strings quickly and compares them totally',
    ecosystem => {
      const start = Date.now();
      for (const v of [long, letters, 'x'.repeat(10_000), '9'.repeat(10_000)]) {
        expect(isValidVersion(ecosystem, v)).toBe(false);
        expect(cmp(ecosystem, v, '1.0.0')).toBe(-1);
      }
      expect(Date.now() - start).toBeLessThan(500);
    },
  );

  it.each(VERSION_ECOSYSTEMS)(
    '%s reads a version at the length cap in bounded time',
    ecosystem => {
      const v = `1${'.1'.repeat((MAX_VERSION_LENGTH - 1) / 2)}`;
      expect(v.length).toBeLessThanOrEqual(MAX_VERSION_LENGTH);
      const start = Date.now();
      for (let i = 0; i < 100; i++) versionOrder(ecosystem).parse(`${v}x`);
      expect(Date.now() - start).toBeLessThan(1000);
    },
  );

  it('compares numbers of any length exactly', () => {
    const big = '123456789012345678901234567890';
    expect(cmp('PyPI', `${big}0`, `${big}1`)).toBe(-1);
    expect(cmp('Maven', `1.${big}`, `1.${big}1`)).toBe(-1);
    expect(cmp('RubyGems', `${big}`, `0${big}`)).toBe(0);
    expect(cmp('NuGet', `1.${big}`, '1.2')).toBe(1);
  });
});

// ---------------------------------------------------------------------------
// Property tests: every comparator is a total preorder

/** A counterexample to "compare is a total preorder" on `arb`, or undefined. */
function orderViolation(
  ecosystem: VersionEcosystem,
  arb: fc.Arbitrary<string>,
  valid = true,
): string | undefined {
  const result = fc.check(
    fc.property(arb, arb, arb, (a, b, c) => {
      if (valid) {
        expect(isValidVersion(ecosystem, a)).toBe(true);
      }
      const ab = cmp(ecosystem, a, b);
      const ba = cmp(ecosystem, b, a);
      expect(ab).toBe(-ba || 0);
      expect(cmp(ecosystem, a, a)).toBe(0);
      const bc = cmp(ecosystem, b, c);
      const ac = cmp(ecosystem, a, c);
      if (ab <= 0 && bc <= 0) expect(ac).toBeLessThanOrEqual(0);
      if (ab === 0 && bc === 0) expect(ac).toBe(0);
      if (ab < 0 && bc <= 0) expect(ac).toBe(-1);
    }),
    { numRuns: 2000 },
  );
  return result.failed
    ? `${JSON.stringify(result.counterexample)}: ${String(
        result.errorInstance,
      )}`
    : undefined;
}

const small = fc.integer({ min: 0, max: 12 });
const word = fc.constantFrom('alpha', 'beta', 'rc', 'a', 'Beta', 'x-y', 'pre');

const npmVersion = fc
  .tuple(
    small,
    small,
    small,
    fc.option(
      fc.array(fc.oneof(small.map(String), word), {
        minLength: 1,
        maxLength: 3,
      }),
    ),
    fc.option(fc.constantFrom('build', 'sha.1')),
  )
  .map(
    ([a, b, c, pre, build]) =>
      `${a}.${b}.${c}${pre ? `-${pre.join('.')}` : ''}${
        build ? `+${build}` : ''
      }`,
  );

const sep = fc.constantFrom('', '.', '-', '_');
const pypiVersion = fc
  .tuple(
    fc.option(fc.integer({ min: 0, max: 2 })),
    fc.array(small, { minLength: 1, maxLength: 4 }),
    fc.option(
      fc.tuple(
        sep,
        fc.constantFrom('a', 'b', 'rc', 'alpha', 'c', 'PRE'),
        small,
      ),
    ),
    fc.option(fc.tuple(fc.constantFrom('.post', '-', 'post', '.r'), small)),
    fc.option(fc.tuple(fc.constantFrom('.dev', 'dev', '-dev'), small)),
    fc.option(
      fc.array(fc.oneof(small.map(String), fc.constantFrom('abc', 'Ubuntu')), {
        minLength: 1,
        maxLength: 3,
      }),
    ),
  )
  .map(([epoch, release, pre, post, dev, local]) => {
    let v = `${epoch === null ? '' : `${epoch}!`}${release.join('.')}`;
    if (pre) v += `${pre[0]}${pre[1]}${pre[2]}`;
    if (post) v += `${post[0]}${post[1]}`;
    if (dev) v += `${dev[0]}${dev[1]}`;
    if (local) v += `+${local.join('.')}`;
    return v;
  });

const generated: Array<[VersionEcosystem, fc.Arbitrary<string>]> = [
  ['npm', npmVersion],
  ['PyPI', pypiVersion],
  ['Go', npmVersion.map(v => `v${v}`)],
  [
    'NuGet',
    fc
      .tuple(npmVersion, fc.option(small))
      .map(([v, r]) =>
        r === null ? v : v.replace(/^(\d+\.\d+\.\d+)/, `$1.${r}`),
      ),
  ],
  [
    'RubyGems',
    fc
      .array(
        fc.oneof(small.map(String), fc.constantFrom('a', 'b', 'pre', 'rc1')),
        { minLength: 1, maxLength: 5 },
      )
      .map(parts => `${parts.length}.${parts.join('.')}`),
  ],
  [
    'Packagist',
    fc
      .tuple(
        fc.array(small, { minLength: 1, maxLength: 4 }),
        fc.option(
          fc.constantFrom('-dev', '-alpha1', '-beta2', '-RC1', '-p1', '-foo'),
        ),
      )
      .map(([r, s]) => `${r.join('.')}${s ?? ''}`),
  ],
  [
    'Maven',
    fc.stringMatching(
      /^[0-9]{1,2}([.-]([0-9]{1,2}|alpha|b|m|rc|cr|snapshot|ga|final|sp|foo)[0-9]?){0,4}$/,
    ),
  ],
];

describe('total order properties', () => {
  it.each(generated)('%s on generated versions', (ecosystem, arb) => {
    expect(orderViolation(ecosystem, arb)).toBeUndefined();
  });

  it.each(VERSION_ECOSYSTEMS)('%s on any string, valid or not', ecosystem => {
    const arb = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.stringMatching(/^v?[0-9]{1,2}([.-][0-9a-z]{1,3}){0,3}$/),
    );
    expect(orderViolation(ecosystem, arb, false)).toBeUndefined();
  });

  it('PyPI normalises spellings of one version to equal versions', () => {
    fc.assert(
      fc.property(
        fc.array(small, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(
          ['a', 'alpha'],
          ['b', 'beta'],
          ['rc', 'c'],
          ['rc', 'pre'],
        ),
        small,
        sep,
        (release, [short, long], n, s) => {
          const a = `${release.join('.')}${short}${n}`;
          const b = `${release.join('.')}.0${s}${long.toUpperCase()}${s}${n}`;
          expect(cmp('PyPI', a, b)).toBe(0);
        },
      ),
    );
  });
});
