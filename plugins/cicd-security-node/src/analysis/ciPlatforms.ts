import { SuggestedFix } from '@cicd-security/plugin-cicd-security-common';
import { RepoSnapshot } from '../snapshot';
import { ciFiles } from './ciFiles';

/** The CI systems whose configuration the engine reads. */
export type CiPlatform =
  | 'github-actions'
  | 'gitlab-ci'
  | 'jenkins'
  | 'azure-pipelines'
  | 'circleci'
  | 'bitbucket-pipelines';

const PLATFORM_OF: Array<[RegExp, CiPlatform]> = [
  [/^\.github\/workflows\//, 'github-actions'],
  [/^\.gitlab-ci\.ya?ml$|^\.gitlab\//, 'gitlab-ci'],
  [/(?:^|\/)Jenkinsfile[^/]*$|\.jenkinsfile$/, 'jenkins'],
  [/azure-pipelines[^/]*\.ya?ml$|^\.azure-pipelines\//, 'azure-pipelines'],
  [/^\.circleci\//, 'circleci'],
  [/^bitbucket-pipelines\.ya?ml$/, 'bitbucket-pipelines'],
];

/** The CI systems the repository uses, most prominent first (GitHub, GitLab, Jenkins…). */
export function ciPlatforms(snapshot: RepoSnapshot): CiPlatform[] {
  return snapshot.memo('ci:platforms', () => {
    const files = ciFiles(snapshot);
    return PLATFORM_OF.filter(([re]) => files.some(f => re.test(f))).map(
      ([, platform]) => platform,
    );
  });
}

/**
 * The suggested fix that fits the repository's CI: the GitHub Actions fix
 * when it has workflows (or no CI at all), else the fix written for its
 * first other platform, else the platform-neutral one.
 */
export function fixForPlatform(
  snapshot: RepoSnapshot,
  fixes: { 'github-actions': SuggestedFix; neutral: SuggestedFix } & Partial<
    Record<CiPlatform, SuggestedFix>
  >,
): SuggestedFix {
  const platforms = ciPlatforms(snapshot);
  if (platforms.length === 0 || platforms.includes('github-actions')) {
    return fixes['github-actions'];
  }
  for (const p of platforms) {
    const fix = fixes[p];
    if (fix) return fix;
  }
  return fixes.neutral;
}
