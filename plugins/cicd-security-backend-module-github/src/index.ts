/**
 * The GitHub module of cicd-security: reads repository settings and
 * security alerts from the GitHub API as facts for the checks.
 *
 * @packageDocumentation
 */
export { cicdSecurityModuleGithub as default } from './module';
export {
  createGithubFactProvider,
  GITHUB_FACTS,
  type GithubFactProviderOptions,
} from './facts/githubFactProvider';
