import { InMemorySnapshot } from '../../snapshot';
import { readPackageInventory } from './inventory';
import { describeInventory } from './describeInventory';

const list = (files: Record<string, string>) => {
  const inventory = readPackageInventory(new InMemorySnapshot(files));
  return { lines: describeInventory(inventory), inventory };
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe('package-lock.json', () => {
  it('reads lockfile v3 `packages`: nested folders, dev, links and workspaces', () => {
    const lock = json({
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': {
          name: 'app',
          version: '1.0.0',
          workspaces: ['packages/*'],
          dependencies: { express: '^4.19.0' },
          devDependencies: { jest: '^29.0.0' },
        },
        'node_modules/@types/node': { version: '20.11.5', dev: true },
        'node_modules/express': {
          version: '4.19.2',
          resolved: 'https://registry.npmjs.org/express/-/express-4.19.2.tgz',
        },
        'node_modules/express/node_modules/debug': { version: '2.6.9' },
        'node_modules/jest': { version: '29.7.0', dev: true },
        'node_modules/lib': { resolved: 'packages/lib', link: true },
        'node_modules/string-width-cjs': {
          name: 'string-width',
          version: '4.2.3',
        },
        'packages/lib': {
          name: 'lib',
          version: '0.1.0',
          dependencies: { lodash: '^4.17.0' },
        },
        'packages/lib/node_modules/lodash': { version: '4.17.21' },
        'node_modules/from-git': {
          version: 'git+ssh://git@github.com/a/b.git#0123456789abcdef',
        },
      },
    });
    const { lines } = list({ 'package-lock.json': lock });
    expect(lines).toEqual([
      'npm @types/node@20.11.5 transitive dev package-lock.json:20',
      'npm express@4.19.2 direct package-lock.json:24',
      'npm debug@2.6.9 transitive package-lock.json:28',
      'npm jest@29.7.0 direct dev package-lock.json:31',
      'npm string-width@4.2.3 transitive package-lock.json:39',
      'npm lodash@4.17.21 direct package-lock.json:50',
      'npm from-git@~git+ssh://git@github.com/a/b.git#0123456789abcdef transitive package-lock.json:53',
    ]);
  });

  it('reads lockfile v1 nested `dependencies`, with direct ones from package.json', () => {
    const lock = json({
      name: 'app',
      lockfileVersion: 1,
      dependencies: {
        accepts: {
          version: '1.3.8',
          requires: { 'mime-types': '~2.1.34' },
          dependencies: {
            'mime-types': { version: '2.1.35', dev: true },
          },
        },
        'mime-types': { version: '2.1.18' },
      },
    });
    const { lines } = list({
      'web/npm-shrinkwrap.json': lock,
      'web/package.json': json({ dependencies: { accepts: '^1.3.0' } }),
    });
    expect(lines).toEqual([
      'npm accepts@1.3.8 direct web/npm-shrinkwrap.json:5',
      'npm mime-types@2.1.35 transitive dev web/npm-shrinkwrap.json:11',
      'npm mime-types@2.1.18 transitive web/npm-shrinkwrap.json:17',
    ]);
  });

  it('leaves direct unknown for a v1 lockfile without package.json', () => {
    const lock = json({
      lockfileVersion: 1,
      dependencies: {
        a: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } },
      },
    });
    expect(list({ 'package-lock.json': lock }).lines).toEqual([
      'npm a@1.0.0 unknown package-lock.json:4',
      'npm b@2.0.0 transitive package-lock.json:7',
    ]);
  });

  it('stops at a nesting limit instead of recursing without end', () => {
    // 5,000 levels: written as text, JSON.stringify itself would recurse.
    const depth = 5000;
    let text = '{"lockfileVersion":1,"dependencies":';
    for (let i = 0; i < depth; i++) {
      text += `{"p${i}":{"version":"1.0.0","dependencies":`;
    }
    text += '{}';
    for (let i = 0; i < depth; i++) text += '}}';
    text += '}';
    const { inventory } = list({ 'package-lock.json': text });
    expect(inventory.packages.length).toBe(64);
    expect(inventory.problems).toEqual([
      expect.objectContaining({
        file: 'package-lock.json',
        message: expect.stringContaining('nested more than 64 levels'),
      }),
    ]);
  });

  it('reports broken JSON with a location and no packages', () => {
    const { inventory } = list({
      'package-lock.json':
        '{\n  "lockfileVersion": 3,\n  "packages": {\n    oops\n}',
    });
    expect(inventory.packages).toEqual([]);
    expect(inventory.problems).toEqual([
      expect.objectContaining({
        file: 'package-lock.json',
        kind: 'parse-error',
        line: 4,
        message: expect.stringContaining('not valid JSON'),
      }),
    ]);
  });

  it('skips lockfiles in vendored folders', () => {
    const lock = json({
      lockfileVersion: 3,
      packages: { 'node_modules/a': { version: '1.0.0' } },
    });
    const { inventory } = list({
      'node_modules/x/package-lock.json': lock,
      'vendor/y/package-lock.json': lock,
      'package-lock.json': lock,
    });
    expect(inventory.files).toEqual(['package-lock.json']);
  });
});

describe('yarn.lock', () => {
  const classic = `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.22.13":
  version "7.23.5"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.23.5.tgz#abc"
  integrity sha512-xyz
  dependencies:
    "@babel/highlight" "^7.23.4"

js-tokens@^4.0.0:
  version "4.0.0"
  resolved "https://registry.yarnpkg.com/js-tokens/-/js-tokens-4.0.0.tgz#def"

strip-ansi-cjs@npm:strip-ansi@^6.0.1:
  version "6.0.1"
`;

  it('reads classic (v1) entries, aliases and direct ones from package.json', () => {
    const { lines } = list({
      'yarn.lock': classic,
      'package.json': json({
        dependencies: {
          'js-tokens': '^4.0.0',
          'strip-ansi-cjs': 'npm:strip-ansi@^6.0.1',
        },
        devDependencies: { '@babel/code-frame': '^7.22.13' },
      }),
    });
    expect(lines).toEqual([
      'npm @babel/code-frame@7.23.5 direct dev yarn.lock:5',
      'npm js-tokens@4.0.0 direct yarn.lock:12',
      'npm strip-ansi@6.0.1 direct yarn.lock:16',
    ]);
  });

  it('reads berry lockfiles: resolutions, patches, workspaces', () => {
    const berry = `# This file is generated by running "yarn install" inside your project.

__metadata:
  version: 8
  cacheKey: 10c0

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    lodash: "npm:^4.17.21"
    resolve: "patch:resolve@npm%3A^1.22.0#~builtin<compat/resolve>"
  languageName: unknown
  linkType: soft

"lodash@npm:^4.17.20, lodash@npm:^4.17.21":
  version: 4.17.21
  resolution: "lodash@npm:4.17.21"
  checksum: 10c0/abc
  languageName: node
  linkType: hard

"resolve@patch:resolve@npm%3A^1.22.0#~builtin<compat/resolve>":
  version: 1.22.8
  resolution: "resolve@patch:resolve@npm%3A1.22.8#~builtin<compat/resolve>::version=1.22.8&hash=c3c19d"
  languageName: node
  linkType: hard

"is-core-module@npm:^2.13.0":
  version: 2.13.1
  resolution: "is-core-module@npm:2.13.1"
  languageName: node
  linkType: hard

"my-fork@github:me/fork#main":
  version: 1.0.0
  resolution: "my-fork@https://github.com/me/fork.git#commit=abc"
  languageName: node
  linkType: hard
`;
    expect(list({ 'yarn.lock': berry }).lines).toEqual([
      'npm lodash@4.17.21 direct yarn.lock:16',
      'npm resolve@1.22.8 direct yarn.lock:23',
      'npm is-core-module@2.13.1 transitive yarn.lock:29',
      'npm my-fork@~1.0.0 transitive yarn.lock:35',
    ]);
  });

  it('reports a classic line that is not an entry', () => {
    const { inventory } = list({ 'yarn.lock': 'garbage line\n' });
    expect(inventory.problems).toEqual([
      expect.objectContaining({ file: 'yarn.lock', line: 1 }),
    ]);
  });
});

describe('pnpm-lock.yaml', () => {
  it('reads lockfile v5 keys with peer suffixes', () => {
    const v5 = `lockfileVersion: 5.4

specifiers:
  react-dom: ^18.2.0
  typescript: ^5.0.0

dependencies:
  react-dom: 18.2.0_react@18.2.0

devDependencies:
  typescript: 5.3.3

packages:

  /loose-envify/1.4.0:
    resolution: {integrity: sha512-a}
    dev: false

  /react-dom/18.2.0_react@18.2.0:
    resolution: {integrity: sha512-b}
    dev: false

  /@types/node/20.11.5:
    resolution: {integrity: sha512-c}
    dev: true

  /typescript/5.3.3:
    resolution: {integrity: sha512-d}
    dev: true
`;
    expect(list({ 'pnpm-lock.yaml': v5 }).lines).toEqual([
      'npm loose-envify@1.4.0 transitive pnpm-lock.yaml:15',
      'npm react-dom@18.2.0 direct pnpm-lock.yaml:19',
      'npm @types/node@20.11.5 transitive dev pnpm-lock.yaml:23',
      'npm typescript@5.3.3 direct dev pnpm-lock.yaml:27',
    ]);
  });

  it('reads lockfile v6 keys and importers', () => {
    const v6 = `lockfileVersion: '6.0'

importers:

  .:
    dependencies:
      react-dom:
        specifier: ^18.2.0
        version: 18.2.0(react@18.2.0)

  packages/ui:
    devDependencies:
      '@types/react':
        specifier: ^18
        version: 18.2.48

packages:

  /@types/react@18.2.48:
    resolution: {integrity: sha512-a}
    dev: true

  /react-dom@18.2.0(react@18.2.0):
    resolution: {integrity: sha512-b}
    dev: false

  /react-dom@18.2.0(react@18.3.0):
    resolution: {integrity: sha512-b}
    dev: false

  /scheduler@0.23.0:
    resolution: {integrity: sha512-c}
    dev: false
`;
    expect(list({ 'pnpm-lock.yaml': v6 }).lines).toEqual([
      'npm @types/react@18.2.48 direct dev pnpm-lock.yaml:19',
      'npm react-dom@18.2.0 direct pnpm-lock.yaml:23',
      'npm scheduler@0.23.0 transitive pnpm-lock.yaml:31',
    ]);
  });

  it('reads lockfile v9 keys, links and dev importers', () => {
    const v9 = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:

  .:
    dependencies:
      lib:
        specifier: workspace:*
        version: link:packages/lib
      '@scope/pkg':
        specifier: ^1.0.0
        version: 1.2.0
    devDependencies:
      vitest:
        specifier: ^1.0.0
        version: 1.2.1(@types/node@20.11.5)

packages:

  '@scope/pkg@1.2.0':
    resolution: {integrity: sha512-a}

  vitest@1.2.1:
    resolution: {integrity: sha512-b}

  tinypool@0.8.2:
    resolution: {integrity: sha512-c}

snapshots:

  '@scope/pkg@1.2.0': {}
`;
    expect(list({ 'pnpm-lock.yaml': v9 }).lines).toEqual([
      'npm @scope/pkg@1.2.0 direct pnpm-lock.yaml:23',
      'npm vitest@1.2.1 direct dev pnpm-lock.yaml:26',
      'npm tinypool@0.8.2 transitive pnpm-lock.yaml:29',
    ]);
  });

  it('reports YAML errors with a location', () => {
    const { inventory } = list({
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: [\n",
    });
    expect(inventory.packages).toEqual([]);
    expect(inventory.problems[0]).toEqual(
      expect.objectContaining({ file: 'pnpm-lock.yaml', kind: 'parse-error' }),
    );
    expect(inventory.problems[0].line).toBeGreaterThan(1);
  });
});
