import { RepoSnapshot } from '../snapshot';
import { detectEcosystems } from '../analysis/ecosystems';
import {
  ActionRule,
  Evidence,
  findScannerEvidence,
  LineRule,
} from '../analysis/ciEvidence';
import { ciFiles, mainCiFile } from '../analysis/ciFiles';
import { createScorecardCheck, outcome } from './types';
import { fixForPlatform } from '../analysis/ciPlatforms';

/** Commands and steps that audit the repository's dependencies for known vulnerabilities. */
export const DEPENDENCY_SCANNERS: LineRule[] = [
  { tool: 'OSV-Scanner', re: /google\/osv-scanner|\bosv-scanner\b/i },
  { tool: 'Dependency Review', re: /actions\/dependency-review-action/i },
  {
    tool: 'Snyk Open Source',
    re: /\bsnyk\s+(?:test|monitor)\b|snyk\/actions\/(?!docker|iac|setup)[\w-]+@/i,
    unless: /--docker\b|snyk\s+container/i,
  },
  {
    tool: 'Trivy (filesystem)',
    re: /\btrivy\s+(?:fs|filesystem|repo|repository|rootfs|sbom)\b/i,
  },
  {
    tool: 'Grype (directory)',
    re: /\bgrype\s+(?:dir:|file:|sbom:|\.(?=\s|$))/i,
  },
  {
    tool: 'npm audit',
    re: /\b(?:npm|pnpm|bun)\s+audit\b|\byarn\s+(?:npm\s+)?audit\b|\baudit-ci\b|\bbetter-npm-audit\b/i,
    unless: /\baudit\s+(?:fix|signatures)\b/i,
  },
  { tool: 'pip-audit', re: /\bpip-audit\b|pypa\/gh-action-pip-audit/i },
  { tool: 'Safety', re: /\bsafety\s+(?:check|scan)\b|pyupio\/safety/i },
  {
    tool: 'cargo audit / cargo deny',
    re: /\bcargo\s+(?:audit|deny)\b|rustsec\/audit-check|EmbarkStudios\/cargo-deny-action/i,
  },
  { tool: 'govulncheck', re: /\bgovulncheck\b/i },
  { tool: 'bundler-audit', re: /\bbundle(?:r)?[-\s]audit\b/i },
  {
    tool: 'OWASP Dependency-Check',
    re: /dependency-check|\bdependencyCheck(?:Analyze|Aggregate)?\b|Dependency-Check_Action|\bdependencyCheckPublisher\b/i,
  },
  { tool: 'Sonatype OSS Index', re: /\bossindex\b|\bnancy\s+sleuth\b/i },
  { tool: 'composer audit', re: /\bcomposer\s+audit\b/i },
  {
    tool: 'dotnet vulnerable packages',
    re: /\bdotnet\s+list\b[^\n]*--vulnerable\b/i,
  },
  {
    tool: 'GitLab Dependency Scanning',
    re: /Dependency-Scanning\.(?:latest\.)?gitlab-ci\.yml|components\/dependency-scanning\//i,
  },
  {
    tool: 'Azure DevOps Advanced Security',
    re: /AdvancedSecurity-Dependency-Scanning@/i,
  },
  { tool: 'JFrog Xray', re: /\b(?:jf|jfrog)\s+audit\b/i },
  {
    tool: 'Mend',
    re: /\bWhiteSource@|wss-unified-agent|\bmend\s+(?:dep|sca)\b/i,
  },
  { tool: 'Socket', re: /\bsocket\s+(?:ci|scan)\b|SocketDev\//i },
];

/** Scanner actions whose input decides what they scan. */
export const DEPENDENCY_SCANNER_ACTIONS: ActionRule[] = [
  {
    tool: 'Trivy (filesystem)',
    uses: /^aquasecurity\/trivy-action@/i,
    when: w =>
      /^(?:fs|repo|filesystem|rootfs|sbom)$/i.test(w['scan-type'] ?? ''),
  },
  {
    tool: 'Grype (directory)',
    uses: /^anchore\/scan-action@/i,
    when: w => !!(w.path || w.sbom) && !w.image,
  },
];

/** Package ecosystems a dependency scanner covers (not images or CI configuration). */
const PACKAGE_ECOSYSTEMS = new Set([
  'npm',
  'pip',
  'gomod',
  'bundler',
  'cargo',
  'maven',
  'gradle',
  'composer',
  'nuget',
]);

export function findDependencyScanning(snapshot: RepoSnapshot): Evidence[] {
  return findScannerEvidence(
    snapshot,
    DEPENDENCY_SCANNERS,
    DEPENDENCY_SCANNER_ACTIONS,
  );
}

/**
 * A scanner in the pipeline flags a dependency with a known vulnerability when
 * it is introduced or disclosed, before it ships.
 */
export const dependencyScanningInCi = createScorecardCheck({
  id: 'dependency-scanning-in-ci',
  title: 'Dependency scanning runs in CI / on PRs',
  description:
    'A dependency vulnerability scanner runs in the pipeline: OSV-Scanner, the dependency review action, Snyk, Trivy fs, Grype, npm audit, pip-audit, OWASP Dependency-Check, GitLab Dependency Scanning or Azure DevOps Advanced Security.',
  category: 'vulnerability-scanning',
  severity: 'medium',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
  ],
  frameworks: [
    { framework: 'legitify', control: 'ghas_dependency_review_not_enabled' },
  ],
  remediationUrl:
    'https://docs.github.com/en/code-security/supply-chain-security/understanding-your-software-supply-chain/about-dependency-review',
  run(snapshot) {
    const ecosystems = [...detectEcosystems(snapshot).entries()].filter(
      ([eco]) => PACKAGE_ECOSYSTEMS.has(eco),
    );
    if (ecosystems.length === 0)
      return outcome.notApplicable(
        'no package manifest (npm, pip, Go, Maven…) in the repository',
      );
    const evidence = findDependencyScanning(snapshot);
    if (evidence.length > 0) {
      const tools = [...new Set(evidence.map(e => e.tool))];
      return outcome.pass(
        `${tools.join(', ')} (${evidence[0].file}:${evidence[0].line})`,
      );
    }
    const file = mainCiFile(snapshot);
    const names = ecosystems.map(([eco]) => eco).join(', ');
    return outcome.fail(0, [
      {
        message: `No dependency vulnerability scanner runs in CI (${names} dependencies${
          file
            ? `, ${ciFiles(snapshot).length} CI file(s) looked at`
            : ', no CI configuration'
        }); add OSV-Scanner, the dependency review action or your ecosystem's audit command`,
        file,
        line: file ? 1 : undefined,
        column: file ? 1 : undefined,
        fingerprintKey: 'no-dependency-scanning',
        suggestedFix: fixForPlatform(snapshot, {
          'github-actions': {
            description:
              'Add a dependency review workflow as .github/workflows/dependency-review.yml',
            replacement: DEPENDENCY_REVIEW_WORKFLOW,
          },
          'gitlab-ci': {
            description:
              "Include GitLab's Dependency Scanning template in .gitlab-ci.yml",
            replacement:
              'include:\n  - template: Jobs/Dependency-Scanning.gitlab-ci.yml',
          },
          jenkins: {
            description: 'Add an OSV-Scanner stage to the Jenkinsfile',
            replacement:
              "stage('Dependencies') {\n  steps {\n    sh 'osv-scanner scan source -r .'\n  }\n}",
          },
          neutral: {
            description:
              'Run a dependency vulnerability scanner (`osv-scanner scan source -r .`) in the pipeline on every change',
          },
        }),
      },
    ]);
  },
});

const DEPENDENCY_REVIEW_WORKFLOW = `name: Dependency review
on: pull_request
permissions:
  contents: read
jobs:
  dependency-review:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
        with:
          persist-credentials: false
      - uses: actions/dependency-review-action@v4
        with:
          fail-on-severity: high`;
