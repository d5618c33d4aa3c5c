import { ciFiles, mainCiFile } from '../analysis/ciFiles';
import { findSast } from '../analysis/sast';
import { createScorecardCheck, outcome } from './types';
import { fixForPlatform } from '../analysis/ciPlatforms';

/**
 * Static analysis in the pipeline catches injection, unsafe deserialisation
 * and similar flaws before they merge; without it nothing looks at the code's
 * security on each change.
 */
export const sastConfigured = createScorecardCheck({
  id: 'sast-configured',
  title: 'SAST configured',
  description:
    'A static application security testing tool runs in CI: CodeQL, Semgrep, SonarQube/SonarCloud, Snyk Code, Qodana, GitLab SAST, Azure DevOps Advanced Security CodeQL, or a language SAST tool such as Bandit, gosec or Brakeman.',
  category: 'code-quality',
  severity: 'medium',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
    'repository',
  ],
  remediationUrl:
    'https://docs.github.com/en/code-security/code-scanning/introduction-to-code-scanning/about-code-scanning',
  run(snapshot) {
    const evidence = findSast(snapshot);
    if (evidence.length > 0) {
      const tools = [...new Set(evidence.map(e => e.tool))];
      const first = evidence[0];
      return outcome.pass(`${tools.join(', ')} (${first.file}:${first.line})`);
    }
    const file = mainCiFile(snapshot);
    return outcome.fail(0, [
      {
        message: `No SAST tool runs in CI${
          file
            ? ` (looked at ${ciFiles(snapshot).length} CI file(s))`
            : ' and the repository has no CI configuration'
        }; add CodeQL, Semgrep or another static security analyser`,
        file,
        line: file ? 1 : undefined,
        column: file ? 1 : undefined,
        fingerprintKey: 'no-sast',
        suggestedFix: fixForPlatform(snapshot, {
          'github-actions': {
            description:
              'Add a CodeQL workflow as .github/workflows/codeql.yml',
            replacement: CODEQL_WORKFLOW,
          },
          'gitlab-ci': {
            description: "Include GitLab's SAST template in .gitlab-ci.yml",
            replacement: 'include:\n  - template: Jobs/SAST.gitlab-ci.yml',
          },
          jenkins: {
            description: 'Add a Semgrep stage to the Jenkinsfile',
            replacement:
              "stage('SAST') {\n  steps {\n    sh 'semgrep scan --config auto --error'\n  }\n}",
          },
          neutral: {
            description:
              'Run a static security analyser (Semgrep: `semgrep scan --config auto --error`) in the pipeline on every change',
          },
        }),
      },
    ]);
  },
});

const CODEQL_WORKFLOW = `name: CodeQL
on:
  push:
    branches: [main]
  pull_request:
  schedule:
    - cron: '27 3 * * 1'
permissions:
  contents: read
jobs:
  analyze:
    runs-on: ubuntu-latest
    permissions:
      security-events: write
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
        with:
          persist-credentials: false
      - uses: github/codeql-action/init@v3
        with:
          languages: javascript-typescript
      - uses: github/codeql-action/analyze@v3`;
