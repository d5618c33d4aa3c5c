import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/** The org-wide page, mounted by the app (e.g. at `/cicd-security`). */
export const rootRouteRef = createRouteRef({
  id: 'cicd-security',
});

/** A check's guide page, below the org-wide page. */
export const checkGuideRouteRef = createSubRouteRef({
  id: 'cicd-security/check-guide',
  parent: rootRouteRef,
  path: '/checks/:checkId',
});

/**
 * The read-only view of one file of a `dir:` source, below the org-wide page
 * (`?path=<file>&line=<n>`); findings link to it through
 * `cicdSecurity.sources.linkTemplate`.
 */
export const sourceViewRouteRef = createSubRouteRef({
  id: 'cicd-security/source',
  parent: rootRouteRef,
  path: '/source/:namespace/:kind/:name',
});

/** The Security tab of an entity page. */
export const entityContentRouteRef = createRouteRef({
  id: 'cicd-security-entity-content',
});
