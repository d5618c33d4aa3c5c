export { parseJenkinsfile, tokenizeGroovy } from './parseJenkinsfile';
export type {
  Jenkinsfile,
  GroovyString,
  GroovyQuote,
  GroovyToken,
  JenkinsShellStep,
  JenkinsImage,
  JenkinsAgent,
  JenkinsLibrary,
  JenkinsEnvEntry,
} from './parseJenkinsfile';
export { getJenkinsfiles, jenkinsfilePaths } from './jenkinsfiles';
