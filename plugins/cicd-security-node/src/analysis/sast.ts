import { RepoSnapshot } from '../snapshot';
import { ciFiles } from './ciFiles';

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
