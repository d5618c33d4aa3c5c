import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  cicdSecurityRefreshPermission,
  cicdSecurityWaiverManagePermission,
} from '@cicd-security/plugin-cicd-security-common';

/** Options of {@link CicdSecurityOwnerPolicy}. */
export interface CicdSecurityOwnerPolicyOptions {
  /**
   * Group (or user) refs whose members may rescan and waive anything they
   * can read, including owner-wide waivers, e.g.
   * `group:default/platform-security`.
   */
  admins?: string[];
}

/**
 * An example permission policy for cicd-security: every signed-in user may
 * read (what the catalog lets them read); the owners of a component may ask
 * for a rescan of it and waive its checks (a conditional decision with the
 * catalog's `isEntityOwner` rule, which the permission framework applies to
 * the entity); members of the admin groups may do both on anything. Every
 * other permission is allowed, as in a portal without a policy.
 *
 * Owner-wide waivers are authorized against the owner group itself; groups
 * are not owned by their members, so only admins can create them.
 *
 * Merge the two cicd-security cases into your own policy, or install it as
 * is with a backend module (see the README's Permissions section).
 */
export class CicdSecurityOwnerPolicy implements PermissionPolicy {
  private readonly admins: Set<string>;

  constructor(options: CicdSecurityOwnerPolicyOptions = {}) {
    this.admins = new Set(
      (options.admins ?? []).map(ref => ref.toLocaleLowerCase('en-US')),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const changes =
      isPermission(permission, cicdSecurityRefreshPermission) ||
      isPermission(permission, cicdSecurityWaiverManagePermission);
    if (!changes) return { result: AuthorizeResult.ALLOW };
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (claims.some(ref => this.admins.has(ref.toLocaleLowerCase('en-US')))) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (claims.length === 0) return { result: AuthorizeResult.DENY };
    // What createCatalogConditionalDecision(permission,
    // catalogConditions.isEntityOwner({ claims })) of
    // @backstage/plugin-catalog-backend/alpha returns.
    return {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims },
      },
    };
  }
}
