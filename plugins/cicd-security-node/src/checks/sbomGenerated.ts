import { RepoSnapshot } from '../snapshot';
import { ciFiles, mainCiFile, VENDORED_PATH } from '../analysis/ciFiles';
import {
  ActionRule,
  Evidence,
  findEvidence,
  LineRule,
} from '../analysis/ciEvidence';
import { createScorecardCheck, outcome } from './types';
import { fixForPlatform } from '../analysis/ciPlatforms';

/** Steps and build-tool plugins that produce a software bill of materials. */
export const SBOM_RULES: LineRule[] = [
  {
    tool: 'Syft',
    re: /anchore\/sbom-action@|\bsyft\s+(?:scan\s+|packages\s+)?\S|\bsyft\b[^\n]*-o\s*(?:spdx|cyclonedx)/i,
    unless: /\bsyft\s+(?:version|--version)\b/i,
  },
  { tool: 'cdxgen', re: /\bcdxgen\b/i },
  { tool: 'CycloneDX', re: /cyclonedx/i },
  {
    tool: 'SPDX tools',
    re: /\bspdx-sbom-generator\b|spdx-maven-plugin|\bsbom-tool\s+generate\b|microsoft\/sbom-tool|advanced-security\/(?:sbom|spdx)-generator/i,
  },
  {
    tool: 'docker buildx --sbom',
    re: /\bdocker\s+(?:buildx\s+)?build\b[^\n]*--sbom(?:=true|\s+true|(?=\s|$))/i,
  },
  {
    tool: 'docker/build-push-action sbom',
    re: /^\s*sbom:\s*['"]?true['"]?\s*$/i,
  },
  {
    tool: 'Trivy SBOM',
    re: /\btrivy\b[^\n]*--format[= ]\s*(?:cyclonedx|spdx|spdx-json)\b/i,
  },
  { tool: 'npm sbom', re: /\bnpm\s+sbom\b/i },
  {
    tool: 'attest-sbom',
    re: /actions\/attest-sbom@|\bcosign\s+attest\b[^\n]*--type[= ](?:cyclonedx|spdx|spdxjson)/i,
  },
  { tool: 'Kubernetes bom', re: /\bbom\s+generate\b/i },
  { tool: 'GitHub dependency graph SBOM', re: /\/dependency-graph\/sbom\b/i },
  { tool: 'GoReleaser sboms', re: /^sboms:\s*$/ },
];

export const SBOM_ACTIONS: ActionRule[] = [
  {
    tool: 'Trivy SBOM',
    uses: /^aquasecurity\/trivy-action@/i,
    when: w => /^(?:cyclonedx|spdx|spdx-json)$/i.test(w.format ?? ''),
  },
];

/** SBOM documents committed to the repository (OpenSSF Scorecard's names, plus bom/sbom files). */
export const SBOM_FILE_RE =
  /\.(?:cdx\.json|cdx\.xml|spdx|spdx\.json|spdx\.xml|spdx\.ya?ml|spdx\.rdf|spdx\.rdf\.xml)$|(?:^|\/)s?bom\.(?:json|xml)$|\.sbom\.json$/i;

/** Build files where an SBOM plugin may be configured, besides the CI files. */
const BUILD_FILE_RE =
  /(?:^|\/)(?:pom\.xml|build\.gradle(?:\.kts)?|package\.json|\.goreleaser\.ya?ml)$/;
export function findSbomGeneration(snapshot: RepoSnapshot): Evidence[] {
  const files = [
    ...ciFiles(snapshot),
    ...snapshot
      .files()
      .filter(f => BUILD_FILE_RE.test(f) && !VENDORED_PATH.test(f)),
  ];
  return findEvidence(snapshot, SBOM_RULES, SBOM_ACTIONS, files).filter(
    // In build files only the plugins count, not a dependency on a CycloneDX library name in a JSON value.
    e =>
      ciFiles(snapshot).includes(e.file) ||
      /cyclonedx|syft|spdx|^sboms:/i.test(e.snippet),
  );
}

/**
 * An SBOM lists what a release contains, so that users can tell within hours
 * whether a newly disclosed vulnerable component is in it.
 */
export const sbomGenerated = createScorecardCheck({
  id: 'sbom-generated',
  title: 'SBOM generated',
  description:
    'The build produces a software bill of materials (Syft/anchore sbom-action, cdxgen, CycloneDX tools and plugins, docker buildx --sbom, GitLab CycloneDX reports), or the repository holds one.',
  category: 'compliance',
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
    'https://docs.github.com/en/code-security/supply-chain-security/understanding-your-software-supply-chain/exporting-a-software-bill-of-materials-for-your-repository',
  run(snapshot) {
    const evidence = findSbomGeneration(snapshot);
    if (evidence.length > 0) {
      const tools = [...new Set(evidence.map(e => e.tool))];
      return outcome.pass(
        `${tools.join(', ')} (${evidence[0].file}:${evidence[0].line})`,
      );
    }
    const sbomFile = snapshot
      .files()
      .find(f => SBOM_FILE_RE.test(f) && !VENDORED_PATH.test(f));
    if (sbomFile) {
      return {
        status: 'warn',
        score: 5,
        reason: `SBOM file ${sbomFile} is committed but no pipeline generates one`,
        findings: [
          {
            message: `${sbomFile} is a committed SBOM that no pipeline regenerates, so it drifts from what is built; generate it in the release pipeline`,
            file: sbomFile,
            fingerprintKey: 'sbom-not-generated',
            severity: 'low',
          },
        ],
      };
    }
    const file = mainCiFile(snapshot);
    return outcome.fail(0, [
      {
        message:
          'No pipeline generates an SBOM and the repository holds none; generate one with Syft, cdxgen or a CycloneDX plugin when building releases',
        file,
        line: file ? 1 : undefined,
        column: file ? 1 : undefined,
        fingerprintKey: 'no-sbom',
        suggestedFix: fixForPlatform(snapshot, {
          'github-actions': {
            description:
              'Generate an SPDX SBOM in the release workflow with anchore/sbom-action',
            replacement: SBOM_STEP,
          },
          neutral: {
            description:
              'Generate an SBOM when building releases (`syft . -o spdx-json=sbom.spdx.json`) and publish it with the release',
          },
        }),
      },
    ]);
  },
});

const SBOM_STEP = `- uses: anchore/sbom-action@v0
  with:
    format: spdx-json
    output-file: sbom.spdx.json`;
