import { createPermission } from '@backstage/plugin-permission-common';

/** Read scorecards. Entity visibility itself follows the catalog's read permission. */
export const cicdSecurityReadPermission = createPermission({
  name: 'cicd-security.scorecard.read',
  attributes: { action: 'read' },
});

/**
 * Ask for a rescan of one entity. A resource permission on the catalog
 * entity, so a policy can grant it to the owning team with the catalog's
 * conditions (e.g. `isEntityOwner`).
 */
export const cicdSecurityRefreshPermission = createPermission({
  name: 'cicd-security.scorecard.refresh',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Create or revoke portal waivers. A resource permission on the catalog
 * entity (the waived entity, or the owner group of an owner-scoped waiver),
 * so a policy can grant it to the owning team with the catalog's rules.
 */
export const cicdSecurityWaiverManagePermission = createPermission({
  name: 'cicd-security.waiver.manage',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

export const cicdSecurityPermissions = [
  cicdSecurityReadPermission,
  cicdSecurityRefreshPermission,
  cicdSecurityWaiverManagePermission,
];
