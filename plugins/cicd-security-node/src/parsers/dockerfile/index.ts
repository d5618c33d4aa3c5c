export { parseDockerfile, splitWords, substitute } from './parseDockerfile';
export type {
  Dockerfile,
  DockerInstruction,
  DockerHeredoc,
  DockerKeyValue,
  DockerStage,
  DockerRun,
  DockerCopy,
} from './parseDockerfile';
export { getDockerfiles, dockerfilePaths } from './dockerfiles';
