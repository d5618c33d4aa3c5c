import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { resolveSource } from './resolveSource';

function entity(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'svc', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

describe('resolveSource', () => {
  let tmp: string;
  let root: string;
  let outside: string;

  beforeAll(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-src-')));
    root = path.join(tmp, 'repos');
    outside = path.join(tmp, 'secret');
    fs.mkdirSync(path.join(root, 'catalog'), { recursive: true });
    fs.mkdirSync(path.join(root, 'svc'), { recursive: true });
    fs.mkdirSync(outside, { recursive: true });
    fs.writeFileSync(path.join(root, 'file.txt'), 'x');
    fs.symlinkSync(outside, path.join(root, 'escape'));
    fs.symlinkSync(path.join(root, 'svc'), path.join(root, 'alias'));
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const opts = () => ({ localRoots: [root] });

  it('resolves an absolute dir: source inside a root', () => {
    expect(
      resolveSource(
        entity({ 'backstage.io/source-location': `dir:${root}/svc` }),
        opts(),
      ),
    ).toEqual({
      type: 'local',
      path: path.join(root, 'svc'),
      location: `dir:${root}/svc`,
    });
  });

  it('resolves relative paths against the folder of the catalog file', () => {
    const result = resolveSource(
      entity({
        'backstage.io/source-location': 'dir:../svc/',
        'backstage.io/managed-by-location': `file:${root}/catalog/catalog-info.yaml`,
      }),
      opts(),
    );
    expect(result).toMatchObject({
      type: 'local',
      path: path.join(root, 'svc'),
    });
  });

  it('resolves relative paths against the working directory otherwise', () => {
    const cwd = jest.spyOn(process, 'cwd').mockReturnValue(root);
    try {
      expect(
        resolveSource(entity({ 'backstage.io/source-location': 'dir:svc' }), {
          localRoots: ['.'],
        }),
      ).toMatchObject({ type: 'local', path: path.join(root, 'svc') });
    } finally {
      cwd.mockRestore();
    }
  });

  it('prefers the cicd-security source annotation', () => {
    expect(
      resolveSource(
        entity({
          'backstage.io/source-location': 'url:https://github.com/acme/svc/',
          'cicd-security.io/source-location': `dir:${root}/svc`,
        }),
        opts(),
      ),
    ).toMatchObject({ type: 'local', path: path.join(root, 'svc') });
  });

  it('follows symbolic links that stay inside the root', () => {
    expect(
      resolveSource(
        entity({ 'backstage.io/source-location': `dir:${root}/alias` }),
        opts(),
      ),
    ).toMatchObject({ type: 'local', path: path.join(root, 'svc') });
  });

  it('reports entities without a source', () => {
    expect(resolveSource(entity(), opts())).toEqual({
      type: 'none',
      reason: 'The entity has no backstage.io/source-location annotation',
    });
    expect(
      resolveSource(
        entity({ 'backstage.io/source-location': `dir:${root}/missing` }),
        opts(),
      ),
    ).toEqual({
      type: 'none',
      reason: `Source directory '${root}/missing' does not exist`,
    });
  });

  it.each([
    [
      'path traversal',
      'dir:../../../etc',
      'is outside the allowed local roots',
    ],
    [
      'an absolute path outside',
      'dir:/etc',
      'is outside the allowed local roots',
    ],
    [
      'a prefix look-alike',
      'dir:../../repos-evil',
      'is outside the allowed local roots',
    ],
    [
      'a symbolic link escape',
      'dir:../escape',
      'resolves outside the allowed local roots',
    ],
    ['a file', 'dir:../file.txt', 'is not a directory'],
    [
      'url: sources when no integration is configured',
      'url:https://github.com/acme/svc/tree/main/',
      'No SCM integration is configured for github.com',
    ],
    ['unknown types', 'github:acme/svc', 'Unsupported source location'],
    ['an empty target', 'dir:', 'Unsupported source location'],
  ])('refuses %s', (_name, location, reason) => {
    const result = resolveSource(
      entity({
        'backstage.io/source-location': location,
        'backstage.io/managed-by-location': `file:${root}/catalog/catalog-info.yaml`,
      }),
      opts(),
    );
    expect(result.type).toBe('refused');
    expect(result.type === 'refused' && result.reason).toContain(reason);
  });

  describe('url: sources', () => {
    const integrations = ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: {
          github: [{ host: 'github.com' }],
          gitlab: [
            {
              host: 'gitlab.example.com',
              apiBaseUrl: 'https://gitlab.example.com/api/v4',
            },
          ],
        },
      }),
    );
    const resolve = (location: string, managedBy?: string) =>
      resolveSource(
        entity({
          'backstage.io/source-location': location,
          ...(managedBy
            ? { 'backstage.io/managed-by-location': managedBy }
            : {}),
        }),
        { localRoots: [root], integrations },
      );

    it('accepts URLs of configured integrations', () => {
      expect(resolve('url:https://github.com/acme/svc/tree/main/')).toEqual({
        type: 'url',
        url: 'https://github.com/acme/svc/tree/main/',
        location: 'url:https://github.com/acme/svc/tree/main/',
      });
      expect(
        resolve('url:https://gitlab.example.com/acme/svc/-/tree/main'),
      ).toMatchObject({ type: 'url' });
    });

    it('resolves relative URLs against a url: catalog location', () => {
      expect(
        resolve(
          'url:./',
          'url:https://github.com/acme/svc/blob/main/catalog-info.yaml',
        ),
      ).toMatchObject({
        type: 'url',
        url: 'https://github.com/acme/svc/blob/main/',
      });
    });

    it.each([
      [
        'an unknown host',
        'url:https://evil.example.net/acme/svc',
        'No SCM integration is configured for evil.example.net',
      ],
      [
        'a look-alike host',
        'url:https://github.com.evil.net/acme/svc',
        'No SCM integration is configured',
      ],
      ['another scheme', 'url:file:///etc/passwd', 'must be an http(s) URL'],
      [
        'embedded credentials',
        'url:https://user:pw@github.com/acme/svc',
        'must not embed credentials',
      ],
      ['a relative URL without base', 'url:../svc', 'is not a valid URL'],
    ])('refuses %s', (_name, location, reason) => {
      const result = resolve(location);
      expect(result.type).toBe('refused');
      expect(result.type === 'refused' && result.reason).toContain(reason);
    });
  });

  it('refuses every local source when no root is configured', () => {
    expect(
      resolveSource(
        entity({ 'backstage.io/source-location': `dir:${root}/svc` }),
        { localRoots: [] },
      ),
    ).toMatchObject({
      type: 'refused',
      reason: expect.stringContaining('localRoots'),
    });
  });
});
