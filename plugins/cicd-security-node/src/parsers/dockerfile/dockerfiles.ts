import { RepoSnapshot } from '../../snapshot';
import { Dockerfile, parseDockerfile } from './parseDockerfile';

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
  return snapshot.memo('dockerfile:files', () => {
    const out: Dockerfile[] = [];
    for (const path of dockerfilePaths(snapshot)) {
      const text = snapshot.read(path);
      if (text === undefined) continue;
      try {
        const { dockerfile, problems } = parseDockerfile(path, text);
        snapshot.problems.push(...problems);
        out.push(dockerfile);
      } catch (e) {
        snapshot.problems.push({
          file: path,
          line: 1,
          column: 1,
          kind: 'parse-error',
          message: `could not read the Dockerfile: ${(e as Error).message}`,
        });
      }
    }
    return out;
  });
}
