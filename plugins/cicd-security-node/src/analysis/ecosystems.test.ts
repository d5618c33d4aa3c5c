import { InMemorySnapshot } from '../snapshot';
import { detectEcosystems } from './ecosystems';

describe('detectEcosystems', () => {
  it('lists each ecosystem once, in catalogue order, with its first file', () => {
    const found = detectEcosystems(
      new InMemorySnapshot({
        Dockerfile: 'FROM alpine:3\n',
        'web/package.json': '{}',
        'package.json': '{}',
        'go.mod': 'module x\n',
        '.github/workflows/ci.yml': 'on: push\n',
      }),
    );
    expect([...found.keys()]).toEqual([
      'npm',
      'gomod',
      'docker',
      'github-actions',
    ]);
    expect(found.get('docker')).toBe('Dockerfile');
  });

  it('ignores vendored folders', () => {
    expect(
      detectEcosystems(
        new InMemorySnapshot({
          'node_modules/x/package.json': '{}',
          'vendor/y/go.mod': 'module y\n',
        }),
      ).size,
    ).toBe(0);
  });
});
