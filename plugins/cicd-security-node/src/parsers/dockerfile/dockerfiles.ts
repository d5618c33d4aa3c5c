import { RepoSnapshot } from '../../snapshot';
import { Dockerfile, parseDockerfile } from './parseDockerfile';
import { parseFilesOnce } from '../parseFiles';

const DOCKERFILE_RE =
  /(^|\/)(Dockerfile|Containerfile)(\.[^/]+)?$|(^|\/)[^/]+\.(Dockerfile|Containerfile)$/i;

/** Paths of Dockerfiles: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile` anywhere. */
export function dockerfilePaths(snapshot: RepoSnapshot): string[] {
  return snapshot
    .files()
    .filter(f => DOCKERFILE_RE.test(f) && !/(^|\/)node_modules\//.test(f))
    .filter(f => !/\.(md|txt|json|ya?ml|sh|bak|orig|dockerignore)$/i.test(f));
}

/** Every Dockerfile of the snapshot, parsed once per snapshot. */
export function getDockerfiles(snapshot: RepoSnapshot): Dockerfile[] {
  return parseFilesOnce(
    snapshot,
    'dockerfile:files',
    () => dockerfilePaths(snapshot),
    'Dockerfile',
    (path, text) => {
      const { dockerfile, problems } = parseDockerfile(path, text);
      return { value: dockerfile, problems };
    },
  );
}
