import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { fakeCatalog } from '../testing/fakeCatalog';
import { EntityVisibility } from './visibility';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const alice = mockCredentials.user(ALICE);
const bob = mockCredentials.user(BOB);

/**
 * A policy as the permission service answers for `catalog.entity.read`:
 * per user, ALLOW, DENY or CONDITIONAL (then the catalog filters, here by
 * its `canRead`). The decisions can change during a test.
 */
function setup(decisions: Record<string, AuthorizeResult>) {
  const entities = ['a', 'b', 'secret'].map(component);
  const calls = { queryEntities: 0, getEntityByRef: 0 };
  const asked: string[] = [];
  const catalog = fakeCatalog({
    entities,
    calls,
    // What a conditional decision lets a user read.
    canRead: (_user, e) => e.metadata.name !== 'secret',
  });
  const permissions: PermissionsService = {
    authorize: async () => {
      throw new Error('visibility asks authorizeConditional');
    },
    authorizeConditional: async (queries, { credentials }) => {
      const user = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      asked.push(`${user} ${queries.map(q => q.permission.name).join()}`);
      const result = decisions[user] ?? AuthorizeResult.DENY;
      return queries.map(
        (): PolicyDecision =>
          result === AuthorizeResult.CONDITIONAL
            ? {
                result,
                pluginId: 'catalog',
                resourceType: 'catalog-entity',
                conditions: {
                  rule: 'IS_ENTITY_OWNER',
                  resourceType: 'catalog-entity',
                  params: { claims: [user] },
                },
              }
            : { result },
      ) as never;
    },
  };
  let now = 1_000_000;
  const visibility = new EntityVisibility({
    catalog,
    permissions,
    auth: mockServices.auth(),
    ttlMs: 10_000,
    sharedTtlMs: 10_000,
    clock: () => now,
  });
  return {
    visibility,
    calls,
    asked,
    decisions,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const sorted = (refs: string[]) => [...refs].sort();

describe('EntityVisibility with the permission service', () => {
  it("asks the catalog's own read permission, and users allowed to read everything share one walk", async () => {
    const t = setup({
      [ALICE]: AuthorizeResult.ALLOW,
      [BOB]: AuthorizeResult.ALLOW,
    });
    const all = [
      'component:default/a',
      'component:default/b',
      'component:default/secret',
    ];
    expect(sorted(await t.visibility.visibleRefs(alice))).toEqual(all);
    expect(sorted(await t.visibility.visibleRefs(bob))).toEqual(all);
    // One walk of one page for both users.
    expect(t.calls.queryEntities).toBe(1);
    expect(t.asked).toEqual([
      `${ALICE} catalog.entity.read`,
      `${BOB} catalog.entity.read`,
    ]);
  });

  it("walks the catalog with the user's own credentials on a conditional decision", async () => {
    const t = setup({ [ALICE]: AuthorizeResult.CONDITIONAL });
    expect(sorted(await t.visibility.visibleRefs(alice))).toEqual([
      'component:default/a',
      'component:default/b',
    ]);
  });

  it('gives a user the policy denies nothing, without asking the catalog', async () => {
    const t = setup({ [ALICE]: AuthorizeResult.DENY });
    expect(await t.visibility.visibleRefs(alice)).toEqual([]);
    expect(t.calls.queryEntities).toBe(0);
  });

  it('applies a permission change on the next request, within the TTL', async () => {
    const t = setup({ [ALICE]: AuthorizeResult.ALLOW });
    expect(await t.visibility.visibleRefs(alice)).toContain(
      'component:default/secret',
    );
    t.decisions[ALICE] = AuthorizeResult.CONDITIONAL;
    t.advance(1000);
    expect(await t.visibility.visibleRefs(alice)).not.toContain(
      'component:default/secret',
    );
    t.decisions[ALICE] = AuthorizeResult.DENY;
    t.advance(1000);
    expect(await t.visibility.visibleRefs(alice)).toEqual([]);
  });

  it('renews the shared list in the background once it is older than the TTL', async () => {
    const t = setup({ [ALICE]: AuthorizeResult.ALLOW });
    await t.visibility.visibleRefs(alice);
    expect(t.calls.queryEntities).toBe(1);
    t.advance(5_000);
    await t.visibility.visibleRefs(alice);
    expect(t.calls.queryEntities).toBe(1);
    t.advance(6_000);
    // Served at once from the old list while one walk renews it.
    const served = await t.visibility.visibleRefs(alice);
    expect(served).toHaveLength(3);
    await new Promise(r => setImmediate(r));
    expect(t.calls.queryEntities).toBe(2);
    await t.visibility.visibleRefs(alice);
    expect(t.calls.queryEntities).toBe(2);
  });

  it('does not ask the permission service for service callers', async () => {
    const t = setup({});
    expect(
      await t.visibility.visibleRefs(mockCredentials.service()),
    ).toHaveLength(3);
    expect(t.asked).toEqual([]);
  });
});
