/**
 * The cicd-security backend plugin: scheduled scans of catalog components,
 * the scorecard store and the REST API.
 *
 * @packageDocumentation
 */
export { cicdSecurityPlugin as default } from './plugin';
export {
  CicdSecurityOwnerPolicy,
  type CicdSecurityOwnerPolicyOptions,
} from './permissions/ownerPermissionPolicy';
