import { RepoSnapshot } from '../../snapshot';
import { Jenkinsfile, parseJenkinsfile } from './parseJenkinsfile';
import { parseFilesOnce } from '../parseFiles';

const JENKINSFILE_RE = /(^|\/)(Jenkinsfile(\.[^/]+)?|[^/]+\.jenkinsfile)$/i;

/** Paths of Jenkinsfiles: `Jenkinsfile`, `Jenkinsfile.*`, `*.jenkinsfile`. */
export function jenkinsfilePaths(snapshot: RepoSnapshot): string[] {
  return snapshot
    .files()
    .filter(f => JENKINSFILE_RE.test(f) && !/\.(md|txt|bak|orig)$/i.test(f));
}

/** Every Jenkinsfile of the snapshot, parsed once per snapshot. */
export function getJenkinsfiles(snapshot: RepoSnapshot): Jenkinsfile[] {
  return parseFilesOnce(
    snapshot,
    'jenkins:files',
    () => jenkinsfilePaths(snapshot),
    'Jenkinsfile',
    (path, text) => {
      const { jenkinsfile, problems } = parseJenkinsfile(path, text);
      return { value: jenkinsfile, problems };
    },
  );
}
