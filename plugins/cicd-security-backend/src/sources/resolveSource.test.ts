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

    const GH_CATALOG =
      'url:https://github.com/acme/catalog/blob/main/catalog-info.yaml';
    const GL_CATALOG =
      'url:https://gitlab.example.com/acme/platform/catalog/-/blob/main/all.yaml';

    it('accepts URLs of configured integrations', () => {
      expect(
        resolve('url:https://github.com/acme/svc/tree/main/', GH_CATALOG),
      ).toEqual({
        type: 'url',
        url: 'https://github.com/acme/svc/tree/main/',
        location: 'url:https://github.com/acme/svc/tree/main/',
      });
      expect(
        resolve(
          'url:https://gitlab.example.com/acme/svc/-/tree/main',
          GL_CATALOG,
        ),
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
      // A relative URL needs a url: catalog location as its base.
      const base = location === 'url:../svc' ? undefined : GH_CATALOG;
      const result = resolve(location, base);
      expect(result.type).toBe('refused');
      expect(result.type === 'refused' && result.reason).toContain(reason);
    });

    // Without cicdSecurity.sources.allow, a url: source must lie on the host
    // and under the organisation (first path segment) of the location that
    // registered the entity: registering an entity must not let anyone read
    // another organisation's repositories with the backend's credentials.
    const resolveFrom = (
      location: string,
      annotations: Record<string, string>,
      allow?: Array<{ host: string; paths?: string[] }>,
    ) =>
      resolveSource(
        entity({ 'backstage.io/source-location': location, ...annotations }),
        { localRoots: [root], integrations, ...(allow ? { allow } : {}) },
      );

    it.each([
      ['the same organisation', 'url:https://github.com/acme/other-repo/'],
      ['the same organisation, other case', 'url:https://github.com/ACME/x'],
      ['a relative URL', 'url:../../../svc/tree/main/'],
    ])('accepts %s as the registering location', (_name, location) => {
      expect(
        resolveFrom(location, {
          'backstage.io/managed-by-location': GH_CATALOG,
          'backstage.io/managed-by-origin-location': GH_CATALOG,
        }),
      ).toMatchObject({ type: 'url' });
    });

    it.each([
      [
        'another organisation',
        'url:https://github.com/victim-org/private-repo/tree/main/',
        { 'backstage.io/managed-by-location': GH_CATALOG },
        'is outside github.com/acme',
      ],
      [
        'an organisation that only starts like it',
        'url:https://github.com/acme-evil/x/',
        { 'backstage.io/managed-by-location': GH_CATALOG },
        'is outside github.com/acme',
      ],
      [
        'another host with an integration',
        'url:https://gitlab.example.com/acme/svc/-/tree/main',
        { 'backstage.io/managed-by-location': GH_CATALOG },
        'is outside github.com/acme',
      ],
      [
        'an origin location elsewhere',
        'url:https://github.com/victim-org/repo/',
        {
          'backstage.io/managed-by-location':
            'url:https://github.com/victim-org/repo/blob/main/catalog-info.yaml',
          'backstage.io/managed-by-origin-location':
            'url:https://github.com/attacker/x/blob/main/location.yaml',
        },
        'is outside github.com/attacker',
      ],
      [
        'an entity without a registering location',
        'url:https://github.com/acme/svc/',
        {},
        'has no backstage.io/managed-by-location annotation',
      ],
      [
        'an entity registered from a non-url location',
        'url:https://github.com/acme/svc/',
        { 'backstage.io/managed-by-location': 'bootstrap:bootstrap' },
        "registered from 'bootstrap:bootstrap'",
      ],
    ])('refuses %s', (_name, location, annotations, reason) => {
      const result = resolveFrom(location, annotations);
      expect(result).toMatchObject({
        type: 'refused',
        reason: expect.stringContaining(reason),
      });
    });

    it('trusts catalog files the operator configured (file: locations)', () => {
      expect(
        resolveFrom('url:https://github.com/acme/svc/', {
          'backstage.io/managed-by-location': `file:${root}/catalog/all.yaml`,
          'backstage.io/managed-by-origin-location': `file:${root}/catalog/all.yaml`,
        }),
      ).toMatchObject({ type: 'url' });
    });

    it('follows cicdSecurity.sources.allow instead when it is set', () => {
      const allow = [
        { host: 'github.com', paths: ['acme/', 'Partner'] },
        { host: 'gitlab.example.com', paths: ['acme/platform/'] },
      ];
      const from = { 'backstage.io/managed-by-location': GH_CATALOG };
      const ok = (location: string) =>
        expect(resolveFrom(location, from, allow)).toMatchObject({
          type: 'url',
        });
      const refused = (location: string) =>
        expect(resolveFrom(location, from, allow)).toMatchObject({
          type: 'refused',
          reason: expect.stringContaining(
            'is not allowed by cicdSecurity.sources.allow',
          ),
        });
      ok('url:https://github.com/acme/svc/');
      ok('url:https://github.com/partner/lib/tree/main/');
      ok('url:https://gitlab.example.com/acme/platform/svc/-/tree/main');
      refused('url:https://github.com/partner-evil/lib/');
      refused('url:https://github.com/victim-org/repo/');
      refused('url:https://gitlab.example.com/acme/other/-/tree/main');
      // Without paths, the whole host.
      expect(
        resolveFrom('url:https://github.com/anyone/x/', {}, [
          { host: 'github.com' },
        ]),
      ).toMatchObject({ type: 'url' });
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
