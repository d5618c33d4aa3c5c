import { RepoSnapshot } from '../snapshot';
import { createScorecardCheck, outcome } from './types';

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
const SKIP = /(?:^|\/)(?:node_modules|vendor|third_party)\//;

/** SAST tools and how their use shows in a CI file. */
const SAST_TOOLS: Array<{ tool: string; re: RegExp }> = [
  {
    tool: 'CodeQL',
    re: /github\/codeql-action\/(?:analyze|init)@|\bcodeql\s+database\s+(?:create|analyze)\b/i,
  },
  {
    tool: 'CodeQL (Azure DevOps Advanced Security)',
    re: /AdvancedSecurity-Codeql-(?:Init|Analyze|Autobuild|Autoconfig)@/i,
  },
  {
    tool: 'GitLab SAST',
    re: /(?:Jobs|Security)\/SAST\.(?:latest\.)?gitlab-ci\.yml|components\/sast\/sast@/i,
  },
  {
    tool: 'Semgrep',
    re: /returntocorp\/semgrep|semgrep\/semgrep|\bsemgrep\s+(?:ci|scan|--config)\b|semgrep-action/i,
  },
  {
    tool: 'SonarQube/SonarCloud',
    re: /SonarSource\/|\bsonar-scanner\b|\bsonar:sonar\b|\bgradlew?\b[^\n]*\bsonar(?:qube)?\b|\bsonarscanner\b|\bSonar(?:Qube|Cloud)(?:Prepare|Analyze)@|\bwithSonarQubeEnv\b/i,
  },
  { tool: 'Snyk Code', re: /\bsnyk\s+code\s+test\b|snyk\/actions\//i },
  {
    tool: 'Qodana',
    re: /JetBrains\/qodana-action|jetbrains\/qodana-|\bqodana\s+scan\b/i,
  },
  {
    tool: 'Checkmarx',
    re: /checkmarx\/ast-github-action|checkmarx\/cx-flow|\bcx\s+scan\s+create\b/i,
  },
  { tool: 'Veracode', re: /veracode\/|pipeline-scan\.jar/i },
  { tool: 'Bandit', re: /\bbandit\s+-|PyCQA\/bandit|\bbandit\b[^\n]*-r\b/ },
  { tool: 'gosec', re: /securego\/gosec|\bgosec\s+(?:\.\/|-)/ },
  { tool: 'Brakeman', re: /\bbrakeman\b/ },
  { tool: 'SpotBugs + Find Security Bugs', re: /findsecbugs/i },
];

/** Files whose presence alone shows a SAST service is set up for the repository. */
const SAST_CONFIG_FILES: Array<{ tool: string; re: RegExp }> = [
  { tool: 'SonarQube/SonarCloud', re: /^sonar-project\.properties$/ },
  { tool: 'Qodana', re: /^qodana\.ya?ml$/ },
];

export interface SastEvidence {
  tool: string;
  file: string;
  line: number;
}

/** Lines that are code, not comments (`#` for YAML, `//` for Jenkinsfiles). */
function codeLines(text: string): string[] {
  return text.split('\n').map(l => (/^\s*(?:#|\/\/)/.test(l) ? '' : l));
}

export function ciFiles(snapshot: RepoSnapshot): string[] {
  return snapshot.memo('sast:ci-files', () =>
    snapshot
      .files()
      .filter(f => !SKIP.test(f) && CI_FILE_RE.some(re => re.test(f))),
  );
}

/** Every place a SAST tool is run or configured. */
export function findSast(snapshot: RepoSnapshot): SastEvidence[] {
  return snapshot.memo('sast:evidence', () => collectSast(snapshot));
}

function collectSast(snapshot: RepoSnapshot): SastEvidence[] {
  const found: SastEvidence[] = [];
  for (const file of snapshot.files()) {
    const config = SAST_CONFIG_FILES.find(c => c.re.test(file));
    if (config) found.push({ tool: config.tool, file, line: 1 });
  }
  for (const file of ciFiles(snapshot)) {
    const text = snapshot.read(file);
    if (!text) continue;
    codeLines(text).forEach((line, i) => {
      for (const { tool, re } of SAST_TOOLS) {
        if (re.test(line)) found.push({ tool, file, line: i + 1 });
      }
    });
  }
  return found;
}

/** The file a repository-level finding points at: the main CI file, if any. */
function mainCiFile(snapshot: RepoSnapshot): string | undefined {
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
  frameworks: [{ framework: 'openssf-scorecard', control: 'SAST' }],
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
        suggestedFix: {
          description: 'Add a CodeQL workflow as .github/workflows/codeql.yml',
          replacement: CODEQL_WORKFLOW,
        },
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
