import { CheckFinding, createScorecardCheck, outcome } from './types';
import { findSast } from '../analysis/sast';
import { runsOnPullRequests } from '../analysis/ciEvidence';

/**
 * SAST that only runs on the default branch or on a schedule reports a flaw
 * after it merged; on pull requests it blocks the flaw in review.
 */
export const sastOnPullRequests = createScorecardCheck({
  id: 'sast-on-pull-requests',
  title: 'SAST runs on pull/merge requests',
  description:
    'The pipeline that runs the SAST tool is triggered by pull/merge requests (GitHub pull_request, merge queues, GitLab merge request or branch pipelines), not only on the default branch or a schedule.',
  category: 'code-quality',
  severity: 'low',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
  ],
  remediationUrl:
    'https://docs.github.com/en/code-security/code-scanning/creating-an-advanced-setup-for-code-scanning/customizing-your-advanced-setup-for-code-scanning',
  run(snapshot) {
    const evidence = findSast(snapshot);
    const inCi = evidence.filter(
      e =>
        e.file !== 'sonar-project.properties' &&
        !/^qodana\.ya?ml$/.test(e.file),
    );
    if (inCi.length === 0) {
      if (evidence.length > 0) {
        const checkRuns = snapshot.fact('github.checkRuns');
        return outcome.inconclusive(
          `${evidence[0].tool} is configured (${
            evidence[0].file
          }) but runs outside the repository's pipelines; whether it runs on pull requests needs the GitHub API (fact github.checkRuns${
            checkRuns.available ? '' : `: ${checkRuns.reason}`
          })`,
        );
      }
      return outcome.notApplicable(
        'no SAST tool runs in CI (see sast-configured)',
      );
    }
    const files = [...new Set(inCi.map(e => e.file))];
    const onPrs = files.filter(f => runsOnPullRequests(snapshot, f));
    if (onPrs.length > 0) {
      const first = inCi.find(e => e.file === onPrs[0])!;
      return outcome.pass(
        `${first.tool} runs on pull requests (${first.file}:${first.line})`,
      );
    }
    const findings: CheckFinding[] = files.map(file => {
      const e = inCi.find(x => x.file === file)!;
      const text = snapshot.read(file)?.split('\n')[e.line - 1] ?? '';
      const gha = file.startsWith('.github/');
      return {
        message: `${
          e.tool
        } runs in ${file}, which is not triggered by pull requests; ${
          gha
            ? 'add a pull_request trigger'
            : 'run it in merge request pipelines too'
        } so that findings block the change in review`,
        file,
        line: e.line,
        column: text.length - text.trimStart().length + 1,
        snippet: text.trim(),
        fingerprintKey: `sast-not-on-prs:${file}`,
        suggestedFix: gha
          ? {
              description: 'Add `pull_request:` to the workflow triggers',
              replacement:
                'on:\n  push:\n    branches: [main]\n  pull_request:',
            }
          : undefined,
      };
    });
    return outcome.fail(0, findings);
  },
});
