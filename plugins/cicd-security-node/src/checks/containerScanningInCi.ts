import { RepoSnapshot } from '../snapshot';
import { dockerfilePaths, getDockerfiles } from '../parsers/dockerfile';
import {
  ActionRule,
  Evidence,
  findScannerEvidence,
  LineRule,
} from '../analysis/ciEvidence';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Commands and steps that scan a built container image for vulnerabilities. */
export const CONTAINER_SCANNERS: LineRule[] = [
  { tool: 'Trivy (image)', re: /\btrivy\s+(?:image|i)\b/i },
  {
    tool: 'Grype',
    re: /\bgrype\s+(?:docker:|registry:|docker-archive:|oci-dir:|oci-archive:|podman:|\$|["']?[\w.-]+(?:\/[\w.-]+)*:[\w.${}-]+)/i,
    unless: /\bgrype\s+(?:dir|file|sbom):/i,
  },
  {
    tool: 'Snyk Container',
    re: /\bsnyk\s+container\s+(?:test|monitor)\b|snyk\/actions\/docker@|\bsnyk\s+test\b[^\n]*--docker\b/i,
  },
  {
    tool: 'Docker Scout',
    re: /\bdocker\s+scout\s+(?:cves|quickview|recommendations|compare)\b|docker\/scout-action@/i,
  },
  {
    tool: 'GitLab Container Scanning',
    re: /Container-Scanning\.(?:latest\.)?gitlab-ci\.yml|components\/container-scanning\//i,
  },
  { tool: 'Clair', re: /\bclair-scanner\b|\bclairctl\b/i },
  {
    tool: 'Prisma Cloud',
    re: /\btwistcli\s+images\s+scan\b|PaloAltoNetworks\/prisma-cloud-scan/i,
  },
  { tool: 'Wiz', re: /\bwizcli\s+docker\s+scan\b/i },
  { tool: 'Anchore', re: /\banchore-cli\s+image\b|\banchorectl\s+image\b/i },
  {
    tool: 'Azure container scan',
    re: /azure\/container-scan@|crazy-max\/ghaction-container-scan@/i,
  },
  {
    tool: 'JFrog Xray',
    re: /\b(?:jf|jfrog)\s+(?:docker\s+scan|scan\s+--docker)\b/i,
  },
  { tool: 'Sysdig', re: /sysdiglabs\/scan-action|\bsysdig-cli-scanner\b/i },
  { tool: 'Aqua', re: /\baquasec\/scanner|\bscannercli\s+scan\b/i },
];

/** Scanner actions whose input decides whether they scan an image. */
export const CONTAINER_SCANNER_ACTIONS: ActionRule[] = [
  {
    tool: 'Trivy (image)',
    uses: /^aquasecurity\/trivy-action@/i,
    when: w => /^(?:image)?$/i.test(w['scan-type'] ?? ''),
  },
  { tool: 'Grype', uses: /^anchore\/scan-action@/i, when: w => !!w.image },
];

export function findContainerScanning(snapshot: RepoSnapshot): Evidence[] {
  return findScannerEvidence(
    snapshot,
    CONTAINER_SCANNERS,
    CONTAINER_SCANNER_ACTIONS,
  );
}

/**
 * Images carry a whole operating system's packages besides the application;
 * scanning the built image finds the vulnerable ones before it is deployed.
 */
export const containerScanningInCi = createScorecardCheck({
  id: 'container-scanning-in-ci',
  title: 'Container images scanned',
  description:
    'When the repository builds container images, the pipeline scans them for vulnerabilities with Trivy, Grype, Snyk Container, Docker Scout or GitLab Container Scanning.',
  category: 'vulnerability-scanning',
  severity: 'medium',
  platforms: [
    'dockerfile',
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
  ],
  remediationUrl:
    'https://docs.gitlab.com/user/application_security/container_scanning/',
  run(snapshot) {
    const paths = dockerfilePaths(snapshot);
    if (paths.length === 0)
      return outcome.notApplicable(
        'no Dockerfile or Containerfile in the repository',
      );
    const evidence = findContainerScanning(snapshot);
    if (evidence.length > 0) {
      const tools = [...new Set(evidence.map(e => e.tool))];
      return outcome.pass(
        `${tools.join(', ')} (${evidence[0].file}:${evidence[0].line})`,
      );
    }
    const parsed = new Map(getDockerfiles(snapshot).map(d => [d.path, d]));
    const findings: CheckFinding[] = paths.map(path => {
      const from = parsed.get(path)?.stages[0]?.instruction;
      return {
        message: `${path} builds an image that no pipeline scans for vulnerabilities; add Trivy, Grype, Snyk Container or Docker Scout after the build`,
        file: path,
        line: from?.line ?? 1,
        column: from?.column ?? 1,
        fingerprintKey: `no-container-scanning:${path}`,
        suggestedFix: {
          description:
            'Scan the built image with Trivy in the workflow that builds it',
          replacement: TRIVY_STEP,
        },
      };
    });
    return outcome.fail(0, findings);
  },
});

const TRIVY_STEP = `- uses: aquasecurity/trivy-action@0.28.0
  with:
    image-ref: \${{ env.IMAGE }}
    severity: CRITICAL,HIGH
    exit-code: '1'`;
