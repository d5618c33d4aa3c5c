import { RepoSnapshot } from '../../snapshot';
import { Jenkinsfile, parseJenkinsfile } from './parseJenkinsfile';

const JENKINSFILE_RE = /(^|\/)(Jenkinsfile(\.[^/]+)?|[^/]+\.jenkinsfile)$/i;

/** Paths of Jenkinsfiles: `Jenkinsfile`, `Jenkinsfile.*`, `*.jenkinsfile`. */
export function jenkinsfilePaths(snapshot: RepoSnapshot): string[] {
  return snapshot
    .files()
    .filter(f => JENKINSFILE_RE.test(f) && !/\.(md|txt|bak|orig)$/i.test(f));
}

/** Every Jenkinsfile of the snapshot, parsed once per snapshot. */
export function getJenkinsfiles(snapshot: RepoSnapshot): Jenkinsfile[] {
  return snapshot.memo('jenkins:files', () => {
    const out: Jenkinsfile[] = [];
    for (const path of jenkinsfilePaths(snapshot)) {
      const text = snapshot.read(path);
      if (text === undefined) continue;
      try {
        const { jenkinsfile, problems } = parseJenkinsfile(path, text);
        snapshot.problems.push(...problems);
        out.push(jenkinsfile);
      } catch (e) {
        snapshot.problems.push({
          file: path,
          line: 1,
          column: 1,
          kind: 'parse-error',
          message: `could not read the Jenkinsfile: ${(e as Error).message}`,
        });
      }
    }
    return out;
  });
}
