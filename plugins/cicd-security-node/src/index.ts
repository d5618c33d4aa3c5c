/**
 * The cicd-security check engine: repository snapshots, parsers, the check
 * contract, the built-in checks, the runner and the scoring model. It needs
 * no Backstage services, so the CLI runs the very same checks as the portal.
 * The backend plugin's extension points live in the `./extensions` entry
 * point, so that loading the engine loads no Backstage backend package.
 *
 * @packageDocumentation
 */
export * from './snapshot';
export * from './parsers/yaml';
export * from './parsers/githubActions';
export * from './parsers/text';
export * from './parsers/dockerfile';
export * from './parsers/gitlabCi';
export * from './parsers/jenkinsfile';
export * from './parsers/circleci';
export * from './parsers/azurePipelines';
export * from './parsers/scripts';
export * from './parsers/lockfiles';
export * from './checks';
export * from './vulns';
export * from './engine';
export * from './report';
export * from './facts';
export * from './scmClients';
export { ENGINE_VERSION } from './version';
export * from './secrets';
export { readCheckGuide, listCheckGuides } from './guides';
export * from './evidence';
