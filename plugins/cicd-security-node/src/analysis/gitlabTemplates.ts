import { RepoSnapshot } from '../snapshot';
import { getGitlabCi, GITLAB_CI_FILE } from '../parsers/gitlabCi';
import { CheckOutcome, outcome } from '../checks/types';
import { AUTO_DEVOPS_TEMPLATE, findGitlabIncludes } from './ciEvidence';

/** True when the repository's GitLab CI configuration exists (so GitLab settings apply). */
export function hasGitlabCi(snapshot: RepoSnapshot): boolean {
  return snapshot.exists(GITLAB_CI_FILE) || snapshot.exists('.gitlab-ci.yaml');
}

/** A pass/fail outcome from a GitLab security template include. */
export function gitlabTemplateOutcome(
  snapshot: RepoSnapshot,
  re: RegExp,
  what: string,
  template: string,
): CheckOutcome {
  const hits = [
    ...findGitlabIncludes(snapshot, re),
    ...findGitlabIncludes(snapshot, AUTO_DEVOPS_TEMPLATE),
  ];
  if (hits.length > 0)
    return outcome.pass(
      `${hits[0].tool} included (${hits[0].file}:${hits[0].line})`,
    );
  const root = getGitlabCi(snapshot)[0];
  const include = root?.file.doc.contents ? root.includes[0]?.range : undefined;
  return outcome.fail(0, [
    {
      message: `GitLab ${what} is not enabled: include the ${template} template in ${GITLAB_CI_FILE}`,
      file: root?.path ?? GITLAB_CI_FILE,
      line: include?.line ?? 1,
      column: include?.column ?? 1,
      fingerprintKey: `gitlab-no-${template}`,
      suggestedFix: {
        description: `Include GitLab's ${what} template`,
        replacement: `include:\n  - template: Jobs/${template}`,
      },
    },
  ]);
}
