import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
  permissionRules,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  PermissionCondition,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  cicdSecurityReadPermission,
  cicdSecurityRefreshPermission,
  cicdSecurityWaiverManagePermission,
} from '@cicd-security/plugin-cicd-security-common';
import { CicdSecurityOwnerPolicy } from './ownerPermissionPolicy';

function user(ref: string, groups: string[]): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(ref),
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
  };
}

function component(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/** The decision for one entity, as the catalog applies a conditional one. */
function decideFor(decision: PolicyDecision, entity: Entity): AuthorizeResult {
  if (decision.result !== AuthorizeResult.CONDITIONAL) return decision.result;
  const condition = decision.conditions as PermissionCondition<
    'catalog-entity',
    { claims: string[] }
  >;
  expect(condition.rule).toBe(permissionRules.isEntityOwner.name);
  return permissionRules.isEntityOwner.apply(entity, condition.params!)
    ? AuthorizeResult.ALLOW
    : AuthorizeResult.DENY;
}

describe('CicdSecurityOwnerPolicy', () => {
  const alice = user('user:default/alice', ['group:default/team-payments']);
  const admin = user('user:default/sec', ['group:default/platform-security']);
  const payments = component('payments-api', 'group:default/team-payments');
  const web = component('web', 'group:default/team-web');
  const policy = new CicdSecurityOwnerPolicy({
    admins: ['group:default/Platform-Security'],
  });

  it('lets every user read scorecards and leaves other permissions allowed', async () => {
    expect(
      await policy.handle({ permission: cicdSecurityReadPermission }, alice),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle(
        {
          permission: {
            type: 'basic',
            name: 'catalog.entity.create',
            attributes: { action: 'create' },
          },
        },
        alice,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it.each([
    ['rescan', cicdSecurityRefreshPermission],
    ['waive', cicdSecurityWaiverManagePermission],
  ])(
    'lets owners %s their own components only, with the catalog isEntityOwner rule',
    async (_what, permission) => {
      const decision = await policy.handle({ permission }, alice);
      // Exactly the decision the catalog's own helpers build.
      expect(decision).toEqual(
        createCatalogConditionalDecision(
          permission,
          catalogConditions.isEntityOwner({
            claims: alice.info.ownershipEntityRefs,
          }),
        ),
      );
      expect(decideFor(decision, payments)).toBe(AuthorizeResult.ALLOW);
      expect(decideFor(decision, web)).toBe(AuthorizeResult.DENY);
    },
  );

  it('lets admins rescan and waive anything, owner-wide waivers included', async () => {
    for (const permission of [
      cicdSecurityRefreshPermission,
      cicdSecurityWaiverManagePermission,
    ]) {
      expect(await policy.handle({ permission }, admin)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
    // Without admins configured, the same user is an owner like any other.
    const decision = await new CicdSecurityOwnerPolicy().handle(
      { permission: cicdSecurityWaiverManagePermission },
      admin,
    );
    expect(decideFor(decision, web)).toBe(AuthorizeResult.DENY);
  });

  it('denies changes to callers without any identity', async () => {
    expect(
      await policy.handle({ permission: cicdSecurityRefreshPermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });
});
