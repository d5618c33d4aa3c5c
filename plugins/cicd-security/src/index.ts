/**
 * The cicd-security frontend: the Security tab, the overview card, the
 * org-wide page and the check guides.
 *
 * @packageDocumentation
 */
export {
  cicdSecurityPlugin,
  CicdSecurityPage,
  EntityCicdSecurityContent,
  EntityCicdSecurityCard,
  isCicdSecurityAvailable,
  preloadCicdSecurity,
} from './plugin';
export { cicdSecurityApiRef, CicdSecurityClient } from './api';
export type { CicdSecurityApi } from './api';
export { rootRouteRef, checkGuideRouteRef } from './routes';
