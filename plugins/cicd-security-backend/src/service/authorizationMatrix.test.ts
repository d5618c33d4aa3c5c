import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  AuthorizeResult,
  createPermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { builtinChecks } from '@cicd-security/plugin-cicd-security-node';
import { securityFileChecksModule } from '../testing/securityFileCheck';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import YAML from 'yaml';
import { cicdSecurityPlugin } from '../plugin';
import { fakeCatalog } from '../testing/fakeCatalog';

/*
 * The authorization matrix: every route of the API × every kind of caller,
 * through the whole plugin (startTestBackend: real router, store, scanner,
 * scheduler wiring and Backstage's HTTP auth), with a real permission policy
 * (a PermissionPolicy class deciding per user and permission, with
 * conditional decisions for catalog reads and refreshes evaluated against the
 * entity, as the catalog does) and a catalog that applies that policy to
 * reads. On SQLite always, on PostgreSQL when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set.
 */

jest.setTimeout(60_000);

// ---- The policy ----------------------------------------------------------

const READER = 'user:default/reader';
const OUTSIDER = 'user:default/outsider';
const REFRESHER = 'user:default/refresher';
const WAIVER_ADMIN = 'user:default/waiver-admin';

/** What each user owns (the ownership refs of their sign-in). */
const OWNERSHIP: Record<string, string[]> = {
  [READER]: [READER, 'group:default/team-web'],
  [OUTSIDER]: [OUTSIDER, 'group:default/team-outsider'],
  [REFRESHER]: [REFRESHER, 'group:default/team-web'],
  [WAIVER_ADMIN]: [WAIVER_ADMIN, 'group:default/security'],
};

const catalogEntityReadPermission = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

type EntityRule = {
  name: string;
  apply: (entity: Entity, params: { claims: string[] }) => boolean;
};

/** The catalog's rules, as the catalog applies them to one entity. */
const RULES: Record<string, EntityRule> = {
  IS_ENTITY_OWNER: {
    name: 'IS_ENTITY_OWNER',
    apply: (entity, { claims }) => {
      const owner = (entity.spec as { owner?: string } | undefined)?.owner;
      if (!owner) return false;
      const ref = stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      );
      return claims.includes(ref);
    },
  },
  /** The entity is one of the claims (the user, or a group they are in). */
  IS_CLAIMED: {
    name: 'IS_CLAIMED',
    apply: (entity, { claims }) =>
      claims.includes(stringifyEntityRef(entity).toLocaleLowerCase('en-US')),
  },
};

const condition = (
  rule: keyof typeof RULES,
  claims: string[],
): PermissionCondition<'catalog-entity', { claims: string[] }> => ({
  resourceType: 'catalog-entity',
  rule,
  params: { claims },
});

const conditional = (
  conditions: PermissionCriteria<PermissionCondition<'catalog-entity'>>,
): PolicyDecision => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  conditions,
});

/**
 * - everyone signed in reads scorecards;
 * - the outsider reads in the catalog only what their team owns, and their
 *   own groups (a conditional decision); everyone else reads everything;
 * - the refresher may refresh the entities their team owns (conditional);
 * - the waiver admin manages waivers on anything they can read;
 * - nothing else is allowed.
 */
class MatrixPolicy implements PermissionPolicy {
  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const ref = user?.info.userEntityRef;
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (!ref) return { result: AuthorizeResult.DENY };
    switch (query.permission.name) {
      case 'catalog.entity.read':
        return ref === OUTSIDER
          ? conditional({
              anyOf: [
                condition('IS_ENTITY_OWNER', claims),
                condition('IS_CLAIMED', claims),
              ],
            })
          : { result: AuthorizeResult.ALLOW };
      case 'cicd-security.scorecard.read':
        return { result: AuthorizeResult.ALLOW };
      case 'cicd-security.scorecard.refresh':
        return ref === REFRESHER
          ? conditional(condition('IS_ENTITY_OWNER', claims))
          : { result: AuthorizeResult.DENY };
      case 'cicd-security.waiver.manage':
        return {
          result:
            ref === WAIVER_ADMIN ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        };
      default:
        return { result: AuthorizeResult.DENY };
    }
  }
}

/** Whether an entity satisfies conditional criteria. */
function matches(
  criteria: PermissionCriteria<PermissionCondition>,
  entity: Entity,
): boolean {
  if ('allOf' in criteria) return criteria.allOf.every(c => matches(c, entity));
  if ('anyOf' in criteria) return criteria.anyOf.some(c => matches(c, entity));
  if ('not' in criteria) return !matches(criteria.not, entity);
  const rule = RULES[criteria.rule];
  if (!rule) throw new Error(`Unknown rule ${criteria.rule}`);
  return rule.apply(entity, criteria.params as { claims: string[] });
}

function userOf(userEntityRef: string): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(userEntityRef),
    info: {
      userEntityRef,
      ownershipEntityRefs: OWNERSHIP[userEntityRef] ?? [userEntityRef],
    },
  };
}

/**
 * The permission framework around the policy, as the permission backend
 * runs it: service principals are allowed, users get the policy's decision,
 * and conditional decisions on a resource are applied to that entity (the
 * catalog's apply-conditions endpoint does the same).
 */
function policyPermissions(
  policy: PermissionPolicy,
  entities: Entity[],
): PermissionsService {
  const byRef = new Map(
    entities.map(e => [stringifyEntityRef(e).toLocaleLowerCase('en-US'), e]),
  );
  const decide = async (
    permission: PolicyQuery['permission'],
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> => {
    const p = credentials.principal as { type: string; userEntityRef?: string };
    if (p.type === 'service') return { result: AuthorizeResult.ALLOW };
    if (p.type !== 'user' || !p.userEntityRef) {
      return { result: AuthorizeResult.DENY };
    }
    return policy.handle({ permission }, userOf(p.userEntityRef));
  };
  return {
    async authorize(requests, options) {
      return Promise.all(
        requests.map(async r => {
          const decision = await decide(r.permission, options.credentials);
          if (decision.result !== AuthorizeResult.CONDITIONAL) {
            return { result: decision.result };
          }
          const ref = (r as { resourceRef?: string }).resourceRef;
          const entity = ref
            ? byRef.get(ref.toLocaleLowerCase('en-US'))
            : undefined;
          return {
            result:
              entity && matches(decision.conditions, entity)
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          };
        }),
      );
    },
    async authorizeConditional(queries, options) {
      return Promise.all(
        queries.map(q => decide(q.permission, options.credentials)),
      ) as never;
    },
  };
}

// ---- The catalog and the repositories --------------------------------------

const component = (name: string, owner: string, source?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: source ? { 'backstage.io/source-location': source } : {},
  },
  spec: { type: 'service', lifecycle: 'production', owner },
});

const group = (name: string, parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
});

// ---- The matrix ------------------------------------------------------------

const PRINCIPALS = [
  'anonymous',
  'reader',
  'outsider',
  'refresher',
  'waiverAdmin',
  'service',
] as const;
type Principal = (typeof PRINCIPALS)[number];

const HEADERS: Record<Principal, () => string> = {
  anonymous: () => mockCredentials.none.header(),
  reader: () => mockCredentials.user.header(READER),
  outsider: () => mockCredentials.user.header(OUTSIDER),
  refresher: () => mockCredentials.user.header(REFRESHER),
  waiverAdmin: () => mockCredentials.user.header(WAIVER_ADMIN),
  service: () => mockCredentials.service.header(),
};

const WEB = encodeURIComponent('component:default/web');
const PAY = encodeURIComponent('component:default/payments');
const waiverBody = (entityRef: string) => ({
  checkId: 'test-security-file',
  scope: { type: 'entity', entityRef },
  reason: 'Accepted for the test',
  expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
});

interface Row {
  /** `<method> <path as in openapi.yaml>` */
  route: string;
  /** The request sent. */
  url: string;
  body?: () => object;
  expected: Record<Principal, number>;
}

/**
 * Expected statuses. `web` is owned by team-web (reader's and refresher's
 * team); the outsider may not read it, so it does not exist for them (404);
 * `payments` is owned by another team. Writes need a user, so a service gets
 * 403 for waivers; refreshes are allowed to services.
 */
// prettier-ignore
const MATRIX: Row[] = [
  //                                                                            anon reader outsider refresher waiverAdmin service
  row('get /health', '/health',                                                [200, 200,  200,     200,      200,        200]),
  row('get /scorecards', '/scorecards',                                        [401, 200,  200,     200,      200,        200]),
  row('get /scorecards/export', '/scorecards/export?format=json',              [401, 200,  200,     200,      200,        200]),
  row('get /scorecards/{entityRef}', `/scorecards/${WEB}`,                     [401, 200,  404,     200,      200,        200]),
  row('get /scorecards/{entityRef}/history', `/scorecards/${WEB}/history`,     [401, 200,  404,     200,      200,        200]),
  row('get /scorecards/{entityRef}/sarif', `/scorecards/${WEB}/sarif`,         [401, 200,  404,     200,      200,        200]),
  row('get /scorecards/{entityRef}/sbom', `/scorecards/${WEB}/sbom`,           [401, 200,  404,     200,      200,        200]),
  row('get /scorecards/{entityRef}/source', `/scorecards/${WEB}/source?path=README.md`, [401, 200, 404,   200,      200,        200]),
  row('post /scorecards/{entityRef}/refresh', `/scorecards/${WEB}/refresh`,    [401, 403,  404,     202,      403,        202]),
  row('post /scorecards/{entityRef}/refresh', `/scorecards/${PAY}/refresh`,    [401, 403,  404,     403,      403,        202]),
  row('get /scorecards/{entityRef}/policies', `/scorecards/${WEB}/policies`, [401, 200,  404,     200,      200,        200]),
  row('get /policies', '/policies',                                            [401, 200,  200,     200,      200,        200]),
  row('get /compliance/{framework}', '/compliance/owasp-cicd-top10',           [401, 200,  200,     200,      200,        200]),
  row('get /compliance/{framework}', `/compliance/slsa-build?entityRef=${WEB}`, [401, 200, 404,     200,      200,        200]),
  row('get /compliance/{framework}', '/compliance/nist-ssdf?owner=team-web',   [401, 200,  404,     200,      200,        200]),
  row('get /evidence', '/evidence',                                            [401, 200,  200,     200,      200,        200]),
  row('get /evidence', `/evidence?entityRef=${WEB}&format=html`,               [401, 200,  404,     200,      200,        200]),
  row('get /evidence', '/evidence?owner=team-web&framework=slsa-build',        [401, 200,  404,     200,      200,        200]),
  row('get /overview', '/overview',                                            [401, 200,  200,     200,      200,        200]),
  row('get /teams', '/teams',                                                  [401, 200,  200,     200,      200,        200]),
  row('get /teams', '/teams?root=team-web',                                    [401, 200,  404,     200,      200,        200]),
  row('get /checks', '/checks',                                                [401, 200,  200,     200,      200,        200]),
  row('get /checks/{checkId}', '/checks/test-security-file',                   [401, 200,  200,     200,      200,        200]),
  row('get /waivers', '/waivers',                                              [401, 200,  200,     200,      200,        200]),
  row('get /waivers', `/waivers?entityRef=${WEB}`,                             [401, 200,  404,     200,      200,        200]),
  row('post /waivers', '/waivers',                                             [401, 403,  404,     403,      201,        403], () => waiverBody('component:default/web')),
  row('delete /waivers/{id}', '/waivers/{seededWaiver}',                       [401, 403,  404,     403,      200,        403]),
];

function row(
  route: string,
  url: string,
  statuses: number[],
  body?: () => object,
): Row {
  const expected = Object.fromEntries(
    PRINCIPALS.map((p, i) => [p, statuses[i]]),
  ) as Record<Principal, number>;
  return { route, url, expected, ...(body ? { body } : {}) };
}

/** What each caller sees in lists: the scorecards and groups visible to them. */
// prettier-ignore
const VISIBLE: Record<Exclude<Principal, 'anonymous'>, { scorecards: string[]; groups: string[] }> = {
  reader:      { scorecards: ['outsider-tool', 'payments', 'web'], groups: ['security', 'team-outsider', 'team-payments', 'team-web'] },
  outsider:    { scorecards: ['outsider-tool'],                    groups: ['team-outsider'] },
  refresher:   { scorecards: ['outsider-tool', 'payments', 'web'], groups: ['security', 'team-outsider', 'team-payments', 'team-web'] },
  waiverAdmin: { scorecards: ['outsider-tool', 'payments', 'web'], groups: ['security', 'team-outsider', 'team-payments', 'team-web'] },
  service:     { scorecards: ['outsider-tool', 'payments', 'web'], groups: ['security', 'team-outsider', 'team-payments', 'team-web'] },
};

const spec = YAML.parse(
  fs.readFileSync(path.join(__dirname, '../schema/openapi.yaml'), 'utf8'),
);

describe('authorization matrix', () => {
  it('covers every route of the OpenAPI document, for every principal', () => {
    const documented = Object.entries(spec.paths)
      .flatMap(([p, ops]) => Object.keys(ops as object).map(m => `${m} ${p}`))
      .sort();
    expect([...new Set(MATRIX.map(r => r.route))].sort()).toEqual(documented);
    for (const r of MATRIX) {
      expect(Object.keys(r.expected).sort()).toEqual([...PRINCIPALS].sort());
    }
  });

  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    let root: string;
    let server: Parameters<typeof request>[0];
    let stop: () => Promise<void>;
    let seededWaiver: string;

    beforeAll(async () => {
      root = fs.realpathSync(
        fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-matrix-')),
      );
      for (const name of ['web', 'payments', 'outsider-tool']) {
        fs.mkdirSync(path.join(root, name));
        fs.writeFileSync(path.join(root, name, 'README.md'), `# ${name}\n`);
      }
      const entities: Entity[] = [
        component('web', 'team-web', `dir:${root}/web`),
        component('payments', 'team-payments', `dir:${root}/payments`),
        component(
          'outsider-tool',
          'team-outsider',
          `dir:${root}/outsider-tool`,
        ),
        group('security'),
        group('team-web'),
        group('team-payments'),
        group('team-outsider'),
      ];
      const policy = new MatrixPolicy();
      const catalog = fakeCatalog({
        entities,
        // The catalog applies the policy's decision on catalog.entity.read.
        canRead: async (userEntityRef, entity) => {
          if (!userEntityRef) return false;
          const decision = await policy.handle(
            { permission: catalogEntityReadPermission },
            userOf(userEntityRef),
          );
          if (decision.result === AuthorizeResult.CONDITIONAL) {
            return matches(decision.conditions, entity);
          }
          return decision.result === AuthorizeResult.ALLOW;
        },
      });
      const knex = await databases.init(databaseId);
      const backend = await startTestBackend({
        features: [
          cicdSecurityPlugin,
          securityFileChecksModule,
          createServiceFactory({
            service: catalogServiceRef,
            deps: {},
            factory: () => catalog,
          }),
          createServiceFactory({
            service: coreServices.permissions,
            deps: {},
            factory: () => policyPermissions(policy, entities),
          }),
          mockServices.database.factory({ knex, migrations: { skip: false } }),
          mockServices.rootConfig.factory({
            data: {
              cicdSecurity: {
                sources: { localRoots: [root] },
                policies: [
                  {
                    name: 'Production',
                    select: { lifecycle: 'production' },
                    checksPassing: ['test-security-file'],
                  },
                ],
                maxConcurrentShards: 4,
                checks: Object.fromEntries(
                  builtinChecks.map(c => [c.id, { enabled: false }]),
                ),
              },
            },
          }),
          // Every task runs once at start-up: scorecards and the group
          // hierarchy exist before the matrix runs.
          mockServices.scheduler.factory({
            skipTaskRunOnStartup: false,
            includeInitialDelayedTasksOnStartup: true,
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();

      const created = await request(server)
        .post('/api/cicd-security/waivers')
        .set('Authorization', HEADERS.waiverAdmin())
        .send(waiverBody('component:default/web'));
      expect(created.status).toBe(201);
      seededWaiver = created.body.id;
    });

    afterAll(async () => {
      // Let refreshes started by the matrix finish before the backend stops.
      for (let i = 0; i < 100; i++) {
        const res = await request(server)
          .get('/api/cicd-security/scorecards')
          .set('Authorization', HEADERS.service());
        if (!res.body.items.some((s: any) => s.state === 'scanning')) break;
        await new Promise(resolve => setTimeout(resolve, 20));
      }
      await stop?.();
      fs.rmSync(root, { recursive: true, force: true });
    });

    const cases = MATRIX.flatMap(r =>
      PRINCIPALS.map(p => [r.route, r.url, p, r.expected[p], r] as const),
    );

    it.each(cases)(
      '%s (%s) as %s answers %d',
      async (_route, url, principal, status, r) => {
        const [method] = r.route.split(' ');
        const target = `/api/cicd-security${url.replace(
          '{seededWaiver}',
          seededWaiver,
        )}`;
        const req = (request(server) as any)
          [method](target)
          .set('Authorization', HEADERS[principal]());
        const res = await (r.body ? req.send(r.body()) : req);
        expect({ status: res.status, body: res.body }).toMatchObject({
          status,
        });
        if (status >= 400) {
          expect(res.body.error.name).toBe(
            {
              400: 'InputError',
              401: 'AuthenticationError',
              403: 'NotAllowedError',
              404: 'NotFoundError',
            }[status],
          );
        }
      },
    );

    it.each(Object.entries(VISIBLE))(
      'lists only what %s may read',
      async (principal, visible) => {
        const auth = HEADERS[principal as Principal]();
        const list = await request(server)
          .get('/api/cicd-security/scorecards?sort=name')
          .set('Authorization', auth);
        expect(list.body.items.map((s: any) => s.name)).toEqual(
          visible.scorecards,
        );
        const teams = await request(server)
          .get('/api/cicd-security/teams')
          .set('Authorization', auth);
        expect(
          teams.body.items.map((t: any) => parseEntityRef(t.groupRef).name),
        ).toEqual(visible.groups);
        const waivers = await request(server)
          .get('/api/cicd-security/waivers')
          .set('Authorization', auth);
        expect(
          waivers.body.items.every((w: any) =>
            visible.scorecards.includes(parseEntityRef(w.scope.entityRef).name),
          ),
        ).toBe(true);
        expect(waivers.body.items.length > 0).toBe(
          visible.scorecards.includes('web'),
        );
        const policies = await request(server)
          .get('/api/cicd-security/policies')
          .set('Authorization', auth);
        expect(policies.body.items[0].counts.selected).toBe(
          visible.scorecards.length,
        );
      },
    );
  });
});
