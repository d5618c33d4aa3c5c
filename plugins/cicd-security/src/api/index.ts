export { cicdSecurityApiRef } from './CicdSecurityApi';
export type { CicdSecurityApi, ListWaiversQuery } from './CicdSecurityApi';
export { CicdSecurityClient } from './CicdSecurityClient';
