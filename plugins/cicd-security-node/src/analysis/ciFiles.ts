import { RepoSnapshot } from '../snapshot';

/** CI configuration files of every platform, read as text. */
const CI_FILE_RE = [
  /^\.github\/workflows\/[^/]+\.ya?ml$/,
  /(?:^|\/)action\.ya?ml$/,
  /^\.gitlab-ci\.ya?ml$/,
  /^\.gitlab\/.+\.ya?ml$/,
  /(?:^|\/)Jenkinsfile[^/]*$/,
  /(?:^|\/)[^/]*\.jenkinsfile$/,
  /(?:^|\/)azure-pipelines[^/]*\.ya?ml$/,
  /^\.azure-pipelines\/.+\.ya?ml$/,
  /^\.circleci\/config\.ya?ml$/,
  /^bitbucket-pipelines\.ya?ml$/,
];
/** Vendored and third-party folders, whose files are not the repository's own. */
export const VENDORED_PATH = /(?:^|\/)(?:node_modules|vendor|third_party)\//;

/** The CI configuration files of every platform in the repository, vendored folders excluded. */
export function ciFiles(snapshot: RepoSnapshot): string[] {
  return snapshot.memo('sast:ci-files', () =>
    snapshot
      .files()
      .filter(f => !VENDORED_PATH.test(f) && CI_FILE_RE.some(re => re.test(f))),
  );
}

/** The file a repository-level finding points at: the main CI file, if any. */
export function mainCiFile(snapshot: RepoSnapshot): string | undefined {
  const files = ciFiles(snapshot);
  const order = [
    /^\.github\/workflows\//,
    /^\.gitlab-ci/,
    /Jenkinsfile/,
    /azure-pipelines/,
    /^\.circleci/,
  ];
  for (const re of order) {
    const hit = files.find(f => re.test(f));
    if (hit) return hit;
  }
  return files[0];
}
