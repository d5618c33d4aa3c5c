import {
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  builtinChecks,
  CheckRegistry,
  createScorecardCheck,
} from '@cicd-security/plugin-cicd-security-node';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
// The planted secrets of the engine's no-secret-anywhere suite: test
// material, deliberately not part of the package's API.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  leakedSecrets,
  plantedRepository,
  plantedSecrets,
} from '@cicd-security/plugin-cicd-security-node/testing';
import express from 'express';
import fs from 'fs';
import { Knex } from 'knex';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { createDatabaseStores } from './database/createStores';
import { EntityScanner } from './scanner/EntityScanner';
import { createRouter } from './service/router';
import { fakeCatalog } from './testing/fakeCatalog';

jest.setTimeout(60_000);

/** A logger that keeps every line, with its metadata and child fields. */
function capturingLogger(lines: string[], fields: object = {}): LoggerService {
  const log =
    (level: string) =>
    (message: string, meta?: Error | Record<string, unknown>) => {
      lines.push(
        JSON.stringify({
          level,
          message,
          fields,
          meta:
            meta instanceof Error
              ? { message: meta.message, stack: meta.stack }
              : meta,
        }),
      );
    };
  return {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: more => capturingLogger(lines, { ...fields, ...more }),
  };
}

const secretOf = (id: string) => plantedSecrets().find(s => s.id === id)!.value;

/** A check that fails with an error quoting a line of the repository. */
const throwing = createScorecardCheck({
  id: 'throws-on-line',
  title: 'Throws',
  description: 'A check that throws, quoting the line it choked on.',
  category: 'compliance',
  severity: 'low',
  platforms: ['repository'],
  frameworks: [],
  run: () => {
    throw new Error(
      `unexpected token in: curl -u admin:${secretOf(
        'curl-basic-auth',
      )} -H "Authorization: Bearer ${secretOf(
        'authorization-header',
      )}" https://deploy:${secretOf('url-userinfo')}@x.example.com`,
    );
  },
});

function component(name: string, source: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: { 'backstage.io/source-location': source },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

describe('no secret anywhere: the backend', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let root: string;
  let knex: Knex;
  let app: express.Express;
  const logs: string[] = [];
  const summaries: string[] = [];
  const userinfo = secretOf('url-userinfo');
  const entities = [
    component('leaky', ''),
    // A source location with a credential in it, on an SCM that fails.
    component(
      'leaky-source',
      `url:https://deploy:${userinfo}@github.com/acme/repo/tree/main/`,
    ),
    // A token in the query of a source on an SCM that fails.
    component(
      'leaky-query',
      `url:https://github.com/acme/repo/tree/main/?access_token=${secretOf(
        'github-token',
      )}`,
    ),
  ];

  beforeAll(async () => {
    root = fs.realpathSync(
      fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-no-secret-')),
    );
    for (const [f, text] of Object.entries(plantedRepository())) {
      fs.mkdirSync(path.dirname(path.join(root, 'repo', f)), {
        recursive: true,
      });
      fs.writeFileSync(path.join(root, 'repo', f), text);
    }
    entities[0].metadata.annotations![
      'backstage.io/source-location'
    ] = `dir:${root}/repo`;

    knex = await databases.init('SQLITE_3');
    const { scorecards: store, waivers } = await createDatabaseStores({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const logger = capturingLogger(logs);
    const registry = new CheckRegistry([...builtinChecks, throwing]);
    const scanner = new EntityScanner({
      store,
      registry,
      logger,
      localRoots: [root],
      urlReader: {
        readTree: async (url: string) => {
          throw new Error(`Request failed for ${url}, 503 Service Unavailable`);
        },
      },
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: { github: [{ host: 'github.com' }] },
        }),
      ),
      allow: [{ host: 'github.com', paths: ['acme/'] }],
      retries: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
    });
    for (const e of entities) {
      summaries.push(JSON.stringify(await scanner.scan(e)));
    }
    const router = await createRouter({
      store,
      waivers,
      scanner,
      catalog: fakeCatalog({ entities }),
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
      logger,
      registry,
      visibilityTtlMs: 0,
    });
    app = express().use(router).use(mockErrorHandler());
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('scanned the planted repository and found its secrets', async () => {
    const res = await request(app).get(
      `/scorecards/${encodeURIComponent('component:default/leaky')}`,
    );
    expect(res.status).toBe(200);
    const secrets = res.body.checks.find(
      (c: { checkId: string }) => c.checkId === 'hardcoded-secrets',
    );
    expect(secrets.status).toBe('fail');
    expect(secrets.findings.length).toBeGreaterThan(50);
  });

  it('stores no planted secret in any row of any table', async () => {
    const tables: Array<{ name: string }> = await knex('sqlite_master')
      .where({ type: 'table' })
      .select('name');
    expect(tables.map(t => t.name)).toContain('cicd_security_findings');
    for (const { name } of tables) {
      const rows = await knex(name).select();
      expect([name, leakedSecrets(JSON.stringify(rows))]).toEqual([name, []]);
    }
  });

  it('answers no API request with a planted secret', async () => {
    const refs = entities.map(e =>
      encodeURIComponent(`component:default/${e.metadata.name}`),
    );
    const urls = [
      '/scorecards',
      '/scorecards?limit=200',
      '/scorecards/export?format=csv',
      '/scorecards/export?format=json',
      '/overview',
      '/teams',
      '/checks',
      ...builtinChecks.map(c => `/checks/${c.id}`),
      ...refs.flatMap(ref => [
        `/scorecards/${ref}`,
        `/scorecards/${ref}/history`,
        `/scorecards/${ref}/sarif`,
      ]),
    ];
    for (const url of urls) {
      const res = await request(app).get(url);
      expect([url, res.status < 500]).toEqual([url, true]);
      expect([url, leakedSecrets(res.text)]).toEqual([url, []]);
    }
    // A refresh scans again, through the same path.
    for (const ref of refs) {
      const refresh = await request(app).post(`/scorecards/${ref}/refresh`);
      expect(refresh.status).toBeLessThan(300);
      expect(leakedSecrets(refresh.text)).toEqual([]);
    }
  });

  it('returns no planted secret from a scan', () => {
    expect(summaries.join('\n')).toContain('must not embed credentials');
    expect(leakedSecrets(summaries.join('\n'))).toEqual([]);
  });

  it('logs no planted secret', () => {
    // The failing check and the failing SCM were logged.
    expect(logs.join('\n')).toContain('throws-on-line');
    expect(logs.join('\n')).toContain('503');
    expect(leakedSecrets(logs.join('\n'))).toEqual([]);
  });
});
