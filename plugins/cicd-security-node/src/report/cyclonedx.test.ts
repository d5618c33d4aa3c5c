import { InventoryPackage } from '../parsers/lockfiles';
import { InMemorySnapshot } from '../snapshot';
import { readPackageInventory } from '../parsers/lockfiles';
import { ENGINE_VERSION } from '../version';
import { packageUrl, purlEncode, toCycloneDx } from './cyclonedx';

const pkg = (
  ecosystem: InventoryPackage['ecosystem'],
  name: string,
  version: string,
  more: Partial<InventoryPackage> = {},
): InventoryPackage => ({
  ecosystem,
  name,
  version,
  exact: true,
  direct: true,
  file: 'lockfile',
  line: 1,
  ...more,
});

describe('packageUrl', () => {
  // Examples of the purl spec's type definitions (types/*-definition.json).
  it.each([
    [pkg('npm', 'foobar', '12.3.1'), 'pkg:npm/foobar@12.3.1'],
    [
      pkg('npm', '@angular/animation', '12.3.1'),
      'pkg:npm/%40angular/animation@12.3.1',
    ],
    [pkg('npm', 'JSONStream', '1.3.5'), 'pkg:npm/jsonstream@1.3.5'],
    [pkg('PyPI', 'django', '1.11.1'), 'pkg:pypi/django@1.11.1'],
    [pkg('PyPI', 'Django_AllAuth', '12.23'), 'pkg:pypi/django-allauth@12.23'],
    [pkg('PyPI', 'zope.interface', '6.0'), 'pkg:pypi/zope-interface@6.0'],
    [
      pkg('Go', 'github.com/gorilla/context', 'v1.1.2'),
      'pkg:golang/github.com/gorilla/context@v1.1.2',
    ],
    [
      pkg('Go', 'github.com/Azure/go-autorest', 'v14.2.0+incompatible'),
      'pkg:golang/github.com/Azure/go-autorest@v14.2.0%2Bincompatible',
    ],
    [pkg('crates.io', 'rand', '0.7.2'), 'pkg:cargo/rand@0.7.2'],
    [
      pkg('RubyGems', 'ruby-advisory-db-check', '0.12.4'),
      'pkg:gem/ruby-advisory-db-check@0.12.4',
    ],
    [
      pkg('Packagist', 'Laravel/Laravel', '5.5.0'),
      'pkg:composer/laravel/laravel@5.5.0',
    ],
    [
      pkg('Maven', 'org.apache.xmlgraphics:batik-anim', '1.9.1'),
      'pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1',
    ],
    [
      pkg('NuGet', 'EnterpriseLibrary.Common', '6.0.1304'),
      'pkg:nuget/EnterpriseLibrary.Common@6.0.1304',
    ],
    [
      pkg(
        'GitHub Actions',
        'actions/checkout',
        '8f4b7f84864484a7bf31766abe9204da3cbe65b3',
      ),
      'pkg:githubactions/actions/checkout@8f4b7f84864484a7bf31766abe9204da3cbe65b3',
    ],
    [
      pkg('GitHub Actions', 'Actions/Checkout', 'v5', { exact: false }),
      'pkg:githubactions/actions/checkout@v5',
    ],
    [
      pkg('GitHub Actions', 'myorg/myaction', '', { exact: false }),
      'pkg:githubactions/myorg/myaction',
    ],
    [pkg('PyPI', 'requests', '>=2.31', { exact: false }), 'pkg:pypi/requests'],
    [
      pkg('Maven', 'org.example:lib', '${lib.version}', { exact: false }),
      'pkg:maven/org.example/lib',
    ],
  ])('%j', (p, purl) => {
    expect(packageUrl(p)).toBe(purl);
  });

  it.each([
    // Characters that must be percent-encoded in each component.
    [pkg('npm', '@sc ope/na%me', '1.0.0'), 'pkg:npm/%40sc%20ope/na%25me@1.0.0'],
    [pkg('npm', 'a/b?c#d', '1.0.0'), 'pkg:npm/a%2Fb%3Fc%23d@1.0.0'],
    [pkg('NuGet', 'a/b', '1.0.0+meta'), 'pkg:nuget/a%2Fb@1.0.0%2Bmeta'],
    [pkg('Maven', 'g/x:a@b', '1'), 'pkg:maven/g%2Fx/a%40b@1'],
    [pkg('RubyGems', 'café', '1'), 'pkg:gem/caf%C3%A9@1'],
    [pkg('crates.io', 'x\ud800', '1'), 'pkg:cargo/x%EF%BF%BD@1'],
    [pkg('crates.io', 'x&y=z', '1 2'), 'pkg:cargo/x%26y%3Dz@1%202'],
    [pkg('Go', '//example.com//m/', 'v1'), 'pkg:golang/example.com/m@v1'],
  ])('encodes %j', (p, purl) => {
    expect(packageUrl(p)).toBe(purl);
  });

  it('has no purl for a package without a name', () => {
    expect(packageUrl(pkg('npm', '', '1.0.0'))).toBeUndefined();
    expect(packageUrl(pkg('Packagist', 'vendor/', '1'))).toBeUndefined();
  });

  it('keeps letters, digits, `.-_~` and the colon', () => {
    expect(purlEncode('Az09.-_~:')).toBe('Az09.-_~:');
    expect(purlEncode("!'()*")).toBe('%21%27%28%29%2A');
  });
});

describe('toCycloneDx', () => {
  const packages = [
    pkg('npm', 'left', '1.0.0', { file: 'web/package-lock.json', line: 9 }),
    pkg('npm', 'left', '1.0.0', { file: 'package-lock.json', line: 20 }),
    pkg('npm', 'left', '1.0.0', { file: 'package-lock.json', line: 20 }),
    pkg('npm', 'jest', '30.2.0', { dev: true, file: 'package-lock.json' }),
    pkg('PyPI', 'Requests', '>=2.31', {
      exact: false,
      file: 'requirements.txt',
      line: 3,
    }),
    pkg('PyPI', 'requests', '<3', {
      exact: false,
      file: 'requirements-dev.txt',
      line: 1,
      dev: true,
    }),
    pkg('GitHub Actions', 'actions/checkout', 'v4', {
      exact: false,
      file: '.github/workflows/ci.yml',
      line: 7,
    }),
  ];

  it('writes a sorted BOM with one component per purl and every location', () => {
    const bom = toCycloneDx(packages, { name: 'payments', version: '2.1.0' });
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.5');
    expect(bom.serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(bom.metadata).toEqual({
      tools: {
        components: [
          {
            type: 'application',
            name: 'cicd-security',
            version: ENGINE_VERSION,
          },
        ],
      },
      component: { type: 'application', name: 'payments', version: '2.1.0' },
    });
    expect(bom.components).toEqual([
      {
        type: 'library',
        'bom-ref': 'pkg:githubactions/actions/checkout@v4',
        group: 'actions',
        name: 'checkout',
        version: 'v4',
        scope: 'required',
        purl: 'pkg:githubactions/actions/checkout@v4',
        properties: [
          { name: 'cicd-security:file', value: '.github/workflows/ci.yml' },
          { name: 'cicd-security:line', value: '7' },
          { name: 'cicd-security:version-exact', value: 'false' },
          { name: 'cicd-security:declared-version', value: 'v4' },
        ],
      },
      {
        type: 'library',
        'bom-ref': 'pkg:npm/jest@30.2.0',
        name: 'jest',
        version: '30.2.0',
        scope: 'optional',
        purl: 'pkg:npm/jest@30.2.0',
        properties: [
          { name: 'cicd-security:file', value: 'package-lock.json' },
          { name: 'cicd-security:line', value: '1' },
        ],
      },
      {
        type: 'library',
        'bom-ref': 'pkg:npm/left@1.0.0',
        name: 'left',
        version: '1.0.0',
        scope: 'required',
        purl: 'pkg:npm/left@1.0.0',
        properties: [
          { name: 'cicd-security:file', value: 'package-lock.json' },
          { name: 'cicd-security:line', value: '20' },
          { name: 'cicd-security:file', value: 'web/package-lock.json' },
          { name: 'cicd-security:line', value: '9' },
        ],
      },
      {
        type: 'library',
        'bom-ref': 'pkg:pypi/requests',
        name: 'requests',
        scope: 'required',
        purl: 'pkg:pypi/requests',
        properties: [
          { name: 'cicd-security:file', value: 'requirements-dev.txt' },
          { name: 'cicd-security:line', value: '1' },
          { name: 'cicd-security:file', value: 'requirements.txt' },
          { name: 'cicd-security:line', value: '3' },
          { name: 'cicd-security:version-exact', value: 'false' },
          { name: 'cicd-security:declared-version', value: '<3' },
          { name: 'cicd-security:declared-version', value: '>=2.31' },
        ],
      },
    ]);
  });

  it('gives byte-identical output for the same inventory in any order', () => {
    const a = JSON.stringify(toCycloneDx(packages, { name: 'payments' }));
    const b = JSON.stringify(
      toCycloneDx([...packages].reverse(), { name: 'payments' }),
    );
    expect(b).toBe(a);
    expect(JSON.parse(a).metadata.timestamp).toBeUndefined();
  });

  it('derives the serial number from the content, timestamp and revision included', () => {
    const serial = (
      options: Parameters<typeof toCycloneDx>[1],
      list = packages,
    ) => toCycloneDx(list, options).serialNumber;
    const base = serial({ name: 'payments' });
    expect(serial({ name: 'payments' }, packages.slice(1))).not.toBe(base);
    expect(serial({ name: 'billing' })).not.toBe(base);
    expect(serial({ name: 'payments', revision: 'abc' })).not.toBe(base);
    const at = new Date('2026-01-02T03:04:05Z');
    expect(serial({ name: 'payments', timestamp: at })).not.toBe(base);
    expect(serial({ name: 'payments', timestamp: at })).toBe(
      serial({ name: 'payments', timestamp: '2026-01-02T03:04:05.000Z' }),
    );
  });

  it('writes the timestamp and revision when given', () => {
    const bom = toCycloneDx([], {
      name: 'payments',
      revision: '0123abcd',
      timestamp: new Date('2026-01-02T03:04:05Z'),
    });
    expect(bom.metadata.timestamp).toBe('2026-01-02T03:04:05.000Z');
    expect(bom.metadata.component).toEqual({
      type: 'application',
      name: 'payments',
      properties: [{ name: 'cicd-security:revision', value: '0123abcd' }],
    });
    expect(bom.components).toEqual([]);
  });

  it('keeps bom-refs unique with hostile names, and the JSON parses back', () => {
    const hostile = [
      pkg('npm', 'a"b\\c\u0000', '1'),
      pkg('npm', 'A"B\\C\u0000', '1'),
      pkg('npm', '@x/y z', '1'),
      pkg('npm', '@x/y%20z', '1'),
      pkg('Maven', ':', '1'),
      pkg('npm', '', '1'),
    ];
    const bom = toCycloneDx(hostile, { name: 'x' });
    const refs = bom.components.map(c => c['bom-ref']);
    expect(refs).toEqual([
      'pkg:npm/%40x/y%20z@1',
      'pkg:npm/%40x/y%2520z@1',
      'pkg:npm/a%22b%5Cc%00@1',
    ]);
    expect(JSON.parse(JSON.stringify(bom))).toEqual(bom);
  });

  it('describes the inventory of a repository, actions included', () => {
    const inventory = readPackageInventory(
      new InMemorySnapshot({
        'requirements.txt': 'Flask==3.0.3\n',
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4.1.1\n',
      }),
      { githubActions: true },
    );
    expect(
      toCycloneDx(inventory, { name: 'app' }).components.map(c => c.purl),
    ).toEqual([
      'pkg:githubactions/actions/checkout@v4.1.1',
      'pkg:pypi/flask@3.0.3',
    ]);
  });
});
