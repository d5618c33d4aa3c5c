/**
 * The SonarQube module of cicd-security: reads the quality gate and open
 * issue counts of a component's SonarQube or SonarCloud project as facts
 * for the checks.
 *
 * @packageDocumentation
 */
export { cicdSecurityModuleSonarqube as default } from './module';
export {
  createSonarqubeFactProvider,
  SONARQUBE_FACTS,
  SONARQUBE_PERMISSION,
  type SonarqubeFactProviderOptions,
} from './facts/sonarqubeFactProvider';
export {
  readSonarqubeInstances,
  parseProjectKeyAnnotation,
  SONARQUBE_PROJECT_KEY_ANNOTATION,
  type SonarqubeInstance,
} from './facts/instances';
