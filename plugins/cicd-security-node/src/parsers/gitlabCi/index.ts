export { parseGitlabCi, GITLAB_RESERVED } from './parseGitlabCi';
export type {
  GitlabCiFile,
  GitlabJob,
  GitlabImage,
  GitlabInclude,
  GitlabScriptKey,
} from './parseGitlabCi';
export { getGitlabCi, GITLAB_CI_FILE } from './gitlabCi';
