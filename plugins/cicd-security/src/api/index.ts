export { cicdSecurityApiRef } from './CicdSecurityApi';
export type { CicdSecurityApi } from './CicdSecurityApi';
export { CicdSecurityClient } from './CicdSecurityClient';
