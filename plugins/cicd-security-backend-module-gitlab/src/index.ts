/**
 * The GitLab module of cicd-security: reads project settings from the
 * GitLab REST API as facts for the checks.
 *
 * @packageDocumentation
 */
export { cicdSecurityModuleGitlab as default } from './module';
export {
  createGitlabFactProvider,
  GITLAB_FACTS,
  type GitlabFactProviderOptions,
} from './facts/gitlabFactProvider';
