import { createPermission } from '@backstage/plugin-permission-common';

/** Read scorecards. Entity visibility itself follows the catalog's read permission. */
export const cicdSecurityReadPermission = createPermission({
  name: 'cicd-security.scorecard.read',
  attributes: { action: 'read' },
});

/** Ask for a rescan of one entity. */
export const cicdSecurityRefreshPermission = createPermission({
  name: 'cicd-security.scorecard.refresh',
  attributes: { action: 'update' },
});

export const cicdSecurityPermissions = [
  cicdSecurityReadPermission,
  cicdSecurityRefreshPermission,
];
