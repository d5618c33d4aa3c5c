import { InMemorySnapshot } from '../../snapshot';
import { readPackageInventory } from './inventory';
import { describeInventory } from './describeInventory';
import { isExactActionRef } from './actions';

const WORKFLOW = `name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
      - uses: actions/setup-node@v4
      - uses: ./.github/actions/local
      - uses: docker://alpine:3.19
      - uses: github/codeql-action/init@v3.24.0
      - uses: Some-Org/Some-Action@main
      - run: echo hi
  call:
    uses: octo-org/shared/.github/workflows/deploy.yml@v1.2.3-rc.1
`;

const COMPOSITE = `name: local
runs:
  using: composite
  steps:
    - uses: actions/cache@v4.0
    - run: echo ok
      shell: bash
`;

describe('GitHub Actions references in the inventory', () => {
  const files = {
    '.github/workflows/ci.yml': WORKFLOW,
    '.github/actions/local/action.yml': COMPOSITE,
    'node_modules/some-pkg/action.yml': COMPOSITE,
    'package-lock.json': JSON.stringify(
      {
        name: 'app',
        lockfileVersion: 3,
        packages: {
          '': { name: 'app', dependencies: { left: '1.0.0' } },
          'node_modules/left': { version: '1.0.0' },
        },
      },
      null,
      2,
    ),
  };

  it('are not listed by default', () => {
    const inventory = readPackageInventory(new InMemorySnapshot(files));
    expect(describeInventory(inventory)).toEqual([
      'npm left@1.0.0 direct package-lock.json:11',
    ]);
    expect(inventory.files).toEqual(['package-lock.json']);
  });

  it('are listed after the lockfile packages with the option', () => {
    const snapshot = new InMemorySnapshot(files);
    const inventory = readPackageInventory(snapshot, { githubActions: true });
    expect(describeInventory(inventory)).toEqual([
      'npm left@1.0.0 direct package-lock.json:11',
      'GitHub Actions actions/cache@~v4.0 direct .github/actions/local/action.yml:5',
      'GitHub Actions actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 direct .github/workflows/ci.yml:7',
      'GitHub Actions actions/setup-node@~v4 direct .github/workflows/ci.yml:8',
      'GitHub Actions github/codeql-action@v3.24.0 direct .github/workflows/ci.yml:11',
      'GitHub Actions Some-Org/Some-Action@~main direct .github/workflows/ci.yml:12',
      'GitHub Actions octo-org/shared@v1.2.3-rc.1 direct .github/workflows/ci.yml:15',
    ]);
    expect(inventory.files).toEqual([
      '.github/actions/local/action.yml',
      '.github/workflows/ci.yml',
      'package-lock.json',
    ]);
    expect(inventory.problems).toEqual([]);
    // Built once per snapshot, and the default inventory is unchanged.
    expect(readPackageInventory(snapshot, { githubActions: true })).toBe(
      inventory,
    );
    expect(readPackageInventory(snapshot).packages).toHaveLength(1);
  });

  it('keeps the parse problems of a workflow in the inventory, not the snapshot', () => {
    const snapshot = new InMemorySnapshot({
      '.github/workflows/broken.yml': 'jobs: [\n',
      '.github/workflows/ok.yml':
        'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: a/b@v1\n',
    });
    const inventory = readPackageInventory(snapshot, { githubActions: true });
    expect(describeInventory(inventory)).toEqual([
      'GitHub Actions a/b@~v1 direct .github/workflows/ok.yml:6',
    ]);
    expect(inventory.problems.map(p => p.file)).toContain(
      '.github/workflows/broken.yml',
    );
    expect(snapshot.problems).toEqual([]);
  });

  it('lists a uses: without a ref with an empty, inexact version', () => {
    const inventory = readPackageInventory(
      new InMemorySnapshot({
        '.github/workflows/a.yml':
          'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: owner/repo\n      - uses: "owner"\n',
      }),
      { githubActions: true },
    );
    expect(describeInventory(inventory)).toEqual([
      'GitHub Actions owner/repo@~ direct .github/workflows/a.yml:6',
    ]);
  });

  it.each([
    ['b4ffde65f46336ab88eb53be808477a3936bae11', true],
    ['B4FFDE65F46336AB88EB53BE808477A3936BAE11', true],
    ['v1.2.3', true],
    ['1.2.3', true],
    ['v1.2.3-beta.1', true],
    ['v1.2.3+build.5', true],
    ['v1', false],
    ['v1.2', false],
    ['main', false],
    ['b4ffde6', false],
    ['v1.2.3.4', false],
    ['', false],
  ])('isExactActionRef(%j) is %s', (ref, exact) => {
    expect(isExactActionRef(ref)).toBe(exact);
  });
});
