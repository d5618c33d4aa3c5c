/**
 * The Snyk module of cicd-security: reads the open issues of a component's
 * Snyk projects from the Snyk REST API as facts for the checks.
 *
 * @packageDocumentation
 */
export { cicdSecurityModuleSnyk as default } from './module';
export {
  createSnykFactProvider,
  SNYK_FACTS,
  type SnykFactProviderOptions,
} from './facts/snykFactProvider';
export { SNYK_PERMISSION } from './facts/SnykClient';
export {
  SNYK_ORG_ID_ANNOTATION,
  SNYK_TARGET_ID_ANNOTATION,
  SNYK_PROJECT_IDS_ANNOTATION,
  SNYK_EXCLUDE_PROJECT_IDS_ANNOTATION,
} from './facts/annotations';
