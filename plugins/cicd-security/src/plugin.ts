import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CICD_SECURITY_SOURCE_ANNOTATION,
  SOURCE_LOCATION_ANNOTATION,
} from '@cicd-security/plugin-cicd-security-common';
import { cicdSecurityApiRef, CicdSecurityClient } from './api';
import {
  checkGuideRouteRef,
  entityContentRouteRef,
  rootRouteRef,
  sourceViewRouteRef,
} from './routes';

/** @public */
export const cicdSecurityPlugin = createPlugin({
  id: 'cicd-security',
  apis: [
    createApiFactory({
      api: cicdSecurityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CicdSecurityClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    checkGuide: checkGuideRouteRef,
    entityContent: entityContentRouteRef,
    sourceView: sourceViewRouteRef,
  },
});

/**
 * The org-wide CI/CD security page, with the check guides below it.
 *
 * @public
 */
export const CicdSecurityPage = cicdSecurityPlugin.provide(
  createRoutableExtension({
    name: 'CicdSecurityPage',
    component: () =>
      import('./components/CicdSecurityPage').then(m => m.CicdSecurityRouter),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The Security tab of an entity page.
 *
 * @public
 */
export const EntityCicdSecurityContent = cicdSecurityPlugin.provide(
  createRoutableExtension({
    name: 'EntityCicdSecurityContent',
    component: () =>
      import('./components/EntityCicdSecurityContent').then(
        m => m.EntityCicdSecurityContent,
      ),
    mountPoint: entityContentRouteRef,
  }),
);

/**
 * A small card for the entity overview: grade, score and the worst checks.
 *
 * @public
 */
export const EntityCicdSecurityCard = cicdSecurityPlugin.provide(
  createComponentExtension({
    name: 'EntityCicdSecurityCard',
    component: {
      lazy: () =>
        import('./components/EntityCicdSecurityCard').then(
          m => m.EntityCicdSecurityCard,
        ),
    },
  }),
);

/**
 * Starts loading the code of the org page and the Security tab, so that a
 * visit does not wait for it after the app has signed the user in and the
 * route has rendered. Call it once when the app starts (it is cheap to call
 * again: the code is fetched once).
 *
 * @public
 */
export function preloadCicdSecurity(): Promise<void> {
  return Promise.all([
    import('./components/CicdSecurityPage'),
    import('./components/EntityCicdSecurityContent'),
  ]).then(() => undefined);
}

/**
 * True when the entity says where its source lives, so it can be scanned.
 *
 * @public
 */
export function isCicdSecurityAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[SOURCE_LOCATION_ANNOTATION] ||
      annotations[CICD_SECURITY_SOURCE_ANNOTATION],
  );
}
